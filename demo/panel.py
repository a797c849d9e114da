"""Demo Joint Agency Panel: the council's standing panel, three months of its meetings and the
next one, with funding requests at every stage and decisions of every kind.

The panel (its terms of reference and its four seats) is reference data with no service: it is
written directly, as an administrator would in the support admin, on the day its members joined.
Everything after that goes through the real services: consent recorded
(`ehcp.children.services.consent_record`), requests raised from plans in force
(`panel.services.requests`), meetings scheduled, agendas set, papers sent, attendance, conflicts,
decisions and the chair's confirmation (`panel.services.meetings`), which issues the minutes and
the letters. Each step is run under `demo.clock.StepClock` at the time its own record gives (a
meeting's steps at the times of the meeting), so history rows carry the moment it happened.

The timeline is pure, from `today`: three monthly meetings about three, two and one month ago
and the next one in about two weeks, on Thursdays at 10:00. Between them:

- at the first, a high-needs top-up and a residential placement (shares 50/30/20) approved, and
  short breaks deferred for the carer's assessment; a member declares an interest in the
  placement and takes no part, and the social care member leaves once the decisions are made;
- at the second (the education member sends apologies), the short breaks answered and approved
  (paid by social care alone), continuing care approved (health alone) and a joint placement
  approved with changes at a lower cost;
- at the third, a personal budget approved, a residential placement declined, and the funding
  review of the first top-up approved, superseding it;
- the next meeting has three ready requests on its agenda, its papers not yet sent; one more
  request is ready and not yet listed, and one waits for its evidence.

The children are those whose plans the demo has already made (the review scenarios' plans, and
the assessment cases' final plans): the oldest plans in force first, so that each request is
raised from a version issued before it, and links that version's provision and advice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from ehcp.children import services as child_services
from ehcp.children.models import ConsentGiver, ConsentMethod, ParentCarer
from ehcp.children.rules import young_person as young_person_rules
from ehcp.children.rules.consent import Purpose
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.plans.selectors import plan_in_force
from panel.models import (
    AttendanceStatus,
    Cadence,
    Decision,
    FundingKind,
    FundingRequest,
    Meeting,
    Panel,
    PanelMember,
    PanelRole,
    RequestStatus,
    consent_purpose,
)
from panel.rules.decisions import Outcome, add_months
from panel.rules.money import FUNDERS, Funder
from panel.services import meetings as meeting_services
from panel.services import requests as request_services
from workflows import services as workflow_services
from workflows.flows import FundingFlow
from workflows.models import CaseTask
from workflows.steps import step_for

from . import generator as g

PANEL_NAME = "Exampleshire Joint Agency Panel"
REMIT = (
    "The Joint Agency Panel decides requests for high-needs funding for children and young "
    "people with EHC plans whose needs cannot be met from the resources normally available to "
    "their school or setting: high-needs top-ups, joint-funded and residential placements, "
    "children's continuing care, short breaks and personal budgets. It agrees how the cost is "
    "shared between the council's high-needs block, the NHS and children's social care, and "
    "when each package is reviewed. The council decides the special educational provision; the "
    "health members agree the health provision (reg 12(2)). The panel meets monthly; its papers "
    "go to the members 7 days before each meeting."
)
LOCATION = "Committee Room 2, County Hall, Exampleshire"
STARTS_AT = time(10, 0)
PAPERS_DAYS_BEFORE = 7

# (username, agency key, role on the panel, funder they speak for)
SEATS = (
    ("panelchair", "council", PanelRole.CHAIR, Funder.EDUCATION),
    ("panelmember", "council", PanelRole.MEMBER, Funder.EDUCATION),
    ("panelhealth", "health", PanelRole.MEMBER, Funder.HEALTH),
    ("panelsocialcare", "socialcare", PanelRole.MEMBER, Funder.SOCIAL_CARE),
)
RAISED_BY = "caseworker"  # raises the requests and answers the deferral
CLERK = "manager"  # the SEN manager clerks the panel: diary, agenda, papers, attendance
CHAIR = "panelchair"

# The provider of a request: the child's school, the NHS trust, or a provider named.
SCHOOL, TRUST = "school", "health"


def days(n: int) -> timedelta:
    return timedelta(days=n)


def thursday_near(day: date) -> date:
    """The Thursday nearest `day` (the panel meets on Thursdays)."""
    return day + days((3 - day.weekday() + 3) % 7 - 3)


def working_day(day: date) -> date:
    """The day itself, or the Friday before a weekend (never later than `day`)."""
    return day - days(max(0, day.weekday() - 4))


def first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


# -- what is asked and what is decided -------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """A funding request: its text takes the child's first name ({first})."""

    key: str
    kind: str
    summary: str
    provider: str  # SCHOOL, TRUST, or the provider's name
    options_tried: str
    evidence_notes: str
    cost: Decimal
    shares: tuple[str, str, str]  # education, health, social care (%)
    sections: tuple[str, ...]  # the plan sections it pays for, in order of preference
    advice: tuple[str, ...]  # the advice (section K) it relies on, in order of preference
    meeting: int | None  # the meeting it is decided at first (None: not listed yet)
    runs_months: int | None = None  # a fixed-term package ends this many months after it starts
    follows: str = ""  # the request whose funding it reviews (the same child)

    def shares_map(self) -> dict[Funder, Decimal]:
        return {f: Decimal(v) for f, v in zip(FUNDERS, self.shares, strict=True)}


@dataclass(frozen=True)
class Verdict:
    ask: str
    meeting: int
    outcome: str
    by: str  # the member who records it
    reasons: str
    cost: Decimal | None = None  # an approval's agreed cost (None: as proposed)
    changes: str = ""
    information: str = ""
    review_months: int = 12


ED, HE, SC = "EDUCATIONAL", "HEALTH", "SOCIAL_CARE"
PSY, VIEWS = "PSYCHOLOGICAL", "PARENT_VIEWS"

ASKS = (
    # -- the first meeting, about three months ago
    Ask(
        "top-up",
        FundingKind.HIGH_NEEDS_TOP_UP,
        "A high-needs top-up for {first}'s place: a teaching assistant for 15 hours a week to "
        "deliver the small-group and 1:1 work in section F.",
        SCHOOL,
        "Two terms of SEN support from the school's own budget (the first £6,000 of additional "
        "support), and the advice of the council's outreach teacher on a visual timetable.",
        "The school's costed provision map for this term.",
        Decimal("14500.00"),
        ("100", "0", "0"),
        ("F",),
        (ED, PSY),
        meeting=0,
    ),
    Ask(
        "residential",
        FundingKind.RESIDENTIAL_PLACEMENT,
        "A 52-week residential placement at Hillside House School, an independent specialist "
        "school, with waking-night care and on-site speech and language therapy for {first}.",
        "Hillside House School (residential, 52 weeks)",
        "A day place at the local special school with after-school short breaks for a year; the "
        "placement broke down after repeated exclusions, and caring at home is no longer safe.",
        "Hillside House School's costed offer; the social worker's child in need review.",
        Decimal("168000.00"),
        ("50", "30", "20"),
        ("F", "G", "H1", "H2"),
        (PSY, SC, HE),
        meeting=0,
    ),
    Ask(
        "short-breaks",
        FundingKind.SHORT_BREAKS,
        "Overnight short breaks for {first} at Oakwood Short Breaks Centre: one night a "
        "fortnight, and a day in each school holiday week.",
        "Oakwood Short Breaks Centre",
        "Two hours a week of a personal assistant from the local offer's short breaks; the "
        "family still have no night's sleep without being woken.",
        "The short breaks eligibility check.",
        Decimal("6240.00"),
        ("0", "0", "100"),
        ("H2", "H1", "F"),
        (SC, VIEWS),
        meeting=0,
        runs_months=12,
    ),
    # -- the second meeting, about two months ago (and the short breaks, answered)
    Ask(
        "continuing-care",
        FundingKind.CONTINUING_CARE,
        "Children's continuing care: a trained carer overnight three nights a week for {first}'s "
        "nocturnal seizures and gastrostomy feeds, from the children's community nursing team.",
        TRUST,
        "Care at home by the family with the community nursing team's training; the decision "
        "support tool now shows a priority need in two domains.",
        "The continuing care assessment and decision support tool, and the consultant's letter.",
        Decimal("42000.00"),
        ("0", "100", "0"),
        ("G", "F"),
        (HE,),
        meeting=1,
    ),
    Ask(
        "joint-placement",
        FundingKind.JOINT_PLACEMENT,
        "A joint education and health placement for {first} at Brookfield Specialist School, 52 "
        "weeks a year, with speech and language therapy and occupational therapy on site.",
        "Brookfield Specialist School",
        "Three terms at the mainstream school with the council's outreach team and the trust's "
        "therapy service visiting each half term.",
        "Brookfield's offer of a place and its costs for the year.",
        Decimal("95000.00"),
        ("60", "40", "0"),
        ("F", "G"),
        (ED, HE),
        meeting=1,
    ),
    # -- the third meeting, about a month ago
    Ask(
        "personal-budget",
        FundingKind.PERSONAL_BUDGET,
        "A personal budget for {first}, paid as a direct payment: a tutor for two hours a week "
        "and support to take part in an after-school club.",
        "Paid to the family as a direct payment (personal budget, s.49)",
        "The same support arranged by the school; the family asked for a personal budget to "
        "choose a tutor who knows {first}.",
        "The family's support plan for the direct payment.",
        Decimal("9800.00"),
        ("80", "0", "20"),
        ("F", "H2"),
        (ED, VIEWS),
        meeting=2,
        runs_months=12,
    ),
    Ask(
        "residential-declined",
        FundingKind.RESIDENTIAL_PLACEMENT,
        "A 38-week residential placement for {first} at Westfield Hall School, with a waking-day "
        "curriculum and weekly boarding.",
        "Westfield Hall School (residential, 38 weeks)",
        "A place at the local special school, with the autism outreach team's advice.",
        "The family's letter asking for the placement, and Westfield Hall's offer.",
        Decimal("142000.00"),
        ("50", "25", "25"),
        ("F", "G", "H2"),
        (PSY, HE),
        meeting=2,
    ),
    Ask(
        "top-up-review",
        FundingKind.HIGH_NEEDS_TOP_UP,
        "The review of {first}'s high-needs top-up: the annual review asks for the teaching "
        "assistant's hours to rise from 15 to 20 a week, to cover lunchtimes.",
        SCHOOL,
        "The top-up agreed by the panel last term: good progress in literacy, but unstructured "
        "times are still very hard without an adult.",
        "The annual review report and the school's updated provision map.",
        Decimal("18750.00"),
        ("100", "0", "0"),
        ("F",),
        (ED, PSY),
        meeting=2,
        follows="top-up",
    ),
    # -- the next meeting, in about two weeks: on its agenda, papers not yet sent
    Ask(
        "next-top-up",
        FundingKind.HIGH_NEEDS_TOP_UP,
        "A high-needs top-up for {first}: 12 hours a week of a teaching assistant for the "
        "communication programme in section F.",
        SCHOOL,
        "A term of the speech and language programme delivered by the class teacher, with the "
        "school's own teaching assistant for 5 hours a week.",
        "The school's costed provision map.",
        Decimal("11200.00"),
        ("100", "0", "0"),
        ("F",),
        (ED,),
        meeting=3,
    ),
    Ask(
        "next-short-breaks",
        FundingKind.SHORT_BREAKS,
        "Day short breaks for {first} at Oakwood Short Breaks Centre: every other Saturday, and "
        "three days in each school holiday.",
        "Oakwood Short Breaks Centre",
        "The inclusive youth club once a week, which {first} enjoys but cannot manage for long.",
        "The short breaks eligibility check and the parent carer's needs assessment.",
        Decimal("4680.00"),
        ("0", "0", "100"),
        ("H2", "H1", "F"),
        (SC, VIEWS),
        meeting=3,
        runs_months=12,
    ),
    Ask(
        "next-joint-placement",
        FundingKind.JOINT_PLACEMENT,
        "A joint education and health placement for {first} at Brookfield Specialist School, 38 "
        "weeks, with physiotherapy and hydrotherapy on site.",
        "Brookfield Specialist School",
        "The mainstream school with the trust's physiotherapist visiting fortnightly; the school "
        "cannot meet the moving and handling plan safely.",
        "The physiotherapist's report and Brookfield's offer.",
        Decimal("64000.00"),
        ("70", "30", "0"),
        ("F", "G"),
        (HE, ED),
        meeting=3,
    ),
    # -- not on an agenda yet: one ready, one waiting for its evidence
    Ask(
        "ready-personal-budget",
        FundingKind.PERSONAL_BUDGET,
        "A personal budget for {first}, paid as a direct payment, for a specialist tutor for "
        "three hours a week.",
        "Paid to the family as a direct payment (personal budget, s.49)",
        "Tutoring arranged by the school, which {first} has not been able to attend.",
        "The family's support plan for the direct payment.",
        Decimal("7200.00"),
        ("100", "0", "0"),
        ("F",),
        (ED, VIEWS),
        meeting=None,
        runs_months=12,
    ),
    Ask(
        "draft-equipment",
        FundingKind.OTHER,
        "An eye-gaze communication system for {first}, with a term of training for the staff "
        "who support them.",
        "Assistive Technology Partners Ltd",
        "",  # what was tried locally first is still to be written: the request waits
        "The speech and language therapist's assessment for alternative communication.",
        Decimal("8900.00"),
        ("60", "40", "0"),
        ("F", "G"),
        (HE,),
        meeting=None,
    ),
)
ASK = {ask.key: ask for ask in ASKS}

VERDICTS = (
    Verdict(
        "top-up",
        0,
        Outcome.APPROVE,
        "panelmember",
        "The school has used its own resources and the outreach advice; the provision in "
        "section F needs a further 15 hours a week of a teaching assistant. The top-up is "
        "reviewed at the end of next term, with the annual review.",
        review_months=2,
    ),
    Verdict(
        "residential",
        0,
        Outcome.APPROVE,
        CHAIR,
        "The psychological and social care advice shows that {first}'s needs cannot be met in a "
        "day placement. The needs are educational, health and social care, so the three "
        "agencies share the cost. Reviewed after two terms.",
        review_months=6,
    ),
    Verdict(
        "short-breaks",
        0,
        Outcome.DEFER,
        "panelsocialcare",
        "The panel cannot weigh the family's need for overnight breaks without the carer's "
        "assessment.",
        information="The parent carer's needs assessment, and the nights and days of short "
        "breaks by month with the centre's rates.",
    ),
    Verdict(
        "short-breaks",
        1,
        Outcome.APPROVE,
        "panelsocialcare",
        "The carer's assessment shows that the family need overnight breaks to keep caring for "
        "{first} at home. Paid by children's social care.",
    ),
    Verdict(
        "continuing-care",
        1,
        Outcome.APPROVE,
        "panelhealth",
        "The decision support tool and the consultant's letter show a continuing care need that "
        "universal and specialist services cannot meet. Paid by the NHS; reviewed after 3 "
        "months, as continuing care packages are.",
        review_months=3,
    ),
    Verdict(
        "joint-placement",
        1,
        Outcome.APPROVE_WITH_CHANGES,
        CHAIR,
        "The advice shows that {first} needs a specialist placement with therapies on site. It "
        "does not show a need for education and therapy in the school holidays.",
        cost=Decimal("78500.00"),
        changes="A 38-week day placement rather than 52 weeks, at £78,500 a year: the holiday "
        "weeks are met by the family's short breaks. The on-site therapies as asked.",
    ),
    Verdict(
        "personal-budget",
        2,
        Outcome.APPROVE,
        "panelmember",
        "The support is in {first}'s plan and the family can manage the direct payment; the "
        "cost is no more than the school arranging it.",
        review_months=11,
    ),
    Verdict(
        "residential-declined",
        2,
        Outcome.DECLINE,
        CHAIR,
        "The advice shows that {first}'s needs can be met at the local special school, with the "
        "autism outreach team and short breaks. The evidence does not show a need for a "
        "waking-day curriculum or for care away from home. The caseworker will meet the family "
        "to agree the support at the local school.",
    ),
    Verdict(
        "top-up-review",
        2,
        Outcome.APPROVE,
        "panelmember",
        "The annual review shows good progress with the top-up and a need for an adult at "
        "lunchtimes too: the top-up rises to 20 hours a week from its review.",
    ),
)

ANSWER = (
    "The parent carer's needs assessment is attached: both parents work, and {first} wakes "
    "them most nights. Oakwood's rates: £195 a night for 26 nights and £60 a day for 19 "
    "holiday days, with £30 for transport: £6,240 a year."
)
# At the first meeting the education member declares an interest in the residential placement,
# and the social care member leaves once the panel has decided every item; at the second the
# education member sends apologies.
CONFLICT = (
    0,
    "residential",
    "panelmember",
    "I am a governor of Hillside House School, the proposed placement.",
)
LEAVES = {0: "panelsocialcare"}
APOLOGIES = {1: ("panelmember",)}


# -- the timeline (pure) ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDates:
    meets_on: date
    scheduled_on: date
    listed_on: date  # the day its items are listed on the agenda
    papers_on: date | None  # None: not yet sent (the meeting to come)
    confirmed_on: date | None  # the chair confirms the decisions (None: the meeting to come)


@dataclass(frozen=True)
class Timeline:
    today: date
    joined_on: date  # the panel and its members' seats
    meetings: tuple[MeetingDates, ...]  # the three past meetings, then the one to come
    raised_on: dict[str, date]  # the day each request is raised
    answered_on: date  # the deferred request's information is given, and it is ready again

    @property
    def past(self) -> tuple[MeetingDates, ...]:
        return self.meetings[:-1]


def timeline(today: date) -> Timeline:
    """The panel's dates, from `today`: meetings on Thursdays about 3, 2 and 1 months ago and
    about 2 weeks ahead; each request raised a couple of weeks before it is listed."""
    held = [thursday_near(add_months(today, -months)) for months in (3, 2, 1)]
    coming = thursday_near(today + days(14))
    meetings = []
    for n, meets_on in enumerate(held):
        meetings.append(
            MeetingDates(
                meets_on=meets_on,
                # The next meeting goes in the diary the day after the one before.
                scheduled_on=working_day(meets_on - days(42)) if n == 0 else held[n - 1] + days(1),
                listed_on=working_day(meets_on - days(10)),
                papers_on=meets_on - days(PAPERS_DAYS_BEFORE),
                confirmed_on=meets_on + days(1),
            )
        )
    meetings.append(
        MeetingDates(
            meets_on=coming,
            scheduled_on=held[-1] + days(1),
            listed_on=working_day(min(coming - days(10), today - days(1))),
            papers_on=None,
            confirmed_on=None,
        )
    )
    raised_on = {}
    for ask in ASKS:
        position = [a.key for a in ASKS if a.meeting == ask.meeting].index(ask.key)
        if ask.meeting is None:
            raised_on[ask.key] = working_day(today - days(6 - 2 * position))
        else:
            listed = meetings[ask.meeting].listed_on
            raised_on[ask.key] = working_day(listed - days(14 + 3 * position))
    return Timeline(
        today=today,
        joined_on=working_day(add_months(today, -24)),
        meetings=tuple(meetings),
        raised_on=raised_on,
        answered_on=working_day(held[0] + days(12)),
    )


# -- which child each request is for (pure) ----------------------------------------------------


@dataclass(frozen=True)
class PlanFacts:
    plan_id: int
    issued_on: date  # the version in force
    young_person_from: date
    has_setting: bool


CONSENT_DAYS_BEFORE = 7  # consent is given about a week before the request is raised
PLAN_DAYS_BEFORE = 14  # and the version the request links was issued a fortnight before that


def consent_on(raised_on: date) -> date:
    return working_day(raised_on - days(CONSENT_DAYS_BEFORE))


def choose_plans(plans: Iterable[PlanFacts], when: Timeline) -> dict[str, int] | None:
    """The plan each request is raised from: a different child for each (the funding review
    follows its request's child), the oldest plans to the earliest requests. A plan fits when
    its version was issued a fortnight before consent was given, the child is a child or a young
    person throughout (so the right person consents), and, for a top-up, the child has a school.
    None when the demo has too few plans for every request."""
    plans = sorted(plans, key=lambda p: (p.issued_on, p.plan_id))
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for ask in sorted(ASKS, key=lambda a: (when.raised_on[a.key], ASKS.index(a))):
        if ask.follows:
            chosen[ask.key] = chosen[ask.follows]
            continue
        consent = consent_on(when.raised_on[ask.key])
        fits = [
            p
            for p in plans
            if p.plan_id not in used
            and p.issued_on <= consent - days(PLAN_DAYS_BEFORE)
            and not (consent < p.young_person_from <= when.today)
            and (p.has_setting or ask.provider != SCHOOL)
        ]
        if not fits:
            return None
        chosen[ask.key] = fits[0].plan_id
        used.add(fits[0].plan_id)
    return chosen


# -- driving it through the services ----------------------------------------------------------


@dataclass
class PanelSummary:
    meetings: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)

    @property
    def request_count(self) -> int:
        return sum(self.requests.values())


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class PanelDriver:
    def __init__(self, cast: g.Cast, clock, when: Timeline):
        self.cast = cast
        self.clock = clock
        self.when = when
        self.users = cast.users
        self.panel: Panel | None = None
        self.seats: dict[str, PanelMember] = {}
        self.plans: dict[int, EhcPlan] = {}
        self.requests: dict[str, FundingRequest] = {}
        self.meetings: list[Meeting] = []

    # -- reference data

    def seat_panel(self) -> Panel:
        """The panel and its seats, as an administrator sets them up in the support admin."""
        agencies = self.cast.agencies
        with self.clock.at(self.when.joined_on, when=time(9, 30)):
            panel = Panel(
                council=self.cast.council,
                name=PANEL_NAME,
                remit=REMIT,
                cadence=Cadence.MONTHLY,
                papers_days_before=PAPERS_DAYS_BEFORE,
                quorum_min_members=3,
                quorum_chair_required=True,
                quorum_education=True,
                quorum_health=True,
                quorum_social_care=True,
                health_funder=agencies["health"],
                social_care_funder=agencies["socialcare"],
            )
            panel._change_reason = "Demo data"
            panel.save()
            for username, key, role, funder in SEATS:
                seat = PanelMember(
                    panel=panel,
                    user=self.users[username],
                    agency=agencies[key],
                    role=role,
                    funder=funder,
                    joined_on=self.when.joined_on,
                )
                seat._change_reason = "Demo data"
                seat.save()
                self.seats[username] = seat
        self.panel = panel
        return panel

    def plan_facts(self) -> list[PlanFacts]:
        plans = (
            EhcPlan.objects.filter(council=self.cast.council, status=EhcPlanStatus.IN_FORCE)
            .select_related("child")
            .order_by("pk")
        )
        facts = []
        for plan in plans:
            version = plan_in_force(plan.pk)
            if version is None:
                continue
            facts.append(
                PlanFacts(
                    plan_id=plan.pk,
                    issued_on=version.issued_on,
                    young_person_from=young_person_rules.young_person_from(
                        plan.child.date_of_birth
                    ),
                    has_setting=plan.child.current_setting_id is not None,
                )
            )
        return facts

    # -- the steps, in the order of their moments

    def steps(self, chosen: dict[str, int]) -> list[tuple[datetime, Callable[[], None]]]:
        when = self.when
        steps: list[tuple[datetime, Callable[[], None]]] = []
        children: dict[int, list[Ask]] = {}
        for ask in ASKS:
            children.setdefault(chosen[ask.key], []).append(ask)
        for plan_id, asks in children.items():
            first = min(when.raised_on[a.key] for a in asks)
            purposes = sorted(
                {consent_purpose(a.kind) for a in asks} | {Purpose.HIGH_NEEDS_FUNDING}
            )
            steps.append(
                (
                    _at(consent_on(first), 11, 15),
                    lambda at, p=plan_id, ps=purposes: self.consent(at, p, ps),
                )
            )
        for n, ask in enumerate(ASKS):
            steps.append(
                (
                    _at(when.raised_on[ask.key], 14, 5 * n % 50),
                    lambda at, a=ask: self.raise_request(at, a, chosen[a.key]),
                )
            )
        for n, dates in enumerate(when.meetings):
            steps.append((_at(dates.scheduled_on, 15, 30), lambda at, n=n: self.schedule(at, n)))
            steps.append((_at(dates.listed_on, 16, 0), lambda at, n=n: self.set_agenda(at, n)))
            if dates.papers_on is not None:
                steps.append((_at(dates.papers_on, 9, 30), lambda at, n=n: self.send_papers(at, n)))
                steps.append((_at(dates.meets_on, 9, 50), lambda at, n=n: self.hold(at, n)))
                steps.append((_at(dates.confirmed_on, 9, 40), lambda at, n=n: self.confirm(at, n)))
        steps.append((_at(when.answered_on, 12, 0), self.answer_deferral))
        return sorted(steps, key=lambda step: step[0])

    def _step(self, moment: datetime):
        """Run a step at `moment`: what it stamps from the clock is moved there."""
        return self.clock.at(timezone.localdate(moment), when=timezone.localtime(moment).time())

    def load(self) -> PanelSummary:
        self.seat_panel()
        chosen = choose_plans(self.plan_facts(), self.when)
        if chosen is not None:
            self.plans = {
                p.pk: p
                for p in EhcPlan.objects.filter(pk__in=set(chosen.values())).select_related(
                    "child__current_setting"
                )
            }
            for moment, step in self.steps(chosen):
                step(moment)
        return panel_summary()

    def consent(self, moment: datetime, plan_id: int, purposes: list[str]) -> None:
        """The family's consent to share with the panel's partners, for each purpose."""
        child = self.plans[plan_id].child
        on = timezone.localdate(moment)
        agencies = [
            self.cast.council,
            self.cast.agencies["health"],
            self.cast.agencies["socialcare"],
        ]
        given_by, name = self._who_consents(child, on)
        for n, purpose in enumerate(purposes):
            with self._step(moment + timedelta(minutes=5 * n)):
                child_services.consent_record(
                    child=child,
                    case=None,
                    purpose=purpose,
                    agencies=agencies,
                    given_by=given_by,
                    given_by_name=name,
                    given_on=on,
                    method=ConsentMethod.WRITTEN,
                    notes="Consent form signed at the meeting with the caseworker about the "
                    "request to the Joint Agency Panel.",
                    by=self.users[RAISED_BY],
                    today=on,
                )

    @staticmethod
    def _who_consents(child, on: date) -> tuple[str, str]:
        facts = child.young_person_facts()
        if young_person_rules.is_young_person(child.date_of_birth, on) and not (
            young_person_rules.holds(facts, young_person_rules.RecordKind.LACKS_CAPACITY, on)
        ):
            return ConsentGiver.YOUNG_PERSON, child.full_name
        parent = (
            ParentCarer.objects.filter(child=child, has_parental_responsibility=True)
            .order_by("pk")
            .first()
        )
        return ConsentGiver.PARENT, parent.name if parent else "Parent"

    def _details(self, ask: Ask, plan: EhcPlan, *, meeting: int | None = None) -> dict:
        """The request's details: its text, provider, cost, dates, shares, and the entries and
        advice of the version in force it links. The funding starts on the first of the month
        after the meeting that decides it (`meeting`, when not its first)."""
        child = plan.child
        first = child.first_name
        version = plan_in_force(plan.pk)
        sections = version.content["sections"]
        # 1 to 3 entries of the sections it pays for (any funded section when none of those has
        # one), and 1 or 2 pieces of advice of the kinds it relies on (or the first advice).
        entries = [row["key"] for s in ask.sections for row in sections.get(s, [])]
        entries = entries or [
            row["key"] for s in request_services.FUNDED_SECTIONS for row in sections.get(s, [])
        ]
        advice = [
            row["key"]
            for kind in ask.advice
            for row in sections.get("K", [])
            if row["kind"] == kind
        ]
        advice = advice or [row["key"] for row in sections.get("K", [])]
        entries, advice = entries[:3], advice[:2]
        provider, provider_name = None, ""
        if ask.provider == SCHOOL:
            provider = child.current_setting
        elif ask.provider == TRUST:
            provider = self.cast.agencies["health"]
        else:
            provider_name = ask.provider
        if meeting is None:
            meeting = ask.meeting if ask.meeting is not None else len(self.when.meetings) - 1
        starts_on = first_of_next_month(self.when.meetings[meeting].meets_on)
        if ask.meeting is None:
            starts_on = add_months(starts_on, 1)
        if ask.follows:
            earlier = self.requests[ask.follows].decisions.get()
            starts_on = max(starts_on, earlier.review_on)
        ends_on = add_months(starts_on, ask.runs_months) - days(1) if ask.runs_months else None
        return {
            "summary": ask.summary.format(first=first),
            "provider": provider,
            "provider_name": provider_name,
            "plan_entry_keys": entries,
            "advice_keys": advice,
            "evidence_notes": ask.evidence_notes.format(first=first),
            "options_tried": ask.options_tried.format(first=first),
            "proposed_cost": ask.cost,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "shares": ask.shares_map(),
        }

    def raise_request(self, moment: datetime, ask: Ask, plan_id: int) -> None:
        plan = self.plans[plan_id]
        on = timezone.localdate(moment)
        caseworker = self.users[RAISED_BY]
        with self._step(moment):
            if ask.follows:
                request = self._review_funding(self.requests[ask.follows], ask, plan, on)
            else:
                request = request_services.request_raise(
                    ehc_plan=plan,
                    panel=self.panel,
                    kind=ask.kind,
                    by=caseworker,
                    today=on,
                    **self._details(ask, plan),
                )
        self.requests[ask.key] = request

    def _review_funding(self, earlier, ask: Ask, plan, on):
        """The funding review: the caseworker does the flow's review task early (which raises a
        request that follows the one decided), then brings its evidence up to date."""
        caseworker = self.users[RAISED_BY]
        task = (
            CaseTask.objects.human()
            .open()
            .get(funding_request=earlier, flow_task=FundingFlow.review_funding)
        )
        step = step_for(task)
        workflow_services.task_complete(
            task=task,
            user=caseworker,
            perform=lambda episode: step.perform(
                episode, task, {"note": "Reviewed early with the annual review"}, caseworker, on
            ),
        )
        request = FundingRequest.objects.get(follows=earlier, status=RequestStatus.DRAFT)
        request_services.request_update(request=request, by=caseworker, **self._details(ask, plan))
        return request_services.request_ready(request=request, by=caseworker)

    def schedule(self, moment: datetime, n: int) -> None:
        with self._step(moment):
            meeting = meeting_services.meeting_schedule(
                panel=self.panel,
                meets_on=self.when.meetings[n].meets_on,
                by=self.users[CLERK],
                today=timezone.localdate(moment),
                starts_at=STARTS_AT,
                location=LOCATION,
            )
        self.meetings.append(meeting)

    def agenda(self, n: int) -> list[str]:
        """The meeting's requests in agenda order: one deferred to it first, then its own."""
        deferred = [v.ask for v in VERDICTS if v.meeting == n and ASK[v.ask].meeting != n]
        return deferred + [a.key for a in ASKS if a.meeting == n]

    def set_agenda(self, moment: datetime, n: int) -> None:
        for position, key in enumerate(self.agenda(n)):
            with self._step(moment + timedelta(minutes=2 * position)):
                meeting_services.agenda_add(
                    meeting=self.meetings[n], request=self.requests[key], by=self.users[CLERK]
                )

    def send_papers(self, moment: datetime, n: int) -> None:
        with self._step(moment):
            meeting_services.papers_send(meeting=self.meetings[n], by=self.users[CLERK], now=moment)

    def hold(self, moment: datetime, n: int) -> None:
        """The meeting: who came (from `moment`), interests, each item's decision in turn, who
        left, the close."""
        day = timezone.localdate(moment)
        meeting = self.meetings[n]
        clerk = self.users[CLERK]
        for username, _key, _role, _funder in SEATS:
            status = (
                AttendanceStatus.APOLOGIES
                if username in APOLOGIES.get(n, ())
                else AttendanceStatus.PRESENT
            )
            with self._step(moment):
                meeting_services.attendance_record(
                    meeting=meeting,
                    member=self.seats[username],
                    status=status,
                    by=clerk,
                    now=moment,
                )
            moment += timedelta(minutes=2)
        moment = _at(day, STARTS_AT.hour, STARTS_AT.minute)
        with self._step(moment):
            meeting_services.meeting_open(meeting=meeting, by=self.users[CHAIR], now=moment)
        items = {i.request_id: i for i in meeting.items.all()}
        meeting_n, key, username, interest = CONFLICT
        if meeting_n == n:
            moment += timedelta(minutes=3)
            with self._step(moment):
                meeting_services.conflict_declare(
                    item=items[self.requests[key].pk],
                    by=self.users[username],
                    interest=interest,
                    now=moment,
                )
        moment = _at(day, STARTS_AT.hour, STARTS_AT.minute) + timedelta(minutes=20)
        for verdict in (v for v in VERDICTS if v.meeting == n):
            request = self.requests[verdict.ask]
            first = request.child.first_name
            funded = verdict.outcome in (Outcome.APPROVE, Outcome.APPROVE_WITH_CHANGES)
            starts_on = request.starts_on
            review_on = add_months(starts_on, verdict.review_months)
            if request.ends_on is not None:
                review_on = min(review_on, request.ends_on)
            with self._step(moment):
                meeting_services.decision_record(
                    item=items[request.pk],
                    by=self.users[verdict.by],
                    now=moment,
                    outcome=verdict.outcome,
                    reasons=verdict.reasons.format(first=first),
                    changes=verdict.changes,
                    information_requested=verdict.information,
                    agreed_cost=(verdict.cost or request.proposed_cost) if funded else None,
                    shares=request.shares() if funded else None,
                    starts_on=starts_on if funded else None,
                    ends_on=request.ends_on if funded else None,
                    review_on=review_on if funded else None,
                )
            moment += timedelta(minutes=25)
        if n in LEAVES:
            with self._step(moment):
                meeting_services.attendance_leave(
                    meeting=meeting, member=self.seats[LEAVES[n]], by=clerk, now=moment
                )
            moment += timedelta(minutes=10)
        with self._step(moment):
            meeting_services.meeting_close(meeting=meeting, by=self.users[CHAIR], now=moment)

    def confirm(self, moment: datetime, n: int) -> None:
        with self._step(moment):
            meeting_services.meeting_confirm(
                meeting=self.meetings[n], by=self.users[CHAIR], now=moment
            )

    def answer_deferral(self, moment: datetime) -> None:
        """The caseworker gives the information the panel asked for: ready for the next one."""
        caseworker = self.users[RAISED_BY]
        for verdict in VERDICTS:
            if verdict.outcome != Outcome.DEFER:
                continue
            request = self.requests[verdict.ask]
            plan = self.plans[request.ehc_plan_id]
            later = next(
                v.meeting for v in VERDICTS if v.ask == verdict.ask and v.meeting > verdict.meeting
            )
            details = self._details(ASK[verdict.ask], plan, meeting=later)
            with self._step(moment):
                request = request_services.request_update(
                    request=request,
                    by=caseworker,
                    information_provided=ANSWER.format(first=plan.child.first_name),
                    **details,
                )
            with self._step(moment + timedelta(minutes=5)):
                self.requests[verdict.ask] = request_services.request_ready(
                    request=request, by=caseworker
                )


def panel_summary() -> PanelSummary:
    return PanelSummary(
        meetings=dict(Meeting.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        requests=dict(
            FundingRequest.objects.values_list("status").annotate(n=Count("pk")).order_by()
        ),
        decisions=dict(
            Decision.objects.confirmed().values_list("outcome").annotate(n=Count("pk")).order_by()
        ),
    )


def load_panel(cast: g.Cast, clock, *, today: date) -> PanelSummary:
    """The panel, its seats, and its meetings and requests (when the demo has the plans)."""
    return PanelDriver(cast, clock, timeline(today)).load()
