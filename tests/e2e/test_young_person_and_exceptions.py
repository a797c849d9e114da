"""Two caseworker journeys in a real browser, only by clicking and typing, with axe-core:

- a child became a young person during an open assessment (Children and Families Act 2014,
  s.83(2): the day after the last Friday in June of the school year they turn 16). The case says
  so and asks for consent to be confirmed with them, because the consent their parent gave for
  them as a child no longer lets advice be asked for; the caseworker records, through the young
  person's pages, that they lack capacity to decide (Mental Capacity Act 2005; CFA 2014 s.80),
  and the case page shows the effect: the notice goes and the letters go to their parents too;
- the decision whether to assess is late (SEND Regulations 2014, reg 4(1): 6 weeks) and an
  exception was recorded without an end date (so it does not count yet); the caseworker completes
  it on the exception's page, once with the date the circumstances ended and once as still going
  on, with evidence (reg 5(4)), and the task list then says "overdue, exception recorded".

The world and the cases are made through the services on dates relative to today, because the
live server runs on the real clock; the people then sign in and use only what the pages show.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import StatutoryException
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.assessment import ChildDetails, ParentDetails
from ehcp.children import services as child_services
from ehcp.children.models import YoungPersonRecord
from ehcp.children.rules import young_person as young_person_rules
from workflows import services as workflow_services

from .axe import assert_accessible as check
from .conftest import axe_context

PASSWORD = "a-long-test-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    context = axe_context(chromium)
    yield context.new_page()
    context.close()


@pytest.fixture
def world(db):
    council = Agency.objects.create(name="Exampleshire SEN team", kind=AgencyKind.SEN_TEAM)
    health = Agency.objects.create(name="Exampleshire NHS Trust", kind=AgencyKind.HEALTH)
    user = get_user_model().objects.create_user(
        "caseworker", password=PASSWORD, first_name="Casey", last_name="Worker"
    )
    Membership.objects.create(user=user, agency=council, role=Role.CASEWORKER)
    return {"council": council, "health": health, "caseworker": user}


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", "caseworker")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    check(page)


def fill_date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def open_case_from_case_list(page, reference: str):
    page.click(".govuk-service-navigation__link:has-text('Cases')")
    page.wait_for_selector("h1")
    page.click(f"a:has-text('{reference}')")
    page.wait_for_selector(f"text={reference}")
    check(page)


def receive(world, *, first_name, born, received_on, requested_by="PARENT"):
    return workflow_services.assessment_request_receive(
        council=world["council"],
        child_details=ChildDetails(first_name=first_name, last_name="Okoro", date_of_birth=born),
        parents=[ParentDetails(name="Ngozi Okoro", relationship="mother")],
        requested_by=requested_by,
        requester_name="Ngozi Okoro",
        received_on=received_on,
        reasons="Not making progress despite SEN support",
        caseworker=world["caseworker"],
        by=world["caseworker"],
        today=received_on,
    )


# -- a child who became a young person during the assessment -------------------------------------


def test_caseworker_records_a_young_persons_lack_of_capacity_and_sees_its_effect(
    live_server, browser_page, world
):
    today = timezone.localdate()
    # Last June's school leaving date is behind us: Tolu was born in the school year that left
    # then, and the request came (from the parent, for a child) at the start of that June.
    leaving_year = today.year - 1
    born = date(leaving_year - 16, 1, 10)
    became = young_person_rules.young_person_from(born)
    assert became.year == leaving_year and became < today
    received = date(leaving_year, 6, 1)
    case = receive(world, first_name="Tolu", born=born, received_on=received)
    child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[world["health"]],
        given_by="PARENT",
        given_by_name="Ngozi Okoro",
        given_on=received,
        method="WRITTEN",
        by=world["caseworker"],
        today=received,
    )
    assert not case.child.who_consents().parent_acts_for_them(today)

    page = browser_page
    sign_in(page, live_server)
    open_case_from_case_list(page, case.reference)
    notice = page.inner_text("#young-person-notice")
    assert f"Tolu became a young person on {became.day} {became:%B %Y}" in notice
    assert "Confirm consent with Tolu and record it" in notice
    assert "Letters sent today go to Tolu only." in " ".join(page.inner_text("main").split())

    page.click("#young-person-notice a:has-text('Record capacity or agreement')")
    page.wait_for_selector('h1:has-text("Record Tolu\'s capacity or agreement")')
    check(page)
    page.check("input[name=kind][value=LACKS_CAPACITY]")
    assessed = today - timedelta(days=2)
    fill_date(page, "from_on", assessed)
    page.fill(
        "#id_reason",
        "Assessed by the college's learning disability nurse: Tolu cannot weigh the information "
        "about sharing reports with health and education services.",
    )
    page.click("button:has-text('Record it')")

    page.wait_for_selector("text=Who gives consent and who is sent the letters follow it")
    check(page)
    main = " ".join(page.inner_text("main").split())
    # Their parent acts for them: the consent the parent gave counts again, so there is nothing to
    # confirm, and the letters go to the parents too.
    assert page.locator("#young-person-notice").count() == 0
    assert (
        "Letters sent today go to Tolu, and to their parents and carers, who act for them." in main
    )
    assert "Lacks capacity to make decisions about their assessment and plan" in main
    record = YoungPersonRecord.objects.get(child=case.child)
    assert (record.kind, record.from_on, record.recorded_by) == (
        "LACKS_CAPACITY",
        assessed,
        world["caseworker"],
    )
    assert case.child.who_consents().parent_acts_for_them(today)


# -- completing an exception to the decision's time limit ----------------------------------------


def late_case_with_incomplete_exception(world, first_name, today):
    """A request received 50 days ago, its decision (due after 6 weeks) 8 days overdue, with an
    exception recorded whose end date is missing (as one recorded before it was asked for)."""
    received = today - timedelta(days=50)
    case = receive(
        world, first_name=first_name, born=today.replace(year=today.year - 9), received_on=received
    )
    exception = assessment_services.exception_record(
        case=case,
        period_code=deadlines.DECIDE_TO_ASSESS.code,
        limb="5(4)(c)",
        starts_on=received + timedelta(days=10),
        ends_on=received + timedelta(days=15),
        evidence="Letter from the children's ward",
        reasoning="The parent was in hospital with the child and could not be consulted",
        family_told_on=received + timedelta(days=16),
        by=world["caseworker"],
        today=today,
    )
    StatutoryException.objects.filter(pk=exception.pk).update(ends_on=None)
    return case, received


def task_row(page, reference: str) -> str:
    return " ".join(page.locator("tr", has_text=reference).inner_text().split())


def test_caseworker_completes_exceptions_and_the_task_list_shows_overdue_exception_recorded(
    live_server, browser_page, world
):
    today = timezone.localdate()
    ended, received = late_case_with_incomplete_exception(world, "Ayo", today)
    going_on, _ = late_case_with_incomplete_exception(world, "Bisi", today)

    page = browser_page
    sign_in(page, live_server)
    page.click(".govuk-service-navigation__link:has-text('Tasks')")
    page.wait_for_selector("h1:has-text('Tasks')")
    # Not yet: an exception without an end date does not count (reg 5(4)).
    assert "Overdue by 8 days" in task_row(page, ended.reference)
    assert "exception recorded" not in task_row(page, ended.reference)
    assert "exception recorded" not in task_row(page, going_on.reference)

    # With the date the circumstances ended.
    open_case_from_case_list(page, ended.reference)
    page.click("a[href*='/exceptions/']:has-text('Complete')")
    page.wait_for_selector("h1:has-text('Complete an exception to a time limit')")
    check(page)
    fill_date(page, "ends_on", received + timedelta(days=15))
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Exception updated")
    check(page)

    # Still going on, with the evidence.
    open_case_from_case_list(page, going_on.reference)
    page.click("a[href*='/exceptions/']:has-text('Complete')")
    page.wait_for_selector("h1:has-text('Complete an exception to a time limit')")
    page.check("#id_ongoing")
    page.fill("#id_ongoing_evidence", "The ward sister's letter of last week: still in hospital")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Exception updated")
    check(page)

    page.click(".govuk-service-navigation__link:has-text('Tasks')")
    page.wait_for_selector("h1:has-text('Tasks')")
    check(page)
    assert "Overdue by 8 days, exception recorded" in task_row(page, ended.reference)
    assert "Overdue by 8 days, exception recorded" in task_row(page, going_on.reference)
    ends = {e.case_id: (e.ends_on, e.ongoing) for e in StatutoryException.objects.all()}
    assert ends[ended.pk] == (received + timedelta(days=15), False)
    assert ends[going_on.pk] == (None, True)
