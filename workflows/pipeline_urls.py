"""The review pipeline, under /tasks/reviews/."""

from django.urls import path

from . import pipeline_views as views

app_name = "pipeline"

urlpatterns = [
    path("", views.review_pipeline, name="index"),
    path("print/", views.review_pipeline_print, name="print"),
    path("figures/", views.review_figures, name="figures"),
    path("start/", views.reviews_start, name="start"),
    path("invitations/", views.invitations_send, name="invitations"),
]
