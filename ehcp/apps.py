from django.apps import AppConfig


class EhcpConfig(AppConfig):
    name = "ehcp"
    default_auto_field = "django.db.models.BigAutoField"
