from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "ehcp.children"
    label = "children"
    verbose_name = "The child and consent"
    default_auto_field = "django.db.models.BigAutoField"
