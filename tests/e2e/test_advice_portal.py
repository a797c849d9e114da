"""The advice round trip in a real browser, for the health, social care and psychology demo users.

The adviser claims their task, saves a draft with a need, an outcome, quantified provision and an
attached report, comes back to it later, and submits it; the caseworker sees it on the case and
accepts it. Playwright drives Debian's Chromium (`/usr/bin/chromium`); without a browser the test
is skipped with the reason.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import AdviceRequest, AdviceStatus
from ehcp.assessments.services import assessment as services
from ehcp.assessments.services.assessment import AdviceToSeek, ChildDetails
from ehcp.children import services as child_services
from workflows import services as workflow_services
from workflows.models import CaseTask

from .axe import assert_accessible as check
from .conftest import axe_context

PASSWORD = "a-long-test-password"
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (demo username, role, agency kind, advice kind, task title)
ADVISERS = {
    "health": (Role.HEALTH_ADVISER, AgencyKind.HEALTH, "HEALTH", "Give health advice"),
    "socialcare": (
        Role.SOCIAL_CARE_ADVISER,
        AgencyKind.SOCIAL_CARE,
        "SOCIAL_CARE",
        "Give social care advice",
    ),
    "psychologist": (
        Role.EDUCATIONAL_PSYCHOLOGIST,
        AgencyKind.EP_SERVICE,
        "PSYCHOLOGICAL",
        "Give psychological advice",
    ),
}


@pytest.fixture
def browser(chromium):
    return chromium


@pytest.fixture
def world(db):
    """A council, the three advice agencies and their demo users, and a case waiting for advice."""
    User = get_user_model()
    council = Agency.objects.create(name="Exampleshire SEN team", kind=AgencyKind.SEN_TEAM)
    caseworker = User.objects.create_user(
        "caseworker", password=PASSWORD, first_name="Priya", last_name="Shah"
    )
    Membership.objects.create(user=caseworker, agency=council, role=Role.CASEWORKER)
    agencies = {}
    for username, (role, kind, _advice, _title) in ADVISERS.items():
        agencies[username] = Agency.objects.create(
            name=f"Exampleshire {AgencyKind(kind).label}", kind=kind
        )
        user = User.objects.create_user(
            username, password=PASSWORD, first_name=username.title(), last_name="Adviser"
        )
        Membership.objects.create(user=user, agency=agencies[username], role=role)

    today = timezone.localdate()
    received, decided = today - timedelta(days=20), today - timedelta(days=10)
    case = workflow_services.assessment_request_receive(
        council=council,
        child_details=ChildDetails(
            first_name="Ada", last_name="Lovelace", date_of_birth=today.replace(year=today.year - 9)
        ),
        requested_by="PARENT",
        requester_name="Annabella Lovelace",
        received_on=received,
        reasons="Reading and attention",
        caseworker=caseworker,
        by=caseworker,
        today=received,
    )
    child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=list(agencies.values()),
        given_by="PARENT",
        given_by_name="Annabella Lovelace",
        given_on=received,
        method="WRITTEN",
        by=caseworker,
        today=received,
    )
    workflow_services.task_complete(
        task=CaseTask.objects.human().open().get(case=case),
        user=caseworker,
        perform=lambda c: services.case_assessment_decide(
            case=c,
            assess=True,
            decided_on=decided,
            advice=[AdviceToSeek(ADVISERS[name][2], agency) for name, agency in agencies.items()],
            by=caseworker,
            today=decided,
        ),
    )
    return {"case": case}


def sign_in(browser, live_server, username):
    page = axe_context(browser).new_page()
    page.goto(f"{live_server.url}/sign-in/")
    check(page)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.mark.parametrize("username", sorted(ADVISERS))
def test_adviser_drafts_comes_back_and_submits_and_the_caseworker_accepts(
    live_server, browser, world, username
):
    _role, _kind, advice_kind, title = ADVISERS[username]
    case = world["case"]

    # The adviser claims the task from their agency's queue and opens the advice editor.
    page = sign_in(browser, live_server, username)
    page.goto(f"{live_server.url}/tasks/")
    assert "Ada Lovelace" in page.inner_text("main")
    page.click(f"a:has-text('{title}')")
    page.click("button:has-text('Claim this task')")
    page.wait_for_selector("text=You have claimed this task")
    check(page)
    page.click("a:has-text('Write your advice')")
    page.wait_for_selector(f"h1:has-text('{title}')")
    check(page)

    # A need, an outcome and quantified provision linked to both, and a report.
    page.click("a:has-text('Add a need')")
    page.fill("#id_text", "Ada loses track of spoken instructions of more than two steps.")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Need saved in your draft")
    page.click("a:has-text('Add an outcome')")
    page.fill(
        "#id_text", "By the end of Year 5 Ada follows a three-step instruction without prompting."
    )
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Outcome sought saved in your draft")
    page.click("a:has-text('Add provision')")
    page.fill("#id_text", "Small-group working memory programme")
    page.fill("#id_who", "Teaching assistant trained in the programme")
    page.fill("#id_frequency_count", "3")
    page.select_option("#id_frequency_period", "WEEK")
    page.fill("#id_session_minutes", "20")
    page.check("label:has-text('Need: Ada loses track')")
    page.check("label:has-text('Outcome sought: By the end of Year 5')")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Provision saved in your draft")
    check(page)
    page.set_input_files(
        "#id_files",
        files=[{"name": "assessment report.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=Attached assessment_report.pdf")
    check(page)

    # Save the draft and leave; nothing has reached the council yet.
    page.click("button:has-text('Save and come back later')")
    page.wait_for_selector("text=Your draft advice has been saved")
    check(page)
    advice = AdviceRequest.objects.get(case=case, kind=advice_kind)
    assert (
        advice.status == AdviceStatus.DRAFT
        and advice.entries.count() == 3
        and advice.attachments.count() == 1
    )

    # Coming back later: the draft is as it was left.
    page.goto(f"{live_server.url}/tasks/")
    page.click(f"a:has-text('{title}')")
    page.click("a:has-text('Write your advice')")
    editor = page.inner_text("main")
    assert "Ada loses track of spoken instructions" in editor
    assert "three times a week" in editor.lower() or "3 times a week" in editor
    assert "assessment_report.pdf" in editor

    # Check and submit.
    page.click("a:has-text('Check and submit')")
    page.wait_for_selector("h1:has-text('Check your advice before you submit it')")
    check(page)
    page.click("button:has-text('Submit advice')")
    page.wait_for_selector("text=Your advice has been sent to the council")
    check(page)
    submitted = page.inner_text("main")
    assert "What you submitted" in submitted and "Small-group working memory programme" in submitted
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.SUBMITTED and advice.received_on == timezone.localdate()
    assert "Provision: Small-group working memory programme" in advice.summary

    # The caseworker sees it on the case, reviews it and accepts it.
    page = sign_in(browser, live_server, "caseworker")
    page.goto(f"{live_server.url}/cases/{case.public_id}/")
    advice_section = page.inner_text("main")
    assert "Submitted" in advice_section
    page.click("a:has-text('See, chase and review all the advice')")
    page.click(f"#advice-{advice.public_id} a:has-text('Review')")
    page.wait_for_selector("h2:has-text('Your decision')")
    check(page)  # the review page: h1, then h2 before the advice's h3 headings
    review = page.inner_text("main")
    assert "Ada loses track of spoken instructions" in review
    assert "Teaching assistant trained in the programme" in review
    assert "assessment_report.pdf" in review
    page.check("input[name=decision][value=accept]")
    page.click("button:has-text('Save the decision')")
    page.wait_for_selector("text=Advice accepted")
    check(page)
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.ACCEPTED and advice.accepted_by.username == "caseworker"
