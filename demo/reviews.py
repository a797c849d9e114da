"""Demo annual reviews: plans at every review stage, some late, phase transfers this school year,
a cease in its appeal window and a plan amended twice.

Each scenario is a child of its own whose plan is made first, by an assessment driven to its
final plan with the generator's `Planner` and `Driver` (back-dated: the plan is issued on the day
the scenario's timeline needs), and then reviewed through the real services and the review flow
(`workflows.services.review_start`, then each task claimed and completed with
`workflows.services.task_complete`, as a school's SENCo or the council's caseworker would).
Every step is passed its date and run under `demo.clock.StepClock`, so history rows and task
stamps carry the day the step happened.

A scenario's timeline is pure: built from `random.Random(seed)` and `today` before anything is
written, with each date placed so that the review stops where the scenario says (a meeting
arranged for next month, a report in and its decision overdue, a cease notice whose appeal
window is still open ...). A phase transfer's timeline is set by the calendar instead: the
child is in Year 6 (or Year 11) and moves next September, so the review is planned back from
15 February (31 March) and every step dated on or before `today` is driven.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.children.rules import young_person as young_person_rules
from ehcp.plans import services as plan_services
from ehcp.plans.models import EhcPlan, FrequencyPeriod, PlanEntryStatus
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.reviews.models import (
    ArrangedUnder,
    CeaseReason,
    Recommendation,
    Review,
    ReviewDecision,
    ReviewKind,
    ReviewStatus,
)
from ehcp.reviews.rules import phase
from ehcp.reviews.services import amendment as amendment_services
from ehcp.reviews.services import cease as cease_services
from ehcp.reviews.services import review as review_services
from workflows import services as wf
from workflows.models import CaseTask

from . import generator as g

# Where a scenario stops: a review status, or one of these.
NOT_STARTED = "NOT_STARTED"  # the review is due within 3 months and not started
CEASED_WITHOUT_REVIEW = "CEASED_WITHOUT_REVIEW"  # the family moved to another council
PHASE_TRANSFER = "PHASE_TRANSFER"  # as far as the calendar has gone

FIRST, NO_SETTING, ANY, SECONDARY = "first", "none", "any", "secondary"

S = ReviewStatus
R = Recommendation
D = ReviewDecision


@dataclass(frozen=True)
class ReviewScenario:
    key: str
    stop: str
    setting: str = ANY  # FIRST: the senco demo login's school; NO_SETTING: the council arranges
    year_group: int | None = None  # phase transfer: the child's year group today (6 or 11)
    recommendation: str = R.MAINTAIN
    decision: str = ""
    amended_before: int = 0  # earlier reviews that amended the plan (each a new final version)


PINNED = (
    ReviewScenario("due-in-the-next-3-months", NOT_STARTED),
    # Reg 21: the child attends no school, so the council arranges the meeting; it has not, and
    # the 12 months are up.
    ReviewScenario("meeting-to-arrange-overdue", S.DUE, setting=NO_SETTING),
    ReviewScenario("meeting-arranged-by-the-senco", S.ARRANGED, setting=FIRST),
    ReviewScenario("invitations-sent", S.INVITED),
    ReviewScenario("advice-circulated", S.ADVICE_CIRCULATED),
    ReviewScenario("meeting-held-report-awaited", S.MEETING_HELD, setting=FIRST),
    ReviewScenario("report-in-decision-late", S.REPORTED, recommendation=R.AMEND),
    ReviewScenario("kept", S.COMPLETE, decision=D.MAINTAIN),
    ReviewScenario("not-amended", S.COMPLETE, recommendation=R.AMEND, decision=D.NOT_AMEND),
    ReviewScenario(
        "amending-comments-awaited", S.AMENDING, recommendation=R.AMEND, decision=D.AMEND
    ),
    # Amended last year and again this year: three final versions of the plan.
    ReviewScenario(
        "amended-twice", S.COMPLETE, recommendation=R.AMEND, decision=D.AMEND, amended_before=1
    ),
    ReviewScenario(
        "ceasing-appeal-window-open", S.CEASING, recommendation=R.CEASE, decision=D.CEASE
    ),
    ReviewScenario("ceased-without-review-moved-away", CEASED_WITHOUT_REVIEW),
    ReviewScenario(
        "phase-transfer-year-6",
        PHASE_TRANSFER,
        setting=FIRST,
        year_group=6,
        recommendation=R.AMEND,
        decision=D.AMEND,
    ),
    ReviewScenario(
        "phase-transfer-year-11",
        PHASE_TRANSFER,
        setting=SECONDARY,
        year_group=11,
        recommendation=R.AMEND,
        decision=D.AMEND,
    ),
)

# The assessment that made each scenario's plan: on time, held by the `caseworker` demo login.
PLAN_MADE = g.Scenario("review-plan", g.FINAL, 0, demo_caseworker=True)
PLAN_MADE_AT_FIRST_SCHOOL = dataclasses.replace(PLAN_MADE, first_school=True)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend (meetings and letters are on working days)."""
    return day + days((7 - day.weekday()) % 7) if day.weekday() >= 5 else day


@dataclass
class ReviewDates:
    """One review's steps, each dated (None: not done). `meeting_on` is the day arranged."""

    period_starts_on: date
    started_on: date | None = None
    arranged_on: date | None = None
    meeting_on: date | None = None
    invited_on: date | None = None
    circulated_on: date | None = None
    held_on: date | None = None
    reported_on: date | None = None
    decided_on: date | None = None
    comments_on: date | None = None  # amending: the family's comments
    amended_on: date | None = None  # amending: the final amended plan (at the earliest)
    replied_on: date | None = None  # ceasing: the replies to the consultation
    notice_on: date | None = None  # ceasing: the notice, e-mailed that day
    transfer_year: int | None = None
    transfer_post16: bool = False

    def until(self, today: date) -> ReviewDates:
        """The steps dated on or before today (the rest have not happened yet)."""
        names = [f.name for f in dataclasses.fields(self) if f.name.endswith("_on")]
        kept = dataclasses.replace(self)
        for name in names:
            if name in ("period_starts_on", "meeting_on"):
                continue
            value = getattr(kept, name)
            if value is not None and value > today:
                setattr(kept, name, None)
        if kept.started_on is None:
            kept.meeting_on = None
        return kept


@dataclass
class ReviewPlan:
    scenario: ReviewScenario
    case: g.CasePlan  # the assessment that makes the plan
    issued_on: date  # the plan's final version
    reviews: list[ReviewDates]  # the earlier ones first
    ceased_on: date | None = None  # ceased without a review
    next_setting: object = None  # phase transfer: the school or college named next


def _period_for(latest_meeting_on: date) -> date:
    """The period start (the plan's issue or last review decision) whose latest meeting date,
    4 weeks before the 12 months are up, is on or after `latest_meeting_on`."""
    start = deadlines.add_months(latest_meeting_on + days(deadlines.REVIEW_MEETING.days * -1), -12)
    while deadlines.review_deadlines(start)["latest_meeting"].due_on < latest_meeting_on:
        start += days(1)
    return start


class _PlanPlanner(g.Planner):
    """The generator's planner, for a child whose final plan is issued on its `today` exactly,
    at the age and school the review scenario needs."""

    want_age: int | None = None
    want_setting: object = None  # a (School, Agency), or NO_SETTING, or None: the usual choice

    def _pick_age(self, rng, scenario):
        return self.want_age if self.want_age is not None else rng.randint(6, 13)

    def _setting_for(self, age, scenario, need):
        if self.want_setting == NO_SETTING:
            return None
        if self.want_setting is not None:
            return self.want_setting
        return super()._setting_for(age, scenario, need)

    def _offsets(self, scenario, kinds):
        found = super()._offsets(scenario, kinds)
        if found:
            found["age"] = found["final"]  # the final plan is issued on `today`
        return found


def _as_a_child(case: g.CasePlan) -> None:
    """A child given a date of birth of their own after planning (a phase transfer's year group)
    is not a young person yet (over compulsory school age, CFA 2014 s.83): their parent asked
    for the assessment and consented to it."""
    born, parent = case.child.date_of_birth, case.parents[0].name
    if case.requested_by == g.Requester.YOUNG_PERSON and not young_person_rules.is_young_person(
        born, case.received_on
    ):
        case.requested_by, case.requester_name = g.Requester.PARENT, parent
    if case.consent_on is not None and not young_person_rules.is_young_person(
        born, case.consent_on
    ):
        case.consent_by, case.consent_name = g.ConsentGiver.PARENT, parent
        case.lacks_capacity_on = None


class ReviewPlanner:
    """The timeline of each review scenario, from the seed and today (pure)."""

    def __init__(self, cast: g.Cast, *, seed: int, today: date):
        self.cast = cast
        self.seed = seed
        self.today = today
        self.rng = random.Random(seed + 10)

    def _school(self, min_age: int):
        return next(s for s in self.cast.schools if s[0].min_age == min_age and not s[0].special)

    def _full(self, meeting_on: date, *, slack: int | None = None) -> ReviewDates:
        """Every step to the decision, on time, around the meeting; the 12 months run from a
        period start that leaves the meeting `slack` days before its latest date."""
        rng = self.rng
        meeting_on = weekday(meeting_on)
        slack = rng.randint(3, 20) if slack is None else slack
        started = weekday(meeting_on - days(rng.randint(63, 84)))
        held = meeting_on
        reported = weekday(held + days(rng.randint(5, 11)))
        return ReviewDates(
            period_starts_on=_period_for(meeting_on + days(slack)),
            started_on=started,
            arranged_on=weekday(started + days(rng.randint(4, 10))),
            meeting_on=meeting_on,
            invited_on=weekday(meeting_on - days(rng.randint(24, 33))),
            circulated_on=weekday(meeting_on - days(rng.randint(15, 20))),
            held_on=held,
            reported_on=reported,
            decided_on=weekday(reported + days(rng.randint(3, 9))),
        )

    def _amend(self, dates: ReviewDates) -> ReviewDates:
        """The family comments within the 15 days; the amended plan follows once they end."""
        rng = self.rng
        dates.comments_on = dates.decided_on + days(rng.randint(5, 12))
        dates.amended_on = weekday(dates.decided_on + days(15 + rng.randint(1, 10)))
        return dates

    def _timeline(self, scenario: ReviewScenario) -> tuple[date, list[ReviewDates], object]:
        """The plan's issue date and its reviews' dates (earlier reviews first)."""
        rng, today = self.rng, self.today
        stop = scenario.stop
        if stop == NOT_STARTED:
            due = today + days(rng.randint(50, 80))
            issued = deadlines.add_months(due + days(1), -12)
            return issued, [], None
        if stop == CEASED_WITHOUT_REVIEW:
            return today - days(rng.randint(200, 300)), [], None
        if stop == PHASE_TRANSFER:
            return self._transfer(scenario)
        if stop == S.DUE:
            # Started in good time; nobody has arranged the meeting and the 12 months are up.
            due = today - days(rng.randint(5, 20))
            period = deadlines.add_months(due + days(1), -12)
            started = weekday(due - days(rng.randint(75, 95)))
            return period, [ReviewDates(period_starts_on=period, started_on=started)], None
        meeting = {
            S.ARRANGED: lambda: today + days(rng.randint(30, 45)),
            S.INVITED: lambda: today + days(rng.randint(16, 22)),
            S.ADVICE_CIRCULATED: lambda: today + days(rng.randint(3, 9)),
            S.MEETING_HELD: lambda: today - days(rng.randint(3, 8)),
            S.REPORTED: lambda: today - days(rng.randint(36, 45)),
            S.AMENDING: lambda: today - days(rng.randint(25, 30)),
            S.CEASING: lambda: today - days(rng.randint(50, 58)),
        }
        if stop == S.COMPLETE:
            later = scenario.decision == D.AMEND
            dates = self._full(today - days(rng.randint(75, 85) if later else rng.randint(45, 65)))
        else:
            dates = self._full(meeting[stop]())
        if stop == S.ARRANGED:
            dates = dataclasses.replace(
                dates, invited_on=None, circulated_on=None, held_on=None, reported_on=None
            )
        elif stop == S.INVITED:
            dates = dataclasses.replace(dates, circulated_on=None, held_on=None, reported_on=None)
        elif stop == S.ADVICE_CIRCULATED:
            dates = dataclasses.replace(dates, held_on=None, reported_on=None)
        elif stop == S.MEETING_HELD:
            dates = dataclasses.replace(dates, reported_on=None)
        if stop in (S.ARRANGED, S.INVITED, S.ADVICE_CIRCULATED, S.MEETING_HELD, S.REPORTED):
            dates.decided_on = None
        if stop == S.AMENDING:
            dates.decided_on = weekday(today - days(rng.randint(6, 9)))  # comments still awaited
        if stop == S.CEASING:
            dates.replied_on = weekday(dates.decided_on + days(rng.randint(10, 15)))
            dates.notice_on = weekday(dates.replied_on + days(rng.randint(2, 5)))
        if scenario.decision == D.AMEND and stop == S.COMPLETE:
            self._amend(dates)
        reviews = [dates]
        for _ in range(scenario.amended_before):
            # The earlier review decided on the day the later one's 12 months run from.
            decided = reviews[0].period_starts_on
            earlier = self._full(decided - days(rng.randint(14, 24)))
            earlier.reported_on = min(earlier.reported_on, decided - days(2))
            earlier.decided_on = decided
            reviews.insert(0, self._amend(earlier))
        return reviews[0].period_starts_on, reviews, None

    def _transfer(self, scenario: ReviewScenario):
        """A phase transfer next September: the review planned back from 15 February (31 March
        after Year 11), its steps as far as today."""
        rng, today = self.rng, self.today
        post16 = scenario.year_group == 11
        year = phase.school_year_of(today) + 1
        back = deadlines.phase_transfer_back_plan(year, post16=post16)
        before = rng.randint(24, 35) if post16 else rng.randint(10, 20)
        dates = self._full(back["review_meeting_by"] - days(before), slack=rng.randint(20, 60))
        term_starts = date(year - 1, 9, 1) + days(rng.randint(2, 8))
        if dates.started_on < term_starts:
            dates.started_on = weekday(term_starts)
            dates.arranged_on = weekday(dates.started_on + days(rng.randint(3, 7)))
        self._amend(dates)
        dates.transfer_year, dates.transfer_post16 = year, post16
        next_setting = self._school(16 if post16 else 11)[1]
        return dates.period_starts_on, [dates.until(today)], next_setting

    def _case(self, index: int, scenario: ReviewScenario, issued_on: date) -> g.CasePlan:
        planner = _PlanPlanner(
            self.cast, seed=self.seed * 100 + 70 + index, today=issued_on, children=1
        )
        made = PLAN_MADE
        if scenario.setting == FIRST:
            made = PLAN_MADE_AT_FIRST_SCHOOL
            planner.want_age = self.rng.randint(6, 9)  # still at the primary school today
        elif scenario.setting == NO_SETTING:
            planner.want_setting = NO_SETTING
        elif scenario.setting == SECONDARY:
            planner.want_setting = self._school(11)
        born = None
        if scenario.year_group is not None:
            cohort = phase.school_year_of(self.today) - phase.RECEPTION_OFFSET - scenario.year_group
            born = date(cohort, 9, 1) + days(self.rng.randint(0, 364))
            # Their age when the request came (the assessment takes at most 20 weeks), a year
            # young to be safe: the planner draws its own date of birth from it.
            came = issued_on - days(deadlines.FINAL_PLAN.days)
            planner.want_age = max(5, came.year - born.year - 2)
        case = planner.plan(index, made)
        if born is not None:
            case.child = dataclasses.replace(case.child, date_of_birth=born)
            _as_a_child(case)
        return case

    def plans(self):
        for index, scenario in enumerate(PINNED):
            issued_on, reviews, next_setting = self._timeline(scenario)
            plan = ReviewPlan(
                scenario=scenario,
                case=self._case(index, scenario, issued_on),
                issued_on=issued_on,
                reviews=reviews,
                next_setting=next_setting,
            )
            if scenario.stop == CEASED_WITHOUT_REVIEW:
                plan.ceased_on = weekday(self.today - days(self.rng.randint(10, 30)))
            yield plan


# -- driving the reviews ------------------------------------------------------------------------

_OPEN = ("NEW", "ASSIGNED", "STARTED")

FAMILY_VIEWS = (
    "{first} says school is going well and likes the small group; the family would like more "
    "help with friendships at break times."
)
REPORT_SUMMARY = {
    R.MAINTAIN: "Good progress towards every outcome in section E; the provision in section F is "
    "working and should continue as it is.",
    R.AMEND: "Progress in literacy, but communication is still a barrier: the report recommends "
    "more speech and language support and a new outcome on friendships.",
    R.CEASE: "{first} now meets the outcomes with the support the school provides from its own "
    "resources: the report recommends that the plan ceases.",
}
DECISION_REASONS = {
    D.MAINTAIN: "The plan still describes {first}'s needs and the provision that meets them.",
    D.NOT_AMEND: "The provision in section F already covers the extra support recommended; it "
    "will be delivered more flexibly within the same hours.",
    D.AMEND: "The review report and the family's views show that {first} needs more speech and "
    "language support.",
    D.CEASE: "{first}'s needs can now be met from the resources normally available to the school "
    "(SEN support), as the review found.",
}


def emailed(on: date) -> LetterSent:
    return LetterSent(on, SendingMethod.EMAIL)


class ReviewDriver:
    def __init__(self, driver: g.Driver):
        self.driver = driver
        self.cast = driver.cast
        self.clock = driver.clock
        self.today = driver.today

    def drive(self, plan: ReviewPlan) -> EhcPlan:
        case = self.driver.drive(plan.case)
        ehc_plan = Assessment.objects.get(pk=case.pk).ehc_plan
        caseworker = plan.case.caseworker
        for dates in plan.reviews:
            if dates.started_on is not None:
                self._review(plan, ehc_plan, dates, caseworker)
        if plan.ceased_on is not None:
            with self.clock.at(plan.ceased_on):
                cease_services.cease_without_review(
                    ehc_plan=ehc_plan,
                    reason=CeaseReason.TRANSFERRED_LA,
                    reasons=f"The family moved to Westshire on {plan.ceased_on:%-d %B %Y}; "
                    "Westshire County Council now maintains the plan (regs 15-17).",
                    on=plan.ceased_on,
                    by=caseworker,
                    today=plan.ceased_on,
                )
        return ehc_plan

    def _task(self, review: Review, name: str) -> CaseTask:
        tasks = CaseTask.objects.filter(review=review, flow_task_type="HUMAN", status__in=_OPEN)
        return next(t for t in tasks if t.flow_task.name == name)

    def _step(self, review: Review, name: str, day: date, perform, *, user=None) -> Review:
        task = self._task(review, name)
        if user is None:
            user = task.owner if task.owner_id else self.cast.staff[task.agency_id][0]
        self.driver._complete(task, user, day, perform)
        review.refresh_from_db()
        return review

    def _review(self, plan: ReviewPlan, ehc_plan: EhcPlan, dates: ReviewDates, cw) -> None:
        scenario = plan.scenario
        first = plan.case.child.first_name
        with self.clock.at(dates.started_on):
            review = wf.review_start(
                ehc_plan=ehc_plan,
                kind=ReviewKind.ANNUAL,
                by=cw,
                today=dates.started_on,
                transfer_year=dates.transfer_year,
                transfer_post16=dates.transfer_post16,
            )
        # The school's SENCo (reg 20), or the caseworker (reg 21), does the steps to the report.
        if review.arranged_under == ArrangedUnder.SETTING:
            arranger = self.cast.staff[review.arranged_by_id][0]
        else:
            arranger = cw
        if dates.arranged_on is None:
            return
        self._step(
            review,
            "arrange_meeting",
            dates.arranged_on,
            lambda r: review_services.review_meeting_arrange(
                review=r, meeting_on=dates.meeting_on, by=arranger, today=dates.arranged_on
            ),
            user=arranger,
        )
        if dates.invited_on is None:
            return
        self._step(
            review,
            "send_invitations",
            dates.invited_on,
            lambda r: review_services.review_invitations_send(
                review=r, sent_on=dates.invited_on, by=arranger, today=dates.invited_on
            ),
            user=arranger,
        )
        if dates.circulated_on is None:
            return
        self._step(
            review,
            "circulate_advice",
            dates.circulated_on,
            lambda r: review_services.review_advice_circulate(
                review=r,
                circulated_on=dates.circulated_on,
                received=[i.pk for i in r.invitees.filter(agency__isnull=False)],
                by=arranger,
                today=dates.circulated_on,
            ),
            user=arranger,
        )
        if dates.held_on is None:
            return
        self._step(
            review,
            "hold_meeting",
            dates.held_on,
            lambda r: review_services.review_meeting_hold(
                review=r,
                held_on=dates.held_on,
                attended=[i.pk for i in r.invitees.all()],
                family_views=FAMILY_VIEWS.format(first=first),
                by=arranger,
                today=dates.held_on,
            ),
            user=arranger,
        )
        if dates.reported_on is None:
            return
        recommendation = scenario.recommendation
        self._step(
            review,
            "write_report",
            dates.reported_on,
            lambda r: review_services.review_report_record(
                review=r,
                received_on=dates.reported_on,
                recommendation=recommendation,
                summary=REPORT_SUMMARY[recommendation].format(first=first),
                by=arranger,
                today=dates.reported_on,
            ),
            user=arranger,
        )
        if dates.decided_on is None:
            return
        decision = scenario.decision or D.MAINTAIN
        decided = dates.decided_on
        if decision == D.AMEND:
            with self.clock.at(decided):
                again = Review.objects.filter(
                    ehc_plan=ehc_plan, decision=D.AMEND, status=S.COMPLETE
                ).exists()
                propose_amendments(review, by=cw, again=again)
        self._step(
            review,
            "decide",
            decided,
            lambda r: review_services.review_decide(
                review=r,
                decision=decision,
                decided_on=decided,
                reasons=DECISION_REASONS[decision].format(first=first),
                by=cw,
                today=decided,
                sent=emailed(decided),
                cease_reason=CeaseReason.NEEDS_MET if decision == D.CEASE else "",
            ),
            user=cw,
        )
        if decision == D.AMEND:
            self._amending(review, plan, dates, cw)
        elif decision == D.CEASE:
            self._ceasing(review, dates, cw)

    def _amending(self, review: Review, plan: ReviewPlan, dates: ReviewDates, cw) -> None:
        if dates.comments_on is None:
            return
        self._step(
            review,
            "record_amendment_comments",
            dates.comments_on,
            lambda r: amendment_services.amendment_comments_record(
                review=r,
                received_on=dates.comments_on,
                summary="The family agree with the amendments and ask that the speech and "
                "language therapist meets them once a term.",
                by=cw,
                today=dates.comments_on,
            ),
            user=cw,
        )
        if dates.amended_on is None:
            return
        # Not before the 15 days for comments have run from the day the notice was served.
        issued = max(dates.amended_on, review.amendment_comments_due_on + days(1))
        if issued > self.today:
            return
        self._step(
            review,
            "issue_amended_plan",
            issued,
            lambda r: amendment_services.amended_plan_issue(
                review=r,
                issued_on=issued,
                named_setting=plan.next_setting if r.is_phase_transfer else None,
                by=cw,
                today=issued,
                sent=emailed(issued),
            ),
            user=cw,
        )

    def _ceasing(self, review: Review, dates: ReviewDates, cw) -> None:
        if dates.replied_on is None:
            return
        self._step(
            review,
            "consult_on_cease",
            dates.replied_on,
            lambda r: cease_services.cease_consultation_record(
                review=r,
                replied_on=dates.replied_on,
                reply="The school agrees that the needs can be met at SEN support; the parent "
                "is worried about losing the support and is thinking about mediation.",
                by=cw,
                today=dates.replied_on,
            ),
            user=cw,
        )
        if dates.notice_on is None:
            return
        self._step(
            review,
            "send_cease_notice",
            dates.notice_on,
            lambda r: cease_services.cease_notice_issue(
                review=r,
                issued_on=dates.notice_on,
                by=cw,
                today=dates.notice_on,
                sent=emailed(dates.notice_on),
            ),
            user=cw,
        )


def propose_amendments(review: Review, *, by, again: bool = False) -> None:
    """The review's working copy, seeded from the version in force and changed as the report
    recommends: the first amendment adds a need and gives the section F provision twice as
    often; a later one lengthens its sessions."""
    plan = amendment_services.review_plan_seed(review=review, by=by)
    provision = (
        plan.provisions.filter(section="F", status=PlanEntryStatus.ACCEPTED).order_by("pk").first()
    )
    needs = list(provision.needs.all())
    if not again:
        needs.append(
            plan_services.need_save(
                plan=plan,
                section="B",
                text="Finds it hard to join in with other children at unstructured times and "
                "needs an adult's help to start and keep up a conversation.",
                need_code="SLCN",
                by=by,
            )
        )
        count, period = (provision.frequency_count or 1) * 2, FrequencyPeriod.WEEK
        minutes = provision.session_minutes
    else:
        count, period = provision.frequency_count, provision.frequency_period
        minutes = (provision.session_minutes or 30) + 15
    plan_services.provision_save(
        plan=plan,
        provision=provision,
        section="F",
        what=provision.what,
        who=provision.who,
        frequency_count=count,
        frequency_period=period,
        session_minutes=minutes,
        starts_on=provision.starts_on,
        ends_on=provision.ends_on,
        needs=needs,
        outcomes=list(provision.outcomes.all()),
        advice=list(provision.advice.all()),
        by=by,
    )


def load_reviews(cast: g.Cast, driver: g.Driver, *, seed: int, today: date) -> Counter:
    """Make and review the plans of every review scenario; returns how many of each scenario."""
    planner = ReviewPlanner(cast, seed=seed, today=today)
    reviews = ReviewDriver(driver)
    loaded: Counter = Counter()
    for plan in planner.plans():
        reviews.drive(plan)
        loaded[plan.scenario.key] += 1
    return loaded


def reviews_by_status() -> dict[str, int]:
    counts = dict(Review.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status, _label in ReviewStatus.choices}
