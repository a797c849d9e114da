"""Walk every path of the statutory assessment flow with the real services.

After every step the flow and the case's legal status must agree: the open human tasks are the
ones the status calls for, and the process is finished exactly when the case is closed.
"""

from datetime import timedelta

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import AdviceRequest, AssessmentStatus, SettingConsultation
from ehcp.assessments.rules import deadlines
from ehcp.children import services as child_services
from ehcp.children.models import ConsentOverride
from ehcp.children.rules.consent import Step
from ehcp.common.services import CaseRuleError
from tests.factories import ALL_ADVICE, CaseWalk, db_state
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)

ADVICE_STEPS = {
    "parent_views",
    "educational_advice",
    "health_advice",
    "psychological_advice",
    "social_care_advice",
    "other_advice",
}
# The council reviews each piece of advice from a partner agency (the family's views need none).
REVIEW_STEPS = {f"{step}_review" for step in ADVICE_STEPS - {"parent_views"}}
# The human steps that may be open while the case has each status.
OPEN_STEPS = {
    AssessmentStatus.REQUESTED: {"decide_to_assess"},
    AssessmentStatus.ASSESSING: ADVICE_STEPS | REVIEW_STEPS | {"decide_to_issue"},
    AssessmentStatus.DRAFTING: {"issue_draft"},
    AssessmentStatus.DRAFT_ISSUED: {"record_comments"},
    AssessmentStatus.CONSULTING: {"reply_to_consultation", "issue_final"},
}
END_NODES = {
    AssessmentStatus.REFUSED: "refused",
    AssessmentStatus.NOT_ISSUED: "not_issued",
    AssessmentStatus.FINAL_ISSUED: "plan_issued",
}


def assert_flow_agrees_with_case(walk: CaseWalk) -> None:
    case = walk.refresh()
    process = case.processes.get()
    open_steps = {t.flow_task.name for t in walk.open_tasks()}
    if case.is_open:
        assert process.status == PROCESS.NEW and process.finished is None
        assert open_steps, f"{case.status} but no open task"
        assert open_steps <= OPEN_STEPS[case.status], f"{case.status} with {open_steps} open"
    elif case.status == AssessmentStatus.WITHDRAWN:
        # Ended before reaching an End node: viewflow's CANCELED, with `finished` set (Flow.cancel).
        assert process.status == PROCESS.CANCELED and process.finished is not None
        assert (
            not CaseTask.objects.filter(process=process)
            .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
            .exists()
        )
        # No end of the case was reached (branches that ended on their own may have: advice
        # accepted, a setting's reply).
        ends = CaseTask.objects.filter(process=process, flow_task_type="END")
        assert not [t for t in ends if t.flow_task.name in END_NODES.values()]
    else:
        assert process.status == PROCESS.DONE and process.finished is not None
        assert (
            not CaseTask.objects.filter(process=process)
            .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
            .exists()
        )
        # The last end reached ends the process; a setting's reply ends its own branch earlier.
        end = (
            CaseTask.objects.filter(process=process, flow_task_type="END", status=STATUS.DONE)
            .order_by("-pk")
            .first()
        )
        assert end.flow_task.name == END_NODES[case.status]


def done_task(case, name) -> CaseTask:
    tasks = [t for t in CaseTask.objects.human().filter(case=case) if t.flow_task.name == name]
    assert len(tasks) == 1
    return tasks[0]


# -- the three ends ------------------------------------------------------------------------------


def test_final_plan_is_issued_when_case_is_assessed_and_a_plan_is_issued(cast):
    walk = CaseWalk(cast, advice=ALL_ADVICE)
    when = walk.when
    steps = [
        walk.receive,
        walk.consent,
        walk.decide_to_assess,
        *[lambda kind=kind: walk.submit_advice(kind) for kind in ALL_ADVICE],
        walk.decide_to_issue,
        walk.issue_draft,
        walk.record_comments,
        walk.reply_to_consultation,
        walk.issue_final,
    ]
    for step in steps:
        step()
        assert_flow_agrees_with_case(walk)

    case = walk.case
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.processes.get().status == PROCESS.DONE
    assert not CaseTask.objects.filter(case=case).open().exists()

    advice_due = when.decided_on + 42 * DAY
    consulted = SettingConsultation.objects.get(case=case)
    expected = {
        # step: (queue, due on, rule, done by)
        "decide_to_assess": (
            cast.council,
            when.received_on + 42 * DAY,
            "EHCP-DECIDE-6W",
            cast.caseworker,
        ),
        "parent_views": (cast.council, advice_due, "EHCP-ADVICE-6W", cast.caseworker),
        "educational_advice": (cast.school, advice_due, "EHCP-ADVICE-6W", cast.senco),
        "health_advice": (cast.health, advice_due, "EHCP-ADVICE-6W", cast.health_adviser),
        "psychological_advice": (cast.ep, advice_due, "EHCP-ADVICE-6W", cast.psychologist),
        "social_care_advice": (cast.social_care, advice_due, "EHCP-ADVICE-6W", cast.social_worker),
        # The caseworker reviews (and here accepts) each piece of partner advice: no statutory date.
        "educational_advice_review": (cast.council, None, "", cast.caseworker),
        "health_advice_review": (cast.council, None, "", cast.caseworker),
        "psychological_advice_review": (cast.council, None, "", cast.caseworker),
        "social_care_advice_review": (cast.council, None, "", cast.caseworker),
        "decide_to_issue": (
            cast.council,
            when.received_on + 112 * DAY,
            "EHCP-NOT-ISSUE-16W",
            cast.caseworker,
        ),
        "issue_draft": (
            cast.council,
            when.received_on + 98 * DAY,
            "EHCP-DRAFT-14W",
            cast.caseworker,
        ),
        "record_comments": (
            cast.council,
            when.draft_on + 14 * DAY,
            "EHCP-DRAFT-COMMENTS-15D",
            cast.caseworker,
        ),
        "reply_to_consultation": (
            cast.school,
            consulted.sent_on + 14 * DAY,
            "EHCP-CONSULT-15D",
            cast.senco,
        ),
        "issue_final": (
            cast.council,
            when.received_on + 140 * DAY,
            "EHCP-FINAL-20W",
            cast.caseworker,
        ),
    }
    human = CaseTask.objects.human().filter(case=case)
    actual = {t.flow_task.name: (t.agency, t.due_on, t.rule_code, t.owner) for t in human}
    assert actual == expected
    assert all(t.status == STATUS.DONE for t in human)
    # Advice and consultation steps point at the domain row they are about.
    for advice in AdviceRequest.objects.filter(case=case):
        assert (
            CaseTask.objects.get(case=case, subject_id=advice.pk, rule_code="EHCP-ADVICE-6W").agency
            == advice.agency
        )
    assert done_task(case, "reply_to_consultation").subject_id == consulted.pk
    # Nobody was chased: every timer was cancelled when its step was done.
    timers = CaseTask.objects.filter(case=case, flow_task_type="TIMER")
    # issue_draft, record_comments and the advice reviews have no chaser
    assert timers.count() == len(expected) - 2 - len(REVIEW_STEPS & set(expected))
    assert set(timers.values_list("status", flat=True)) == {STATUS.CANCELED}
    assert [
        h.history_change_reason for h in case.history.order_by("history_date", "history_id")
    ] == [
        "Request for assessment received",
        "Decided to assess; advice requested",
        "Decided to issue a plan",
        "Draft plan issued",
        "Comments on the draft recorded",
        "Final plan issued",
    ]


def test_flow_ends_at_refused_when_assessment_is_refused(cast):
    walk = CaseWalk(cast)
    walk.receive()
    assert_flow_agrees_with_case(walk)

    walk.refuse_to_assess()

    assert_flow_agrees_with_case(walk)
    assert walk.case.status == AssessmentStatus.REFUSED
    assert walk.case.processes.get().status == PROCESS.DONE
    assert not AdviceRequest.objects.filter(case=walk.case).exists()
    assert done_task(walk.case, "decide_to_assess").owner == cast.caseworker


def test_flow_ends_at_not_issued_when_council_decides_not_to_issue(cast):
    walk = CaseWalk(cast)
    for step in [walk.receive, walk.consent, walk.decide_to_assess, walk.gather_advice]:
        step()
        assert_flow_agrees_with_case(walk)

    walk.decide_to_issue(issue=False)

    assert_flow_agrees_with_case(walk)
    assert walk.case.status == AssessmentStatus.NOT_ISSUED
    assert walk.case.closed_on == walk.when.issue_decided_on
    assert walk.case.processes.get().status == PROCESS.DONE


# -- the consent gate ----------------------------------------------------------------------------


def test_decision_task_stays_open_when_consent_is_missing(cast, walk):
    walk.receive()
    task = walk.task("decide_to_assess")
    before = db_state()

    with pytest.raises(CaseRuleError) as info:
        walk.decide_to_assess()

    assert "Record consent for an EHC needs assessment that covers" in str(info.value)
    assert db_state() == before
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.ASSIGNED, cast.caseworker)
    assert not AdviceRequest.objects.exists()
    assert walk.refresh().status == AssessmentStatus.REQUESTED
    assert_flow_agrees_with_case(walk)


def test_decision_goes_ahead_when_consent_is_recorded_after_a_refusal(cast, walk):
    walk.receive()
    with pytest.raises(CaseRuleError):
        walk.decide_to_assess()

    walk.consent()
    walk.decide_to_assess()

    assert walk.case.status == AssessmentStatus.ASSESSING
    assert AdviceRequest.objects.filter(case=walk.case).count() == len(walk.advice)
    assert_flow_agrees_with_case(walk)


def test_decision_goes_ahead_without_consent_when_the_manager_overrides(cast, walk):
    walk.receive()
    with pytest.raises(CaseRuleError):
        walk.decide_to_assess()

    child_services.consent_override_record(
        case=walk.case,
        step=Step.REQUEST_ADVICE,
        by=cast.manager,
        justification="Safeguarding referral: the advice cannot wait for the family's consent.",
    )
    walk.decide_to_assess()

    assert walk.case.status == AssessmentStatus.ASSESSING
    override = ConsentOverride.objects.get(case=walk.case)
    assert (override.step, override.authorised_by) == (Step.REQUEST_ADVICE, cast.manager)
    assert override.history.get().history_user == cast.manager
    assert not walk.case.child.consents.exists()
    assert_flow_agrees_with_case(walk)


# -- advice: one task per agency asked; the decision to issue is open from the start ------------


def test_each_agency_asked_gets_one_advice_task_in_its_queue_when_assessment_is_decided(cast):
    walk = CaseWalk(cast, advice=ALL_ADVICE)
    walk.receive()
    walk.consent()
    walk.decide_to_assess()

    tasks = [t for t in walk.open_tasks() if t.flow_task.name != "decide_to_issue"]
    assert len(tasks) == len(ALL_ADVICE)
    for advice in AdviceRequest.objects.filter(case=walk.case):
        task = walk.advice_task(advice.kind)
        assert task.agency == advice.agency
        assert task.due_on == advice.requested_on + 42 * DAY == advice.due_on
        assert task.rule_code == deadlines.ADVICE.code
        # The caseworker gathers the family's views; partner agencies claim from their queue.
        expected = cast.caseworker if advice.kind == "PARENT_VIEWS" else None
        assert task.owner == expected


def test_decision_to_issue_is_open_from_the_decision_to_assess_and_no_join_waits(cast):
    """Reg 10(1) and 13(2): the council's own steps never wait for a partner. The decision whether
    to issue opens with the advice requests (due at 16 weeks); each advice branch ends alone."""
    walk = CaseWalk(cast, advice=ALL_ADVICE)
    walk.receive()
    walk.consent()
    walk.decide_to_assess()

    decision = walk.task("decide_to_issue")
    assert decision.agency == cast.council
    assert decision.due_on == walk.case.decision_not_to_issue_due_on
    assert decision.rule_code == deadlines.DECISION_NOT_TO_ISSUE.code
    assert not CaseTask.objects.filter(case=walk.case, flow_task_type="JOIN").exists()

    *first, last = ALL_ADVICE
    for kind in first:
        walk.submit_advice(kind)
    assert {t.flow_task.name for t in walk.open_tasks()} == {
        "social_care_advice",
        "decide_to_issue",
    }
    walk.submit_advice(last)
    assert [t.flow_task.name for t in walk.open_tasks()] == ["decide_to_issue"]
    # Each branch ended at its own end; the process goes on.
    ends = CaseTask.objects.filter(process__case=walk.case, flow_task_type="END")
    assert {t.flow_task.name for t in ends} == {"advice_done"}
    assert ends.count() == len(ALL_ADVICE)
    assert walk.case.processes.get().status == PROCESS.NEW
