"""The review's pages, under /reviews/."""

from django.urls import path

from ehcp.reviews import views

app_name = "reviews"

urlpatterns = [
    path("<uuid:public_id>/", views.review_detail, name="detail"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document-download",
    ),
]
