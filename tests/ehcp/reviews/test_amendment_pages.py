"""The plan pages of a review that amends the plan (/reviews/<id>/plan/...): who may use them,
preparing and editing the working copy, the comparison with the version in force, the preview,
the documents (the amendment notice and the amended plan as PDFs), and the child's page listing
every version across the episodes, each in a fixed number of queries."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentKind, DocumentRender, Plan, PlanDocument, PlanNeed
from ehcp.reviews.models import ReviewStatus
from ehcp.reviews.services import amendment
from tests import factories

from .amending import (
    FIRST,
    SECOND,
    amend,
    emailed,
    plan_made_by_assessment,
    propose_amendments,
    reported_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(walk, cast):
    return plan_made_by_assessment(walk, cast)


@pytest.fixture
def review(made, cast):
    return reported_review(made.ehc_plan, cast)


def casework() -> dict:
    """The database as in `factories.db_state`, without the read audit (every page read writes
    an access event)."""
    state = factories.db_state()
    state.pop("governance.AccessEvent")
    return state


def url(review, page="", *args):
    tail = "".join(f"{arg}/" for arg in args)
    return f"/reviews/{review.public_id}/plan/{page + '/' if page else ''}{tail}"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_each_role_gets_what_the_review_allows(client, review, cast):
    """The editor, history, comparison and preview are the council's SEN team's; the documents
    are for those who may see the review (the school arranging its meeting); anyone else finds
    nothing (the editor's pages turn away anyone outside a council's SEN team first)."""
    amendment.review_plan_seed(review=review, by=cast.caseworker)
    need = PlanNeed.objects.filter(plan__review=review).first()
    officer_pages = [
        url(review),
        url(review, "details"),
        url(review, "needs/new"),
        url(review, "needs", need.public_id),
        url(review, "history"),
        url(review, "compare"),
        url(review, "preview"),
    ]
    expected = {
        "caseworker": (200, 200),
        "manager": (200, 200),
        "senco": (403, 200),  # arranges the meeting (reg 20): sees the plans, does not edit
        # Not council officers: refused at the door; the review does not exist for them.
        "health_adviser": (403, 404),  # not invited to this review
        "psychologist": (403, 404),
        "outsider": (404, 404),  # another council's officer
    }
    problems = []
    for who, (editor, documents) in expected.items():
        client.force_login(getattr(cast, who))
        for page in officer_pages:
            status = client.get(page).status_code
            if status != editor:
                problems.append((who, page, status))
        status = client.get(url(review, "documents")).status_code
        if status != documents:
            problems.append((who, "documents", status))
    assert problems == [], "\n".join(map(str, problems))


def test_the_working_copy_is_prepared_and_edited_through_the_pages(client, review, cast):
    client.force_login(cast.caseworker)
    before = casework()
    page = client.get(url(review)).content.decode()
    assert "Start from the plan in force" in page and "version 2" in page
    assert client.get(url(review, "needs/new")).status_code == 200
    assert casework() == before  # looking changes nothing
    response = client.post(url(review, "seed"))
    assert response.status_code == 302 and response["Location"] == url(review)
    plan = Plan.objects.get(review=review)
    page = client.get(url(review)).content.decode()
    assert "Nothing has changed yet" in page
    response = client.post(
        url(review, "needs/new"),
        {"section": "B", "text": "Finds it hard to start writing tasks", "need_code": "SPLD"},
    )
    assert response.status_code == 302
    assert plan.needs.filter(text="Finds it hard to start writing tasks").exists()
    page = client.get(url(review)).content.decode()
    assert "1 change proposed" in page
    assert "Before the proposed amended plan can be sent" in page
    compare = client.get(url(review, "compare")).content.decode()
    assert "Version 2: final EHC plan" in compare  # the version in force, on the left
    assert "1 added, 0 changed, 0 removed" in compare
    history = client.get(url(review, "history")).content.decode()
    assert "Seeded from version 2" in history and "Need added" in history


def test_the_reviews_page_and_its_plan_link_to_each_other(client, review, cast):
    client.force_login(cast.caseworker)
    page = client.get(f"/reviews/{review.public_id}/").content.decode()
    assert f'href="{url(review)}" id="review-plan-link">Prepare the proposed amendments' in page
    plan_page = client.get(url(review)).content.decode()
    assert f'href="/reviews/{review.public_id}/" class="govuk-back-link"' in plan_page
    client.force_login(cast.senco)  # sees the review, does not edit its plan
    assert (
        'id="review-plan-link"' not in client.get(f"/reviews/{review.public_id}/").content.decode()
    )


def test_the_change_links_of_the_seeded_entries_open_and_save_them(client, review, cast):
    """The overview links each entry by the key the versions know it by: for an entry carried
    from the plan in force that is the earlier entry's id, so the pages find the working copy's
    entry by it (the links led to "Not found")."""
    plan = amendment.review_plan_seed(review=review, by=cast.caseworker)
    client.force_login(cast.caseworker)
    page = client.get(url(review)).content.decode()
    links = re.findall(r'href="([^"]+)">Change<span class="govuk-visually-hidden"> (\w+ \w+)', page)
    assert {what for _href, what in links} >= {"need B1", "outcome E1", "provision F1"}
    for href, what in links:
        response = client.get(href)
        assert response.status_code == 200, (what, href)
    outcome = plan.outcomes.get()
    assert outcome.carried_from is not None
    href = next(href for href, what in links if what == "outcome E1")
    assert str(outcome.carried_from) in href
    response = client.post(
        href,
        {
            "text": "Reads a short chapter book aloud to the class",
            "by_when": outcome.by_when,
            "needs": [str(n.pk) for n in outcome.needs.all()],
        },
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.text == "Reads a short chapter book aloud to the class"
    assert "1 change proposed" in client.get(url(review)).content.decode()


def test_a_bad_entry_shows_its_error_and_nothing_changes(client, review, cast):
    amendment.review_plan_seed(review=review, by=cast.caseworker)
    client.force_login(cast.caseworker)
    before = casework()
    response = client.post(url(review, "needs/new"), {"section": "B", "text": ""})
    assert response.status_code == 200
    assert "Enter the need" in response.content.decode()
    assert casework() == before


def test_the_working_copy_cannot_be_changed_before_the_report(client, made, cast):
    review = reported_review(made.ehc_plan, cast, status=ReviewStatus.MEETING_HELD)
    client.force_login(cast.caseworker)
    response = client.post(url(review, "seed"))
    assert response.status_code == 302
    assert not Plan.objects.filter(review=review).exists()
    page = client.get(url(review), follow=True).content.decode()
    assert "This review has no working copy of the plan" in page


def test_the_proposed_amended_plan_is_previewed(client, review, cast):
    propose_amendments(review, cast)
    client.force_login(cast.caseworker)
    response = client.get(url(review, "preview"))
    assert response["Content-Type"] == "application/pdf"
    assert "proposed-amended-plan-preview.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Preview: Proposed amended education, health and care plan" in text
    assert "This is the proposed amended plan" in text
    assert cast.school.name in text  # section I keeps the setting in force
    assert not PlanDocument.objects.filter(review=review).exists()


def test_the_amendment_notice_and_the_amended_plan_as_the_family_reads_them(
    client, review, cast, django_capture_on_commit_callbacks
):
    propose_amendments(review, cast)
    with django_capture_on_commit_callbacks(execute=True):
        amendment.amendment_notice_issue(
            review=review,
            decided_on=FIRST.decided_on,
            reasons="The report recommends more speech and language support",
            by=cast.caseworker,
            today=FIRST.decided_on,
            sent=emailed(FIRST.decided_on),
        )
    notice = PlanDocument.objects.get(review=review, kind=DocumentKind.AMENDMENT_NOTICE)
    text = pdf_text(read(notice))
    for words in (
        "The changes we propose to your child's education, health and care plan",
        "On 15 March 2028 we decided to amend the plan",
        "The proposed amended plan (version 3) is enclosed",
        "the plan in force (version 2, issued on 12 May 2027)",
        "The report recommends more speech and language support",
        "The amendments we propose",
        "Finds it hard to start writing tasks without an adult's prompt",
        "6 times a week",
        "The review report, received on 8 March 2028",
        "You have until Wednesday 29 March 2028",
        f"The plan in force names {cast.school.name}",
        "ask us to name a particular school, college or other setting",
        "local offer",
        "meet an officer of the council",
        "by 10 May 2028 at the latest (8 weeks from the date this notice was sent)",
    ):
        assert words in text, words
    proposed = PlanDocument.objects.get(review=review, kind=DocumentKind.DRAFT_PLAN)
    text = pdf_text(read(proposed))
    assert "Proposed amended education, health and care plan for" in text
    assert "Version 3" in text and cast.school.name in text

    with django_capture_on_commit_callbacks(execute=True):
        amendment.amended_plan_issue(
            review=review,
            issued_on=FIRST.final_on,
            by=cast.caseworker,
            today=FIRST.final_on,
            sent=emailed(FIRST.final_on),
        )
    letter = PlanDocument.objects.get(review=review, kind=DocumentKind.AMENDED_PLAN_LETTER)
    text = pdf_text(read(letter))
    for words in (
        "Your child's amended education, health and care plan",
        "the final amended education, health and care (EHC) plan for",
        "(version 4), issued on 30 March 2028",
        "It replaces the plan in force (version 2, issued on 12 May 2027)",
        "What has changed",
        f"Section I of the plan names {cast.school.name}",
        "reviewed again by 14 March 2029",
        "Your right to mediation and to appeal",
        "the school or setting named in section I of the amended plan",
        "Contact the mediation adviser by Tuesday 30 May 2028",
    ):
        assert words in text, words
    final = PlanDocument.objects.get(review=review, kind=DocumentKind.FINAL_PLAN)
    text = pdf_text(read(final))
    assert "Amended education, health and care plan for" in text
    assert "DRAFT" not in text and "Version 4" in text

    client.force_login(cast.caseworker)
    page = client.get(url(review, "documents")).content.decode()
    for label in ("Proposed amended plan", "Final amended plan", "Letter: the proposed amendments"):
        assert label in page
    response = client.get(url(review, "documents", final.public_id))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert final.downloads.filter(user=cast.caseworker).exists()


def test_the_notices_sending_is_recorded_on_the_reviews_documents_page(client, review, cast):
    propose_amendments(review, cast)
    amendment.amendment_notice_issue(
        review=review,
        decided_on=FIRST.decided_on,
        reasons="More support",
        by=cast.caseworker,
        today=FIRST.decided_on,
    )
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.AMENDMENT_NOTICE)
    client.force_login(cast.caseworker)
    page = client.get(url(review, "documents")).content.decode()
    assert "Not yet sent" in page
    sent_on = FIRST.decided_on + timedelta(days=2)
    with time_machine.travel(sent_on):
        client.force_login(cast.caseworker)
        response = client.post(
            url(review, "letters", letter.public_id, "sent"),
            {
                "method": "EMAIL",
                "sent_on_0": sent_on.day,
                "sent_on_1": sent_on.month,
                "sent_on_2": sent_on.year,
            },
        )
    assert response.status_code == 302 and response["Location"] == url(review, "documents")
    review.refresh_from_db()
    assert review.amendment_served_on == sent_on
    assert review.amendment_comments_due_on == sent_on + timedelta(days=14)
    page = client.get(url(review, "documents")).content.decode()
    assert f"comments until {sent_on + timedelta(days=14):%-d %B %Y}" in page


def test_the_review_plan_page_reads_the_same_number_of_queries_however_many_entries(
    client, review, cast
):
    plan = propose_amendments(review, cast)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(review)).status_code == 200
            assert client.get(url(review, "compare")).status_code == 200
        return len(queries)

    client.force_login(cast.caseworker)
    count()
    few = count()
    need = plan.needs.get(section="B", carried_from__isnull=False)
    for number in range(4):
        extra = plan_services.need_save(
            plan=plan, section="B", text=f"Another need {number}", by=cast.caseworker
        )
        plan_services.outcome_save(
            plan=plan, text=f"Another outcome {number}", needs=[extra, need], by=cast.caseworker
        )
    assert count() == few


# -- the child's page: every version across the episodes ----------------------------------------


def versions_on_the_childs_page(client, user, child) -> list[str]:
    client.force_login(user)
    body = client.get(f"/children/{child.public_id}/").content.decode()
    start = body.index('id="plan-versions"')
    table = body[start : body.index("</table>", start)]
    return re.findall(r'data-version="(\d+)"', table)


def test_the_childs_page_shows_every_version_across_the_episodes(
    client, made, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = amend(made.ehc_plan, cast, dates=FIRST)
    client.force_login(cast.caseworker)
    body = client.get(f"/children/{made.child.public_id}/").content.decode()
    assert versions_on_the_childs_page(client, cast.caseworker, made.child) == ["4", "3"]
    assert "Final amended plan" in body and "In force" in body and first.reference in body
    final = PlanDocument.objects.get(review=first, kind=DocumentKind.FINAL_PLAN)
    link = f"/reviews/{first.public_id}/plan/documents/{final.public_id}/"
    assert link in body
    assert client.get(link).status_code == 200
    # The school arranging the review sees its versions; another council sees nothing.
    assert versions_on_the_childs_page(client, cast.senco, made.child) == ["4", "3"]
    client.force_login(cast.outsider)
    assert client.get(f"/children/{made.child.public_id}/").status_code == 404


def test_the_childs_page_lists_three_plans_in_force_over_time_in_the_same_queries(
    client, walk, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = plan_made_by_assessment(walk, cast)
    child = made.child

    def count():
        client.force_login(cast.caseworker)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/children/{child.public_id}/").status_code == 200
        return len(queries)

    count()
    one = count()
    with django_capture_on_commit_callbacks(execute=True):
        first = amend(made.ehc_plan, cast, dates=FIRST)
    made.ehc_plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        second = amend(made.ehc_plan, cast, dates=SECOND)
    assert count() == one
    assert versions_on_the_childs_page(client, cast.caseworker, child) == [
        "6",
        "5",
        "4",
        "3",
        "2",
        "1",
    ]
    body = client.get(f"/children/{child.public_id}/").content.decode()
    finals = [made.reference, first.reference, second.reference]
    assert all(reference in body for reference in finals)
    table = body[body.index('id="plan-versions"') :]
    assert table.count("In force</strong>") == 1  # the latest final amended plan
