"""Withdrawal of a request by the parent or young person (CFA 2014 s.36(1): the request is
theirs; s.83(2): the young person is the party). The episode closes with the reasons, its tasks
and chasers end, the flow ends, and the child is free for a later request."""

from datetime import date, timedelta

import pytest
import time_machine
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import CLOSED_STATUSES, OPEN_STATUSES, Assessment, AssessmentStatus
from ehcp.common.services import CaseRuleError
from tests.ehcp.assessments.test_views import errors_of, post_drawn
from tests.factories import ALL_ADVICE, CaseWalk, db_state, request_kwargs
from tests.workflows.test_flow_paths import assert_flow_agrees_with_case
from tests.workflows.test_task_views import as_user, d, people, record_request  # noqa: F401
from workflows import services as wf
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _withdraw(walk, *, on=None, by_whom="PARENT", reasons="The family moved out of the area"):
    on = on or walk.refresh().request_received_on + 30 * DAY
    return wf.case_withdraw(
        case=walk.case,
        withdrawn_on=on,
        withdrawn_by_whom=by_whom,
        reasons=reasons,
        by=walk.cast.caseworker,
        today=on + 2 * DAY,
    )


def test_withdrawn_is_a_closed_status_reachable_from_every_open_one():
    assert AssessmentStatus.WITHDRAWN in CLOSED_STATUSES
    assert AssessmentStatus.WITHDRAWN not in OPEN_STATUSES
    transitions = {
        t.source
        for t in Assessment._meta.get_field("status").get_all_transitions(Assessment)
        if t.name == "withdraw"
    }
    assert transitions == set(OPEN_STATUSES)


@pytest.mark.parametrize("stage", OPEN_STATUSES)
def test_withdrawal_closes_the_episode_ends_tasks_chasers_and_the_flow(cast, stage):
    walk = CaseWalk(cast, advice=ALL_ADVICE).to(stage)
    open_before = {t.pk for t in walk.open_tasks()}
    assert open_before
    on = walk.case.request_received_on + 80 * DAY

    case = _withdraw(walk, on=on)

    case = walk.refresh()
    assert case.status == AssessmentStatus.WITHDRAWN
    assert case.closed_on == case.withdrawn_on == on
    assert case.withdrawn_by_whom == "PARENT"
    assert case.withdrawal_reasons == "The family moved out of the area"
    assert case.withdrawal_recorded_by == cast.caseworker
    assert case.history.first().history_change_reason == "Request withdrawn"
    assert not walk.open_tasks().exists()
    for task in CaseTask.objects.filter(pk__in=open_before):
        assert task.status == STATUS.CANCELED
        assert task.data["cancelled"]["reason"] == "The request was withdrawn"
        assert task.data["cancelled"]["by"] == cast.caseworker.pk
    # No chaser is left to fire.
    assert not CaseTask.objects.filter(
        case=case, flow_task_type="TIMER", status__in=[STATUS.NEW, STATUS.SCHEDULED]
    ).exists()
    process = case.processes.get()
    assert process.status == PROCESS.CANCELED and process.finished is not None
    assert_flow_agrees_with_case(walk)


def test_a_new_request_is_received_after_withdrawal(cast):
    """The one-open-request-per-child rule frees the child once the request is withdrawn."""
    walk = CaseWalk(cast).to(AssessmentStatus.REQUESTED)
    child = walk.case.child
    later = walk.case.request_received_on + 40 * DAY
    with pytest.raises(CaseRuleError, match="already has an open request"):
        wf.assessment_request_receive(
            **request_kwargs(cast, later, child=child, child_details=None, today=later)
        )

    _withdraw(walk, on=walk.case.request_received_on + 10 * DAY)
    second = wf.assessment_request_receive(
        **request_kwargs(cast, later, child=child, child_details=None, today=later)
    )

    assert second.child == child and second.status == AssessmentStatus.REQUESTED
    assert second.processes.get().status == PROCESS.NEW
    assert [t.flow_task.name for t in CaseTask.objects.human().open().filter(case=second)] == [
        "decide_to_assess"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reasons": "  "}, "Enter the reasons the request was withdrawn"),
        ({"by_whom": "YOUNG_PERSON"}, "Only a parent or carer can withdraw a child's request"),
        ({"by_whom": "SETTING"}, "Choose who withdrew the request"),
        ({"on": "before"}, "must be on or after"),
    ],
)
def test_a_refused_withdrawal_changes_nothing(cast, changes, message):
    walk = CaseWalk(cast).to(AssessmentStatus.ASSESSING)
    if changes.get("on") == "before":
        changes["on"] = walk.case.request_received_on - DAY
    before = db_state()

    with pytest.raises(CaseRuleError, match=message):
        _withdraw(walk, **changes)

    assert db_state() == before


def test_a_closed_case_cannot_be_withdrawn(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.REFUSED)
    before = db_state()
    with pytest.raises(CaseRuleError, match="This case is closed"):
        _withdraw(walk)
    assert db_state() == before


def test_only_the_council_records_a_withdrawal(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.REQUESTED)
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        wf.case_withdraw(
            case=walk.case,
            withdrawn_on=walk.case.request_received_on,
            withdrawn_by_whom="PARENT",
            reasons="x",
            by=cast.senco,
            today=walk.case.request_received_on,
        )


# -- the pages -----------------------------------------------------------------------------------


@time_machine.travel(date(2026, 11, 30))
def test_the_caseworker_records_a_withdrawal_on_the_case_page(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    case_page = f"/cases/{case.public_id}/"
    page = client.get(case_page).content.decode()
    url = f"/tasks/cases/{case.public_id}/withdraw/"
    assert f'href="{url}"' in page and "Record that the request was withdrawn" in page

    empty = post_drawn(client, url, {})
    assert "Select who withdrew the request" in errors_of(empty)
    assert "Enter the reasons the request was withdrawn" in errors_of(empty)
    form = {
        "withdrawn_by_whom": "PARENT",
        **d(date(2026, 11, 20), "withdrawn_on"),
        "reasons": "The family found a place at a school that meets Ada's needs",
    }
    too_early = post_drawn(client, url, {**form, **d(date(2026, 9, 1), "withdrawn_on")})
    assert "must be on or after 7 September 2026" in errors_of(too_early)
    assert Assessment.objects.get(pk=case.pk).status == AssessmentStatus.REQUESTED

    response = post_drawn(client, url, form)

    assert response.status_code == 302 and response.url == case_page
    case.refresh_from_db()
    assert case.status == AssessmentStatus.WITHDRAWN and case.closed_on == date(2026, 11, 20)
    page = client.get(case_page).content.decode()
    assert "The request was withdrawn by the parent or carer on 20 November 2026" in page
    assert "The family found a place at a school" in page
    assert "Record that the request was withdrawn" not in page
    assert "Overdue" not in page  # the steps nobody owes any more are not late
    child_page = client.get(f"/children/{case.child.public_id}/").content.decode()
    assert "Withdrawn by the parent or carer: The family found a place" in child_page
    assert "Request withdrawn by the parent or carer" in child_page
    # The council's queue no longer shows the decision.
    assert not CaseTask.objects.human().open().filter(case=case).exists()
    inbox = client.get("/tasks/").content.decode()
    assert case.reference not in inbox
    # A closed case sends the person back.
    again = client.get(url)
    assert again.status_code == 302


@time_machine.travel(date(2026, 11, 30))
def test_partners_cannot_record_a_withdrawal(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    url = f"/tasks/cases/{case.public_id}/withdraw/"
    assert as_user(client, people["psychologist"]).get(url).status_code in (403, 404)
    assert as_user(client, people["outsider"]).get(url).status_code in (403, 404)
