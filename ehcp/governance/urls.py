"""The information governance lead's pages, under /governance/."""

from django.urls import path

from ehcp.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("access/child/", views.access_by_child, name="access-by-child"),
    path("access/person/", views.access_by_person, name="access-by-person"),
    path("break-glass/", views.break_glass_request, name="break-glass-request"),
    path("break-glass/review/", views.break_glass_queue, name="break-glass-queue"),
    path("break-glass/refused/", views.break_glass_attempts, name="break-glass-attempts"),
    path(
        "break-glass/review/<uuid:public_id>/", views.break_glass_review, name="break-glass-review"
    ),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<uuid:public_id>/", views.incident_detail, name="incident-detail"),
    path("incidents/<uuid:public_id>/decision/", views.incident_decision, name="incident-decision"),
]
