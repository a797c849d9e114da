from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # ehcp's pages link to the task and advice pages without knowing them (ehcp/common/links.py).
        from django.db.models.signals import post_migrate

        from ehcp.common.signals import episode_dates_changed
        from panel.signals import decisions_confirmed

        from .due_dates import episode_due_dates_follow
        from .pages import provide_ehcp_links
        from .repairs import repair_after_migrate
        from .services import funding_flows_start

        provide_ehcp_links()
        # Processes an older flow left behind are mended once the schema is current.
        post_migrate.connect(repair_after_migrate, sender=self)
        # An open step's due date, and its chaser, follow its episode's dates.
        episode_dates_changed.connect(episode_due_dates_follow, dispatch_uid="workflows-due-dates")
        # A confirmed funded decision of the panel starts its payment tasks and funding review.
        decisions_confirmed.connect(funding_flows_start, dispatch_uid="workflows-funding")
