"""The plan editor and the issued documents, under /cases/<case>/plan/ (namespace ehcp:plan)."""

from django.urls import path

from ehcp.plans import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_overview, name="overview"),
    path("details/", views.plan_details, name="details"),
    path("suggest/", views.plan_suggest, name="suggest"),
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/<uuid:entry_id>/", views.need_edit, name="need-edit"),
    path("outcomes/new/", views.outcome_new, name="outcome-new"),
    path("outcomes/<uuid:entry_id>/", views.outcome_edit, name="outcome-edit"),
    path("provisions/new/", views.provision_new, name="provision-new"),
    path("provisions/<uuid:entry_id>/", views.provision_edit, name="provision-edit"),
    path(
        "provisions/<uuid:entry_id>/health-agreement/",
        views.provision_agree,
        name="provision-agree",
    ),
    path("<str:kind>/<uuid:entry_id>/accept/", views.entry_accept, name="entry-accept"),
    path("<str:kind>/<uuid:entry_id>/remove/", views.entry_remove, name="entry-remove"),
    path("history/", views.plan_history, name="history"),
    path("compare/", views.plan_compare, name="compare"),
    path("preview/", views.plan_preview, name="preview"),
    path("documents/", views.plan_documents, name="documents"),
    path("documents/<uuid:document_id>/", views.document_download, name="document-download"),
    path("letters/<uuid:letter_id>/sent/", views.letter_sending, name="letter-sending"),
]
