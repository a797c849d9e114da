from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal receivers: the sign-in lockout log (AS-04) and ending the sessions of people
        # whose account or membership is revoked (AC-06).
        from . import sessions, signin  # noqa: F401
