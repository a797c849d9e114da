from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # ehcp's pages link to the task and advice pages without knowing them (ehcp/common/links.py).
        from .pages import provide_ehcp_links

        provide_ehcp_links()
