from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "ehcp.governance"
    label = "governance"
    verbose_name = "Information governance"
    default_auto_field = "django.db.models.BigAutoField"
