from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "ehcp.reviews"
    label = "reviews"
    verbose_name = "Reviews, amendments and ceasing"
    default_auto_field = "django.db.models.BigAutoField"
