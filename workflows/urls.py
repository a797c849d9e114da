from django.urls import include, path

from . import consult_views, team_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new-request/", views.request_new, name="request-new"),
    path("new-request/children/<uuid:child_id>/", views.child_request_new, name="child-request"),
    path("<uuid:task_id>/", views.task_detail, name="task"),
    path("<uuid:task_id>/claim/", views.task_claim, name="task-claim"),
    path("<uuid:task_id>/release/", views.task_release, name="task-release"),
    path("<uuid:task_id>/reassign/", team_views.task_reassign, name="task-reassign"),
    path("team/", team_views.team_tasks, name="team"),
    path(
        "team/cases/<uuid:case_id>/caseworker/", team_views.case_caseworker, name="case-caseworker"
    ),
    path("cases/<uuid:case_id>/withdraw/", views.case_withdraw, name="case-withdraw"),
    path("cases/<uuid:case_id>/consult/", consult_views.case_consult, name="case-consult"),
    path("plans/<uuid:plan_id>/review/", views.review_start, name="review-start"),
    path("advice/", include("workflows.advice_urls")),
    path("reviews/", include("workflows.pipeline_urls")),
]
