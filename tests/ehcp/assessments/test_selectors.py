"""Who may see a case, and the statutory timeline shown on it."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from agencies.access import actor_for
from agencies.models import AgencyKind, Role
from ehcp.assessments.models import (
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    StatutoryException,
)
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import DeadlineState
from ehcp.assessments.selectors import case_page_annotations, case_timeline, case_with_details
from ehcp.assessments.services import assessment as services
from ehcp.governance.access import case_get_for_user, case_list_for_user, case_visible_to
from tests.factories import AgencyFactory, Calendar, CaseFactory, CaseWalk, member

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
User = get_user_model()


def sees(user, case) -> bool:
    return Assessment.objects.filter(case_visible_to(actor_for(user)), pk=case.pk).exists()


# -- who may see a case --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_council_officer_sees_the_case_when_their_council_holds_it(cast, who):
    case = CaseFactory(council=cast.council)

    assert sees(getattr(cast, who), case)
    assert case_get_for_user(public_id=case.public_id, user=getattr(cast, who)) == case


def test_officer_sees_only_their_own_councils_cases_when_listing(cast):
    ours = CaseFactory(council=cast.council)
    CaseFactory(council=AgencyFactory(kind=AgencyKind.SEN_TEAM))

    assert list(case_list_for_user(cast.caseworker)) == [ours]


def test_health_adviser_sees_the_case_only_when_health_advice_is_requested_from_their_agency(cast):
    walk = CaseWalk(cast, advice=("PARENT_VIEWS", "HEALTH"))
    walk.receive()
    walk.consent()
    assert not sees(cast.health_adviser, walk.case)

    walk.decide_to_assess()

    assert sees(cast.health_adviser, walk.case)


def test_health_adviser_does_not_see_the_case_when_another_agency_was_asked(cast):
    case = (
        CaseWalk(cast, advice=("PARENT_VIEWS", "PSYCHOLOGICAL")).to(AssessmentStatus.ASSESSING).case
    )
    other_trust = member(AgencyFactory(kind=AgencyKind.HEALTH), Role.HEALTH_ADVISER)

    assert sees(cast.psychologist, case)
    assert not sees(cast.health_adviser, case)
    assert not sees(other_trust, case)


def test_health_adviser_of_another_trust_does_not_see_the_case_when_health_advice_was_requested(
    cast,
):
    case = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING).case
    other_trust = member(AgencyFactory(kind=AgencyKind.HEALTH), Role.HEALTH_ADVISER)

    assert not sees(other_trust, case)


def test_school_sees_the_case_when_it_is_consulted(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    assert not sees(cast.senco, walk.case)

    walk.record_comments()

    assert sees(cast.senco, walk.case)


def test_outsider_never_sees_the_case_when_every_agency_was_involved(cast):
    case = (
        CaseWalk(
            cast, advice=("PARENT_VIEWS", "EDUCATIONAL", "HEALTH", "PSYCHOLOGICAL", "SOCIAL_CARE")
        )
        .to(AssessmentStatus.FINAL_ISSUED)
        .case
    )

    assert not sees(cast.outsider, case)
    assert list(case_list_for_user(cast.outsider)) == []
    with pytest.raises(Http404):
        case_get_for_user(public_id=case.public_id, user=cast.outsider)


def test_case_is_not_found_when_the_person_may_not_see_it(cast):
    case = CaseFactory(council=cast.council)

    with pytest.raises(Http404):
        case_get_for_user(public_id=case.public_id, user=cast.health_adviser)


def test_case_is_not_found_when_the_officers_membership_was_revoked(cast):
    case = CaseFactory(council=cast.council)
    cast.caseworker.memberships.update(is_active=False)

    with pytest.raises(Http404):
        case_get_for_user(public_id=case.public_id, user=User.objects.get(pk=cast.caseworker.pk))


# -- the timeline --------------------------------------------------------------------------------


def timeline(case, today):
    case = Assessment.objects.get(pk=case.pk)
    return case_timeline(case_with_details(case), today=today)


def rows_by_code(rows):
    return {row.code: row for row in rows if row.code}


def test_every_step_is_on_time_when_the_case_ran_to_time(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED)

    rows = timeline(walk.case, today=walk.when.final_on)

    states = {row.label: row.status_code for row in rows}
    assert states == {
        "Decision whether to assess": "DONE_ON_TIME",
        "Views of the parent or young person (reg 6(1)(a)): Northshire Council SEN team": (
            "DONE_ON_TIME"
        ),
        "Medical advice (reg 6(1)(c)): Northshire Community Health": "DONE_ON_TIME",
        "Psychological advice (reg 6(1)(d)): Northshire EP Service": "DONE_ON_TIME",
        "Decision to issue a plan": "",
        "Draft plan sent (recommended by week 14)": "DONE_ON_TIME",
        "Family's comments on the draft (at least 15 days)": "",
        "Consultation reply: Riverside Primary (family's preference)": "DONE_ON_TIME",
        "Final plan issued": "DONE_ON_TIME",
    }
    final = rows_by_code(rows)["EHCP-FINAL-20W"]
    assert (final.due_on, final.done_on, final.source) == (
        walk.when.received_on + 140 * DAY,
        walk.when.final_on,
        "SEND Regulations 2014, reg 13(2)",
    )
    assert final.by == cast.caseworker.get_full_name()


def test_decision_row_is_late_when_the_decision_was_made_after_six_weeks(cast):
    walk = CaseWalk(cast, when=Calendar(late_by=20)).to(AssessmentStatus.ASSESSING)

    row = rows_by_code(timeline(walk.case, today=walk.when.decided_on))["EHCP-DECIDE-6W"]

    assert row.status.state is DeadlineState.DONE_LATE
    assert row.status.days == 2
    assert row.status.label == "2 days late"


def test_decision_row_is_late_with_exception_when_an_exception_is_recorded(cast):
    walk = CaseWalk(cast, when=Calendar(late_by=20)).to(AssessmentStatus.ASSESSING)
    services.exception_record(
        case=walk.case,
        period_code=deadlines.DECIDE_TO_ASSESS.code,
        limb="5(4)(c)",
        starts_on=walk.when.received_on + 30 * DAY,
        ends_on=walk.when.received_on + 44 * DAY,
        evidence="Hospital letter",
        reasoning="The young person was in hospital for the last two weeks",
        family_told_on=walk.when.decided_on,
        by=cast.caseworker,
        today=walk.when.decided_on,
    )

    row = rows_by_code(timeline(walk.case, today=walk.when.decided_on))["EHCP-DECIDE-6W"]

    assert row.status.state is DeadlineState.DONE_LATE_EXCEPTION
    assert row.status_code == "DONE_LATE_EXCEPTION"
    assert row.due_on == walk.when.received_on + 42 * DAY  # the date itself never moves


def test_advice_row_is_overdue_with_exception_only_for_the_advice_it_was_recorded_on(cast):
    walk = CaseWalk(cast, advice=("HEALTH", "PSYCHOLOGICAL")).to(AssessmentStatus.ASSESSING)
    health = AdviceRequest.objects.get(case=walk.case, kind="HEALTH")
    services.exception_record(
        case=walk.case,
        period_code=deadlines.ADVICE.code,
        limb="8(2)(c)",
        advice_request=health,
        starts_on=health.requested_on + 10 * DAY,
        ends_on=health.requested_on + 10 * DAY,
        evidence="Clinic letter",
        reasoning="The child missed the paediatric appointment",
        family_told_on=health.due_on,
        by=cast.caseworker,
        today=health.due_on,
    )

    rows = timeline(walk.case, today=health.due_on + 3 * DAY)

    states = {
        row.label.split(": ")[1]: row.status for row in rows if row.code == deadlines.ADVICE.code
    }
    assert states["Northshire Community Health"].state is DeadlineState.OVERDUE_EXCEPTION
    assert states["Northshire Community Health"].days == 3
    assert states["Northshire EP Service"].state is DeadlineState.OVERDUE


def test_weekend_warning_is_given_when_a_due_date_falls_on_a_saturday(cast):
    saturday = date(2027, 2, 27)
    case = CaseWalk(cast, when=Calendar(received_on=saturday)).to(AssessmentStatus.REQUESTED).case

    rows = rows_by_code(timeline(case, today=saturday))

    decide = rows["EHCP-DECIDE-6W"]
    assert decide.due_on == date(2027, 4, 10) and decide.due_on.weekday() == 5
    assert decide.non_working_warning == date(2027, 4, 9)  # the Friday before
    assert rows["EHCP-FINAL-20W"].non_working_warning == date(2027, 7, 16)


def test_bank_holiday_warning_is_given_when_a_due_date_falls_on_one(cast):
    case = (
        CaseWalk(cast, when=Calendar(received_on=date(2027, 3, 22)))
        .to(AssessmentStatus.REQUESTED)
        .case
    )

    decide = rows_by_code(timeline(case, today=date(2027, 3, 22)))["EHCP-DECIDE-6W"]

    assert decide.due_on == date(2027, 5, 3)  # Early May bank holiday
    assert decide.non_working_warning == date(2027, 4, 30)


def test_no_warning_is_given_when_due_dates_fall_on_working_days(cast):
    case = CaseWalk(cast).to(AssessmentStatus.REQUESTED).case  # received Monday 1 March 2027

    rows = timeline(case, today=case.request_received_on)

    assert [row.non_working_warning for row in rows if row.due_on] == [None] * len(
        [r for r in rows if r.due_on]
    )


def test_timeline_stops_at_the_decision_when_assessment_was_refused(cast):
    case = CaseWalk(cast).to(AssessmentStatus.REFUSED).case

    rows = timeline(case, today=case.closed_on)

    assert [(row.code, row.note, row.status_code) for row in rows] == [
        ("EHCP-DECIDE-6W", "Refused to assess", "DONE_ON_TIME")
    ]
    assert rows[0].by == cast.caseworker.get_full_name()


def test_an_exception_without_an_end_date_does_not_count_until_completed(cast):
    """Reg 5(4): an exception whose circumstances have no end date (a row recorded before the
    product asked for one) is not valid: the late decision is plainly late until the end date,
    or that the circumstances are still going on, is recorded."""
    walk = CaseWalk(cast, when=Calendar(late_by=20)).to(AssessmentStatus.ASSESSING)
    exception = services.exception_record(
        case=walk.case,
        period_code=deadlines.DECIDE_TO_ASSESS.code,
        limb="5(4)(c)",
        starts_on=walk.when.received_on + 30 * DAY,
        ends_on=walk.when.received_on + 44 * DAY,
        evidence="Hospital letter",
        reasoning="The young person was in hospital for the last two weeks",
        family_told_on=walk.when.decided_on,
        by=cast.caseworker,
        today=walk.when.decided_on,
    )
    StatutoryException.objects.filter(pk=exception.pk).update(ends_on=None)

    row = rows_by_code(timeline(walk.case, today=walk.when.decided_on))["EHCP-DECIDE-6W"]
    assert row.status.state is DeadlineState.DONE_LATE

    services.exception_update(
        exception=exception,
        ongoing=True,
        ongoing_evidence="Ward sister's letter",
        by=cast.caseworker,
        today=walk.when.decided_on,
    )
    row = rows_by_code(timeline(walk.case, today=walk.when.decided_on))["EHCP-DECIDE-6W"]
    assert row.status.state is DeadlineState.DONE_LATE_EXCEPTION


def test_the_case_page_reads_only_the_lists_the_case_has(cast, django_assert_num_queries):
    """`case_page_annotations` say which lists are empty: `case_with_details` reads the others,
    and an exception recorded since is read as before."""
    walk = CaseWalk(cast, when=Calendar(late_by=20)).to(AssessmentStatus.ASSESSING)
    read = (
        case_list_for_user(cast.caseworker)
        .select_related("child")
        .annotate(**case_page_annotations())
        .get(pk=walk.case.pk)
    )
    assert not read.has_exceptions and not read.has_consent_overrides and not read.has_letters
    assert not read.has_advice_entries and not read.has_advice_attachments
    # the advice (none of it returned yet: its sheets' lists cost no query), consents and their
    # agencies, parents
    with django_assert_num_queries(4):
        case_with_details(read)
        advice = read.advice_requests.all()
        assert advice and all(
            not a.entries.all() and not a.attachments.all() and not a.exceptions.all()
            for a in advice
        )
    assert list(read.exceptions.all()) == [] and list(read.notices.all()) == []
    services.exception_record(
        case=walk.case,
        period_code=deadlines.DECIDE_TO_ASSESS.code,
        limb="5(4)(c)",
        starts_on=walk.when.received_on + 30 * DAY,
        ends_on=walk.when.received_on + 44 * DAY,
        evidence="Hospital letter",
        reasoning="The young person was in hospital for the last two weeks",
        family_told_on=walk.when.decided_on,
        by=cast.caseworker,
        today=walk.when.decided_on,
    )
    read = (
        Assessment.objects.select_related("child")
        .annotate(**case_page_annotations())
        .get(pk=walk.case.pk)
    )
    assert read.has_exceptions
    case_with_details(read)
    assert [e.period_code for e in read.exceptions.all()] == [deadlines.DECIDE_TO_ASSESS.code]
