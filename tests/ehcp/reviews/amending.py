"""Helpers for the amendment tests: a plan made by a real assessment (case_at FINAL_ISSUED, so the
version in force has a working copy, advice and a frozen final plan) and a review of it whose
report is in.

The review is built at REPORTED directly (a protected FSM field takes its first value when the
row is constructed): the steps before the report are the review services' and tested there."""

from dataclasses import dataclass
from datetime import date, timedelta

from ehcp.assessments.models import AdviceKind, Assessment, AssessmentStatus
from ehcp.plans import services as plan_services
from ehcp.plans.models import FrequencyPeriod, Plan, PlanEntryStatus
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.reviews.models import ArrangedUnder, Recommendation, Review, ReviewStatus
from ehcp.reviews.services import amendment


@dataclass(frozen=True)
class ReviewDates:
    """One review's days: the meeting, the report a week later, the decision a week after that,
    the 15 days for comments (the notice e-mailed on the day of the decision) and the final
    amended plan the day after they end."""

    meeting_on: date

    @property
    def reported_on(self) -> date:
        return self.meeting_on + timedelta(days=7)

    @property
    def decided_on(self) -> date:
        return self.meeting_on + timedelta(days=14)

    @property
    def comments_end_on(self) -> date:
        return self.decided_on + timedelta(days=14)

    @property
    def final_on(self) -> date:
        return self.comments_end_on + timedelta(days=1)


# The first review of a plan issued on 12 May 2027 (the walk's final plan), and a second one
# the year after.
FIRST = ReviewDates(date(2028, 3, 1))
SECOND = ReviewDates(date(2029, 1, 10))


def plan_made_by_assessment(walk, cast) -> Assessment:
    """A child's plan made by an assessment: the example plan (B1, E1, F1, the need typed SLCN)
    and health provision in section G agreed by the health body, issued as the final plan naming
    the child's school (version 2: the draft was version 1)."""
    walk.to(AssessmentStatus.DRAFTING)
    plan = plan_services.plan_fill_example(case=walk.case, by=cast.caseworker)
    need = plan.needs.get(section="B")
    plan_services.need_save(
        plan=plan,
        need=need,
        section="B",
        text=need.text,
        need_code="SLCN",
        advice=list(need.advice.all()),
        by=cast.caseworker,
    )
    on = walk.when.issue_decided_on
    provision = plan_services.provision_save(
        plan=plan,
        section="G",
        what="Speech and language therapy review in school",
        who="Speech and language therapist",
        frequency_count=1,
        frequency_period=FrequencyPeriod.TERM,
        session_minutes=45,
        ends_on=date(2028, 7, 20),
        needs=[need],
        outcomes=[plan.outcomes.get()],
        advice=[walk.case.advice_requests.get(kind=AdviceKind.HEALTH)],
        by=cast.caseworker,
    )
    plan_services.provision_health_agree(
        provision=provision, agreed_on=on, by=cast.health_adviser, today=on
    )
    walk.issue_draft()
    walk.record_comments()
    walk.reply_to_consultation()
    walk.issue_final()
    return walk.refresh()


def emailed(on: date) -> LetterSent:
    return LetterSent(on, SendingMethod.EMAIL)


def reported_review(ehc_plan, cast, *, dates: ReviewDates = FIRST, **fields) -> Review:
    """A review of `ehc_plan` arranged by the child's school (reg 20), its meeting held and its
    report in, recommending amendments."""
    start = ehc_plan.last_reviewed_on or ehc_plan.first_issued_on
    values = dict(
        ehc_plan=ehc_plan,
        child=ehc_plan.child,
        council=ehc_plan.council,
        caseworker=cast.caseworker,
        status=ReviewStatus.REPORTED,
        started_on=dates.meeting_on - timedelta(days=60),
        started_by=cast.caseworker,
        period_starts_on=start,
        arranged_under=ArrangedUnder.SETTING,
        arranged_by=cast.school,
        meeting_on=dates.meeting_on,
        meeting_arranged_on=dates.meeting_on - timedelta(days=40),
        invitations_sent_on=dates.meeting_on - timedelta(days=30),
        advice_circulated_on=dates.meeting_on - timedelta(days=20),
        meeting_held_on=dates.meeting_on,
        attendance="Parent, SENCo, SEN officer",
        family_views="Wants more help with reading",
        report_received_on=dates.reported_on,
        recommendation=Recommendation.AMEND,
        report_summary="Progress in literacy; speech and language support to increase",
    )
    values.update(fields)
    review = Review(**values)
    review.set_statutory_dates()
    review.save()
    return review


def propose_amendments(review: Review, cast) -> Plan:
    """Seed the review's working copy and change it: the F provision twice as often, and a new
    need in section B met by it."""
    plan = amendment.review_plan_seed(review=review, by=cast.caseworker)
    provision = plan.provisions.get(section="F", status=PlanEntryStatus.ACCEPTED)
    need = plan_services.need_save(
        plan=plan,
        section="B",
        text="Finds it hard to start writing tasks without an adult's prompt",
        need_code="SLD",
        by=cast.caseworker,
    )
    plan_services.provision_save(
        plan=plan,
        provision=provision,
        section="F",
        what=provision.what,
        who=provision.who,
        frequency_count=(provision.frequency_count or 1) * 2,
        frequency_period=FrequencyPeriod.WEEK,
        session_minutes=provision.session_minutes,
        starts_on=provision.starts_on,
        ends_on=provision.ends_on,
        needs=[*provision.needs.all(), need],
        outcomes=list(provision.outcomes.all()),
        advice=list(provision.advice.all()),
        by=cast.caseworker,
    )
    return plan


def amend(ehc_plan, cast, *, dates: ReviewDates = FIRST, review=None, **fields) -> Review:
    """A whole amending review (of `review`, or a new one), with the real services: the proposed
    amendments, the notice (e-mailed on the day of the decision), and the final amended plan once
    the 15 days are over."""
    review = review or reported_review(ehc_plan, cast, dates=dates, **fields)
    propose_amendments(review, cast)
    amendment.amendment_notice_issue(
        review=review,
        decided_on=dates.decided_on,
        reasons="The report recommends more speech and language support",
        by=cast.caseworker,
        today=dates.decided_on,
        sent=emailed(dates.decided_on),
    )
    amendment.amended_plan_issue(
        review=review,
        issued_on=dates.final_on,
        by=cast.caseworker,
        today=dates.final_on,
        sent=emailed(dates.final_on),
    )
    review.refresh_from_db()
    return review
