from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ehcp.plans"
    label = "plans"
    verbose_name = "EHC plans"
    default_auto_field = "django.db.models.BigAutoField"
