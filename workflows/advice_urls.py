"""The advice portal, under /tasks/advice/. Every route takes opaque UUIDs only (DM-04)."""

from django.urls import path

from . import advice_views as views

app_name = "advice"

urlpatterns = [
    path("", views.agency_list, name="list"),
    path("figures/", views.figures, name="figures"),
    path("case/<uuid:case_id>/", views.case_advice, name="case"),
    path("case/<uuid:case_id>/ask/", views.add, name="add"),
    path("attachments/<uuid:attachment_id>/", views.attachment_download, name="download"),
    path("more-time/<uuid:extension_id>/", views.extension_decide, name="extension"),
    path("<uuid:advice_id>/", views.detail, name="detail"),
    path("<uuid:advice_id>/edit/", views.editor, name="edit"),
    path("<uuid:advice_id>/entries/new/<slug:kind>/", views.entry_new, name="entry-new"),
    path("<uuid:advice_id>/entries/<uuid:entry_id>/", views.entry_edit, name="entry-edit"),
    path(
        "<uuid:advice_id>/entries/<uuid:entry_id>/remove/", views.entry_remove, name="entry-remove"
    ),
    path("<uuid:advice_id>/attachments/", views.attachment_upload, name="upload"),
    path(
        "<uuid:advice_id>/attachments/<uuid:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("<uuid:advice_id>/check/", views.check, name="check"),
    path("<uuid:advice_id>/more-time/", views.more_time, name="more-time"),
    path("<uuid:advice_id>/review/", views.review, name="review"),
    path("<uuid:advice_id>/chase/", views.chase, name="chase"),
    path("<uuid:advice_id>/cancel/", views.cancel, name="cancel"),
]
