from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data (`manage.py load_demo`), driven through the real services and flows.

    It sits on top of every other app: it may import any of them, and none imports it."""

    name = "demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
