"""The review episode's pages, under /reviews/."""

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
    path("<uuid:review_id>/post16-move/", views.post16_move, name="post16-move"),
    path("<uuid:review_id>/cease/replies/", views.cease_replies, name="cease-replies"),
    path("<uuid:review_id>/cease/notice/", views.cease_notice, name="cease-notice"),
    path("<uuid:review_id>/cease/ceased/", views.cease_ceased, name="cease-ceased"),
    path(
        "<uuid:review_id>/cease/mediation/",
        views.cease_mediation,
        name="cease-mediation",
    ),
    path("<uuid:review_id>/cease/appeal/", views.cease_appeal, name="cease-appeal"),
    path(
        "<uuid:review_id>/cease/appeal/decision/",
        views.cease_appeal_decision,
        name="cease-appeal-decision",
    ),
    path(
        "cease-without-review/<uuid:plan_id>/",
        views.cease_without_review,
        name="cease-without-review",
    ),
]
