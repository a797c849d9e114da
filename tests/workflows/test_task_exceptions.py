"""Task queues show "overdue, exception recorded" as the case page does (issue 9).

A task's time limit is its `rule_code` (and, for advice, the advice it is about). A recorded
exception to that time limit (SEND Regulations 2014, regs 5(4), 8(2), 10(4)) changes how a late
task is shown, never its date; an exception without an end date (and not recorded as still going
on) does not count.
"""

from datetime import date, timedelta

import pytest
import time_machine

from ehcp.assessments.models import AssessmentStatus, StatutoryException
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import DeadlineState
from ehcp.assessments.services import assessment as assessment_services
from tests.factories import RECEIVED, Calendar, CaseWalk
from workflows import selectors

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
DECISION_DUE = RECEIVED + 42 * DAY  # Mon 12 Apr 2027
TODAY = DECISION_DUE + 8 * DAY


NAMES = iter(f"Child{n}" for n in range(1000))


def requested(cast, *, received_on=RECEIVED):
    """A new request for a new child, its decision task with the caseworker."""
    walk = CaseWalk(cast, when=Calendar(received_on=received_on))
    walk.receive(
        child_details=assessment_services.ChildDetails(
            first_name=next(NAMES), last_name="Example", date_of_birth=date(2017, 5, 1)
        )
    )
    return walk


def record(case, cast, *, period=deadlines.DECIDE_TO_ASSESS, limb="5(4)(c)", **kw):
    starts_on = kw.pop("starts_on", RECEIVED + 10 * DAY)
    return assessment_services.exception_record(
        case=case,
        period_code=period.code,
        limb=limb,
        starts_on=starts_on,
        ends_on=kw.pop("ends_on", starts_on + 5 * DAY),
        evidence="Hospital letter",
        reasoning="The parent could not be consulted",
        family_told_on=kw.pop("family_told_on", starts_on + 6 * DAY),
        by=cast.caseworker,
        today=kw.pop("today", TODAY),
        **kw,
    )


def row_of(html: str, reference: str, title: str = "") -> str:
    """The table row of the task on this case (with this title, if given)."""
    rows = [row for row in html.split("<tr") if reference in row and title in row]
    assert len(rows) == 1, f"expected one row for {reference} {title!r}, found {len(rows)}"
    return rows[0]


def test_task_rows_show_the_exception_only_when_it_counts(cast):
    """Reg 5(4): the late decision whether to assess is "overdue, exception recorded" when an
    exception with an end date, or still going on, is recorded; plainly overdue otherwise."""
    ended, ongoing, incomplete, none = (requested(cast).case for _ in range(4))
    record(ended, cast)
    record(
        ongoing,
        cast,
        ends_on=None,
        ongoing=True,
        ongoing_evidence="Ward sister's letter",
        starts_on=RECEIVED + 30 * DAY,
    )
    StatutoryException.objects.filter(case=record(incomplete, cast).case).update(ends_on=None)

    rows = {
        row.task.case_id: row.status
        for row in selectors.task_rows(
            selectors.tasks_mine(cast.caseworker), user=cast.caseworker, today=TODAY
        )
    }

    assert rows[ended.pk].state is DeadlineState.OVERDUE_EXCEPTION
    assert rows[ended.pk].label == "Overdue by 8 days, exception recorded"
    assert rows[ongoing.pk].state is DeadlineState.OVERDUE_EXCEPTION
    assert rows[incomplete.pk].state is DeadlineState.OVERDUE
    assert rows[none.pk].label == "Overdue by 8 days"


def test_an_exception_to_another_time_limit_does_not_show(cast):
    """Reg 10(4) excuses the 16- and 20-week limits, not the 6-week decision."""
    case = requested(cast).case
    record(case, cast, period=deadlines.FINAL_PLAN, limb="10(4)(c)")

    (row,) = selectors.task_rows(
        selectors.tasks_mine(cast.caseworker), user=cast.caseworker, today=TODAY
    )
    assert row.status.state is DeadlineState.OVERDUE


@time_machine.travel(TODAY)
def test_inbox_team_page_and_task_page_show_overdue_exception_recorded(client, cast):
    excepted, plain = requested(cast).case, requested(cast).case
    record(excepted, cast)

    client.force_login(cast.caseworker)
    inbox = client.get("/tasks/").content.decode()
    assert "Overdue by 8 days, exception recorded" in row_of(inbox, excepted.reference)
    assert "exception recorded" not in row_of(inbox, plain.reference)
    assert "Overdue by 8 days" in row_of(inbox, plain.reference)

    task = CaseWalk(cast, case=excepted).task("decide_to_assess")
    page = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert "Overdue by 8 days, exception recorded" in page

    client.force_login(cast.manager)
    team = client.get("/tasks/team/").content.decode()
    assert "Overdue by 8 days, exception recorded" in row_of(team, excepted.reference)
    assert "exception recorded" not in row_of(team, plain.reference)


def test_advice_tasks_show_the_exception_recorded_on_their_own_advice(client, cast):
    """Reg 8(2): an exception is recorded on one piece of advice; only that adviser's task shows
    it."""
    walk = CaseWalk(cast).to(AssessmentStatus.ASSESSING)
    health = walk.advice_request("HEALTH")
    record(
        walk.case,
        cast,
        period=deadlines.ADVICE,
        limb="8(2)(c)",
        advice_request=health,
        starts_on=health.requested_on + 10 * DAY,
        ends_on=health.requested_on + 10 * DAY,
        today=health.due_on,
    )
    late = health.due_on + 3 * DAY

    with time_machine.travel(late):
        client.force_login(cast.health_adviser)
        inbox = client.get("/tasks/").content.decode()
        assert "Overdue by 3 days, exception recorded" in row_of(inbox, walk.case.reference)
        client.force_login(cast.psychologist)
        inbox = client.get("/tasks/").content.decode()
        assert "Overdue by 3 days</strong>" in row_of(inbox, walk.case.reference)


@pytest.mark.parametrize(
    ("ends_on", "ongoing", "evidence"),
    [(date(2027, 3, 20), False, ""), (None, True, "Ward sister's letter"), (None, False, "")],
)
def test_the_database_counts_the_exceptions_the_rule_counts(cast, ends_on, ongoing, evidence):
    """`StatutoryException.objects.counting()` (the queues' query) agrees with
    `rules.exceptions.exception_counts` (the case page's)."""
    exception = record(requested(cast).case, cast)
    StatutoryException.objects.filter(pk=exception.pk).update(
        ends_on=ends_on, ongoing=ongoing, ongoing_evidence=evidence
    )
    exception.refresh_from_db()
    in_db = StatutoryException.objects.counting().filter(pk=exception.pk).exists()
    assert in_db is exception.counts
