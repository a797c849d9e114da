"""In-app notices, under /notifications/. Notices are named by opaque UUIDs only (DM-04)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<uuid:notice_id>/", views.notice_go, name="open"),
]
