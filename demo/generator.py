"""Demo and benchmark data: a fictional county SEN service with cases at every stage.

Everything goes through the real services and the real flow (`workflows.services` and the
services of the `ehcp` rooms they call), with explicit dates, so statutory dates, task due dates, timers and
history rows are exactly what real use would produce. Only reference data with no service
(agencies, people, memberships, parents and carers) is written directly.

The data is fictional and safe to show: the `.example` domain for e-mail, Ofcom's drama numbers
for phones, NHS numbers from the 999 test range, UPNs with LA code 999 (not a real authority) and
postcodes in an `XE` area that does not exist. Names are deterministic from the seed; the lists
they are picked from are the files in `demo/data/` (`demo/names.py` reads them).

Nothing fakes the clock. Each step is passed its date, and `demo.clock.StepClock` then moves the
stamps the step wrote from the clock (history rows, `created_at`, task timestamps ...) to a
working-hours time on that date.

`load_demo()` is called by `manage.py load_demo`; the plan for each case is built first (pure,
from `random.Random(seed)`) and then driven through the services, so the same seed and today
always give the same data.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role, SharingAgreement
from ehcp.assessments.models import (
    AdviceKind,
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    ConsultationResponse,
    Requester,
    SettingConsultation,
)
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.exceptions import ABSENCE_LIMBS
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services import assessment as assessment_services
from ehcp.children import services as child_services
from ehcp.children.models import ConsentGiver, ConsentMethod, Need
from ehcp.children.rules import identifiers
from ehcp.children.rules import young_person as young_person_rules
from ehcp.children.rules.consent import Purpose, Step
from ehcp.plans import services as plan_services
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from workflows import services as wf
from workflows.models import CaseTask

from .clock import StepClock
from .names import (
    ADULT_MEN,
    ADULT_WOMEN,
    BOYS,
    GIRLS,
    NAMED_SCHOOLS,
    SCHOOL_TYPES,
    STREETS,
    SURNAMES,
    TOWNS,
    School,
)

DEMO_PASSWORD = "send-demo-password"
DOMAIN = "exampleshire.example"
COUNCIL_NAME = "Exampleshire County Council SEN team"

# The demo logins, one per role: (username, role, agency key, first name, last name).
DEMO_USERS = (
    ("caseworker", Role.CASEWORKER, "council", "Priya", "Shah"),
    ("manager", Role.SEN_MANAGER, "council", "Gareth", "Lloyd"),
    ("psychologist", Role.EDUCATIONAL_PSYCHOLOGIST, "ep", "Helen", "Okafor"),
    ("health", Role.HEALTH_ADVISER, "health", "Daniel", "Reid"),
    ("socialcare", Role.SOCIAL_CARE_ADVISER, "socialcare", "Aisha", "Begum"),
    ("senco", Role.SENCO, "school:0", "Claire", "Whitfield"),
    ("panelmember", Role.PANEL_MEMBER, "council", "Tom", "Hargreaves"),
    ("panelchair", Role.PANEL_CHAIR, "council", "Margaret", "Ellison"),
    # The partners' members of the Joint Agency Panel (demo/panel.py): with the chair and the
    # council's member, the quorum (the chair and each funder, at least 3) can be met.
    ("panelhealth", Role.PANEL_MEMBER, "health", "Fiona", "Mackay"),
    ("panelsocialcare", Role.PANEL_MEMBER, "socialcare", "Marcus", "Osei"),
    ("admin", Role.ADMINISTRATOR, "council", "Sam", "Porter"),
    ("iglead", Role.IG_LEAD, "council", "Ruth", "Adebayo"),
)
DEMO_USERNAMES = tuple(u[0] for u in DEMO_USERS)
# The partners' demo logins also manage their agency's queue: they are told when its advice is
# overdue or a message about it could not be delivered (workflows.alerts). The council's SEN
# team is managed by its SEN manager, by role.
AGENCY_MANAGERS = frozenset({"psychologist", "health", "socialcare"})
FINAL_USER = "admin"  # created last: its membership marks a finished load

# A council caseworker holds about 200 cases.
CASES_PER_CASEWORKER = 200
# One adviser per this many children in the EP service, the trust and social care.
CHILDREN_PER_ADVISER = 400


class DemoError(Exception):
    """The demo data cannot be loaded into this database."""


# -- reference data -------------------------------------------------------------------------

AGENCIES = {
    "council": (COUNCIL_NAME, AgencyKind.SEN_TEAM, f"sen-team@{DOMAIN}", "01632 960100"),
    "ep": (
        "Exampleshire Educational Psychology Service",
        AgencyKind.EP_SERVICE,
        f"ep-service@{DOMAIN}",
        "01632 960200",
    ),
    "health": (
        "Exampleshire NHS Foundation Trust",
        AgencyKind.HEALTH,
        "send-health@exampleshire-nhs.example",
        "01632 960300",
    ),
    "socialcare": (
        "Exampleshire Children's Social Care",
        AgencyKind.SOCIAL_CARE,
        f"childrens-social-care@{DOMAIN}",
        "01632 960400",
    ),
    "sensory": (
        "Exampleshire Sensory Support Service",
        AgencyKind.OTHER,
        f"sensory-support@{DOMAIN}",
        "01632 960500",
    ),
}


# SEN2 primary need for children with EHC plans, roughly as published (weights, not shares).
NEED_WEIGHTS = {
    Need.ASD: 33,
    Need.SLCN: 20,
    Need.SEMH: 14,
    Need.MLD: 9,
    Need.SLD: 6,
    Need.SPLD: 4,
    Need.PD: 3,
    Need.OTH: 3,
    Need.HI: 2,
    Need.VI: 1,
    Need.PMLD: 1,
    Need.MSI: 0.5,
    Need.DS: 1,
}
REASONS = {
    Need.ASD: "{first} has a diagnosis of autism. {they} finds transitions and unstructured "
    "times very hard, has daily meltdowns at home after school and is now refusing to attend "
    "some days.",
    Need.SLCN: "{first} has a severe expressive and receptive language disorder. Speech and "
    "language therapy reports say {they} understands only short instructions and is falling "
    "further behind.",
    Need.SEMH: "{first} has been excluded for a fixed term twice this year. {they} has high "
    "anxiety and has been referred to CAMHS; the school's SEN support has not been enough.",
    Need.MLD: "{first} is working well below age-related expectations in all subjects despite "
    "two years of SEN support and targeted interventions.",
    Need.SLD: "{first} has global developmental delay and needs adult support for all learning "
    "and self-care. The setting cannot meet these needs from its own resources.",
    Need.SPLD: "{first} has severe dyslexia and dyscalculia; reading age is four years below "
    "chronological age and the gap is widening.",
    Need.PD: "{first} has cerebral palsy and uses a wheelchair; needs a physiotherapy programme, "
    "moving and handling plan and support with personal care.",
    Need.OTH: "{first} has a rare genetic condition with fatigue and frequent hospital "
    "admissions; attendance is below 70%.",
    Need.HI: "{first} has a permanent bilateral hearing loss and wears hearing aids. {they} "
    "needs radio aid support and a teacher of the deaf.",
    Need.VI: "{first} has a severe visual impairment and needs materials in modified large "
    "print, mobility training and specialist teaching.",
    Need.PMLD: "{first} has profound and multiple learning difficulties, complex health needs "
    "and is fed by gastrostomy.",
    Need.MSI: "{first} has a combined hearing and visual impairment and needs intervenor support.",
    Need.DS: "{first} has Down syndrome with delayed speech and needs a differentiated "
    "curriculum and support with self-help skills.",
}
# What each adviser says about the child's primary need (section B), in a few words.
NEED_PHRASES = {
    Need.ASD: "finds changes of routine, noise and unstructured times very hard, and needs help "
    "to understand what is happening next",
    Need.SLCN: "understands only short, simple instructions and finds it hard to put ideas "
    "into words",
    Need.SEMH: "has high anxiety, finds it hard to manage strong feelings and has been "
    "excluded for a fixed term",
    Need.MLD: "is working well below the level expected for their age in reading, writing "
    "and maths",
    Need.SLD: "needs adult support for learning and for everyday self-care",
    Need.SPLD: "has severe difficulties with reading, spelling and number despite good teaching",
    Need.PD: "has limited mobility and needs help with moving around the school and with "
    "personal care",
    Need.OTH: "misses a lot of school through illness and tires quickly",
    Need.HI: "has a permanent hearing loss and misses much of what is said in class",
    Need.VI: "cannot read standard print or see the board without modified materials",
    Need.PMLD: "has profound and multiple learning difficulties and complex health needs",
    Need.MSI: "has both hearing and sight loss and needs an intervenor to access learning",
    Need.DS: "has delayed speech and needs a differentiated curriculum and help with "
    "self-help skills",
}


def advice_entries(kind: str, child: assessment_services.ChildDetails) -> list:
    """The structured advice an adviser writes: needs, outcomes and quantified provision, each in
    the plan section it feeds. Provision links to the needs and outcomes before it."""
    first = child.first_name
    need = NEED_PHRASES.get(child.primary_need, "needs support with learning and communication")
    E = advice_services.EntryInput
    year = "Until the first annual review"
    if kind == AdviceKind.PARENT_VIEWS:
        return [
            E(
                "VIEWS",
                "A",
                f"{first} loves music, swimming and being outdoors, and is kind to "
                "younger children. We want school to be somewhere they feel safe and happy.",
            ),
            E("NEED", "B", f"At home we see that {first} {need}."),
            E(
                "OUTCOME",
                "E",
                f"{first} will have at least one good friend and will enjoy going to school.",
            ),
        ]
    if kind == AdviceKind.EDUCATIONAL:
        return [
            E("NEED", "B", f"In class {first} {need}."),
            E(
                "OUTCOME",
                "E",
                f"By the end of the year {first} will be able to complete short tasks "
                "with only occasional adult help.",
            ),
            E(
                "PROVISION",
                "F",
                "Small-group teaching of literacy and communication, planned by the SENCo",
                who="Teaching assistant trained in the programme",
                frequency_count=4,
                frequency_period="WEEK",
                session_minutes=30,
                duration=year,
                links=(0, 1),
            ),
        ]
    if kind == AdviceKind.HEALTH:
        return [
            E("NEED", "C", f"{first} has poor sleep and sensory processing difficulties."),
            E(
                "PROVISION",
                "G",
                "Speech and language therapy programme, with targets shared with school",
                who="Speech and language therapist",
                frequency_count=1,
                frequency_period="MONTH",
                session_minutes=45,
                duration="12 months",
                links=(0,),
            ),
        ]
    if kind == AdviceKind.PSYCHOLOGICAL:
        return [
            E(
                "NEED",
                "B",
                f"Assessment shows {first} {need}; working memory and processing speed "
                "are areas of difficulty.",
            ),
            E(
                "OUTCOME",
                "E",
                f"{first} will use a visual timetable and agreed calming strategies "
                "to manage changes during the school day.",
            ),
            E(
                "PROVISION",
                "F",
                "A key adult to pre-teach vocabulary and rehearse changes of routine",
                who="Key adult (teaching assistant)",
                frequency_count=1,
                frequency_period="DAY",
                session_minutes=15,
                duration=year,
                links=(0, 1),
            ),
        ]
    if kind == AdviceKind.SOCIAL_CARE:
        return [
            E(
                "NEED",
                "D",
                f"{first}'s family need breaks from caring, and {first} has few chances "
                "to take part in activities with other children.",
            ),
            E(
                "PROVISION",
                "H2",
                "Short breaks at an inclusive youth club",
                who="Short breaks provider",
                frequency_count=2,
                frequency_period="MONTH",
                session_minutes=180,
                duration="12 months",
                links=(0,),
            ),
        ]
    return [
        E("NEED", "B", f"{first} {need}, and needs specialist teaching and equipment."),
        E(
            "PROVISION",
            "F",
            "Specialist teaching and advice to staff on equipment and adapted materials",
            who="Qualified teacher of the deaf or of children with vision impairment",
            frequency_count=1,
            frequency_period="MONTH",
            session_minutes=60,
            duration=year,
            links=(0,),
        ),
    ]


ADVICE_STEP = {
    AdviceKind.PARENT_VIEWS: "parent_views",
    AdviceKind.EDUCATIONAL: "educational_advice",
    AdviceKind.HEALTH: "health_advice",
    AdviceKind.PSYCHOLOGICAL: "psychological_advice",
    AdviceKind.SOCIAL_CARE: "social_care_advice",
    AdviceKind.OTHER: "other_advice",
}
ADVICE_AGENCY_KEY = {
    AdviceKind.PARENT_VIEWS: "council",
    AdviceKind.HEALTH: "health",
    AdviceKind.PSYCHOLOGICAL: "ep",
    AdviceKind.SOCIAL_CARE: "socialcare",
    AdviceKind.OTHER: "sensory",
}
REFUSAL_REASONS = (
    "The school has not yet had the chance to put in place and review support under the graduated "
    "approach (assess, plan, do, review). The council's SEN support advisory teacher will visit to "
    "agree a costed SEN support plan; the family may ask again, and may appeal.",
    "The evidence shows good progress with the support the school already provides from its own "
    "resources; an EHC needs assessment is not necessary at this time (s.36(8)).",
)
NOT_ISSUING_REASONS = (
    "The assessment shows that {first}'s needs can be met from the resources normally available to "
    "mainstream schools, with the SEN support plan set out in the assessment summary.",
)
FINAL_EXCEPTIONS = (
    (
        "10(4)(c)",
        "Letter from the child's consultant: {first} was admitted to hospital for surgery and "
        "recovery, and could not be seen for assessment.",
        "The psychological and health assessments could not take place while {first} was in "
        "hospital; the plan could not be finalised within 20 weeks.",
    ),
    (
        "10(4)(c)",
        "Notes of a call with the parent: a close family bereavement; the family asked for the "
        "meeting on the draft plan to be postponed.",
        "The family could not take part in the draft plan meeting during this period, so the final "
        "plan could not be issued within 20 weeks.",
    ),
    (
        "10(4)(d)",
        "E-mail from the parent: the family were abroad caring for a relative, with return "
        "tickets.",
        "The child was out of the area for more than 4 weeks, so the advice and the meeting on the "
        "draft could not happen within 20 weeks.",
    ),
)


# Recorded with an exception whose circumstances are still going on when it is recorded.
ONGOING_EVIDENCE = (
    "Notes of the latest call with the parent: nothing has changed, and the family will say "
    "when it does."
)
DECISION_EXCEPTION = (
    "Notes of calls with the parent: {first}'s mother was in hospital; she asked for the "
    "consultation on the request to wait.",
    "The council could not consult the parent before deciding (s.36(4)), so the 6-week time "
    "limit could not be met.",
)
# Why a young person's parent consents for them (recorded before the consent, as the law asks).
LACKS_CAPACITY_REASON = (
    "Capacity assessment by the college's learning disability nurse with the social worker: "
    "{first} could not retain or weigh the information about sharing advice between agencies "
    "(Mental Capacity Act 2005, ss.2-3). Their parent or carer acts for them."
)

OVERRIDE_JUSTIFICATION = (
    "The child is subject to a child protection plan and the parent with parental responsibility "
    "cannot be contacted; advice is needed now to keep the child safe. Agreed at the strategy "
    "meeting."
)


# -- identifiers ----------------------------------------------------------------------------

# The check letter and check digit are the same functions the forms validate with.
UPN_LETTERS = identifiers.UPN_LETTERS
upn_check_letter = identifiers.upn_check_letter
nhs_check_digit = identifiers.nhs_check_digit


def make_upn(rng: random.Random, admission_year: int) -> str:
    # LA number 999 (no real authority), a school number, the year of allocation, a serial.
    digits = f"999{rng.randint(2000, 7999):04d}{admission_year % 100:02d}{rng.randint(0, 999):03d}"
    return upn_check_letter(digits) + digits


def make_nhs_number(rng: random.Random) -> str:
    """A valid NHS number from the 999 range, which the NHS reserves for testing."""
    while True:
        digits = f"999{rng.randint(0, 999999):06d}"
        check = nhs_check_digit(digits)
        if check is not None:
            return f"{digits}{check}"


def make_postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"XE{rng.randint(1, 24)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def make_mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"  # Ofcom drama numbers


# -- the plan of one case ---------------------------------------------------------------------

# Where a case stops; ASSESSING splits in two (advice outstanding, or all in and the decision due).
REQUESTED, ASSESSING, READY, DRAFTING, DRAFT_ISSUED, CONSULTING, FINAL, REFUSED, NOT_ISSUED = (
    "REQUESTED",
    "ASSESSING",
    "READY_TO_DECIDE",
    "DRAFTING",
    "DRAFT_ISSUED",
    "CONSULTING",
    "FINAL_ISSUED",
    "REFUSED",
    "NOT_ISSUED",
)


@dataclass(frozen=True)
class Scenario:
    key: str
    stop: str
    weight: float  # for the random fill after the pinned scenarios
    consent: bool = True  # consent recorded before the decision whether to assess
    allocated: bool = True  # a caseworker holds the case
    override: bool = False  # an SEN manager overrides the consent gate
    late_decision: bool = False  # the decision whether to assess is (or was) late
    decision_exception: bool = False  # reg 5(4)(c) recorded
    late_advice: bool = False  # psychological (and sometimes health) advice is late
    advice_exception: bool = False  # reg 8(2)(b) recorded on the late advice
    overdue: bool = False  # the open step is past its date
    late_final: bool = False  # the final plan is (or will be) later than 20 weeks
    final_exception: bool = False  # reg 10(4) recorded
    no_comments: bool = False  # the family did not comment within the 15 days
    replied: bool = False  # CONSULTING: the setting has replied; the final plan is next
    first_school: bool = False  # the child attends the senco's school
    demo_caseworker: bool = False  # held by the `caseworker` demo user
    pending: tuple[str, ...] = ()  # ASSESSING: advice still outstanding
    claimed: tuple[str, ...] = ()  # of the outstanding advice, claimed by the agency's demo user
    submitted: tuple[str, ...] = ()  # of those, submitted and waiting for the caseworker's review
    returned: tuple[str, ...] = ()  # of those, returned by the council to the adviser
    withdrawn: bool = False  # the family withdraws the request on the day the demo is loaded


A = AdviceKind
# The first scenarios, in order, are always present: the first eight cover every case status,
# the next ones the variants worth showing (late with and without exceptions, overrides, ...).
PINNED = (
    Scenario("requested-consent-given", REQUESTED, 6, first_school=True, demo_caseworker=True),
    Scenario(
        "assessing-advice-partly-in",
        ASSESSING,
        0,
        first_school=True,
        demo_caseworker=True,
        pending=(A.EDUCATIONAL, A.HEALTH, A.PSYCHOLOGICAL, A.SOCIAL_CARE),
        claimed=(A.PSYCHOLOGICAL, A.EDUCATIONAL),
        submitted=(A.EDUCATIONAL,),
    ),
    Scenario("drafting", DRAFTING, 5, demo_caseworker=True),
    Scenario("draft-issued-comment-period-running", DRAFT_ISSUED, 3, demo_caseworker=True),
    Scenario("consulting-awaiting-setting", CONSULTING, 3, first_school=True, demo_caseworker=True),
    Scenario("final-issued-on-time", FINAL, 14),
    Scenario("refused", REFUSED, 10, demo_caseworker=True),
    Scenario("not-issued", NOT_ISSUED, 5),
    # Advice being gathered when the family withdrew the request (weight 0: pinned only).
    Scenario("withdrawn-while-assessing", ASSESSING, 0, withdrawn=True),
    Scenario(
        "requested-awaiting-consent-overdue",
        REQUESTED,
        2,
        consent=False,
        overdue=True,
        demo_caseworker=True,
    ),
    Scenario(
        "final-issued-late-exception",
        FINAL,
        3,
        late_advice=True,
        late_final=True,
        final_exception=True,
    ),
    Scenario(
        "assessing-consent-override-advice-overdue",
        ASSESSING,
        0,
        consent=False,
        override=True,
        overdue=True,
        late_advice=True,
        advice_exception=True,
        demo_caseworker=True,
        pending=(A.HEALTH, A.PSYCHOLOGICAL),
        claimed=(A.HEALTH,),
        returned=(A.HEALTH,),
    ),
    Scenario("final-issued-late", FINAL, 8, late_advice=True, late_final=True),
    Scenario("requested-unallocated", REQUESTED, 1, allocated=False),
    Scenario(
        "assessing-advice-overdue",
        ASSESSING,
        0,
        overdue=True,
        late_advice=True,
        first_school=True,
        demo_caseworker=True,
        pending=(A.EDUCATIONAL, A.PSYCHOLOGICAL, A.SOCIAL_CARE),
        claimed=(A.EDUCATIONAL, A.SOCIAL_CARE),
        submitted=(A.SOCIAL_CARE,),
        returned=(A.EDUCATIONAL,),
    ),
    Scenario(
        "consulting-setting-replied",
        CONSULTING,
        2.5,
        replied=True,
        first_school=True,
        demo_caseworker=True,
    ),
    Scenario(
        "draft-issued-no-comments",
        DRAFT_ISSUED,
        1.5,
        no_comments=True,
        overdue=True,
        demo_caseworker=True,
    ),
    Scenario("assessing-all-advice-in", READY, 3, demo_caseworker=True),
    Scenario(
        "consulting-late-exception",
        CONSULTING,
        0.5,
        overdue=True,
        late_advice=True,
        late_final=True,
        final_exception=True,
        first_school=True,
    ),
    Scenario("final-issued-no-comments", FINAL, 2, no_comments=True),
    Scenario(
        "requested-late-exception",
        REQUESTED,
        0.5,
        consent=False,
        overdue=True,
        late_decision=True,
        decision_exception=True,
        demo_caseworker=True,
    ),
    Scenario("refused-late", REFUSED, 1.5, late_decision=True),
    Scenario("consulting-late", CONSULTING, 1, overdue=True, late_advice=True, late_final=True),
)
# Extra scenarios used only in the random fill.
FILL_ONLY = (
    Scenario("requested-awaiting-consent", REQUESTED, 5, consent=False),
    Scenario("assessing", ASSESSING, 10),
    Scenario("assessing-advice-overdue", ASSESSING, 8, overdue=True, late_advice=True),
    Scenario(
        "assessing-advice-overdue-exception",
        ASSESSING,
        1,
        overdue=True,
        late_advice=True,
        advice_exception=True,
    ),
    Scenario("assessing-consent-override", ASSESSING, 0.3, consent=False, override=True),
)
FILL = tuple(s for s in PINNED + FILL_ONLY if s.weight > 0)


@dataclass
class ExceptionPlan:
    period_code: str
    limb: str
    starts_on: date
    ends_on: date | None
    evidence: str
    reasoning: str
    recorded_on: date
    advice_kind: str | None = None


@dataclass
class AdvicePlan:
    """One piece of advice. Professional advice goes adviser -> council review (accept, or return
    to the adviser); the family's views are recorded by the caseworker and need no review."""

    kind: str
    agency: Agency
    state: str = "NEW"  # NEW (unclaimed), CLAIMED, WRITING, SUBMITTED, RETURNED or ACCEPTED
    user: object = None  # the adviser who claims, writes and submits it
    claimed_on: date | None = None
    submitted_on: date | None = None  # the council has it: reg 8(1) is measured on this date
    returned_on: date | None = None  # the council sent it back with reasons
    resubmitted_on: date | None = None
    accepted_on: date | None = None

    @property
    def received_on(self) -> date | None:
        return self.resubmitted_on or self.submitted_on


@dataclass
class CasePlan:
    scenario: Scenario
    child: assessment_services.ChildDetails
    parents: list[assessment_services.ParentDetails]
    requested_by: str
    requester_name: str
    reasons: str
    received_on: date
    caseworker: object  # a User, or None for an unallocated request
    consent_on: date | None = None
    consent_by: str = ConsentGiver.PARENT
    consent_name: str = ""
    lacks_capacity_on: date | None = None  # recorded before a parent consents for a young person
    override_on: date | None = None
    decided_on: date | None = None
    assess: bool = True
    advice: list[AdvicePlan] = field(default_factory=list)
    issue_decided_on: date | None = None
    issue: bool = True
    plan_started_on: date | None = None  # suggestions pre-filled from the advice
    plan_written_on: date | None = None  # the caseworker writes the plan (B, E, F)
    draft_on: date | None = None
    comments_recorded_on: date | None = None
    comments_received_on: date | None = None
    requested_by_family: bool = False
    meeting_requested: bool = False
    setting_to_consult: Agency | None = None
    reply_claimed_on: date | None = None
    replied_on: date | None = None
    reply_user: object = None
    response: str = ConsultationResponse.AGREES
    final_on: date | None = None
    exceptions: list[ExceptionPlan] = field(default_factory=list)


@dataclass
class Cast:
    """The agencies and people the plans refer to, loaded or created once."""

    council: Agency
    agencies: dict[str, Agency]
    schools: list[tuple[School, Agency]]
    users: dict[str, object]  # username -> User
    caseworkers: list  # the `caseworker` demo user first
    staff: dict[int, list]  # agency id -> people who work its queue (demo user first)
    encoded_password: str = ""


def _pick_need(rng: random.Random) -> tuple[str, str]:
    needs = list(NEED_WEIGHTS)
    primary = rng.choices(needs, weights=list(NEED_WEIGHTS.values()))[0]
    secondary = ""
    if rng.random() < 0.6:
        secondary = rng.choice([n for n in needs if n != primary])
    return primary, secondary


def _pick_age(rng: random.Random, scenario: Scenario) -> int:
    if scenario.first_school:
        return rng.randint(5, 10)
    band = rng.choices(
        [(0, 2), (3, 4), (5, 10), (11, 15), (16, 19), (20, 24)], weights=[4, 11, 45, 29, 9, 2]
    )[0]
    return rng.randint(*band)


class Planner:
    """Builds the plan of each case: the child, the family and the dates of every step."""

    def __init__(self, cast: Cast, *, seed: int, today: date, children: int):
        self.cast = cast
        self.rng = random.Random(seed)
        self.today = today
        self.children = children
        self.first_school_share = min(0.5, max(0.05, 100 / max(children, 1)))
        self.demo_caseworker_share = min(0.4, CASES_PER_CASEWORKER / max(children, 1))

    # -- who and where ---------------------------------------------------------------------

    def _pick_age(self, rng: random.Random, scenario: Scenario) -> int:
        """The child's age in years when the request comes (a hook: demo/reviews.py's planner
        picks school ages)."""
        return _pick_age(rng, scenario)

    def _setting_for(self, age: int, scenario: Scenario, need: str) -> tuple[School, Agency] | None:
        rng = self.rng
        schools = self.cast.schools
        if scenario.first_school:
            return schools[0]
        if age < 2 or (age < 3 and rng.random() < 0.5):
            return None
        if age <= 18 and need in (Need.PMLD, Need.SLD, Need.MSI) and rng.random() < 0.6:
            special = [s for s in schools if s[0].special and s[0].min_age <= age <= s[0].max_age]
            if special:
                return rng.choice(special)
        first = schools[0][0]
        if first.min_age <= age <= first.max_age and rng.random() < self.first_school_share:
            return schools[0]
        fits = [s for s in schools if not s[0].special and s[0].min_age <= age <= s[0].max_age]
        return rng.choice(fits) if fits else None

    def _caseworker(self, scenario: Scenario):
        if not scenario.allocated:
            return None
        if scenario.demo_caseworker or self.rng.random() < self.demo_caseworker_share:
            return self.cast.caseworkers[0]
        return self.rng.choice(self.cast.caseworkers[1:])

    def _staff(self, agency: Agency, demo: bool = False):
        people = self.cast.staff[agency.pk]
        return people[0] if demo else self.rng.choice(people)

    def _family(
        self, last_name: str, looked_after: bool
    ) -> list[assessment_services.ParentDetails]:
        """Parents and carers with contact details (they live with the child unless noted)."""
        rng = self.rng
        Parent = assessment_services.ParentDetails
        if looked_after:
            first, surname = rng.choice(ADULT_WOMEN), rng.choice(SURNAMES)
            return [
                Parent(
                    name=f"{first} {surname}",
                    relationship="foster carer",
                    email=f"{first.lower()}.{surname.lower()}@mail.example",
                    phone=make_mobile(rng),
                    has_parental_responsibility=False,
                )
            ]
        mother = rng.choice(ADULT_WOMEN)
        parents = [
            Parent(
                name=f"{mother} {last_name}",
                relationship="mother",
                email=f"{mother.lower()}.{last_name.lower()}{rng.randint(1, 99)}@mail.example",
                phone=make_mobile(rng),
            )
        ]
        roll = rng.random()
        if roll < 0.55:
            father = rng.choice(ADULT_MEN)
            parents.append(
                Parent(
                    name=f"{father} {last_name}",
                    relationship="father",
                    email=f"{father[0]}{last_name}{rng.randint(1, 99)}@mail.example".lower(),
                    phone=make_mobile(rng),
                )
            )
        elif roll < 0.65:
            father, surname = rng.choice(ADULT_MEN), rng.choice(SURNAMES)
            parents.append(
                Parent(
                    name=f"{father} {surname}",
                    relationship="father (lives apart)",
                    email=f"{father.lower()}.{surname.lower()}@mail.example",
                    phone=make_mobile(rng),
                )
            )
        elif roll < 0.72:
            step = rng.choice(ADULT_MEN)
            parents.append(
                Parent(
                    name=f"{step} {rng.choice(SURNAMES)}",
                    relationship="stepfather",
                    phone=make_mobile(rng),
                    has_parental_responsibility=False,
                )
            )
        elif roll < 0.76:
            gran = rng.choice(ADULT_WOMEN)
            parents.append(
                Parent(
                    name=f"{gran} {last_name}",
                    relationship="grandmother (special guardian)",
                    phone=make_mobile(rng),
                )
            )
        return parents

    # -- dates -----------------------------------------------------------------------------

    def _advice_kinds(self, setting, need: str, scenario: Scenario) -> list[str]:
        kinds = [A.PARENT_VIEWS]
        if setting is not None:
            kinds.append(A.EDUCATIONAL)
        kinds += [A.HEALTH, A.PSYCHOLOGICAL]
        if scenario.pending and A.SOCIAL_CARE in scenario.pending or self.rng.random() < 0.85:
            kinds.append(A.SOCIAL_CARE)
        if need in (Need.HI, Need.VI, Need.MSI) or self.rng.random() < 0.04:
            kinds.append(A.OTHER)
        return kinds

    def _offsets(self, scenario: Scenario, kinds: list[str]) -> dict:
        """Day offsets from the request (day 0) of every step up to the scenario's stop."""
        rng = self.rng
        stop = scenario.stop
        o: dict = {}
        o["decide"] = rng.randint(44, 55) if scenario.late_decision else rng.randint(21, 40)
        late_kinds = {A.PSYCHOLOGICAL} | ({A.HEALTH} if rng.random() < 0.3 else set())
        advice = {}
        for kind in kinds:
            if kind == A.PARENT_VIEWS:
                advice[kind] = o["decide"] + rng.randint(5, 25)
            elif scenario.late_advice and kind in late_kinds:
                advice[kind] = o["decide"] + rng.randint(46, 70)
            else:
                advice[kind] = o["decide"] + rng.randint(16, 41)
        o["advice"] = advice
        all_in = max(advice.values())
        o["issue"] = all_in + rng.randint(2, 9)
        o["draft"] = o["issue"] + rng.randint(4, 12)
        if scenario.no_comments:
            o["comments_received"] = None
            o["comments"] = o["draft"] + 15 + rng.randint(0, 3)
        else:
            o["comments_received"] = o["draft"] + rng.randint(5, 14)
            o["comments"] = o["comments_received"] + rng.randint(0, 2)
        o["reply"] = o["comments"] + rng.randint(4, 13)
        # The 15 days for representations are a minimum, even when the family commented early.
        o["final"] = max(o["reply"] + rng.randint(2, 8), o["draft"] + 15)
        final_due = deadlines.FINAL_PLAN.days
        if scenario.late_final:
            o["final"] = max(o["final"], final_due + rng.randint(3, 30))
        elif stop == FINAL and o["final"] > final_due:
            return {}  # did not fit in 20 weeks: draw again

        # How long ago the request was received (its age today), from the step the case waits on.
        if stop == REQUESTED:
            age = rng.randint(44, 58) if scenario.overdue else rng.randint(2, 30)
        elif stop == REFUSED:
            age = o["decide"] + rng.randint(1, 80)
        elif stop == ASSESSING:
            age = o["decide"] + (rng.randint(44, 68) if scenario.overdue else rng.randint(8, 38))
        elif stop == READY:
            age = all_in + rng.randint(1, 12)
        elif stop == DRAFTING:
            age = o["issue"] + rng.randint(1, 18)
        elif stop == NOT_ISSUED:
            age = o["issue"] + rng.randint(1, 60)
        elif stop == DRAFT_ISSUED:
            age = o["draft"] + (rng.randint(16, 24) if scenario.overdue else rng.randint(1, 13))
        elif stop == CONSULTING and scenario.replied:
            age = o["reply"] + rng.randint(1, 10)
        elif stop == CONSULTING:
            age = o["comments"] + (rng.randint(16, 24) if scenario.overdue else rng.randint(1, 13))
        else:
            age = o["final"] + rng.randint(0, 50)
        if scenario.late_final and stop != FINAL:
            age = max(age, final_due + rng.randint(2, 20))
        o["age"] = age
        return o

    def plan(self, index: int, scenario: Scenario) -> CasePlan:
        rng = self.rng
        cast = self.cast
        primary, secondary = _pick_need(rng)
        age_years = self._pick_age(rng, scenario)
        setting = self._setting_for(age_years, scenario, primary)
        kinds = self._advice_kinds(setting, primary, scenario)
        offsets = {}
        while not offsets:
            offsets = self._offsets(scenario, kinds)
        received_on = self.today - timedelta(days=offsets["age"])

        def on(offset: int) -> date:
            return received_on + timedelta(days=offset)

        # The child: born so as to be `age_years` old on the day of the request.
        born = received_on - timedelta(days=int(age_years * 365.25) + rng.randint(1, 360))
        girl = rng.random() < 0.35  # about two thirds of children with EHC plans are boys
        first = rng.choice(GIRLS if girl else BOYS)
        last = rng.choice(SURNAMES)
        town = rng.choice(TOWNS)
        address = f"{rng.randint(1, 160)} {rng.choice(STREETS)}\n{town}\nExampleshire"
        postcode = make_postcode(rng)
        looked_after = rng.random() < 0.05
        protected = rng.random() < 0.04 or scenario.override
        details = assessment_services.ChildDetails(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            upn=make_upn(rng, born.year + 5) if age_years >= 4 and setting is not None else "",
            nhs_number=make_nhs_number(rng),
            address=address,
            postcode=postcode,
            protected_whereabouts=protected,
            current_setting=setting[1] if setting else None,
            primary_need=primary,
            secondary_need=secondary,
        )
        parents = self._family(last, looked_after)
        # A young person is over compulsory school age (CFA 2014 s.83), not simply 16.
        young_person = young_person_rules.is_young_person(born, received_on)
        if young_person and rng.random() < 0.4:
            requested_by, requester = Requester.YOUNG_PERSON, f"{first} {last}"
        elif setting is not None and rng.random() < 0.25:
            requested_by, requester = Requester.SETTING, f"SENCo, {setting[0].name}"
        elif looked_after or rng.random() < 0.04:
            requested_by, requester = (
                Requester.OTHER,
                "Health visitor, Exampleshire NHS Foundation Trust",
            )
        elif young_person:
            # The request is the young person's, not their parent's (YP-REQUESTER).
            requested_by, requester = Requester.YOUNG_PERSON, f"{first} {last}"
        else:
            requested_by, requester = Requester.PARENT, parents[0].name
        they = "She" if girl else "He"
        plan = CasePlan(
            scenario=scenario,
            child=details,
            parents=parents,
            requested_by=requested_by,
            requester_name=requester,
            reasons=REASONS[primary].format(first=first, they=they),
            received_on=received_on,
            caseworker=self._caseworker(scenario),
        )
        stop = scenario.stop
        today = self.today

        # Consent (or a manager's override) before advice can be requested.
        if scenario.override and stop != REQUESTED:
            plan.override_on = on(offsets["decide"] - rng.randint(0, 3))
        elif scenario.consent and stop != REFUSED:
            latest = offsets["age"] - 1 if stop == REQUESTED else offsets["decide"]
            plan.consent_on = on(rng.randint(0, max(0, min(latest, 20))))
            # From the day after the last Friday in June of the school year they turn 16, a
            # young person consents themselves, or their parent does if they lack capacity.
            if young_person_rules.is_young_person(born, plan.consent_on):
                if rng.random() < 0.85:
                    plan.consent_by = ConsentGiver.YOUNG_PERSON
                    plan.consent_name = f"{first} {last}"
                else:
                    plan.lacks_capacity_on = plan.consent_on
                    plan.consent_by, plan.consent_name = ConsentGiver.PARENT, parents[0].name
            else:
                plan.consent_by, plan.consent_name = ConsentGiver.PARENT, parents[0].name
                # A parent's consent for a child does not let advice be asked for once they are a
                # young person (YP-CONSENT-GATE): here the young person lacks capacity, recorded
                # from the day they became one, and the parent acts for them.
                became = young_person_rules.young_person_from(born)
                if stop != REQUESTED and became <= on(offsets["decide"]):
                    plan.lacks_capacity_on = became
        if stop == REQUESTED:
            if scenario.decision_exception:
                starts = on(rng.randint(3, 20))
                ends = starts + timedelta(days=rng.randint(14, 28))
                plan.exceptions.append(
                    ExceptionPlan(
                        deadlines.DECIDE_TO_ASSESS.code,
                        "5(4)(c)",
                        starts,
                        ends if ends < today else None,
                        DECISION_EXCEPTION[0].format(first=first),
                        DECISION_EXCEPTION[1],
                        min(today, on(deadlines.DECIDE_TO_ASSESS.days + rng.randint(0, 2))),
                    )
                )
            return plan

        plan.decided_on = on(offsets["decide"])
        if stop == REFUSED:
            plan.assess = False
            return plan

        # Advice: all in from READY on; outstanding ones as the scenario says.
        age = offsets["age"]
        outstanding = set()
        if stop == ASSESSING:
            outstanding = (
                set(scenario.pending) & set(kinds)
                if scenario.pending
                else {k for k, off in offsets["advice"].items() if off >= age}
            )
            if not outstanding:
                outstanding = {max(kinds, key=lambda k: offsets["advice"][k])}
        # Accepted advice must be in before the decision whether to issue.
        accept_by = on(min(offsets["issue"], age)) if stop != ASSESSING else today
        for kind in kinds:
            agency = setting[1] if kind == A.EDUCATIONAL else cast.agencies[ADVICE_AGENCY_KEY[kind]]
            item = AdvicePlan(kind=kind, agency=agency)
            reviewed = kind != A.PARENT_VIEWS
            if kind == A.PARENT_VIEWS:
                item.user = plan.caseworker  # the council's own task, held by the caseworker
            if kind in outstanding:
                if scenario.pending:
                    claimed = kind in scenario.claimed
                    state = "NEW"
                    if claimed:
                        state = (
                            "SUBMITTED"
                            if kind in scenario.submitted
                            else "RETURNED"
                            if kind in scenario.returned
                            else "WRITING"
                        )
                else:
                    claimed = kind == A.PARENT_VIEWS or rng.random() < 0.55
                    state = "NEW"
                    if claimed:
                        options = (
                            ["CLAIMED", "WRITING", "SUBMITTED", "RETURNED"]
                            if reviewed
                            else ["CLAIMED", "WRITING"]
                        )
                        state = rng.choices(options, weights=[2, 4, 3, 1][: len(options)])[0]
                if claimed:
                    if item.user is None:
                        item.user = self._staff(agency, demo=bool(scenario.pending))
                    item.claimed_on = min(
                        today, plan.decided_on + timedelta(days=rng.randint(1, 10))
                    )
                    if state in ("SUBMITTED", "RETURNED"):
                        item.submitted_on = min(
                            today, item.claimed_on + timedelta(days=rng.randint(3, 25))
                        )
                    if state == "RETURNED":
                        item.returned_on = min(
                            today, item.submitted_on + timedelta(days=rng.randint(0, 3))
                        )
                item.state = state
            else:
                item.state = "ACCEPTED" if reviewed else "SUBMITTED"
                received = on(min(offsets["advice"][kind], age - 1))
                if item.user is None:
                    item.user = self._staff(agency)
                if reviewed and rng.random() < 0.1 and (received - plan.decided_on).days >= 10:
                    # Sent back once ("please quantify the provision"), then resubmitted.
                    item.submitted_on = received - timedelta(days=rng.randint(6, 9))
                    item.returned_on = item.submitted_on + timedelta(days=rng.randint(1, 3))
                    item.resubmitted_on = received
                else:
                    item.submitted_on = received
                item.claimed_on = max(
                    plan.decided_on, item.submitted_on - timedelta(days=rng.randint(0, 10))
                )
                if reviewed:
                    item.accepted_on = max(
                        received, min(accept_by, received + timedelta(days=rng.randint(0, 3)))
                    )
            plan.advice.append(item)
        if scenario.advice_exception:
            late = next((k for k in (A.PSYCHOLOGICAL, A.HEALTH) if k in kinds), None)
            if late is not None:
                starts = plan.decided_on + timedelta(days=rng.randint(3, 12))
                ends = starts + timedelta(days=rng.randint(27, 40))
                plan.exceptions.append(
                    ExceptionPlan(
                        deadlines.ADVICE.code,
                        "8(2)(b)",
                        starts,
                        ends if ends < today else None,
                        "E-mail from the parent: the family are staying with relatives outside the "
                        "area until the end of term.",
                        f"The educational psychologist could not observe {first} or meet the "
                        "family "
                        "within 6 weeks.",
                        min(
                            today,
                            plan.decided_on
                            + timedelta(days=deadlines.ADVICE.days + rng.randint(0, 3)),
                        ),
                        advice_kind=late,
                    )
                )
        if stop in (ASSESSING, READY):
            return plan

        plan.issue_decided_on = on(offsets["issue"])
        if stop == NOT_ISSUED:
            plan.issue = False
            return plan
        if stop == DRAFTING:
            # Half the plans are written; the rest wait as suggestions pre-filled from the advice
            # for the caseworker to accept. (Issued plans carry no suggestions left unaccepted.)
            if rng.random() < 0.5:
                plan.plan_written_on = min(today, on(offsets["issue"] + rng.randint(1, 3)))
            else:
                plan.plan_started_on = on(offsets["issue"])
            return plan

        plan.draft_on = on(offsets["draft"])
        plan.plan_written_on = on(rng.randint(offsets["issue"], offsets["draft"]))
        if scenario.final_exception:
            limb, evidence, reasoning = rng.choice(FINAL_EXCEPTIONS)
            starts = on(rng.randint(70, 105))
            ends = starts + timedelta(days=rng.randint(28, 45))
            recorded_on = min(
                today, max(starts + timedelta(days=7), on(deadlines.FINAL_PLAN.days - 7))
            )
            if ends >= today and limb in ABSENCE_LIMBS and (recorded_on - starts).days < 27:
                # An absence still going on counts only once it has lasted 4 weeks.
                limb, evidence, reasoning = FINAL_EXCEPTIONS[0]
            plan.exceptions.append(
                ExceptionPlan(
                    deadlines.FINAL_PLAN.code,
                    limb,
                    starts,
                    ends if ends < today else None,
                    evidence.format(first=first),
                    reasoning.format(first=first),
                    recorded_on,
                )
            )
        if stop == DRAFT_ISSUED:
            return plan

        plan.comments_recorded_on = on(offsets["comments"])
        if offsets["comments_received"] is not None:
            plan.comments_received_on = on(offsets["comments_received"])
            plan.requested_by_family = rng.random() < 0.55
            plan.meeting_requested = rng.random() < 0.2
        if scenario.first_school:
            consult = setting[1]
        else:
            consult = self._consultation_setting(
                setting, age_years, primary, plan.requested_by_family
            )
        plan.setting_to_consult = consult
        if stop == CONSULTING and not scenario.replied:
            # The setting has not replied: the task waits in its queue, or its SENCo has claimed it.
            if (
                scenario.first_school
                and scenario.overdue
                or not scenario.first_school
                and rng.random() < 0.5
            ):
                plan.reply_user = self._staff(consult, demo=True)
                plan.reply_claimed_on = min(
                    today, plan.comments_recorded_on + timedelta(days=rng.randint(1, 5))
                )
            return plan
        plan.replied_on = on(offsets["reply"])
        plan.reply_claimed_on = plan.replied_on
        plan.reply_user = self._staff(consult, demo=True)
        plan.response = (
            ConsultationResponse.DECLINES if rng.random() < 0.1 else ConsultationResponse.AGREES
        )
        if stop == CONSULTING:
            return plan
        plan.final_on = on(offsets["final"])
        return plan

    def _consultation_setting(self, setting, age: int, need: str, requested: bool) -> Agency:
        """The school consulted about being named: usually the current one."""
        rng = self.rng
        schools = self.cast.schools
        next_age = max(age + 1, 2)
        if (
            setting is not None
            and setting[0].min_age <= next_age <= setting[0].max_age
            and not (requested and rng.random() < 0.3)
        ):
            return setting[1]
        if need in (Need.PMLD, Need.SLD, Need.MSI) or requested and rng.random() < 0.4:
            special = [
                s for s in schools if s[0].special and s[0].min_age <= next_age <= s[0].max_age
            ]
            if special:
                return rng.choice(special)[1]
        fits = [s for s in schools if not s[0].special and s[0].min_age <= next_age <= s[0].max_age]
        return rng.choice(fits or schools)[1]

    def plans(self):
        for index in range(self.children):
            if index < len(PINNED):
                scenario = PINNED[index]
            else:
                scenario = self.rng.choices(FILL, weights=[s.weight for s in FILL])[0]
            yield self.plan(index, scenario)


# -- driving a plan through the services ------------------------------------------------------

_OPEN = ("NEW", "ASSIGNED", "STARTED")


class Driver:
    def __init__(self, cast: Cast, clock: StepClock, today: date):
        self.cast = cast
        self.clock = clock
        self.today = today
        self.manager = cast.users["manager"]

    def _open_tasks(self, case) -> dict[str, CaseTask]:
        tasks = CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=_OPEN)
        return {task.flow_task.name: task for task in tasks}

    def _complete(self, task, user, day: date, perform):
        with self.clock.at(day):
            if task.owner_id is None:
                wf.task_claim(task=task, user=user)
            wf.task_complete(task=task, user=user, perform=perform)

    def drive(self, plan: CasePlan) -> Assessment:
        case = self._steps(plan)
        if plan.exceptions:
            self._exceptions(case, plan)
        if plan.scenario.withdrawn:
            self._withdraw(case, plan)
        return case

    def _withdraw(self, case, plan: CasePlan) -> None:
        """The party withdraws the request today (a young person themselves, unless a lack of
        capacity is recorded: then the parent who acts for them)."""
        young = young_person_rules.is_young_person(plan.child.date_of_birth, self.today)
        whom = "YOUNG_PERSON" if young and plan.lacks_capacity_on is None else "PARENT"
        with self.clock.at(self.today):
            wf.case_withdraw(
                case=case,
                withdrawn_on=self.today,
                withdrawn_by_whom=whom,
                reasons="The family have moved to another council's area and will ask there.",
                by=plan.caseworker or self.manager,
                today=self.today,
            )

    def _steps(self, plan: CasePlan) -> Assessment:
        cw = plan.caseworker
        by = cw or self.manager
        today = self.today
        with self.clock.at(plan.received_on):
            case = wf.assessment_request_receive(
                council=self.cast.council,
                child_details=plan.child,
                requested_by=plan.requested_by,
                requester_name=plan.requester_name,
                received_on=plan.received_on,
                reasons=plan.reasons,
                parents=plan.parents,
                caseworker=cw,
                by=by,
                today=plan.received_on,
            )
        advice_agencies = {item.agency.pk: item.agency for item in plan.advice}
        if plan.lacks_capacity_on is not None:
            with self.clock.at(plan.lacks_capacity_on):
                child_services.young_person_record(
                    child=case.child,
                    kind=young_person_rules.RecordKind.LACKS_CAPACITY,
                    from_on=plan.lacks_capacity_on,
                    reason=LACKS_CAPACITY_REASON.format(first=plan.child.first_name),
                    by=by,
                    today=plan.lacks_capacity_on,
                )
        if plan.consent_on is not None:
            with self.clock.at(plan.consent_on):
                child_services.consent_record(
                    child=case.child,
                    case=case,
                    purpose=Purpose.STATUTORY_ASSESSMENT,
                    agencies=[self.cast.council, *advice_agencies.values()]
                    if advice_agencies
                    else self._default_consent_agencies(plan),
                    given_by=plan.consent_by,
                    given_by_name=plan.consent_name,
                    given_on=plan.consent_on,
                    method=ConsentMethod.WRITTEN
                    if plan.consent_on.day % 3
                    else ConsentMethod.EMAIL,
                    by=by,
                    today=plan.consent_on,
                )
        if plan.override_on is not None:
            with self.clock.at(plan.override_on):
                child_services.consent_override_record(
                    case=case,
                    step=Step.REQUEST_ADVICE,
                    justification=OVERRIDE_JUSTIFICATION,
                    by=self.manager,
                )
        if plan.decided_on is None:
            return case

        task = self._open_tasks(case)["decide_to_assess"]
        advice = [assessment_services.AdviceToSeek(item.kind, item.agency) for item in plan.advice]
        self._complete(
            task,
            cw,
            plan.decided_on,
            lambda c: assessment_services.case_assessment_decide(
                case=c,
                assess=plan.assess,
                decided_on=plan.decided_on,
                reasons="" if plan.assess else REFUSAL_REASONS[c.pk % len(REFUSAL_REASONS)],
                advice=advice if plan.assess else (),
                by=cw,
                today=plan.decided_on,
                sent=None if plan.assess else LetterSent(plan.decided_on, SendingMethod.POST),
            ),
        )
        if not plan.assess:
            return case

        tasks = self._open_tasks(case)
        requests = {a.kind: a for a in AdviceRequest.objects.filter(case=case)}
        for item in sorted(plan.advice, key=lambda i: (i.claimed_on or today, i.kind)):
            self._advice(case, plan, item, tasks[ADVICE_STEP[item.kind]], requests[item.kind])
        if plan.issue_decided_on is None:
            return case

        task = self._open_tasks(case)["decide_to_issue"]
        self._complete(
            task,
            cw,
            plan.issue_decided_on,
            lambda c: assessment_services.case_issue_decide(
                case=c,
                issue=plan.issue,
                decided_on=plan.issue_decided_on,
                reasons=""
                if plan.issue
                else NOT_ISSUING_REASONS[0].format(first=plan.child.first_name),
                by=cw,
                today=plan.issue_decided_on,
                sent=None if plan.issue else LetterSent(plan.issue_decided_on, SendingMethod.POST),
            ),
        )
        if not plan.issue:
            return case
        case.refresh_from_db()  # task_complete moved its own copy of the case on
        if plan.plan_started_on is not None:
            with self.clock.at(plan.plan_started_on):
                plan_services.plan_fill_from_advice(case=case, by=cw, today=plan.plan_started_on)
        if plan.plan_written_on is not None:
            with self.clock.at(plan.plan_written_on):
                plan_services.plan_fill_example(case=case, by=cw)
        if plan.draft_on is None:
            return case

        task = self._open_tasks(case)["issue_draft"]
        self._complete(
            task,
            cw,
            plan.draft_on,
            lambda c: assessment_services.plan_draft_issue(
                case=c,
                issued_on=plan.draft_on,
                by=cw,
                today=plan.draft_on,
                sent=LetterSent(plan.draft_on, SendingMethod.EMAIL),
            ),
        )
        if plan.comments_recorded_on is None:
            return case

        task = self._open_tasks(case)["record_comments"]
        if plan.comments_received_on is not None:
            summary = (
                "The family agree with most of the draft; they ask for more detail in section F on "
                "speech and language therapy"
                + (" and for a particular school." if plan.requested_by_family else ".")
            )
        else:
            summary = ""
        self._complete(
            task,
            cw,
            plan.comments_recorded_on,
            lambda c: assessment_services.draft_comments_record(
                case=c,
                received_on=plan.comments_received_on,
                summary=summary,
                setting_to_consult=plan.setting_to_consult,
                requested_by_family=plan.requested_by_family,
                meeting_requested=plan.meeting_requested,
                by=cw,
                today=plan.comments_recorded_on,
            ),
        )
        task = self._open_tasks(case)["reply_to_consultation"]
        if plan.replied_on is None:
            if plan.reply_user is not None:
                with self.clock.at(plan.reply_claimed_on):
                    wf.task_claim(task=task, user=plan.reply_user)
            return case
        consultation = SettingConsultation.objects.get(pk=task.subject_id)
        notes = (
            "We can meet the needs set out in the draft plan with the provision in section F."
            if plan.response == ConsultationResponse.AGREES
            else "We are concerned that we cannot meet the needs without a full-time adult; please "
            "see the attached costed provision map."
        )
        self._complete(
            task,
            plan.reply_user,
            plan.replied_on,
            lambda c: assessment_services.consultation_reply_record(
                consultation=consultation,
                replied_on=plan.replied_on,
                response=plan.response,
                notes=notes,
                by=plan.reply_user,
                today=plan.replied_on,
            ),
        )
        if plan.final_on is None:
            return case

        task = self._open_tasks(case)["issue_final"]
        self._complete(
            task,
            cw,
            plan.final_on,
            lambda c: assessment_services.plan_final_issue(
                case=c,
                issued_on=plan.final_on,
                named_setting=plan.setting_to_consult,
                by=cw,
                today=plan.final_on,
                sent=LetterSent(plan.final_on, SendingMethod.EMAIL),
            ),
        )
        return case

    def _advice(self, case, plan: CasePlan, item: AdvicePlan, task, request) -> None:
        """Claim, write, submit and review one piece of advice, as far as the plan says."""
        if item.user is None:
            return  # waiting, unclaimed, in the agency's queue
        adviser, cw = item.user, plan.caseworker
        step = ADVICE_STEP[item.kind]
        with self.clock.at(item.claimed_on):
            if task.owner_id is None:
                wf.task_claim(task=task, user=adviser)
            if item.state == "CLAIMED":
                return
            advice_services.advice_draft_save(
                advice=request,
                entries=advice_entries(item.kind, plan.child),
                by=adviser,
                today=item.claimed_on,
            )
        if item.state == "WRITING":
            return

        def submit(on):
            return lambda c: advice_services.advice_submit(
                advice=request, by=adviser, received_on=on, today=on
            )

        self._complete(task, adviser, item.submitted_on, submit(item.submitted_on))
        if item.kind == A.PARENT_VIEWS or item.state == "SUBMITTED":
            return
        review = self._open_tasks(case)[f"{step}_review"]
        if item.returned_on is not None:
            self._complete(
                review,
                cw,
                item.returned_on,
                lambda c: advice_services.advice_return(
                    advice=request,
                    reasons="Please say how often and for how long the provision is needed, and "
                    "who gives it.",
                    by=cw,
                    today=item.returned_on,
                ),
            )
            if item.state == "RETURNED":
                return
            task = self._open_tasks(case)[step]  # back with the adviser who submitted it
            self._complete(task, adviser, item.resubmitted_on, submit(item.resubmitted_on))
            review = self._open_tasks(case)[f"{step}_review"]
        self._complete(
            review,
            cw,
            item.accepted_on,
            lambda c: advice_services.advice_accept(advice=request, by=cw, today=item.accepted_on),
        )

    def _default_consent_agencies(self, plan: CasePlan) -> list[Agency]:
        """Consent given with the request, before the advice is chosen: the usual partners."""
        agencies = [
            self.cast.council,
            *(self.cast.agencies[k] for k in ("health", "ep", "socialcare")),
        ]
        if plan.child.current_setting is not None:
            agencies.append(plan.child.current_setting)
        return agencies

    def _exceptions(self, case, plan: CasePlan) -> None:
        requests = {}
        if any(item.advice_kind for item in plan.exceptions):
            requests = {a.kind: a for a in AdviceRequest.objects.filter(case=case)}
        for item in plan.exceptions:
            with self.clock.at(item.recorded_on):
                assessment_services.exception_record(
                    case=case,
                    period_code=item.period_code,
                    limb=item.limb,
                    starts_on=item.starts_on,
                    ends_on=item.ends_on,
                    evidence=item.evidence,
                    reasoning=item.reasoning,
                    advice_request=requests[item.advice_kind] if item.advice_kind else None,
                    ongoing=item.ends_on is None,
                    ongoing_evidence=ONGOING_EVIDENCE if item.ends_on is None else "",
                    family_told_on=item.recorded_on,
                    by=plan.caseworker or self.manager,
                    today=item.recorded_on,
                )


# -- reference data: agencies and people -------------------------------------------------------


def _schools_for(children: int) -> list[School]:
    schools = list(NAMED_SCHOOLS)
    wanted = max(len(schools), children // 40)
    urn = 150000
    for town in TOWNS:
        for kind, low, high in SCHOOL_TYPES:
            if len(schools) >= wanted:
                return schools
            urn += 37
            schools.append(School(f"{town} {kind}", str(urn), low, high))
    return schools


def _user(username, first, last, encoded_password, *, staff=False):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DemoError(
            f"A user called {username!r} already exists but the demo data is not loaded: "
            "load the demo into an empty database"
        )
    return User.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username.replace('-', '.')}@{DOMAIN}",
        password=encoded_password,
        is_staff=staff,
        is_superuser=staff,
    )


def build_cast(*, children: int, seed: int) -> Cast:
    """Create the agencies and the people, with one membership each."""
    rng = random.Random(seed + 2)
    # Hash the shared password once: hashing it per user (PBKDF2) costs about 0.3 s each.
    encoded = make_password(DEMO_PASSWORD)
    agencies = {}
    for key, (name, kind, email, phone) in AGENCIES.items():
        agency = Agency(name=name, kind=kind, email=email, phone=phone)
        agency._change_reason = "Demo data"
        agency.save()
        agencies[key] = agency
    schools = []
    for school in _schools_for(children):
        agency = Agency(
            name=school.name,
            kind=AgencyKind.SCHOOL,
            urn=school.urn,
            email=f"senco@{school.slug}.example",
            phone=f"01632 96{len(schools) % 10000:04d}",
        )
        agency._change_reason = "Demo data"
        agency.save()
        schools.append((school, agency))
    agencies["school:0"] = schools[0][1]

    users: dict[str, object] = {}
    staff: dict[int, list] = {}

    def add(username, role, agency, first, last, *, superuser=False):
        user = _user(username, first, last, encoded, staff=superuser)
        users[username] = user
        membership = Membership(
            user=user, agency=agency, role=role, is_agency_manager=username in AGENCY_MANAGERS
        )
        membership._change_reason = "Demo data"
        membership.save()
        return user

    for username, role, key, first, last in DEMO_USERS:
        if username != FINAL_USER:
            add(username, role, agencies[key], first, last)

    used = {(u[3], u[4]) for u in DEMO_USERS}

    def person():
        while True:
            name = (rng.choice(ADULT_WOMEN + ADULT_MEN), rng.choice(SURNAMES))
            if name not in used:
                used.add(name)
                return name

    caseworkers = [users["caseworker"]]
    for n in range(2, max(5, math.ceil(children / CASES_PER_CASEWORKER)) + 1):
        caseworkers.append(add(f"caseworker{n}", Role.CASEWORKER, agencies["council"], *person()))
    staff[agencies["council"].pk] = caseworkers
    advisers = max(1, children // CHILDREN_PER_ADVISER)
    for key, username, role in (
        ("ep", "psychologist", Role.EDUCATIONAL_PSYCHOLOGIST),
        ("health", "health", Role.HEALTH_ADVISER),
        ("socialcare", "socialcare", Role.SOCIAL_CARE_ADVISER),
    ):
        people = [users[username]]
        for n in range(2, advisers + 2):
            people.append(add(f"{username}{n}", role, agencies[key], *person()))
        staff[agencies[key].pk] = people
    # The sensory support service's teacher of the deaf / vision impairment. (No role fits
    # exactly; an OTHER agency's queue is worked by any role, so SENCO is used.)
    staff[agencies["sensory"].pk] = [add("sensory1", Role.SENCO, agencies["sensory"], *person())]
    staff[schools[0][1].pk] = [users["senco"]]
    for n, (_school, agency) in enumerate(schools[1:], start=2):
        staff[agency.pk] = [add(f"senco{n}", Role.SENCO, agency, *person())]
    return Cast(
        council=agencies["council"],
        agencies=agencies,
        schools=schools,
        users=users,
        caseworkers=caseworkers,
        staff=staff,
        encoded_password=encoded,
    )


def agreement_seed(cast: Cast, today: date) -> SharingAgreement:
    """The council's information sharing agreement (LB-06), signed by every demo partner agency:
    in force since version 3 was agreed, reviewed every April. Only its parties' advisers may use
    break-glass (AC-07). Edit it in the Django admin."""
    agreement = SharingAgreement(
        reference=settings.ISA_REFERENCE or "SEND Information Sharing Agreement",
        council=cast.council,
        starts_on=date(2021, 6, 3),
        review_on=date(today.year + (today.month >= 4), 4, 1),
    )
    agreement._change_reason = "Demo data"
    agreement.save()
    parties = [
        agency
        for key, agency in cast.agencies.items()
        if key != "council" and not key.startswith("school:")
    ]
    agreement.parties.set(parties + [agency for _school, agency in cast.schools])
    return agreement


def finish_cast(cast: Cast) -> None:
    """The administrator (staff and superuser), last: its membership marks a finished load."""
    username, role, key, first, last = next(u for u in DEMO_USERS if u[0] == FINAL_USER)
    user = _user(username, first, last, cast.encoded_password, staff=True)
    membership = Membership(user=user, agency=cast.agencies[key], role=role)
    membership._change_reason = "Demo data"
    membership.save()
    cast.users[username] = user


# -- the command's entry points ---------------------------------------------------------------


def demo_data_loaded() -> bool:
    """The load finished: the `admin` demo login is created last."""
    return (
        Agency.objects.filter(name=COUNCIL_NAME).exists()
        and Membership.objects.filter(user__username=FINAL_USER, agency__name=COUNCIL_NAME).exists()
    )


def demo_load_unfinished() -> bool:
    return Agency.objects.filter(name=COUNCIL_NAME).exists() and not demo_data_loaded()


@dataclass
class LoadResult:
    seconds: float
    by_status: dict[str, int]
    by_scenario: Counter
    users: int
    agencies: int
    reviews_by_status: dict[str, int] = field(default_factory=dict)
    review_scenarios: Counter = field(default_factory=Counter)
    panel: object = None  # demo.panel.PanelSummary, when the panel was loaded

    @property
    def cases(self) -> int:
        return sum(self.by_status.values())


def load_demo(
    *,
    children: int = 40,
    seed: int = 2014,
    today: date | None = None,
    progress=None,
    reviews: bool = True,
    panel: bool = True,
) -> LoadResult:
    """Load the demo data in one transaction: all of it, or nothing.

    ``progress(done, seconds)``, if given, is called once the agencies and people exist
    (``done`` = 0) and after each child's case (``done`` = 1 .. ``children``), with the seconds
    since the start; the caller decides how often to show it. Then the review scenarios
    (`demo.reviews`) add children whose plans are reviewed, and ``progress(done, seconds,
    what="reviews")`` is called once they are in (``done``: how many such children).
    Then the Joint Agency Panel (`demo.panel`): its meetings and funding requests are on the
    plans made by then, and ``progress(done, seconds, what="panel")`` is called once they are in
    (``done``: how many requests). ``reviews=False`` loads the assessment cases only (benchmarks,
    and tests of the cases): no reviews and no panel. ``panel=False`` leaves out the panel.
    """
    from . import panel as demo_panel
    from . import reviews as demo_reviews

    if not getattr(settings, "DEMO_DATA_ALLOWED", False):
        raise DemoError("Demo data is not allowed here (settings.DEMO_DATA_ALLOWED is False)")
    if children < 1:
        raise DemoError("--children must be at least 1")
    today = today or timezone.localdate()
    started = time.perf_counter()
    by_scenario: Counter = Counter()
    if demo_data_loaded():
        raise DemoError("Demo data already loaded")
    if demo_load_unfinished():
        raise DemoError(
            "A previous load_demo stopped before it finished: load the demo into an empty database"
        )
    taken = sorted(
        get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES)
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoError(
            f"A user called {taken[0]!r} already exists but the demo data is not loaded: "
            "load the demo into an empty database"
        )
    with transaction.atomic():
        cast = build_cast(children=children, seed=seed)
        agreement_seed(cast, today)
    if progress is not None:
        progress(0, time.perf_counter() - started)
    clock = StepClock(seed)
    driver = Driver(cast, clock, today)
    planner = Planner(cast, seed=seed, today=today, children=children)
    # Each step commits on its own, as it does in the app, so what runs after a commit (documents
    # rendered, notifications sent) happens when it would in real use.
    for done, plan in enumerate(planner.plans(), start=1):
        driver.drive(plan)
        by_scenario[plan.scenario.key] += 1
        if progress is not None:
            progress(done, time.perf_counter() - started)
    # Plans at every review stage: children of their own, their plans made and reviewed at
    # back-dated steps (before the final login, so a load stopped here is seen as unfinished).
    review_scenarios = Counter()
    if reviews:
        review_scenarios = demo_reviews.load_reviews(cast, driver, seed=seed, today=today)
    if progress is not None and reviews:
        progress(sum(review_scenarios.values()), time.perf_counter() - started, what="reviews")
    # The panel's business, on the plans made by then (after the reviews: their plans are the
    # oldest, so requests raised months ago can name a version issued before them).
    panel_summary = None
    if reviews and panel:
        panel_summary = demo_panel.load_panel(cast, clock, today=today)
        if progress is not None:
            progress(panel_summary.request_count, time.perf_counter() - started, what="panel")
    with transaction.atomic():
        finish_cast(cast)
    counts = dict(Assessment.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return LoadResult(
        seconds=time.perf_counter() - started,
        by_status={status: counts.get(status, 0) for status in STATUS_ORDER},
        by_scenario=by_scenario,
        users=len(cast.users),
        agencies=Agency.objects.count(),
        reviews_by_status=demo_reviews.reviews_by_status(),
        review_scenarios=review_scenarios,
        panel=panel_summary,
    )


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, role, agency, password) of the demo users, as loaded."""
    rows = []
    memberships = {
        m.user.username: m
        for m in Membership.objects.select_related("user", "agency").filter(
            user__username__in=DEMO_USERNAMES
        )
    }
    for username in DEMO_USERNAMES:
        m = memberships.get(username)
        if m is not None:
            rows.append((username, m.get_role_display(), m.agency.name, DEMO_PASSWORD))
    return rows


STATUS_ORDER = [s for s, _ in AssessmentStatus.choices]
