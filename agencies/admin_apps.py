"""Django's admin served by the support site (agencies/admin_site.py). Listed in INSTALLED_APPS
in place of "django.contrib.admin"; its own module, so agencies/apps.py keeps one AppConfig."""

from django.contrib.admin.apps import AdminConfig


class SupportAdminConfig(AdminConfig):
    """Django's admin, as the support site: staff who are also administrators only."""

    default_site = "agencies.admin_site.SupportAdminSite"
