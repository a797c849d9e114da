"""The case's protected FSM status: transitions only, illegal ones refused, conditions bridging
to the rules."""

from datetime import timedelta

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from ehcp.assessments.models import AdviceRequest, Assessment, AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as services
from ehcp.assessments.services.assessment import AdviceToSeek
from ehcp.children import services as child_services
from ehcp.children.models import ConsentOverride
from ehcp.children.rules import consent as consent_rules
from ehcp.common.services import CaseRuleError
from tests.factories import RECEIVED, CaseFactory, db_state

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def test_status_is_set_when_case_is_constructed():
    case = CaseFactory.build(status=AssessmentStatus.ASSESSING)

    assert case.status == AssessmentStatus.ASSESSING


def test_status_cannot_be_assigned_when_case_is_loaded():
    case = Assessment.objects.get(pk=CaseFactory().pk)

    with pytest.raises(AttributeError):
        case.status = AssessmentStatus.FINAL_ISSUED

    case.refresh_from_db()
    assert case.status == AssessmentStatus.REQUESTED


def test_status_cannot_be_assigned_when_case_is_newly_created():
    case = CaseFactory()

    with pytest.raises(AttributeError):
        case.status = AssessmentStatus.FINAL_ISSUED


def test_transition_is_not_allowed_when_source_state_is_wrong():
    case = CaseFactory()

    with pytest.raises(TransitionNotAllowed):
        case.issue_final(on=RECEIVED, named_setting=None)

    assert case.status == AssessmentStatus.REQUESTED
    assert case.final_issued_on is None


def test_save_is_refused_when_another_request_changed_the_status_first(cast):
    case = CaseFactory(council=cast.council)
    first, second = Assessment.objects.get(pk=case.pk), Assessment.objects.get(pk=case.pk)
    first.refuse_to_assess(on=RECEIVED + DAY, reasons="One")
    first.save()

    second.refuse_to_assess(on=RECEIVED + 2 * DAY, reasons="Two")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    case.refresh_from_db()
    assert (case.status, case.refusal_reasons) == (AssessmentStatus.REFUSED, "One")


# -- illegal steps through the services ----------------------------------------------------------


def _issue_final(case, cast):
    on = RECEIVED + 60 * DAY
    return services.plan_final_issue(
        case=case, issued_on=on, named_setting=cast.school, by=cast.caseworker, today=on
    )


def _issue_draft(case, cast):
    on = RECEIVED + 60 * DAY
    return services.plan_draft_issue(case=case, issued_on=on, by=cast.caseworker, today=on)


def _decide_to_issue(case, cast):
    on = RECEIVED + 60 * DAY
    return services.case_issue_decide(
        case=case, issue=True, decided_on=on, by=cast.caseworker, today=on
    )


def _decide_to_assess(case, cast):
    on = RECEIVED + 60 * DAY
    advice = [AdviceToSeek("HEALTH", cast.health), AdviceToSeek("PARENT_VIEWS", cast.council)]
    return services.case_assessment_decide(
        case=case, assess=True, decided_on=on, advice=advice, by=cast.caseworker, today=on
    )


def _refuse_to_assess(case, cast):
    on = RECEIVED + 60 * DAY
    return services.case_assessment_decide(
        case=case, assess=False, decided_on=on, reasons="Too late", by=cast.caseworker, today=on
    )


@pytest.mark.parametrize(
    "stage, step, stage_label",
    [
        (AssessmentStatus.REQUESTED, _issue_final, "Request received"),
        (AssessmentStatus.REQUESTED, _issue_draft, "Request received"),
        (AssessmentStatus.ASSESSING, _issue_draft, "Assessing"),
        (AssessmentStatus.DRAFTING, _issue_final, "Drafting the plan"),
        (AssessmentStatus.ASSESSING, _decide_to_assess, "Assessing"),
        (AssessmentStatus.REFUSED, _decide_to_assess, "Assessment refused"),
        (AssessmentStatus.FINAL_ISSUED, _refuse_to_assess, "Final plan issued"),
        (AssessmentStatus.NOT_ISSUED, _decide_to_issue, "Decided not to issue a plan"),
    ],
)
def test_step_is_refused_and_nothing_changes_when_case_is_at_the_wrong_stage(
    cast, case_at, stage, step, stage_label
):
    case = case_at(stage)
    row = Assessment.objects.filter(pk=case.pk).values().get()
    history = case.history.count()
    before = db_state()

    with pytest.raises(CaseRuleError) as info:
        step(case, cast)

    assert str(info.value) == (
        f"This case is at the stage \u201c{stage_label}\u201d, so this step cannot be taken now"
    )
    case.refresh_from_db()
    assert Assessment.objects.filter(pk=case.pk).values().get() == row
    assert case.status == stage
    assert case.history.count() == history
    assert db_state() == before


# -- conditions: one-line bridges to ehcp.children.rules.consent ------------------------------------------


def _ask(case, agency, kind, on):
    """An advice request row, written directly to examine the condition before the decision."""
    return AdviceRequest.objects.create(
        case=case,
        kind=kind,
        agency=agency,
        requested_on=on,
        due_on=deadlines.due_on(deadlines.ADVICE, on),
    )


def _consent(case, cast, agencies, *, on=RECEIVED + 2 * DAY):
    return child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=agencies,
        given_by="PARENT",
        given_by_name="A parent",
        given_on=on,
        method="EMAIL",
        by=cast.caseworker,
        today=on,
    )


def _rule_says_open(case, on) -> bool:
    return (
        consent_rules.missing_consent(
            consent_rules.Step.REQUEST_ADVICE,
            case.consent_facts(),
            agency_ids=case.advice_agency_ids(),
            on=on,
            who=case.child.who_consents(),
        )
        is None
    )


def test_consent_records_read_once_are_the_ones_the_query_finds_and_are_dropped_after(
    cast, django_assert_num_queries
):
    """Inside `consents_read_once` (the gate and the shares of one decision) the case reads the
    records its query gives, without a query: this request's and the child's own, newest first,
    and not those given for an earlier request. After the block a consent recorded since is
    seen."""
    earlier = CaseFactory(council=cast.council, status=AssessmentStatus.REFUSED)
    case = CaseFactory(council=cast.council, child=earlier.child)
    _consent(earlier, cast, [cast.health], on=RECEIVED + DAY)
    own = _consent(case, cast, [cast.health], on=RECEIVED + 2 * DAY)
    queried = list(Assessment.objects.get(pk=case.pk).consent_records())

    case = Assessment.objects.select_related("child").get(pk=case.pk)
    with case.child.consents_read_once():
        with django_assert_num_queries(0):
            read_once = case.consent_records()
            facts = case.consent_facts()
            case.child.who_consents()
    childs = child_services.consent_record(
        child=case.child,
        case=None,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[cast.ep],
        given_by="PARENT",
        given_by_name="A parent",
        given_on=RECEIVED + 3 * DAY,
        method="EMAIL",
        by=cast.caseworker,
        today=RECEIVED + 3 * DAY,
    )

    assert [r.pk for r in read_once] == [r.pk for r in queried] == [own.pk]
    assert [set(f.agency_ids) for f in facts] == [{cast.health.pk}]
    assert [r.pk for r in case.consent_records()] == [childs.pk, own.pk]


def test_consent_condition_is_false_when_no_advice_has_been_requested(cast):
    case = CaseFactory(council=cast.council)
    _consent(case, cast, [cast.health])

    assert case.has_consent_to_request_advice() is False
    assert can_proceed(case.decide_to_assess) is False


def test_consent_condition_is_false_when_consent_does_not_cover_the_agency(cast):
    case = CaseFactory(council=cast.council)
    _consent(case, cast, [cast.ep])
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)

    assert case.has_consent_to_request_advice() is False
    assert _rule_says_open(case, RECEIVED + 5 * DAY) is False
    assert can_proceed(case.decide_to_assess) is False


def test_consent_condition_is_true_when_consent_covers_every_agency_asked(cast):
    case = CaseFactory(council=cast.council)
    _consent(case, cast, [cast.health, cast.ep])
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)
    _ask(case, cast.ep, "PSYCHOLOGICAL", RECEIVED + 5 * DAY)
    # The council itself needs no cover.
    _ask(case, cast.council, "PARENT_VIEWS", RECEIVED + 5 * DAY)

    assert case.advice_agency_ids() == {cast.health.pk, cast.ep.pk}
    assert case.has_consent_to_request_advice() is True
    assert _rule_says_open(case, RECEIVED + 5 * DAY) is True
    assert can_proceed(case.decide_to_assess) is True


def test_consent_condition_is_false_when_advice_is_requested_before_consent_was_given(cast):
    case = CaseFactory(council=cast.council)
    _consent(case, cast, [cast.health], on=RECEIVED + 6 * DAY)
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)

    assert case.has_consent_to_request_advice() is False
    assert _rule_says_open(case, RECEIVED + 5 * DAY) is False


def test_consent_condition_is_false_when_consent_was_withdrawn_before_the_request(cast):
    case = CaseFactory(council=cast.council)
    record = _consent(case, cast, [cast.health])
    child_services.consent_withdraw(
        consent=record,
        withdrawn_on=RECEIVED + 4 * DAY,
        reason="Phoned",
        by=cast.caseworker,
        today=RECEIVED + 4 * DAY,
    )
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)

    assert case.has_consent_to_request_advice() is False
    assert case.missing_consent_to_request_advice(RECEIVED + 3 * DAY) is None  # still current then


def test_consent_condition_is_true_when_an_override_is_recorded(cast):
    case = CaseFactory(council=cast.council)
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)
    ConsentOverride.objects.create(
        case=case,
        step=consent_rules.Step.REQUEST_ADVICE,
        justification="x" * 30,
        authorised_by=cast.manager,
    )

    assert case.has_consent_to_request_advice() is True
    assert _rule_says_open(case, RECEIVED + 5 * DAY) is False  # the rule alone would keep it shut


def test_transitions_offered_are_the_refusal_only_when_consent_is_missing(cast):
    case = CaseFactory(council=cast.council)
    _ask(case, cast.health, "HEALTH", RECEIVED + 5 * DAY)

    available = {t.name: t.custom["label"] for t in case.get_available_status_transitions()}

    # The family may withdraw an open request whatever its stage (the party's decision).
    assert available == {
        "refuse_to_assess": "Refuse to assess",
        "withdraw": "Record that the request was withdrawn",
    }
