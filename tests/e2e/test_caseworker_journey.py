"""A caseworker records a request and consent in a real browser and sees the statutory dates.

Playwright drives Debian's Chromium (`/usr/bin/chromium`; `playwright install` cannot download
browsers here). Without a browser the test is skipped with the reason.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines

from .axe import assert_accessible as check
from .conftest import axe_context

PASSWORD = "a-long-test-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    """A page in a context where axe-core can run (tests/e2e/axe.py): `check(page)`."""
    context = axe_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def caseworker(db):
    council = Agency.objects.create(name="Exampleshire SEN team", kind=AgencyKind.SEN_TEAM)
    Agency.objects.create(name="Exampleshire NHS Trust", kind=AgencyKind.HEALTH)
    Agency.objects.create(name="Hill Top Primary School", kind=AgencyKind.SCHOOL)
    user = get_user_model().objects.create_user(
        "caseworker", password=PASSWORD, first_name="Casey", last_name="Worker"
    )
    Membership.objects.create(user=user, agency=council, role=Role.CASEWORKER)
    return user


def fill_date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def test_caseworker_records_request_and_consent_and_sees_due_dates(
    live_server, browser_page, caseworker
):
    page = browser_page
    today = timezone.localdate()
    received = today - timedelta(days=3)

    page.goto(f"{live_server.url}/sign-in/")
    check(page)
    page.fill("#id_username", "caseworker")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/tasks/new-request/")
    check(page)
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    fill_date(page, "date_of_birth", date(today.year - 9, 6, 15))
    page.check("input[name=requested_by][value=PARENT]")
    page.fill("#id_requester_name", "Annabella Lovelace")
    fill_date(page, "received_on", received)
    page.fill(
        "#id_reasons", "Significant difficulties with reading and attention despite school support."
    )
    page.click("button:has-text('Record the request')")

    page.wait_for_selector("h1:has-text('Ada Lovelace')")
    check(page)
    body = page.inner_text("main")
    decision_due = deadlines.due_on(deadlines.DECIDE_TO_ASSESS, received)
    final_due = deadlines.due_on(deadlines.FINAL_PLAN, received)
    assert "Decision whether to assess" in body
    assert decision_due.strftime("%-d %B %Y") in body
    assert "SEND Regulations 2014, regs 4(1) and 5(1)" in body
    assert final_due.strftime("%-d %B %Y") in body
    assert "No consent has been recorded" in body

    page.click("a:has-text('Record consent')")
    page.wait_for_selector("h1:has-text('Record consent')")
    check(page)
    page.check("input[name=purpose][value=STATUTORY_ASSESSMENT]")
    page.check("label:has-text('Exampleshire NHS Trust')")
    page.check("input[name=given_by][value=PARENT]")
    page.fill("#id_given_by_name", "Annabella Lovelace")
    fill_date(page, "given_on", received)
    page.check("input[name=method][value=WRITTEN]")
    page.click("button:has-text('Record consent')")

    page.wait_for_selector("text=Consent recorded")
    check(page)
    consent_row = page.inner_text("main")
    assert "EHC needs assessment" in consent_row
    assert "Exampleshire NHS Trust" in consent_row
    assert "Current" in consent_row
    case = Assessment.objects.get(child__last_name="Lovelace")
    assert case.decision_to_assess_due_on == decision_due
    assert case.child.consents.get().agencies.filter(name="Exampleshire NHS Trust").exists()


def test_bad_input_shows_govuk_error_summary_and_saves_nothing(
    live_server, browser_page, caseworker
):
    page = browser_page
    page.goto(f"{live_server.url}/sign-in/")
    check(page)
    page.fill("#id_username", "caseworker")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/tasks/new-request/")
    check(page)
    page.fill("#id_first_name", "Ada")
    page.click("button:has-text('Record the request')")
    summary = page.inner_text(".govuk-error-summary")
    assert "There is a problem" in summary
    assert "Enter the last name" in summary
    assert page.title().startswith("Error:")
    check(page)  # the error summary and the fields in error are accessible too
    assert not Assessment.objects.exists()
