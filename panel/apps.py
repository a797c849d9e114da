from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Joint Agency Panel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ehcp.common import links

        # The child's page shows the child's funding requests and a link to raise one.
        links.provide_section("child", "panel/_child_funding.html")
        # A review's page shows the funding agreed for the plan: it is reviewed with the plan.
        links.provide_section("review", "panel/_review_funding.html")
