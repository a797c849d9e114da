"""The ehcp services: one behaviour per test. Every refusal is a CaseRuleError that changes nothing.

These tests call the services directly (no flow) wherever the case can get to the state without one;
later states come from `case_at`, which drives the real flow.
"""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from agencies.models import AgencyKind, Role
from ehcp.assessments.models import (
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    SettingConsultation,
    StatutoryException,
)
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.assessment import AdviceToSeek
from ehcp.children import services as child_services
from ehcp.children.models import Child, ConsentOverride, ConsentRecord
from ehcp.children.rules.consent import Step
from ehcp.common import services as common_services
from ehcp.common.services import CaseRuleError
from tests.factories import (
    RECEIVED,
    AgencyFactory,
    CaseWalk,
    ChildFactory,
    advice_entries,
    db_state,
    member,
    request_kwargs,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@contextmanager
def refused(*fragments: str):
    """The block raises CaseRuleError whose message contains each fragment, and the database
    (every row of every table of our apps, history included) is exactly as it was."""
    before = db_state()
    with pytest.raises(CaseRuleError) as info:
        yield info
    assert db_state() == before
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.fixture
def requested(cast):
    """A REQUESTED case recorded by the service alone (no flow)."""
    return assessment_services.case_request_receive(**request_kwargs(cast))


def consent(case, cast, *, agencies=None, given_on=RECEIVED + 7 * DAY, given_by="PARENT", **kw):
    return child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[cast.health] if agencies is None else agencies,
        given_by=given_by,
        given_by_name="Morwenna Quillfeather",
        given_on=given_on,
        method="WRITTEN",
        by=cast.caseworker,
        today=kw.pop("today", given_on),
        **kw,
    )


def decide_to_assess(case, cast, *, on, advice=None, by=None, today=None):
    if advice is None:
        advice = [AdviceToSeek("HEALTH", cast.health)]
    return assessment_services.case_assessment_decide(
        case=case,
        assess=True,
        decided_on=on,
        advice=advice,
        by=by or cast.caseworker,
        today=today or on,
    )


# -- the request ---------------------------------------------------------------------------------


def test_due_dates_are_counted_from_receipt_when_request_received(cast):
    case = assessment_services.case_request_receive(**request_kwargs(cast, received_on=RECEIVED))

    case.refresh_from_db()
    assert case.status == AssessmentStatus.REQUESTED
    assert case.decision_to_assess_due_on == RECEIVED + 42 * DAY
    assert case.decision_not_to_issue_due_on == RECEIVED + 112 * DAY
    assert case.final_plan_due_on == RECEIVED + 140 * DAY
    assert case.history.get().history_change_reason == "Request for assessment received"


def test_request_is_refused_when_received_date_is_in_the_future(cast):
    with refused("The date the request was received must be today or in the past"):
        assessment_services.case_request_receive(
            **request_kwargs(cast, received_on=RECEIVED + DAY, today=RECEIVED)
        )


def test_request_is_accepted_when_received_today(cast):
    case = assessment_services.case_request_receive(
        **request_kwargs(cast, received_on=RECEIVED, today=RECEIVED)
    )

    assert case.request_received_on == RECEIVED


def test_request_is_refused_when_date_of_birth_is_after_receipt(cast):
    details = assessment_services.ChildDetails(
        "Zephyrine", "Quillfeather", date_of_birth=RECEIVED + DAY
    )

    with refused("The date of birth must be before the date the request was received"):
        assessment_services.case_request_receive(**request_kwargs(cast, child_details=details))


def test_request_is_refused_when_young_person_is_25_on_receipt(cast):
    details = assessment_services.ChildDetails(
        "Zephyrine", "Quillfeather", date_of_birth=date(2002, 3, 1)
    )

    with refused("up to the age of 25"):
        assessment_services.case_request_receive(**request_kwargs(cast, child_details=details))


def test_request_is_accepted_when_young_person_is_24_on_receipt(cast):
    details = assessment_services.ChildDetails(
        "Zephyrine", "Quillfeather", date_of_birth=date(2002, 3, 2)
    )

    # A young person: the request is theirs (CFA 2014 ss.36(1), 83(2)).
    case = assessment_services.case_request_receive(
        **request_kwargs(
            cast, child_details=details, requested_by="YOUNG_PERSON", requester_name="Zephyrine"
        )
    )

    assert case.child.age_on(RECEIVED) == 24


def test_request_is_refused_when_known_child_is_over_25(cast):
    child = ChildFactory(date_of_birth=date(2000, 1, 1))

    with refused("up to the age of 25"):
        assessment_services.case_request_receive(
            **request_kwargs(cast, child=child, child_details=None)
        )


def test_request_is_refused_when_child_already_has_an_open_request(cast, requested):
    with refused("already has an open request for assessment"):
        assessment_services.case_request_receive(
            **request_kwargs(
                cast,
                child=requested.child,
                child_details=None,
                received_on=RECEIVED + DAY,
                today=RECEIVED + DAY,
            )
        )


def test_request_is_accepted_when_earlier_request_was_refused(cast, requested):
    assessment_services.case_assessment_decide(
        case=requested,
        assess=False,
        decided_on=RECEIVED + DAY,
        reasons="Needs met by SEN support",
        by=cast.caseworker,
        today=RECEIVED + DAY,
    )

    again = assessment_services.case_request_receive(
        **request_kwargs(
            cast,
            child=requested.child,
            child_details=None,
            received_on=RECEIVED + 30 * DAY,
            today=RECEIVED + 30 * DAY,
        )
    )

    assert again.child == requested.child
    assert Assessment.objects.filter(child=requested.child).count() == 2


def test_request_is_refused_when_receiving_agency_is_not_a_council(cast):
    with refused("Only a council SEN team can receive a request"):
        assessment_services.case_request_receive(**request_kwargs(cast, council=cast.health))


# -- consent -------------------------------------------------------------------------------------


def test_consent_is_refused_when_given_by_a_16_year_old_still_of_compulsory_school_age(cast):
    """CFA 2014 s.83(2): a young person is over compulsory school age (the day after the last
    Friday in June of the school year they turn 16), not 16."""
    child = ChildFactory(date_of_birth=date(2011, 3, 8))  # 16 on 8 March 2027
    case = assessment_services.case_request_receive(
        **request_kwargs(cast, child=child, child_details=None)
    )

    with refused(f"{child.first_name} is not a young person until 26 June 2027"):
        consent(case, cast, given_by="YOUNG_PERSON", given_on=date(2027, 3, 8))


def test_consent_is_recorded_when_given_by_a_young_person_over_compulsory_school_age(cast):
    """CFA 2014 s.83(2): from the day after the school leaving date the young person consents."""
    child = ChildFactory(date_of_birth=date(2011, 3, 8))  # a young person from 26 June 2027
    case = assessment_services.case_request_receive(
        **request_kwargs(cast, child=child, child_details=None)
    )

    record = consent(case, cast, given_by="YOUNG_PERSON", given_on=date(2027, 6, 26))

    assert record.given_by == "YOUNG_PERSON"
    assert list(record.agencies.all()) == [cast.health]


def test_consent_is_refused_when_given_in_the_future(cast, requested):
    with refused("The date consent was given must be today or in the past"):
        consent(requested, cast, given_on=RECEIVED + 8 * DAY, today=RECEIVED + 7 * DAY)


def test_consent_is_refused_when_no_agencies_are_chosen(cast, requested):
    with refused("Select the agencies the consent covers"):
        consent(requested, cast, agencies=[])


def test_consent_is_kept_when_it_is_withdrawn(cast, requested):
    record = consent(requested, cast)

    child_services.consent_withdraw(
        consent=record,
        withdrawn_on=RECEIVED + 10 * DAY,
        reason="Parent phoned",
        by=cast.manager,
        today=RECEIVED + 10 * DAY,
    )

    record.refresh_from_db()
    assert record.withdrawn_on == RECEIVED + 10 * DAY
    assert record.withdrawn_by == cast.manager
    assert list(record.agencies.all()) == [cast.health]
    assert record.history.first().history_change_reason == "Consent withdrawn"
    assert ConsentRecord.objects.count() == 1


@pytest.fixture
def withdrawn(cast, requested):
    """Consent given on day 7 and withdrawn on day 20 (recorded on day 30)."""
    record = consent(requested, cast)
    child_services.consent_withdraw(
        consent=record,
        withdrawn_on=RECEIVED + 20 * DAY,
        reason="Parent wrote in",
        by=cast.caseworker,
        today=RECEIVED + 30 * DAY,
    )
    return requested


def test_gate_is_open_when_advice_is_requested_before_withdrawal(cast, withdrawn):
    decide_to_assess(withdrawn, cast, on=RECEIVED + 19 * DAY, today=RECEIVED + 30 * DAY)

    withdrawn.refresh_from_db()
    assert withdrawn.status == AssessmentStatus.ASSESSING


def test_gate_is_shut_when_advice_is_requested_on_the_withdrawal_date(cast, withdrawn):
    with refused(
        "Record consent for an EHC needs assessment that covers Northshire Community Health"
    ):
        decide_to_assess(withdrawn, cast, on=RECEIVED + 20 * DAY, today=RECEIVED + 30 * DAY)


def test_gate_is_shut_when_advice_is_requested_after_withdrawal(cast, withdrawn):
    with refused("Record consent"):
        decide_to_assess(withdrawn, cast, on=RECEIVED + 30 * DAY)


def test_withdrawal_is_refused_when_already_withdrawn(cast, withdrawn):
    record = ConsentRecord.objects.get()
    with refused("already been withdrawn"):
        child_services.consent_withdraw(
            consent=record,
            withdrawn_on=RECEIVED + 25 * DAY,
            reason="Again",
            by=cast.caseworker,
            today=RECEIVED + 30 * DAY,
        )


def test_withdrawal_is_refused_when_dated_before_consent_was_given(cast, requested):
    record = consent(requested, cast)
    with refused("must be on or after"):
        child_services.consent_withdraw(
            consent=record,
            withdrawn_on=RECEIVED + 6 * DAY,
            reason="Phoned",
            by=cast.caseworker,
            today=RECEIVED + 30 * DAY,
        )


def test_withdrawal_is_refused_when_no_reason_is_given(cast, requested):
    record = consent(requested, cast)
    with refused("Enter how the withdrawal was made"):
        child_services.consent_withdraw(
            consent=record,
            withdrawn_on=RECEIVED + 8 * DAY,
            reason="  ",
            by=cast.caseworker,
            today=RECEIVED + 30 * DAY,
        )


def test_gate_is_shut_when_consent_does_not_cover_every_agency_asked(cast, requested):
    consent(requested, cast, agencies=[cast.health])
    advice = [AdviceToSeek("HEALTH", cast.health), AdviceToSeek("PSYCHOLOGICAL", cast.ep)]

    with refused("covers Northshire EP Service"):
        decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY, advice=advice)


# -- consent overrides ---------------------------------------------------------------------------

JUSTIFICATION = "Safeguarding concern raised by the school; advice needed without delay."


def test_override_is_refused_when_recorded_by_a_caseworker(cast, requested):
    with refused("Only an SEN manager"):
        child_services.consent_override_record(
            case=requested,
            step=Step.REQUEST_ADVICE,
            justification=JUSTIFICATION,
            by=cast.caseworker,
        )


def test_override_is_refused_when_recorded_by_a_manager_of_another_council(cast, requested):
    with refused("Only an SEN manager"):
        child_services.consent_override_record(
            case=requested, step=Step.REQUEST_ADVICE, justification=JUSTIFICATION, by=cast.outsider
        )


def test_override_is_refused_when_a_caseworker_here_manages_another_council(cast, requested):
    dual = member(cast.council, Role.CASEWORKER)
    other = AgencyFactory(kind=AgencyKind.SEN_TEAM)
    dual.memberships.create(agency=other, role=Role.SEN_MANAGER)

    with refused("Only an SEN manager"):
        child_services.consent_override_record(
            case=requested, step=Step.REQUEST_ADVICE, justification=JUSTIFICATION, by=dual
        )


def test_override_is_refused_when_justification_is_too_short(cast, requested):
    with refused("at least 20 characters"):
        child_services.consent_override_record(
            case=requested, step=Step.REQUEST_ADVICE, justification="Safeguarding", by=cast.manager
        )


def test_override_opens_the_gate_when_recorded_by_the_sen_manager(cast, requested):
    with refused("Record consent"):
        decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY)

    override = child_services.consent_override_record(
        case=requested, step=Step.REQUEST_ADVICE, justification=JUSTIFICATION, by=cast.manager
    )
    decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY)

    requested.refresh_from_db()
    assert requested.status == AssessmentStatus.ASSESSING
    assert override.authorised_by == cast.manager
    assert ConsentOverride.objects.get(case=requested).history.get().history_change_reason == (
        "Consent gate overridden"
    )


# -- the decision whether to assess --------------------------------------------------------------


def test_advice_is_due_six_weeks_after_it_is_requested_when_assessment_decided(cast, requested):
    consent(requested, cast, agencies=[cast.health, cast.ep])
    advice = [
        AdviceToSeek("PARENT_VIEWS", cast.council),
        AdviceToSeek("HEALTH", cast.health),
        AdviceToSeek("PSYCHOLOGICAL", cast.ep),
    ]

    decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY, advice=advice)

    rows = AdviceRequest.objects.filter(case=requested)
    assert {(a.kind, a.agency, a.requested_on, a.due_on) for a in rows} == {
        (kind, agency, RECEIVED + 10 * DAY, RECEIVED + 52 * DAY)
        for kind, agency in [
            ("PARENT_VIEWS", cast.council),
            ("HEALTH", cast.health),
            ("PSYCHOLOGICAL", cast.ep),
        ]
    }
    requested.refresh_from_db()
    assert requested.assessment_decided_on == RECEIVED + 10 * DAY


def test_decision_to_assess_is_refused_when_no_advice_is_chosen(cast, requested):
    consent(requested, cast)
    with refused("Choose at least one agency to ask for advice"):
        decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY, advice=[])


def test_decision_to_assess_is_refused_when_advice_comes_from_the_wrong_kind_of_agency(
    cast, requested
):
    consent(requested, cast, agencies=[cast.school])
    with refused("Medical advice (reg 6(1)(c)) must come from a health provider"):
        decide_to_assess(
            requested, cast, on=RECEIVED + 10 * DAY, advice=[AdviceToSeek("HEALTH", cast.school)]
        )


def test_decision_to_assess_is_refused_when_one_kind_of_advice_is_asked_twice(cast, requested):
    consent(requested, cast)
    twice = [AdviceToSeek("HEALTH", cast.health), AdviceToSeek("HEALTH", cast.health)]
    with refused("Ask each kind of adviser once"):
        decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY, advice=twice)


def test_decision_is_refused_when_dated_before_the_request(cast, requested):
    consent(requested, cast)
    with refused("must be on or after 1 March 2027"):
        decide_to_assess(requested, cast, on=RECEIVED - DAY, today=RECEIVED + DAY)


def test_decision_is_refused_when_dated_in_the_future(cast, requested):
    consent(requested, cast)
    with refused("must be today or in the past"):
        decide_to_assess(requested, cast, on=RECEIVED + 11 * DAY, today=RECEIVED + 10 * DAY)


def test_refusal_to_assess_is_refused_when_no_reasons_are_given(cast, requested):
    with refused("Enter the reasons for refusing to assess"):
        assessment_services.case_assessment_decide(
            case=requested,
            assess=False,
            decided_on=RECEIVED + DAY,
            reasons=" ",
            by=cast.caseworker,
            today=RECEIVED + DAY,
        )


def test_case_is_closed_when_assessment_is_refused(cast, requested):
    assessment_services.case_assessment_decide(
        case=requested,
        assess=False,
        decided_on=RECEIVED + DAY,
        reasons="Needs met by SEN support",
        by=cast.caseworker,
        today=RECEIVED + DAY,
    )

    requested.refresh_from_db()
    assert requested.status == AssessmentStatus.REFUSED
    assert requested.closed_on == RECEIVED + DAY
    assert requested.refusal_reasons == "Needs met by SEN support"


# -- advice and the decision whether to issue ----------------------------------------------------


@pytest.fixture
def assessing(cast, requested):
    consent(requested, cast)
    decide_to_assess(requested, cast, on=RECEIVED + 10 * DAY)
    requested.refresh_from_db()
    return requested


def test_advice_is_refused_when_already_submitted(cast, assessing):
    advice = AdviceRequest.objects.get(case=assessing)
    advice_services.advice_draft_save(
        advice=advice, entries=advice_entries(advice.kind), by=cast.health_adviser
    )
    advice_services.advice_submit(
        advice=advice,
        received_on=RECEIVED + 20 * DAY,
        summary="Advice",
        by=cast.health_adviser,
        today=RECEIVED + 20 * DAY,
    )
    with refused("already been submitted"):
        advice_services.advice_submit(
            advice=AdviceRequest.objects.get(pk=advice.pk),
            received_on=RECEIVED + 21 * DAY,
            summary="Again",
            by=cast.health_adviser,
            today=RECEIVED + 21 * DAY,
        )


def test_advice_is_refused_when_dated_before_it_was_requested(cast, assessing):
    advice = AdviceRequest.objects.get(case=assessing)
    with refused("must be on or after"):
        advice_services.advice_submit(
            advice=advice,
            received_on=RECEIVED + 9 * DAY,
            summary="Advice",
            by=cast.health_adviser,
            today=RECEIVED + 20 * DAY,
        )


def test_advice_is_refused_when_it_is_empty(cast, assessing):
    advice = AdviceRequest.objects.get(case=assessing)
    with refused("Add at least one need"):
        advice_services.advice_submit(
            advice=advice,
            received_on=RECEIVED + 20 * DAY,
            summary="",
            by=cast.health_adviser,
            today=RECEIVED + 20 * DAY,
        )


def test_decision_to_issue_is_refused_when_advice_not_yet_due_is_outstanding(cast, assessing):
    """Reg 8(1): advice not yet due holds the decision back (overdue advice may be gone without
    with a reason: tests/workflows/advice/test_advice_that_does_not_come.py)."""
    with refused("not due until"):
        assessment_services.case_issue_decide(
            case=assessing,
            issue=True,
            decided_on=RECEIVED + 40 * DAY,
            by=cast.caseworker,
            today=RECEIVED + 40 * DAY,
        )


def test_decision_not_to_issue_is_refused_when_no_reasons_are_given(cast, assessing):
    advice = AdviceRequest.objects.get(case=assessing)
    advice_services.advice_draft_save(
        advice=advice, entries=advice_entries(advice.kind), by=cast.health_adviser
    )
    advice_services.advice_submit(
        advice=advice,
        received_on=RECEIVED + 20 * DAY,
        summary="Advice",
        by=cast.health_adviser,
        today=RECEIVED + 20 * DAY,
    )
    advice_services.advice_accept(advice=advice, by=cast.caseworker, today=RECEIVED + 21 * DAY)
    with refused("Enter the reasons for not issuing a plan"):
        assessment_services.case_issue_decide(
            case=assessing,
            issue=False,
            decided_on=RECEIVED + 40 * DAY,
            by=cast.caseworker,
            today=RECEIVED + 40 * DAY,
        )


# -- exceptions to the time limits ---------------------------------------------------------------


def record_exception(
    case, cast, *, period, limb, starts_on=RECEIVED + 14 * DAY, ends_on=RECEIVED + 20 * DAY, **kw
):
    return assessment_services.exception_record(
        case=case,
        period_code=period.code,
        limb=limb,
        starts_on=starts_on,
        ends_on=ends_on,
        evidence=kw.pop("evidence", "Letter from the family"),
        reasoning=kw.pop("reasoning", "The family were abroad for the whole period"),
        family_told_on=kw.pop("family_told_on", RECEIVED + 30 * DAY),
        by=kw.pop("by", cast.caseworker),
        today=kw.pop("today", RECEIVED + 365 * DAY),
        **kw,
    )


def update_exception(exception, cast, **kw):
    return assessment_services.exception_update(
        exception=exception,
        by=kw.pop("by", cast.caseworker),
        today=kw.pop("today", RECEIVED + 365 * DAY),
        **kw,
    )


def test_exception_is_refused_without_an_end_date_unless_still_going_on(cast, requested):
    """Regs 5(4), 10(4): an exception whose circumstances have no end date is not valid until
    it has one, or is recorded, with evidence, as still going on."""
    with refused("Enter the date the circumstances ended, or say they are still going on"):
        record_exception(
            requested, cast, period=deadlines.DECIDE_TO_ASSESS, limb="5(4)(c)", ends_on=None
        )
    with refused("Enter the evidence that the circumstances are still going on"):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(c)",
            ends_on=None,
            ongoing=True,
            ongoing_evidence="  ",
        )


def test_exception_still_going_on_is_recorded_with_its_evidence_and_counts(cast, requested):
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(c)",
        ends_on=None,
        ongoing=True,
        ongoing_evidence=" Ward sister's letter of this week ",
        today=RECEIVED + 30 * DAY,
    )

    exception.refresh_from_db()
    assert (exception.ends_on, exception.ongoing) == (None, True)
    assert exception.ongoing_evidence == "Ward sister's letter of this week"
    assert exception.counts
    assert exception.history.get().history_change_reason == "Exception reg 5(4)(c) recorded"


@pytest.mark.parametrize(
    ("family_told_on", "message"),
    [
        (None, "Enter the date the family was told about the exception"),
        (RECEIVED + 400 * DAY, "The date the family was told must be today or in the past"),
    ],
)
def test_exception_is_refused_without_the_date_the_family_was_told(
    cast, requested, family_told_on, message
):
    """CoP 9.40: the family is told when an exception applies; the date is required."""
    with refused(message):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(c)",
            family_told_on=family_told_on,
        )


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (RECEIVED + 43 * DAY, RECEIVED + 50 * DAY, "must have begun by"),
        (RECEIVED - 20 * DAY, RECEIVED - DAY, "must have lasted until at least"),
    ],
)
def test_exception_is_refused_outside_the_time_limit_it_excuses(
    cast, requested, starts_on, ends_on, message
):
    """Reg 5(4): circumstances "during that period": the 6 weeks from the request."""
    with refused(message):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(c)",
            starts_on=starts_on,
            ends_on=ends_on,
        )


def test_exception_is_recorded_on_the_last_day_of_the_time_limit(cast, requested):
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(c)",
        starts_on=requested.decision_to_assess_due_on,
        ends_on=requested.decision_to_assess_due_on + 3 * DAY,
    )
    assert exception.starts_on == RECEIVED + 42 * DAY


def test_advice_exception_must_fall_inside_the_six_weeks_of_the_advice(cast, assessing):
    """Reg 8(2): "during that 6 week period", from the day the body got the request."""
    advice = AdviceRequest.objects.get(case=assessing)
    with refused("must have lasted until at least"):
        record_exception(
            assessing,
            cast,
            period=deadlines.ADVICE,
            limb="8(2)(c)",
            advice_request=advice,
            starts_on=advice.requested_on - DAY,
            ends_on=advice.requested_on - DAY,
        )


def test_end_date_is_recorded_later_with_history(cast, requested):
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(d)",
        starts_on=RECEIVED + DAY,
        ends_on=None,
        ongoing=True,
        ongoing_evidence="E-mail from the parent: still abroad",
        today=RECEIVED + 30 * DAY,
    )

    update_exception(exception, cast, ends_on=RECEIVED + 35 * DAY, today=RECEIVED + 40 * DAY)

    exception.refresh_from_db()
    assert (exception.ends_on, exception.ongoing) == (RECEIVED + 35 * DAY, False)
    assert exception.ongoing_evidence == "E-mail from the parent: still abroad"  # kept
    reasons = [h.history_change_reason for h in exception.history.order_by("history_date")]
    assert reasons == ["Exception reg 5(4)(d) recorded", "Exception reg 5(4)(d): end date recorded"]
    assert exception.history.latest("history_date").history_user == cast.caseworker


def test_end_date_that_breaks_the_four_weeks_is_refused(cast, requested):
    """Reg 5(4)(d) as coded: an absence of at least 4 continuous weeks."""
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(d)",
        starts_on=RECEIVED + DAY,
        ends_on=None,
        ongoing=True,
        ongoing_evidence="E-mail from the parent: still abroad",
        today=RECEIVED + 30 * DAY,
    )
    with refused("An absence or closure must last at least 4 continuous weeks"):
        update_exception(exception, cast, ends_on=RECEIVED + 20 * DAY)


def test_an_older_exception_without_an_end_date_counts_once_completed(cast, requested):
    """Rows recorded before an end date was asked for: kept, shown, and not counted until the
    caseworker records the end date or that the circumstances are still going on."""
    exception = record_exception(requested, cast, period=deadlines.DECIDE_TO_ASSESS, limb="5(4)(c)")
    StatutoryException.objects.filter(pk=exception.pk).update(ends_on=None, family_told_on=None)
    exception.refresh_from_db()
    assert not exception.counts and exception.needs_completing

    with refused("Enter the date the circumstances ended, or say they are still going on"):
        update_exception(exception, cast, family_told_on=RECEIVED + 50 * DAY)
    with refused("Enter the date the family was told about the exception"):
        update_exception(exception, cast, ongoing=True, ongoing_evidence="Consultant's letter")

    update_exception(
        exception,
        cast,
        ongoing=True,
        ongoing_evidence="Consultant's letter",
        family_told_on=RECEIVED + 50 * DAY,
    )
    exception.refresh_from_db()
    assert exception.counts and exception.ongoing and not exception.ends_on
    assert exception.family_told_on == RECEIVED + 50 * DAY
    assert (
        exception.history.latest("history_date").history_change_reason
        == "Exception reg 5(4)(c): still going on; family told recorded"
    )


def test_dates_already_recorded_are_not_changed(cast, requested):
    exception = record_exception(requested, cast, period=deadlines.DECIDE_TO_ASSESS, limb="5(4)(c)")
    with refused("The date the circumstances ended is already recorded"):
        update_exception(exception, cast, ends_on=RECEIVED + 25 * DAY)
    with refused("The date the family was told is already recorded"):
        update_exception(exception, cast, family_told_on=RECEIVED + 31 * DAY)
    with refused("There is nothing to update on this exception"):
        update_exception(exception, cast)


def test_only_the_council_completes_an_exception(cast, requested):
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(c)",
        ends_on=None,
        ongoing=True,
        ongoing_evidence="Consultant's letter",
    )
    with refused("Only the council's SEN team can change an exception on this case"):
        update_exception(exception, cast, ends_on=RECEIVED + 25 * DAY, by=cast.health_adviser)


def test_database_refuses_still_going_on_with_an_end_date_or_without_evidence(cast, requested):
    """The service checks first; the check constraints are the backstop."""
    from django.db import IntegrityError, transaction

    exception = record_exception(requested, cast, period=deadlines.DECIDE_TO_ASSESS, limb="5(4)(c)")
    for change in ({"ongoing": True, "ongoing_evidence": "Letter"}, {"ongoing": True}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StatutoryException.objects.filter(pk=exception.pk).update(
                **change, **({} if "ongoing_evidence" in change else {"ends_on": None})
            )


def test_exception_is_refused_when_limb_does_not_apply_to_the_time_limit(cast, requested):
    with refused("Reg 8(2)(c) does not apply to the final plan"):
        record_exception(requested, cast, period=deadlines.FINAL_PLAN, limb="8(2)(c)")


def test_exception_is_refused_when_time_limit_allows_none(cast, requested):
    with refused("Choose a time limit of this case that allows exceptions"):
        record_exception(requested, cast, period=deadlines.DRAFT_COMMENTS, limb="10(4)(c)")


def test_exception_is_refused_when_absence_is_shorter_than_four_weeks(cast, requested):
    with refused("at least 4 continuous weeks"):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(d)",
            starts_on=RECEIVED + DAY,
            ends_on=RECEIVED + 27 * DAY,  # 27 days, both ends counted
        )


def test_exception_is_recorded_when_absence_lasts_four_weeks(cast, requested):
    exception = record_exception(
        requested,
        cast,
        period=deadlines.DECIDE_TO_ASSESS,
        limb="5(4)(d)",
        starts_on=RECEIVED + DAY,
        ends_on=RECEIVED + 28 * DAY,  # 28 days
    )

    assert exception.history.get().history_change_reason == "Exception reg 5(4)(d) recorded"
    assert requested.exceptions.get() == exception


def test_exception_is_refused_when_end_is_before_start(cast, requested):
    with refused("The end date must be the same as or after the start date"):
        record_exception(
            requested,
            cast,
            period=deadlines.FINAL_PLAN,
            limb="10(4)(c)",
            starts_on=RECEIVED + 10 * DAY,
            ends_on=RECEIVED + 9 * DAY,
        )


def test_advice_exception_is_refused_when_no_advice_request_is_chosen(cast, assessing):
    with refused("Choose the advice request the exception is about"):
        record_exception(assessing, cast, period=deadlines.ADVICE, limb="8(2)(c)")


def test_advice_exception_is_refused_when_advice_request_is_for_another_case(cast, assessing):
    other = CaseWalk(cast).to(AssessmentStatus.ASSESSING).case
    with refused("Choose advice requested for this case"):
        record_exception(
            assessing,
            cast,
            period=deadlines.ADVICE,
            limb="8(2)(c)",
            advice_request=other.advice_requests.first(),
        )


def test_advice_exception_is_recorded_when_advice_request_is_chosen(cast, assessing):
    advice = AdviceRequest.objects.get(case=assessing)

    exception = record_exception(
        assessing, cast, period=deadlines.ADVICE, limb="8(2)(c)", advice_request=advice
    )

    assert exception.advice_request == advice
    assert advice.due_on == RECEIVED + 52 * DAY  # the statutory date never moves


def test_exception_is_refused_when_evidence_and_reasoning_are_missing(cast, requested):
    with refused("Enter the evidence", "Explain why"):
        record_exception(
            requested,
            cast,
            period=deadlines.FINAL_PLAN,
            limb="10(4)(c)",
            evidence="",
            reasoning=" ",
        )


# -- the draft, the comment period and the final plan --------------------------------------------


@pytest.fixture
def draft(cast):
    """A case whose draft plan was issued on `when.draft_on`; comments are due 14 days later."""
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    assert walk.case.draft_comments_due_on == walk.when.draft_on + 14 * DAY
    return walk


def record_comments(case, cast, *, received_on, today, setting=None):
    return assessment_services.draft_comments_record(
        case=case,
        received_on=received_on,
        summary="Comments" if received_on else "",
        setting_to_consult=setting or cast.school,
        requested_by_family=True,
        by=cast.caseworker,
        today=today,
    )


def test_consultation_is_refused_when_comment_period_is_open_and_family_has_not_commented(
    cast, draft
):
    last_day = draft.case.draft_comments_due_on
    with refused("The family has until"):
        record_comments(draft.case, cast, received_on=None, today=last_day)


def test_consultation_is_sent_when_comment_period_has_ended_without_comments(cast, draft):
    day_after = draft.case.draft_comments_due_on + DAY

    [consultation] = record_comments(draft.case, cast, received_on=None, today=day_after)

    draft.refresh()
    assert draft.case.status == AssessmentStatus.CONSULTING
    assert consultation.sent_on == day_after
    assert consultation.reply_due_on == day_after + 14 * DAY


def test_consultation_is_sent_when_family_commented_within_the_period(cast, draft):
    on = draft.when.draft_on + 3 * DAY

    record_comments(draft.case, cast, received_on=on, today=on)

    draft.refresh()
    assert draft.case.status == AssessmentStatus.CONSULTING
    assert draft.case.comments_received_on == on
    assert draft.case.requested_setting == cast.school


def test_consultation_is_refused_when_setting_is_not_a_school(cast, draft):
    on = draft.when.draft_on + 3 * DAY
    with refused("Choose a school, college or early years setting"):
        record_comments(draft.case, cast, received_on=on, today=on, setting=cast.health)


def test_comments_are_refused_when_case_is_not_at_the_draft_stage(cast, case_at):
    case = case_at(AssessmentStatus.ASSESSING)
    with refused("This case is at the stage \u201cAssessing\u201d"):
        record_comments(case, cast, received_on=RECEIVED + 60 * DAY, today=RECEIVED + 60 * DAY)


def replied(case, cast, *, on):
    """Every setting consulted replies on `on` (so the final plan does not wait, CoP 9.83)."""
    for consultation in case.consultations.filter(replied_on__isnull=True):
        assessment_services.consultation_reply_record(
            consultation=consultation,
            replied_on=on,
            response="AGREES",
            notes="",
            by=cast.senco,
            today=on,
        )


def issue_final(case, cast, *, on, today=None, setting=None):
    return assessment_services.plan_final_issue(
        case=case,
        issued_on=on,
        named_setting=setting or cast.school,
        by=cast.caseworker,
        today=today or on,
    )


def test_final_plan_is_refused_when_named_setting_was_not_consulted(cast, draft):
    on = draft.when.draft_on + 3 * DAY
    record_comments(draft.case, cast, received_on=on, today=on)
    replied(draft.case, cast, on=on)
    elsewhere = AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")

    with refused("Consult Hillside Academy before naming it in the final plan"):
        issue_final(draft.case, cast, on=draft.case.draft_comments_due_on + DAY, setting=elsewhere)


def test_final_plan_is_refused_when_comment_period_is_open_and_family_has_not_commented(
    cast, draft
):
    """Reg 13(1): at least 15 days to make representations on the draft."""
    after = draft.case.draft_comments_due_on + DAY
    record_comments(draft.case, cast, received_on=None, today=after)

    with refused("The final plan cannot be issued until", "(reg 13(1))"):
        issue_final(draft.case, cast, on=draft.case.draft_comments_due_on, today=after)


def test_final_plan_is_issued_when_comment_period_has_ended(cast, draft):
    after = draft.case.draft_comments_due_on + DAY
    record_comments(draft.case, cast, received_on=None, today=after)
    replied(draft.case, cast, on=after)

    issue_final(draft.case, cast, on=after)

    draft.refresh()
    assert draft.case.status == AssessmentStatus.FINAL_ISSUED
    assert (draft.case.final_issued_on, draft.case.named_setting, draft.case.closed_on) == (
        after,
        cast.school,
        after,
    )


def test_final_plan_is_refused_within_the_15_days_even_when_the_family_commented_early(cast, draft):
    """Reg 13(1): the 15 days are a minimum. Early comments do not end them: the family may have
    more to say until the period is over."""
    commented = draft.when.draft_on + 2 * DAY
    record_comments(draft.case, cast, received_on=commented, today=commented)
    replied(draft.case, cast, on=commented)
    last_day = draft.case.draft_comments_due_on

    with refused(f"cannot be issued until {last_day + DAY:%-d %B %Y}"):
        issue_final(draft.case, cast, on=last_day)

    issue_final(draft.case, cast, on=last_day + DAY)
    draft.refresh()
    assert draft.case.status == AssessmentStatus.FINAL_ISSUED


def test_final_plan_comes_early_when_the_family_said_in_writing_they_have_no_more_to_say(
    cast, draft
):
    """Reg 13(1): the parent or young person may end the period by saying in writing that they
    have nothing more to add; the date is recorded and shown on the timeline."""
    commented = draft.when.draft_on + 2 * DAY
    assessment_services.draft_comments_record(
        case=draft.case,
        received_on=commented,
        summary="We agree with the draft and have nothing more to add",
        setting_to_consult=cast.school,
        requested_by_family=True,
        no_further_comments_on=commented,
        by=cast.caseworker,
        today=commented,
    )

    replied(draft.case, cast, on=commented)
    with refused("must be on or after"):  # not before the family said so
        issue_final(draft.case, cast, on=commented - DAY, today=commented)
    issue_final(draft.case, cast, on=commented + 3 * DAY)

    draft.refresh()
    assert draft.case.no_further_comments_on == commented
    assert draft.case.final_issued_on < draft.case.draft_comments_due_on


def test_a_written_statement_dated_before_the_draft_or_in_the_future_is_refused(cast, draft):
    on = draft.when.draft_on + 2 * DAY
    for when, message in (
        (draft.when.draft_on - DAY, "must be on or after"),
        (on + DAY, "must be today or in the past"),
    ):
        with refused(message):
            assessment_services.draft_comments_record(
                case=draft.case,
                received_on=on,
                summary="Comments",
                setting_to_consult=cast.school,
                requested_by_family=True,
                no_further_comments_on=when,
                by=cast.caseworker,
                today=on,
            )
    draft.refresh()
    assert draft.case.status == AssessmentStatus.DRAFT_ISSUED


def test_final_plan_is_refused_when_dated_before_the_draft(cast, draft):
    commented = draft.when.draft_on + 2 * DAY
    record_comments(draft.case, cast, received_on=commented, today=commented)

    with refused("must be on or after"):
        issue_final(draft.case, cast, on=draft.when.draft_on - DAY, today=commented)


def test_nothing_is_written_when_the_comment_rule_refuses(cast, draft):
    """The same guarantee spelled out by hand: counts, the case row and its history."""
    case = draft.case
    row = Assessment.objects.filter(pk=case.pk).values().get()
    counts = (
        SettingConsultation.objects.count(),
        StatutoryException.objects.count(),
        Child.objects.count(),
    )
    history = case.history.count()

    with pytest.raises(CaseRuleError):
        record_comments(case, cast, received_on=None, today=case.draft_comments_due_on)

    assert Assessment.objects.filter(pk=case.pk).values().get() == row
    assert (
        SettingConsultation.objects.count(),
        StatutoryException.objects.count(),
        Child.objects.count(),
    ) == counts
    assert case.history.count() == history


def test_exception_is_refused_when_it_begins_in_the_future(cast, requested):
    with pytest.raises(common_services.CaseRuleError, match="must be today or in the past"):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(c)",
            starts_on=RECEIVED + 20 * DAY,
            today=RECEIVED + 10 * DAY,
        )


def test_exception_is_refused_when_recorded_by_someone_outside_the_council(cast, requested):
    with pytest.raises(common_services.CaseRuleError, match="Only the council's SEN team"):
        record_exception(
            requested,
            cast,
            period=deadlines.DECIDE_TO_ASSESS,
            limb="5(4)(c)",
            by=cast.health_adviser,
        )


def test_database_refuses_a_second_open_request_for_a_child_when_the_check_is_bypassed(
    cast, requested
):
    """The service checks first; the partial unique constraint is the backstop for two requests
    recorded at the same moment."""
    from django.db import IntegrityError, transaction

    second = Assessment(
        child=requested.child,
        council=cast.council,
        requested_by="PARENT",
        request_received_on=RECEIVED,
        request_reasons="Again",
    )
    second.set_statutory_dates()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_gate_is_shut_when_the_only_consent_was_given_for_an_earlier_request(cast, requested):
    consent(requested, cast)
    assessment_services.case_assessment_decide(
        case=requested,
        assess=False,
        decided_on=RECEIVED + 8 * DAY,
        reasons="Needs met",
        by=cast.caseworker,
        today=RECEIVED + 8 * DAY,
    )
    again = assessment_services.case_request_receive(
        **request_kwargs(
            cast,
            child=requested.child,
            child_details=None,
            received_on=RECEIVED + 30 * DAY,
            today=RECEIVED + 30 * DAY,
        )
    )
    with refused("Record consent for an EHC needs assessment that covers"):
        decide_to_assess(again, cast, on=RECEIVED + 31 * DAY)
    consent(again, cast, given_on=RECEIVED + 31 * DAY)
    decide_to_assess(again, cast, on=RECEIVED + 31 * DAY)
    assert Assessment.objects.get(pk=again.pk).status == AssessmentStatus.ASSESSING


# -- several settings consulted, and a setting that does not reply (s.39/s.40 CFA 2014) -----------


def consult(case, cast, *, on, requested=None, alternatives=()):
    return assessment_services.draft_comments_record(
        case=case,
        received_on=on,
        summary="Comments",
        requested_setting=requested,
        alternatives=alternatives,
        by=cast.caseworker,
        today=on,
    )


def test_the_familys_school_and_the_councils_alternatives_are_consulted_each_with_15_days(
    cast, draft
):
    """s.39(2): the requested school must be consulted; s.40(2): the council may consult its
    alternatives too; CoP 9.83: each has 15 days from the day it was sent."""
    on = draft.when.draft_on + 3 * DAY
    other = AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")

    family, alternative = consult(
        draft.case, cast, on=on, requested=cast.school, alternatives=[other]
    )

    assert (family.setting, family.requested_by_family) == (cast.school, True)
    assert (alternative.setting, alternative.requested_by_family) == (other, False)
    assert {family.reply_due_on, alternative.reply_due_on} == {on + 14 * DAY}
    assert draft.refresh().requested_setting == cast.school


def test_the_council_may_consult_only_its_own_choice_when_the_family_asked_for_none(cast, draft):
    """s.40(2): no school requested; the council consults and will name a school or a type."""
    on = draft.when.draft_on + 3 * DAY
    [consultation] = consult(draft.case, cast, on=on, alternatives=[cast.school])
    assert not consultation.requested_by_family
    assert draft.refresh().requested_setting is None


@pytest.mark.parametrize(
    ("requested", "alternatives", "message"),
    [
        (None, [], "Choose at least one school, college or early years setting to consult"),
        ("school", ["school"], "Choose each setting to consult only once"),
        ("school", ["health"], "Choose a school, college or early years setting to consult"),
    ],
)
def test_consultations_are_refused_without_a_setting_with_duplicates_or_a_non_school(
    cast, draft, requested, alternatives, message
):
    on = draft.when.draft_on + 3 * DAY
    with refused(message):
        consult(
            draft.case,
            cast,
            on=on,
            requested=getattr(cast, requested) if requested else None,
            alternatives=[getattr(cast, name) for name in alternatives],
        )
    assert draft.refresh().status == AssessmentStatus.DRAFT_ISSUED
    assert not draft.case.consultations.exists()


def test_final_plan_waits_for_a_setting_inside_its_15_days_then_records_its_silence(cast, draft):
    """CoP 9.83 and reg 13(2): refused on the 15th day without a reply; issued the day after,
    with the consultation recorded as "No reply by <due date>" (history-tracked)."""
    on = draft.case.draft_comments_due_on + DAY
    [consultation] = consult(draft.case, cast, on=on, requested=cast.school)

    with refused("waiting for Riverside Primary", "SEND Code of Practice 9.83"):
        issue_final(draft.case, cast, on=consultation.reply_due_on)
    consultation.refresh_from_db()
    assert consultation.closed_without_reply_on is None

    case = issue_final(draft.case, cast, on=consultation.reply_due_on + DAY)

    consultation.refresh_from_db()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert consultation.response == "NO_REPLY"
    assert consultation.closed_without_reply_on == consultation.reply_due_on + DAY
    assert case.silent_consultations == [consultation]
    assert consultation.history.first().history_user == cast.caseworker
    with refused("without this setting's reply"):
        assessment_services.consultation_reply_record(
            consultation=consultation,
            replied_on=consultation.reply_due_on + DAY,
            response="AGREES",
            notes="",
            by=cast.senco,
            today=consultation.reply_due_on + DAY,
        )


def test_final_plan_names_a_type_of_setting_or_a_consulted_setting_not_neither_nor_both(
    cast, draft
):
    """s.40(2): section I names a school or a type of school."""
    on = draft.case.draft_comments_due_on + DAY
    consult(draft.case, cast, on=on, requested=cast.school)
    replied(draft.case, cast, on=on)

    for setting, kind, message in (
        (None, "", "Name a school or setting, or the type of setting"),
        (cast.school, "Special school", "not both"),
    ):
        with refused(message):
            assessment_services.plan_final_issue(
                case=draft.case,
                issued_on=on,
                named_setting=setting,
                named_setting_type=kind,
                by=cast.caseworker,
                today=on,
            )
    case = assessment_services.plan_final_issue(
        case=draft.case,
        issued_on=on,
        named_setting=None,
        named_setting_type="Special school",
        by=cast.caseworker,
        today=on,
    )
    assert (case.status, case.named_setting, case.named_setting_type) == (
        AssessmentStatus.FINAL_ISSUED,
        None,
        "Special school",
    )


def test_issue_final_transition_needs_every_consultation_settled(cast, draft):
    """The FSM condition behind the service: a reply or a recorded silence for each."""
    on = draft.case.draft_comments_due_on + DAY
    consult(draft.case, cast, on=on, requested=cast.school)
    case = Assessment.objects.get(pk=draft.case.pk)
    assert not case.has_every_consultation_settled()
    replied(case, cast, on=on)
    assert case.has_every_consultation_settled()
