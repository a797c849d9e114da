"""The plan editor and the issued documents of an episode's working copy: a case's under
/cases/<case>/plan/ (namespace ehcp:plan), a review's that amends the plan under
/reviews/<review>/plan/ (namespace review-plan, ehcp/plans/review_urls.py). One set of pages;
each view is told which kind of episode it serves (`episode`)."""

from django.urls import path

from ehcp.plans import views

app_name = "plan"


def plan_patterns(episode: str) -> list:
    """The plan pages of `episode` ("case" or "review")."""
    kind = {"episode": episode}
    patterns = [
        path("", views.plan_overview, kind, name="overview"),
        path("details/", views.plan_details, kind, name="details"),
        path("needs/new/", views.need_new, kind, name="need-new"),
        path("needs/<uuid:entry_id>/", views.need_edit, kind, name="need-edit"),
        path("outcomes/new/", views.outcome_new, kind, name="outcome-new"),
        path("outcomes/<uuid:entry_id>/", views.outcome_edit, kind, name="outcome-edit"),
        path("provisions/new/", views.provision_new, kind, name="provision-new"),
        path("provisions/<uuid:entry_id>/", views.provision_edit, kind, name="provision-edit"),
        path(
            "provisions/<uuid:entry_id>/health-agreement/",
            views.provision_agree,
            kind,
            name="provision-agree",
        ),
        path("<str:kind>/<uuid:entry_id>/accept/", views.entry_accept, kind, name="entry-accept"),
        path("<str:kind>/<uuid:entry_id>/remove/", views.entry_remove, kind, name="entry-remove"),
        path("history/", views.plan_history, kind, name="history"),
        path("compare/", views.plan_compare, kind, name="compare"),
        path("preview/", views.plan_preview, kind, name="preview"),
        path("documents/", views.plan_documents, kind, name="documents"),
        path(
            "documents/<uuid:document_id>/",
            views.document_download,
            kind,
            name="document-download",
        ),
        path("letters/<uuid:letter_id>/sent/", views.letter_sending, kind, name="letter-sending"),
    ]
    if episode == "case":
        # Suggestions are read from the advice an assessment gathers.
        patterns.insert(2, path("suggest/", views.plan_suggest, kind, name="suggest"))
    else:
        # A review's working copy is seeded from the version in force.
        patterns.insert(1, path("seed/", views.plan_seed, kind, name="seed"))
    return patterns


urlpatterns = plan_patterns("case")
