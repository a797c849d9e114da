"""The review's services, step by step, without a flow: starting it (the 12 months, under-fives,
who arranges the meeting, who is invited, one open review per plan), the meeting and what leads to
it (2 weeks' notice: late steps recorded with a reason), the report (late reports show as late)
and the council's decision to keep the plan or not amend it (the plan's next review date, the
decision letter with the right to appeal)."""

from datetime import date, timedelta

import pytest

from agencies.models import AgencyKind, Role
from ehcp.assessments.rules import deadlines
from ehcp.common.services import CaseRuleError
from ehcp.plans import documents
from ehcp.plans.models import DocumentKind, DocumentRender, EhcPlanStatus, LetterSending
from ehcp.reviews.models import (
    ArrangedUnder,
    InviteeRole,
    Recommendation,
    Review,
    ReviewDecision,
    ReviewKind,
    ReviewStatus,
)
from ehcp.reviews.services import review as services
from tests import factories
from tests.factories import PLAN_ISSUED, db_state, emailed

pytestmark = pytest.mark.django_db

# The plan was issued on Monday 19 July 2027: the review must be complete by 18 July 2028, the
# meeting held by 20 June 2028 and the invitations sent by 6 June 2028.
REVIEW_BY = date(2028, 7, 18)
LATEST_MEETING = date(2028, 6, 20)
STARTED = date(2028, 4, 3)
ARRANGED = date(2028, 4, 10)
MEETING = date(2028, 6, 12)
INVITATIONS_DUE = date(2028, 5, 29)  # the meeting - 14
SENT = date(2028, 5, 1)
CIRCULATED = date(2028, 5, 20)
REPORTED = date(2028, 6, 20)  # due 26 June
DECIDED = date(2028, 7, 3)  # due 10 July


def start(ehc_plan, cast, **kwargs):
    kwargs = {"kind": ReviewKind.ANNUAL, "by": cast.caseworker, "today": STARTED, **kwargs}
    return services.review_start(ehc_plan=ehc_plan, **kwargs)


def arranged(ehc_plan, cast):
    review = start(ehc_plan, cast)
    return services.review_meeting_arrange(
        review=review, meeting_on=MEETING, by=cast.senco, today=ARRANGED
    )


def invited(ehc_plan, cast):
    return services.review_invitations_send(
        review=arranged(ehc_plan, cast), sent_on=SENT, by=cast.senco, today=SENT
    )


def circulated(ehc_plan, cast):
    review = invited(ehc_plan, cast)
    return services.review_advice_circulate(
        review=review,
        circulated_on=CIRCULATED,
        received=[i.pk for i in review.invitees.exclude(role=InviteeRole.FAMILY)],
        by=cast.senco,
        today=CIRCULATED,
    )


def held(ehc_plan, cast):
    review = circulated(ehc_plan, cast)
    return services.review_meeting_hold(
        review=review,
        held_on=MEETING,
        attended=[i.pk for i in review.invitees.filter(role__in=["FAMILY", "SETTING"])],
        family_views="Happy at school; wants more help with reading",
        by=cast.senco,
        today=MEETING,
    )


def reported(ehc_plan, cast, recommendation=Recommendation.MAINTAIN, **kwargs):
    return services.review_report_record(
        review=held(ehc_plan, cast),
        received_on=kwargs.pop("received_on", REPORTED),
        recommendation=recommendation,
        summary="Good progress towards the outcomes in section E",
        by=cast.senco,
        today=kwargs.pop("today", REPORTED),
        **kwargs,
    )


# -- starting ------------------------------------------------------------------------------------


def test_an_annual_review_runs_12_months_from_the_plan_and_the_school_arranges_it(ehc_plan, cast):
    """REVIEW-12M, REVIEW-MEETING, REVIEW-INVITES-2W: a child at a school has the meeting arranged
    by it (reg 20) and everyone reg 20(2) names is on the list."""
    review = start(ehc_plan, cast)

    assert review.status == ReviewStatus.DUE
    assert review.period_starts_on == PLAN_ISSUED
    assert (review.review_due_on, review.latest_meeting_on) == (REVIEW_BY, LATEST_MEETING)
    assert review.invitations_due_on == date(2028, 6, 6)
    assert not review.under_five
    assert review.arranged_under == ArrangedUnder.SETTING and review.arranged_by == cast.school
    assert review.council == cast.council and review.caseworker == cast.caseworker
    invitees = {i.role: i for i in review.invitees.all()}
    assert set(invitees) == {
        InviteeRole.FAMILY,
        InviteeRole.SETTING,
        InviteeRole.SEN_OFFICER,
        InviteeRole.HEALTH,
        InviteeRole.SOCIAL_CARE,
    }
    assert invitees[InviteeRole.FAMILY].name == "Morwenna Quillfeather"
    assert invitees[InviteeRole.SETTING].agency == cast.school
    assert invitees[InviteeRole.SEN_OFFICER].agency == cast.council
    last = review.history.latest()
    assert (
        last.history_user == cast.caseworker
        and "Annual review started" in last.history_change_reason
    )


def test_a_child_in_no_school_has_the_meeting_arranged_by_the_council(cast):
    """Reg 21: the council arranges the meeting and invites no school."""
    plan = factories.EhcPlanFactory(council=cast.council)
    review = start(plan, cast)
    assert review.arranged_under == ArrangedUnder.COUNCIL and review.arranged_by == cast.council
    assert not review.invitees.filter(role=InviteeRole.SETTING).exists()


def test_the_period_runs_from_the_last_review_decision(cast, child):
    plan = factories.EhcPlanFactory(
        child=child, council=cast.council, last_reviewed_on=date(2028, 2, 29)
    )
    review = start(plan, cast, today=date(2028, 12, 1))
    assert review.period_starts_on == date(2028, 2, 29)
    assert review.review_due_on == date(2029, 2, 27)  # 28 Feb 2029 less a day


def test_a_child_under_five_is_reviewed_within_6_months(cast):
    """REVIEW-UNDER5-6M (CoP 9.178): under 5 on the day the period starts."""
    toddler = factories.ChildFactory(date_of_birth=date(2024, 1, 1))
    plan = factories.EhcPlanFactory(child=toddler, council=cast.council)
    review = start(plan, cast, today=date(2027, 9, 1))
    assert review.under_five
    assert review.review_due_on == date(2028, 1, 18)
    assert review.latest_meeting_on == date(2027, 12, 21)


def test_a_plan_made_by_an_assessment_invites_the_health_and_social_care_advisers(cast):
    case = factories.case_at("FINAL_ISSUED", cast, advice=factories.ALL_ADVICE)
    review = start(case.ehc_plan, cast, today=date(2028, 3, 1))
    invitees = {i.role: i.agency for i in review.invitees.all()}
    assert invitees[InviteeRole.HEALTH] == cast.health
    assert invitees[InviteeRole.SOCIAL_CARE] == cast.social_care
    assert InviteeRole.SETTING not in invitees  # the walk's child attends no school: reg 21


def test_an_early_or_interim_review_needs_a_reason(ehc_plan, cast):
    with pytest.raises(CaseRuleError, match="why the council is reviewing the plan now"):
        start(ehc_plan, cast, kind=ReviewKind.EARLY)
    review = start(ehc_plan, cast, kind=ReviewKind.INTERIM, reason="  Excluded from school  ")
    assert review.kind == ReviewKind.INTERIM and review.reason == "Excluded from school"


def test_a_cease_without_review_is_not_started_here(ehc_plan, cast):
    with pytest.raises(CaseRuleError, match="annual, early or interim"):
        start(ehc_plan, cast, kind=ReviewKind.CEASE_ONLY)


def test_a_second_open_review_of_a_plan_is_refused_and_nothing_changes(ehc_plan, cast):
    start(ehc_plan, cast)
    before = db_state()
    with pytest.raises(CaseRuleError, match="already has a review in progress"):
        start(ehc_plan, cast, kind=ReviewKind.EARLY, reason="Moved school")
    assert db_state() == before


def test_only_the_councils_officers_start_a_review(ehc_plan, cast):
    for person in (cast.senco, cast.health_adviser, cast.outsider):
        with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
            start(ehc_plan, cast, by=person)
    assert not Review.objects.exists()


def test_a_ceased_plan_is_not_reviewed_and_the_start_date_is_checked(ehc_plan, cast):
    with pytest.raises(CaseRuleError, match="today or in the past"):
        start(ehc_plan, cast, started_on=STARTED + timedelta(days=1))
    with pytest.raises(CaseRuleError, match="on or after 19 July 2027"):
        start(ehc_plan, cast, started_on=PLAN_ISSUED - timedelta(days=1))
    ehc_plan.cease(on=STARTED, reason="7")
    ehc_plan.save()
    with pytest.raises(CaseRuleError, match="ceased: it cannot be reviewed"):
        start(ehc_plan, cast)


def test_a_phase_transfer_review_has_its_reg_18_date(ehc_plan, cast):
    review = start(ehc_plan, cast, transfer_year=2029)
    assert review.phase_transfer_due_on == date(2029, 2, 14)
    post16 = factories.EhcPlanFactory(council=cast.council)
    review = start(post16, cast, transfer_year=2029, transfer_post16=True)
    assert review.phase_transfer_due_on == date(2029, 3, 30)


# -- arranging the meeting -----------------------------------------------------------------------


def test_the_schools_senco_arranges_the_meeting(ehc_plan, cast):
    review = arranged(ehc_plan, cast)
    assert review.status == ReviewStatus.ARRANGED
    assert (review.meeting_on, review.meeting_arranged_on) == (MEETING, ARRANGED)
    assert review.invitations_due_on == INVITATIONS_DUE
    assert review.history.latest().history_user == cast.senco


def test_only_the_arranging_school_or_the_council_arranges_it(ehc_plan, cast):
    review = start(ehc_plan, cast)
    other_school = factories.AgencyFactory(kind=AgencyKind.SCHOOL)
    other_senco = factories.member(other_school, Role.SENCO)
    for person in (other_senco, cast.health_adviser, cast.outsider):
        with pytest.raises(CaseRuleError, match="which arranges this review"):
            services.review_meeting_arrange(
                review=review, meeting_on=MEETING, by=person, today=ARRANGED
            )
    services.review_meeting_arrange(
        review=review, meeting_on=MEETING, by=cast.caseworker, today=ARRANGED
    )


def test_an_annual_meeting_is_held_by_the_latest_date_and_never_in_the_past(ehc_plan, cast):
    review = start(ehc_plan, cast)
    before = db_state()
    with pytest.raises(CaseRuleError, match="on or before 20 June 2028"):
        services.review_meeting_arrange(
            review=review,
            meeting_on=LATEST_MEETING + timedelta(days=1),
            by=cast.senco,
            today=ARRANGED,
        )
    with pytest.raises(CaseRuleError, match="on or after the day it is arranged"):
        services.review_meeting_arrange(
            review=review, meeting_on=ARRANGED - timedelta(days=1), by=cast.senco, today=ARRANGED
        )
    assert db_state() == before
    services.review_meeting_arrange(
        review=review, meeting_on=LATEST_MEETING, by=cast.senco, today=ARRANGED
    )


def test_an_early_review_may_meet_after_the_annual_latest_date(ehc_plan, cast):
    review = start(ehc_plan, cast, kind=ReviewKind.EARLY, reason="Change of needs")
    review = services.review_meeting_arrange(
        review=review, meeting_on=date(2028, 7, 1), by=cast.senco, today=ARRANGED
    )
    assert review.meeting_on == date(2028, 7, 1)


def test_a_review_started_too_late_still_gets_its_meeting(ehc_plan, cast):
    """The latest date has passed: the meeting is arranged as soon as it can be, and the history
    says the date had passed."""
    review = start(ehc_plan, cast, today=date(2028, 6, 25))
    review = services.review_meeting_arrange(
        review=review, meeting_on=date(2028, 7, 10), by=cast.senco, today=date(2028, 6, 25)
    )
    assert "had passed" in review.history.latest().history_change_reason


# -- invitations and advice ----------------------------------------------------------------------


def test_invitations_with_two_weeks_notice_invite_everyone(ehc_plan, cast):
    review = services.review_invitations_send(
        review=arranged(ehc_plan, cast),
        sent_on=SENT,
        others=["Speech and language therapist"],
        by=cast.senco,
        today=SENT,
    )
    assert review.status == ReviewStatus.INVITED and review.invitations_sent_on == SENT
    assert not review.invitations_late and review.invitations_late_reason == ""
    assert {i.invited_on for i in review.invitees.all()} == {SENT}
    assert review.invitees.get(role=InviteeRole.OTHER).name == "Speech and language therapist"


def test_late_invitations_are_recorded_with_the_reason(ehc_plan, cast):
    """REVIEW-INVITES-2W: less than 2 weeks' notice is not refused, but needs its reason."""
    review = arranged(ehc_plan, cast)
    late = INVITATIONS_DUE + timedelta(days=3)
    before = db_state()
    with pytest.raises(CaseRuleError, match="less than 2 weeks' notice.*29 May 2028"):
        services.review_invitations_send(review=review, sent_on=late, by=cast.senco, today=late)
    assert db_state() == before
    review = services.review_invitations_send(
        review=review,
        sent_on=late,
        late_reason="School closed for a week",
        by=cast.senco,
        today=late,
    )
    assert review.invitations_late and review.invitations_late_reason == "School closed for a week"
    assert "3 days late" in review.history.latest().history_change_reason


def test_advice_circulated_marks_what_came_and_a_late_one_needs_a_reason(ehc_plan, cast):
    review = invited(ehc_plan, cast)
    health = review.invitees.get(role=InviteeRole.HEALTH)
    late = MEETING - timedelta(days=5)
    with pytest.raises(CaseRuleError, match="less than 2 weeks before the meeting"):
        services.review_advice_circulate(
            review=review, circulated_on=late, received=[health.pk], by=cast.senco, today=late
        )
    with pytest.raises(CaseRuleError, match="Choose only people invited"):
        services.review_advice_circulate(
            review=review,
            circulated_on=CIRCULATED,
            received=[999999],
            by=cast.senco,
            today=CIRCULATED,
        )
    review = services.review_advice_circulate(
        review=review,
        circulated_on=late,
        received=[health.pk],
        late_reason="The health report came late",
        by=cast.senco,
        today=late,
    )
    assert review.status == ReviewStatus.ADVICE_CIRCULATED and review.advice_late
    health.refresh_from_db()
    assert health.advice_received_on == late
    assert not review.invitees.filter(
        role=InviteeRole.SOCIAL_CARE, advice_received_on__isnull=False
    )


# -- the meeting and the report ------------------------------------------------------------------


def test_the_meeting_records_who_came_and_the_familys_views(ehc_plan, cast):
    review = held(ehc_plan, cast)
    assert review.status == ReviewStatus.MEETING_HELD and review.meeting_held_on == MEETING
    attended = {i.role: i.attended for i in review.invitees.all()}
    assert attended[InviteeRole.FAMILY] and attended[InviteeRole.SETTING]
    assert attended[InviteeRole.HEALTH] is False
    assert "Morwenna Quillfeather" in review.attendance
    assert review.family_views.startswith("Happy at school")
    assert (review.report_due_on, review.decision_due_on) == (date(2028, 6, 26), date(2028, 7, 10))


def test_a_meeting_needs_the_familys_views_and_who_attended(ehc_plan, cast):
    review = circulated(ehc_plan, cast)
    with pytest.raises(CaseRuleError, match="views, wishes and feelings"):
        services.review_meeting_hold(
            review=review,
            held_on=MEETING,
            attended=[],
            family_views=" ",
            by=cast.senco,
            today=MEETING,
        )
    with pytest.raises(CaseRuleError, match="Select who attended"):
        services.review_meeting_hold(
            review=review,
            held_on=MEETING,
            attended=[],
            family_views="Fine",
            by=cast.senco,
            today=MEETING,
        )
    with pytest.raises(CaseRuleError, match="today or in the past"):
        services.review_meeting_hold(
            review=review,
            held_on=MEETING,
            attended=[review.invitees.first().pk],
            family_views="Fine",
            by=cast.senco,
            today=MEETING - timedelta(days=1),
        )


def test_the_report_on_time_and_a_late_report_recorded_as_late(ehc_plan, cast):
    """REVIEW-REPORT-2W."""
    review = reported(ehc_plan, cast, differences="The family want more speech therapy")
    assert review.status == ReviewStatus.REPORTED and not review.report_late
    assert review.recommendation == Recommendation.MAINTAIN
    assert review.differences_of_opinion == "The family want more speech therapy"

    other = factories.EhcPlanFactory(child=factories.ChildFactory(current_setting=cast.school))
    other.council = cast.council
    other.save()
    late = date(2028, 6, 29)
    review = reported(other, cast, received_on=late, today=late)
    assert review.report_late
    assert "3 days late" in review.history.latest().history_change_reason


def test_the_report_needs_a_recommendation_and_a_summary(ehc_plan, cast):
    review = held(ehc_plan, cast)
    with pytest.raises(CaseRuleError, match="what the report recommends"):
        services.review_report_record(
            review=review,
            received_on=REPORTED,
            recommendation="",
            summary="x",
            by=cast.senco,
            today=REPORTED,
        )
    with pytest.raises(CaseRuleError, match="summary of the report"):
        services.review_report_record(
            review=review,
            received_on=REPORTED,
            recommendation="AMEND",
            summary="",
            by=cast.senco,
            today=REPORTED,
        )


def test_steps_out_of_order_are_refused(ehc_plan, cast):
    review = start(ehc_plan, cast)
    with pytest.raises(CaseRuleError, match="Meeting to arrange"):
        services.review_invitations_send(review=review, sent_on=SENT, by=cast.senco, today=SENT)
    with pytest.raises(CaseRuleError, match="Meeting to arrange"):
        services.review_decide(
            review=review,
            decision=ReviewDecision.MAINTAIN,
            decided_on=DECIDED,
            reasons="",
            by=cast.caseworker,
            today=DECIDED,
        )


# -- the decision --------------------------------------------------------------------------------


def test_keeping_the_plan_completes_the_review_and_sets_the_next_one(ehc_plan, cast):
    review = services.review_decide(
        review=reported(ehc_plan, cast),
        decision=ReviewDecision.MAINTAIN,
        decided_on=DECIDED,
        reasons="Outcomes on track",
        by=cast.caseworker,
        today=DECIDED,
        sent=emailed(DECIDED),
    )
    assert review.status == ReviewStatus.COMPLETE and review.completed_on == DECIDED
    assert not review.decision_late
    ehc_plan.refresh_from_db()
    assert ehc_plan.status == EhcPlanStatus.IN_FORCE
    assert ehc_plan.last_reviewed_on == DECIDED
    assert ehc_plan.next_review_due_on == date(2029, 7, 2)
    assert ehc_plan.history.latest().history_user == cast.caseworker
    letter = DocumentRender.objects.get(review=review)
    assert letter.kind == DocumentKind.REVIEW_DECISION_LETTER and letter.case_id is None
    content = letter.content
    assert content["review_decision"] == "MAINTAIN" and content["reference"] == review.reference
    assert content["next_review_due_on"] == "2029-07-02"
    assert content["appeal_by"] == "2028-09-03"  # 2 months after it was sent
    assert "keep the plan as it is" in content["appeal_decision"]
    assert LetterSending.objects.get(letter=letter).review == review
    # A new review can start now, from the decision.
    nxt = start(ehc_plan, cast, today=date(2029, 3, 1))
    assert nxt.period_starts_on == DECIDED and nxt.review_due_on == date(2029, 7, 2)


def test_a_decision_not_to_amend_says_why_in_a_letter_with_appeal_rights(ehc_plan, cast):
    review = reported(ehc_plan, cast, recommendation=Recommendation.AMEND)
    before = db_state()
    with pytest.raises(CaseRuleError, match="why the amendments recommended are not being made"):
        services.review_decide(
            review=review,
            decision=ReviewDecision.NOT_AMEND,
            decided_on=DECIDED,
            reasons="",
            by=cast.caseworker,
            today=DECIDED,
        )
    assert db_state() == before
    review = services.review_decide(
        review=review,
        decision=ReviewDecision.NOT_AMEND,
        decided_on=DECIDED,
        reasons="The school can meet the needs within the current provision",
        by=cast.caseworker,
        today=DECIDED,
    )
    assert review.status == ReviewStatus.COMPLETE and review.decision == ReviewDecision.NOT_AMEND
    letter = DocumentRender.objects.get(review=review)
    assert "appeal_by" not in letter.content  # not recorded as sent: the rule, not a date
    html = " ".join(documents.render_html(letter.kind, letter.content).split())
    assert "not to amend the plan" in html
    assert "The school can meet the needs within the current provision" in html
    assert "Your right to mediation and to appeal" in html
    assert "2 July 2029" in html  # the next review


def test_not_amending_needs_amendments_to_have_been_recommended_or_asked_for(ehc_plan, cast):
    review = reported(ehc_plan, cast)
    with pytest.raises(CaseRuleError, match="Nobody recommended or asked for amendments"):
        services.review_decide(
            review=review,
            decision=ReviewDecision.NOT_AMEND,
            decided_on=DECIDED,
            reasons="No",
            by=cast.caseworker,
            today=DECIDED,
        )


def test_only_the_council_decides_and_not_before_the_report(ehc_plan, cast):
    review = reported(ehc_plan, cast)
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        services.review_decide(
            review=review,
            decision=ReviewDecision.MAINTAIN,
            decided_on=DECIDED,
            reasons="",
            by=cast.senco,
            today=DECIDED,
        )
    with pytest.raises(CaseRuleError, match="on or after 20 June 2028"):
        services.review_decide(
            review=review,
            decision=ReviewDecision.MAINTAIN,
            decided_on=REPORTED - timedelta(days=1),
            reasons="",
            by=cast.caseworker,
            today=DECIDED,
        )


def test_a_late_decision_is_recorded_as_late(ehc_plan, cast):
    """REVIEW-DECISION-4W."""
    late = date(2028, 7, 14)
    review = services.review_decide(
        review=reported(ehc_plan, cast),
        decision=ReviewDecision.MAINTAIN,
        decided_on=late,
        reasons="",
        by=cast.caseworker,
        today=late,
    )
    assert review.decision_late
    assert "4 days after the 4 weeks" in review.history.latest().history_change_reason
    assert deadlines.REVIEW_DECISION.code == "REVIEW-DECISION-4W"
