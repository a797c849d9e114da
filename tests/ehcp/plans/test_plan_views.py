"""The plan pages: who may see and change what, the editor's happy path and error summary, the
checklist, history and compare, documents and downloads, and a constant number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp.plans import services
from ehcp.plans.models import (
    DocumentDownload,
    DocumentKind,
    PlanDocument,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def url(name, case, *args):
    return reverse(f"ehcp:plan:{name}", args=[case.public_id, *args])


def d(value, name):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def test_the_plan_page_is_for_the_councils_sen_team_only(client, drafting, plan, cast):
    case = drafting.case
    client.force_login(cast.caseworker)
    page = client.get(url("overview", case)).content.decode()
    assert "EHC plan" in page and "Every check is met" in page
    assert 'data-check="PLAN-B-F" data-passed="yes"' in page
    client.force_login(cast.health_adviser)  # can see the case, but not edit the plan
    assert client.get(url("overview", case)).status_code == 403
    client.force_login(cast.outsider)  # another council's manager: the case does not exist
    assert client.get(url("overview", case)).status_code in (403, 404)
    assert client.get(url("documents", case)).status_code == 404
    case_page = client.get(reverse("ehcp:case-detail", args=[case.public_id]))
    assert case_page.status_code == 404


def test_writing_the_plan_through_the_pages_until_the_checks_pass(client, drafting, cast):
    case = drafting.case
    client.force_login(cast.caseworker)
    page = client.get(url("overview", case)).content.decode()
    assert 'data-check="PLAN-B-LISTED" data-passed="no"' in page

    response = client.post(
        url("need-new", case),
        {"section": "B", "text": "Finds reading and spelling very hard", "need_code": "SPLD"},
    )
    assert response.status_code == 302
    need = PlanNeed.objects.get()
    client.post(
        url("outcome-new", case),
        {
            "text": "Reads a short book independently",
            "by_when": "End of Year 5",
            "needs": [need.pk],
        },
    )
    outcome = PlanOutcome.objects.get()

    # A provision form with half a frequency shows the service's message in the error summary.
    bad = client.post(
        url("provision-new", case), {"section": "F", "what": "Phonics", "frequency_count": "3"}
    )
    assert bad.status_code == 200
    assert (
        "There is a problem" in bad.content.decode() and "Enter how often" in bad.content.decode()
    )
    assert not PlanProvision.objects.exists()

    response = client.post(
        url("provision-new", case),
        {
            "section": "F",
            "what": "Daily phonics in a small group",
            "who": "Teaching assistant trained in the programme",
            "frequency_count": "5",
            "frequency_period": "WEEK",
            "session_minutes": "20",
            **d(drafting.when.draft_on + 300 * DAY, "ends_on"),
            "needs": [need.pk],
            "outcomes": [outcome.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(url("overview", case)).content.decode()
    assert "Every check is met" in page and "Daily phonics in a small group" in page

    response = client.post(url("entry-remove", case, "outcomes", outcome.public_id))
    assert response.status_code == 302
    page = client.get(url("overview", case)).content.decode()
    assert 'data-check="PLAN-F-LINKED" data-passed="no"' in page


def test_the_draft_task_shows_the_failed_checks(client, drafting, cast):
    from workflows.models import CaseTask

    case = drafting.case
    task = CaseTask.objects.human().open().get(case=case)
    client.force_login(cast.caseworker)
    if task.owner_id is None:
        client.post(f"/tasks/{task.public_id}/claim/")
    with time_machine.travel(drafting.when.draft_on):
        client.force_login(cast.caseworker)
        response = client.post(
            f"/tasks/{task.public_id}/",
            {**d(drafting.when.draft_on, "issued_on"), "letter_sent_how": "EMAIL"},
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The draft cannot be issued: Section B lists" in page


def test_suggestions_are_accepted_and_dropped_from_the_page(client, drafting, cast):
    advice = drafting.advice_request("PSYCHOLOGICAL")
    advice.entries.all().delete()  # advice without structured entries is read from its text
    type(advice).objects.filter(pk=advice.pk).update(
        summary="Struggles to start tasks without adult help.\nCoaching 2 times a week for 15 minutes."
    )
    case = drafting.case
    client.force_login(cast.caseworker)
    assert client.post(url("suggest", case)).status_code == 302
    page = client.get(url("overview", case)).content.decode()
    assert "Suggestions from the advice" in page and "Struggles to start tasks" in page
    need = PlanNeed.objects.get(status="SUGGESTED", text__startswith="Struggles")
    provision = PlanProvision.objects.get(status="SUGGESTED", what__startswith="Coaching")
    client.post(url("entry-accept", case, "needs", need.public_id))
    client.post(url("entry-remove", case, "provisions", provision.public_id))
    need.refresh_from_db()
    provision.refresh_from_db()
    assert (need.status, provision.status) == ("ACCEPTED", "DROPPED")


def test_history_and_compare_show_who_changed_what(
    client, drafting, plan, cast, manager, django_capture_on_commit_callbacks
):
    case = drafting.case
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_draft()
    need = plan.needs.get()
    services.need_save(
        plan=plan, need=need, section="B", text="Needs changed after the draft", by=manager
    )
    client.force_login(cast.caseworker)
    history = client.get(url("history", case)).content.decode()
    assert manager.get_full_name() in history and "Needs changed after the draft" in history
    assert "Version 1: draft ehc plan issued" in history
    compare = client.get(url("compare", case), {"a": "v1", "b": "working"}).content.decode()
    assert "Needs changed after the draft" in compare
    assert compare.count('data-changed="yes"') >= 1
    assert 'data-section="B"' in compare
    assert client.get(url("compare", case), {"a": "v9"}).status_code == 404


def test_documents_are_downloaded_by_those_who_may_see_the_case_and_each_download_is_recorded(
    client, drafting, plan, cast, django_capture_on_commit_callbacks
):
    case = drafting.case
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_draft()
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    for person in (cast.caseworker, cast.health_adviser):
        client.force_login(person)
        page = client.get(url("documents", case)).content.decode()
        assert "Draft EHC plan" in page
        response = client.get(url("document-download", case, draft.public_id))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert (
            "Quillfeather" not in response["Content-Disposition"]
        )  # no personal details in the name
    assert list(DocumentDownload.objects.order_by("pk").values_list("user", flat=True)) == [
        cast.caseworker.pk,
        cast.health_adviser.pk,
    ]
    client.force_login(cast.outsider)
    assert client.get(url("document-download", case, draft.public_id)).status_code == 404
    assert DocumentDownload.objects.count() == 2


def test_the_health_body_agrees_health_provision_from_its_page(client, drafting, plan, cast):
    case = drafting.case
    provision = services.provision_save(
        plan=plan, section="G", what="Speech and language therapy review", by=cast.caseworker
    )
    client.force_login(cast.health_adviser)
    page = client.get(url("documents", case)).content.decode()
    assert "Health provision for your agreement" in page
    with time_machine.travel(drafting.when.draft_on):
        client.force_login(cast.health_adviser)
        response = client.post(
            url("provision-agree", case, provision.public_id),
            d(drafting.when.draft_on, "agreed_on"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    provision.refresh_from_db()
    assert provision.health_agreed_by == cast.health_adviser
    client.force_login(cast.psychologist)  # sees the case (gave advice), but is not the health body
    assert client.get(url("provision-agree", case, provision.public_id)).status_code == 403


def _add_entries(plan, cast, n):
    for i in range(n):
        need = services.need_save(
            plan=plan, section="B", text=f"Need number {i}", by=cast.caseworker
        )
        outcome = services.outcome_save(
            plan=plan, text=f"Outcome {i}", needs=[need], by=cast.caseworker
        )
        services.provision_save(
            plan=plan,
            section="F" if i % 2 else "G",
            what=f"Provision {i}",
            who="TA",
            frequency_count=2,
            frequency_period="WEEK",
            session_minutes=30,
            needs=[need],
            outcomes=[outcome],
            by=cast.caseworker,
        )


def test_the_plan_page_reads_the_same_number_of_queries_however_many_entries(
    client, drafting, plan, cast
):
    case = drafting.case
    client.force_login(cast.caseworker)

    def count():
        client.get(url("overview", case))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("overview", case))
        assert response.status_code == 200
        return len(ctx)

    _add_entries(plan, cast, 2)
    few = count()
    _add_entries(plan, cast, 20)
    assert count() == few


def test_a_final_plan_naming_the_setting_is_withheld_where_whereabouts_are_protected(
    client, drafting, plan, cast, django_capture_on_commit_callbacks
):
    case = drafting.case
    type(case.child).objects.filter(pk=case.child_id).update(protected_whereabouts=True)
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_draft()
        drafting.record_comments()
        drafting.reply_to_consultation()
        drafting.issue_final()
    final = PlanDocument.objects.get(kind=DocumentKind.FINAL_PLAN)
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    client.force_login(cast.psychologist)  # a partner without the whereabouts permission
    page = client.get(url("documents", case)).content.decode()
    assert "Draft EHC plan" in page and "Final EHC plan" not in page
    assert client.get(url("document-download", case, final.public_id)).status_code == 404
    assert client.get(url("document-download", case, draft.public_id)).status_code == 200
    client.force_login(
        cast.caseworker
    )  # the council's caseworker has no whereabouts permission either
    overview = client.get(url("overview", case)).content.decode()
    assert cast.school.name not in overview


def test_opening_the_editor_changes_nothing_until_something_is_saved(client, drafting, cast):
    from ehcp.plans.models import Plan

    client.force_login(cast.caseworker)
    for name in (
        "details",
        "need-new",
        "outcome-new",
        "provision-new",
        "overview",
        "history",
        "compare",
    ):
        assert client.get(url(name, drafting.case)).status_code == 200, name
    assert not Plan.objects.exists()


def _sources(page: str) -> list[str]:
    import re

    return [
        " ".join(cell.split()) for cell in re.findall(r'data-test="source">(.*?)</td>', page, re.S)
    ]


def test_each_suggestion_says_which_advice_agency_and_adviser_it_came_from(client, cast):
    from ehcp.assessments.models import AssessmentStatus
    from tests.factories import ALL_ADVICE, CaseWalk

    walk = CaseWalk(cast, advice=ALL_ADVICE).to(AssessmentStatus.DRAFTING)
    case = walk.case
    client.force_login(cast.caseworker)
    assert client.post(url("suggest", case)).status_code == 302
    sources = _sources(client.get(url("overview", case)).content.decode())
    health = cast.health_adviser.get_full_name() or cast.health_adviser.username
    senco = cast.senco.get_full_name() or cast.senco.username
    assert f"Medical advice from {cast.health.name} ({health})" in sources
    assert f"Educational advice from {cast.school.name} ({senco})" in sources
    assert (
        len(sources)
        == PlanNeed.objects.filter(status="SUGGESTED").count()
        + PlanOutcome.objects.filter(status="SUGGESTED").count()
        + PlanProvision.objects.filter(status="SUGGESTED").count()
    )

    # A protected child's school is not named, nor its adviser, to a caseworker who may not see
    # the child's whereabouts.
    type(case.child).objects.filter(pk=case.child_id).update(protected_whereabouts=True)
    sources = _sources(client.get(url("overview", case)).content.decode())
    assert (
        "Educational advice from a school or setting (name withheld: protected whereabouts)"
        in sources
    )
    assert not any(cast.school.name in s or senco in s for s in sources)
    assert f"Medical advice from {cast.health.name} ({health})" in sources


def test_section_a_starts_from_the_familys_views_and_stays_editable(client, drafting, cast):
    from ehcp.plans.models import Plan

    case = drafting.case
    family = drafting.advice_request("PARENT_VIEWS")
    expected = " ".join(family.summary.split()[:4])
    client.force_login(cast.caseworker)
    page = client.get(url("details", case)).content.decode()
    assert "Section A is filled in from the family&#x27;s views" in page
    assert expected in page.split('name="views"')[1].split("</textarea>")[0]
    assert not Plan.objects.exists()  # shown, not saved, until the caseworker saves
    response = client.post(
        url("details", case), {"views": "My own words", "placement_type": "", "personal_budget": ""}
    )
    assert response.status_code == 302
    assert Plan.objects.get().views == "My own words"
    page = client.get(url("details", case)).content.decode()
    assert "My own words" in page and "Section A is filled in" not in page


def test_the_plan_is_previewed_as_a_pdf_marked_preview_and_nothing_is_stored(
    client, drafting, plan, cast
):
    from ehcp.governance.models import AccessEvent
    from ehcp.plans.models import DocumentRender

    from .conftest import flat, pdf_text

    case = drafting.case
    client.force_login(cast.health_adviser)  # a partner: the working copy is the council's
    assert client.get(url("preview", case)).status_code == 403
    client.force_login(cast.caseworker)
    before = AccessEvent.objects.filter(case=case, what="document").count()
    response = client.get(url("preview", case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert (
        response["Content-Disposition"]
        == f'inline; filename="{case.reference}-draft-plan-preview.pdf"'
    )
    pages = pdf_text(response.content)
    text = flat(" ".join(pages))
    assert all("DRAFT PREVIEW" in page for page in pages)
    assert "PREVIEW: this plan has not been issued." in text
    assert "Preview of the draft EHC plan, not issued" in text
    assert "Small-group teaching in literacy and communication" in text
    assert "By the first annual review" in text
    # Read-audited like the plan pages; never frozen or stored.
    assert (
        AccessEvent.objects.filter(case=case, what="document", user=cast.caseworker).count()
        == before + 1
    )
    assert not PlanDocument.objects.exists() and not DocumentRender.objects.exists()
    # It shows the plan as it stands: a change is in the next preview.
    services.plan_details_update(
        plan=plan, views="Loves trains", placement_type="", personal_budget="", by=cast.caseworker
    )
    assert "Loves trains" in flat(" ".join(pdf_text(client.get(url("preview", case)).content)))


def test_the_issue_draft_task_links_to_the_plan_and_its_preview(client, drafting, cast):
    from workflows.models import CaseTask

    case = drafting.case
    task = CaseTask.objects.human().open().get(case=case)
    assert task.flow_task.name == "issue_draft"
    client.force_login(cast.caseworker)
    page = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert f'href="{url("overview", case)}">Check and change the plan</a>' in page
    assert (
        f'href="{url("preview", case)}">Preview the draft plan as it stands (PDF, not issued)</a>'
        in page
    )


def test_the_plan_page_reads_the_same_number_of_queries_however_many_suggestions(
    client, drafting, cast
):
    from ehcp.assessments.models import AdviceRequest
    from ehcp.plans.models import PlanEntryStatus

    case = drafting.case
    client.force_login(cast.caseworker)
    services.plan_fill_from_advice(case=case, by=cast.caseworker)
    plan = case.plan
    advice = list(AdviceRequest.objects.filter(case=case))

    def count():
        client.get(url("overview", case))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("overview", case))
        assert response.status_code == 200
        return len(ctx)

    def suggest(n):
        for i in range(n):
            for model, fields in (
                (PlanNeed, {"text": f"Need {i}"}),
                (PlanOutcome, {"text": f"Outcome {i}"}),
                (PlanProvision, {"what": f"Provision {i}"}),
            ):
                entry = model.objects.create(plan=plan, status=PlanEntryStatus.SUGGESTED, **fields)
                entry.advice.set(advice[: 1 + i % len(advice)])

    few = count()
    suggest(15)
    assert count() == few
