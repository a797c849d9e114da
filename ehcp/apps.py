"""The `ehcp` app: the EHC domain's package of rooms (common, governance, children, plans,
assessments; each room but `common` is a Django app with its own label). This app itself keeps
the migrations from before the split and every model's history tables (django-simple-history's
`app="ehcp"`), so the history rows never moved; see docs/adr/0007-domain-rooms.md."""

from django.apps import AppConfig


class EhcpConfig(AppConfig):
    name = "ehcp"
    verbose_name = "EHC casework (history)"
    default_auto_field = "django.db.models.BigAutoField"
