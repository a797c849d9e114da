"""In-app notices, under /notifications/. Notices are named by opaque UUIDs only (DM-04).
Also the endpoint GOV.UK Notify posts delivery receipts to."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("preferences/", views.preferences, name="preferences"),
    path("<uuid:notice_id>/", views.notice_go, name="open"),
    # GOV.UK Notify's delivery receipts (a bearer token, not a signed-in person).
    path("notify-callback/", views.notify_callback, name="notify-callback"),
]
