"""The case pages, under /cases/ (the URL namespace stays `ehcp`); the plan pages hang below each
case (ehcp/plans/urls.py)."""

from django.urls import include, path

from ehcp.assessments import views

app_name = "ehcp"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("caseload/", views.caseload, name="caseload"),
    path("timeline-calculator/", views.calculator, name="calculator"),
    path("<uuid:public_id>/", views.case_detail, name="case-detail"),
    path("<uuid:public_id>/consent/new/", views.consent_new, name="consent-new"),
    path(
        "<uuid:public_id>/consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("<uuid:public_id>/consent-override/", views.consent_override, name="consent-override"),
    path(
        "<uuid:public_id>/young-person/new/",
        views.young_person_record_new,
        name="young-person-record-new",
    ),
    path(
        "<uuid:public_id>/young-person/<uuid:record_id>/end/",
        views.young_person_record_end,
        name="young-person-record-end",
    ),
    path("<uuid:public_id>/exceptions/new/", views.exception_new, name="exception-new"),
    path(
        "<uuid:public_id>/exceptions/<uuid:exception_id>/",
        views.exception_update,
        name="exception-update",
    ),
    path("<uuid:public_id>/notices/new/", views.notice_new, name="notice-new"),
    path("<uuid:public_id>/plan/", include("ehcp.plans.urls")),
]
