"""Re-assessment of a child or young person with an EHC plan (SEND Regulations 2014, regs 24-27):
who may ask (reg 24(1)), the 15-day decision (reg 25(1)), advice as for a first assessment
(reg 26), the final amended or replacement plan 14 weeks from the decision (reg 27(2)) with the
reg 27(3) exceptions, and the 6 months after an assessment in which the council need not
re-assess (reg 24)."""

from datetime import date, timedelta

import pytest
import time_machine
from viewflow.workflow.status import PROCESS

from ehcp.assessments.models import AssessmentKind, AssessmentStatus
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common.services import CaseRuleError
from ehcp.plans.models import EhcPlan
from tests.ehcp.assessments.test_views import errors_of, post_drawn
from tests.factories import ALL_ADVICE, Calendar, CaseWalk, db_state, request_kwargs
from tests.workflows.test_flow_paths import assert_flow_agrees_with_case
from tests.workflows.test_task_views import d
from workflows import services as wf
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _first_plan(cast) -> CaseWalk:
    return CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED)


def _request_again(cast, first: CaseWalk, received_on: date, **overrides):
    return wf.assessment_request_receive(
        **request_kwargs(
            cast,
            received_on,
            child=first.case.child,
            child_details=None,
            today=received_on,
            **overrides,
        )
    )


def _task(case, name) -> CaseTask:
    return next(t for t in CaseTask.objects.human().filter(case=case) if t.flow_task.name == name)


def test_a_request_for_a_child_with_a_plan_is_a_reassessment_on_its_own_timetable(cast):
    first = _first_plan(cast)
    plan = EhcPlan.objects.get(child=first.case.child)
    received = first.when.final_on + 30 * DAY
    case = _request_again(cast, first, received, requested_by="HEALTH_BODY")

    # Reg 25(1): the decision is due 15 days from the request; the 14 weeks wait for it.
    assert case.kind == AssessmentKind.REASSESSMENT
    assert case.decision_to_assess_due_on == received + 15 * DAY
    assert case.final_plan_due_is_provisional
    assert case.final_plan_due_on == received + (15 + 98) * DAY
    assert case.previous_assessment_on == first.case.issue_decided_on
    decide = _task(case, "decide_to_assess")
    assert (decide.due_on, decide.rule_code) == (received + 15 * DAY, "REASSESS-DECIDE-15D")

    walk = CaseWalk(cast, when=Calendar(received_on=received), advice=ALL_ADVICE, case=case)
    walk.consent()
    walk.decide_to_assess()
    decided = walk.when.decided_on
    case = walk.refresh()
    # Reg 27(2): 14 weeks from the decision to re-assess, set when the decision is made.
    assert not case.final_plan_due_is_provisional
    assert case.final_plan_due_on == decided + 98 * DAY
    assert case.decision_not_to_issue_due_on == decided + 98 * DAY
    assert_flow_agrees_with_case(walk)
    # Reg 26: advice is sought as for a first assessment (6 weeks, reg 8(1)).
    assert {a.due_on for a in case.advice_requests.all()} == {decided + 42 * DAY}

    walk.gather_advice()
    walk.decide_to_issue()
    walk.issue_draft()
    walk.record_comments()
    walk.reply_to_consultation()
    walk.issue_final()
    case = walk.refresh()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert_flow_agrees_with_case(walk)
    assert case.processes.get().status == PROCESS.DONE
    expected = {
        "decide_to_issue": (decided + 98 * DAY, "REASSESS-FINAL-14W"),
        "issue_draft": (decided + 56 * DAY, "REASSESS-DRAFT-8W"),
        "issue_final": (decided + 98 * DAY, "REASSESS-FINAL-14W"),
    }
    for name, (due, rule) in expected.items():
        task = _task(case, name)
        assert (task.due_on, task.rule_code) == (due, rule), name
    # The final plan of a re-assessment changes the child's plan: no second plan.
    assert case.ehc_plan_id == plan.pk
    assert EhcPlan.objects.filter(child=case.child).count() == 1
    # Its draft and final follow the plan's versions 1 and 2 (the first assessment's).
    from ehcp.plans.models import DocumentRender

    def versions(episode):
        return sorted(
            DocumentRender.objects.filter(
                case=episode, kind__in=("DRAFT_PLAN", "FINAL_PLAN")
            ).values_list("kind", "version")
        )

    assert versions(first.case) == [("DRAFT_PLAN", 1), ("FINAL_PLAN", 2)]
    assert versions(case) == [("DRAFT_PLAN", 3), ("FINAL_PLAN", 4)]


def test_who_may_ask_for_a_reassessment(cast):
    """Reg 24(1): the parent, the young person, the setting attended, the health commissioning
    body; a health body asks only for a re-assessment."""
    first = _first_plan(cast)
    received = first.when.final_on + 30 * DAY
    before = db_state()
    with pytest.raises(CaseRuleError, match=r"reg 24\(1\)"):
        _request_again(cast, first, received, requested_by="OTHER")
    assert db_state() == before
    case = _request_again(cast, first, received, requested_by="SETTING")
    assert case.kind == AssessmentKind.REASSESSMENT
    with pytest.raises(CaseRuleError, match="only for a re-assessment"):
        wf.assessment_request_receive(
            **request_kwargs(cast, received, requested_by="HEALTH_BODY", today=received)
        )


@pytest.mark.parametrize(("months_later", "recent"), [(2, True), (8, False)])
def test_a_reassessment_may_be_refused_within_6_months_with_reasons(cast, months_later, recent):
    """Reg 24: the council need not re-assess within 6 months of an assessment; a refusal has
    reasons and carries appeal rights (CFA 2014 s.51(2)(d))."""
    from ehcp.assessments.rules.deadlines import add_months
    from ehcp.assessments.selectors import case_appeal_rights, case_reassessment, case_with_details

    first = _first_plan(cast)
    received = add_months(first.case.issue_decided_on, months_later)
    case = _request_again(cast, first, received)
    assert case_reassessment(case).recent is recent
    on = received + 10 * DAY
    with pytest.raises(CaseRuleError, match="Enter the reasons"):
        assessment_services.case_assessment_decide(
            case=case, assess=False, decided_on=on, by=cast.caseworker, today=on
        )
    walk = CaseWalk(cast, when=Calendar(received_on=received), case=case)
    walk.complete(
        walk.task("decide_to_assess"),
        lambda c: assessment_services.case_assessment_decide(
            case=c,
            assess=False,
            decided_on=on,
            reasons="An assessment was completed 2 months ago (reg 24)",
            by=cast.caseworker,
            today=on,
        ),
    )
    case = walk.refresh()
    assert case.status == AssessmentStatus.REFUSED and case.closed_on == on
    # The refused re-assessment does not take its dates from the refusal.
    assert case.final_plan_due_on == received + (15 + 98) * DAY
    assert "re-assessment" in case_appeal_rights(case_with_details(case)).decision
    assert_flow_agrees_with_case(walk)


def test_reg_27_3_exceptions_excuse_the_14_weeks_of_a_reassessment_only(cast):
    first = _first_plan(cast)
    received = first.when.final_on + 30 * DAY
    case = _request_again(cast, first, received)
    codes = {p.code for p in case.exception_periods}
    assert "REASSESS-FINAL-14W" in codes and "EHCP-FINAL-20W" not in codes
    assert "REASSESS-FINAL-14W" not in {p.code for p in first.case.exception_periods}
    today = received + 40 * DAY
    exception = assessment_services.exception_record(
        case=case,
        period_code="REASSESS-FINAL-14W",
        limb="10(4)(c)",
        starts_on=received + 16 * DAY,
        ends_on=received + 30 * DAY,
        evidence="Hospital letter",
        reasoning="The young person was in hospital",
        family_told_on=today,
        by=cast.caseworker,
        today=today,
    )
    assert exception.period_code == "REASSESS-FINAL-14W"
    with pytest.raises(CaseRuleError, match="Choose a time limit of this case"):
        assessment_services.exception_record(
            case=case,
            period_code="EHCP-FINAL-20W",
            limb="10(4)(c)",
            starts_on=received + 16 * DAY,
            ends_on=received + 30 * DAY,
            evidence="x",
            reasoning="y",
            family_told_on=today,
            by=cast.caseworker,
            today=today,
        )


# -- the pages -----------------------------------------------------------------------------------


@time_machine.travel(date(2027, 6, 20))
def test_the_caseworker_starts_a_reassessment_from_the_childs_page(client, cast):
    first = _first_plan(cast)
    child = first.case.child
    received = first.when.final_on + 30 * DAY
    client.force_login(cast.caseworker)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    url = f"/tasks/new-request/children/{child.public_id}/"
    assert f'href="{url}"' in page
    assert "Record a request for a re-assessment" in page

    form = {
        "requested_by": "HEALTH_BODY",
        "requester_name": "North Health Board",
        **d(received, "received_on"),
        "reasons": "New medical needs since the plan was issued",
        "caseworker": cast.caseworker.pk,
    }
    empty = post_drawn(client, url, {})
    assert "Select who made the request" in errors_of(empty)
    response = post_drawn(client, url, form)
    assert response.status_code == 302
    case = child.cases.get(kind=AssessmentKind.REASSESSMENT)
    assert response.url == f"/cases/{case.public_id}/"
    assert case.requested_by == "HEALTH_BODY" and case.request_received_on == received

    page = client.get(response.url).content.decode()
    assert "re-assessment" in page
    assert "14 weeks from the decision to re-assess" in page
    assert f"{received + 15 * DAY:%-d %B %Y}" in page
    assert "reg 25(1)" in page and "reg 27(2)" in page
    assert "within the 6 months before this request" in page
    assert "REASSESS-DECIDE-15D" in page
    # The child's page offers no second request while this one is open.
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert url not in page

    # The decision step says when the 6 months apply.
    task = _task(case, "decide_to_assess")
    step = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert "Will the council re-assess" in step
    assert "the council need not re-assess (reg 24)" in step
