"""Factories, and a walk through the statutory assessment that drives the real services and flow.

Plain factories build valid rows (a `CaseFactory` case is a REQUESTED case with no flow). A case in
any later state comes from `case_at(stage, cast)`, which records the request and completes each
task through `workflows.services` exactly as a caseworker would: the protected FSM field is never
bypassed, and every service gets an explicit `today=`.

The default calendar lies after the real date on purpose: a service that quietly reads the clock
instead of `today=` refuses the "future" dates and the test fails.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import factory
from django.apps import apps
from django.contrib.auth import get_user_model

from agencies.models import Agency, AgencyKind, Membership, Role, SharingAgreement
from ehcp.assessments.models import (
    AdviceKind,
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    SettingConsultation,
)
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services import assessment as assessment_services
from ehcp.children import services as child_services
from ehcp.children.models import Child, ParentCarer
from ehcp.plans import services as plan_services
from ehcp.plans.models import EhcPlan
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.reviews.services import review as review_services
from workflows import services as wf
from workflows.flows import ADVICE_STEPS
from workflows.models import CaseTask

User = get_user_model()

# Monday 1 March 2027. Decision to assess due Mon 12 April, decision not to issue due Mon 21 June,
# final plan due Mon 19 July.
RECEIVED = date(2027, 3, 1)
DATE_OF_BIRTH = date(2018, 5, 14)


# -- people and agencies -----------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Officer{n}")
    last_name = "Example"
    email = factory.LazyAttribute(lambda u: f"{u.username}@people.example.org")
    password = factory.django.Password("not-a-secret")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    kind = AgencyKind.OTHER
    name = factory.LazyAttributeSequence(lambda a, n: f"{AgencyKind(a.kind).label} {n}")
    email = factory.Sequence(lambda n: f"queue{n}@agency.example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER


def member(agency: Agency, role: str, **user_fields) -> User:
    """A person with one active membership: `role` in `agency`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def agreement(
    council: Agency, parties, *, starts_on=date(2021, 6, 3), ends_on=None, review_on=None
):
    """An information sharing agreement of `council` with `parties`, in force from `starts_on`."""
    made = SharingAgreement.objects.create(
        reference=f"{council.name} SEND ISA no. {SharingAgreement.objects.count() + 1}",
        council=council,
        starts_on=starts_on,
        review_on=review_on,
        ends_on=ends_on,
    )
    made.parties.set(parties)
    return made


# -- children and cases ------------------------------------------------------------------------


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    # Distinctive names, so a test can prove they never leave the system (DM-03).
    first_name = factory.Sequence(lambda n: f"Zephyrine{n}")
    last_name = "Quillfeather"
    date_of_birth = DATE_OF_BIRTH


class ParentCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentCarer

    child = factory.SubFactory(ChildFactory)
    name = "Morwenna Quillfeather"
    relationship = "mother"


#: The day the plans of `EhcPlanFactory` were first issued (the walk's final plan due date).
PLAN_ISSUED = date(2027, 7, 19)


class EhcPlanFactory(factory.django.DjangoModelFactory):
    """A child's EHC plan in force, issued on PLAN_ISSUED, with its next review date; the child
    attends `child__current_setting` if given. No assessment made it (use `case_at` for that)."""

    class Meta:
        model = EhcPlan

    child = factory.SubFactory(ChildFactory)
    council = factory.SubFactory(AgencyFactory, kind=AgencyKind.SEN_TEAM)
    first_issued_on = PLAN_ISSUED
    next_review_due_on = factory.LazyAttribute(
        lambda plan: deadlines.next_review_due(
            plan.last_reviewed_on or plan.first_issued_on,
            date_of_birth=plan.child.date_of_birth,
        )
    )
    last_reviewed_on = None


def _due(period):
    return factory.LazyAttribute(lambda case: deadlines.due_on(period, case.request_received_on))


class CaseFactory(factory.django.DjangoModelFactory):
    """A REQUESTED case with its statutory dates and no flow (a protected FSM field still takes its
    first value on construction). Use `case_at` for any later state."""

    class Meta:
        model = Assessment

    child = factory.SubFactory(ChildFactory)
    council = factory.SubFactory(AgencyFactory, kind=AgencyKind.SEN_TEAM)
    requested_by = "PARENT"
    requester_name = "A parent"
    request_received_on = RECEIVED
    request_reasons = "Not making progress despite SEN support"
    decision_to_assess_due_on = _due(deadlines.DECIDE_TO_ASSESS)
    decision_not_to_issue_due_on = _due(deadlines.DECISION_NOT_TO_ISSUE)
    final_plan_due_on = _due(deadlines.FINAL_PLAN)


def emailed(on: date) -> LetterSent:
    """A letter e-mailed on the day of the decision (served that day)."""
    return LetterSent(on, SendingMethod.EMAIL)


def request_kwargs(cast, received_on: date = RECEIVED, **overrides) -> dict:
    """Keyword arguments for `case_request_receive`: a parent's request, received and recorded
    the same day by the caseworker."""
    kwargs = dict(
        council=cast.council,
        child_details=assessment_services.ChildDetails(
            first_name="Zephyrine", last_name="Quillfeather", date_of_birth=DATE_OF_BIRTH
        ),
        requested_by="PARENT",
        requester_name="Morwenna Quillfeather",
        received_on=received_on,
        reasons="Not making progress despite SEN support",
        caseworker=cast.caseworker,
        by=cast.caseworker,
        today=received_on,
    )
    kwargs.update(overrides)
    return kwargs


# -- the cast of a case ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """The agencies and people the conftest fixtures provide, for the walk to use."""

    council: Agency
    health: Agency
    ep: Agency
    social_care: Agency
    school: Agency
    caseworker: User
    manager: User
    health_adviser: User
    psychologist: User
    social_worker: User
    senco: User
    outsider: User

    def agency_for(self, kind: str) -> Agency:
        return {
            AdviceKind.PARENT_VIEWS: self.council,
            AdviceKind.EDUCATIONAL: self.school,
            AdviceKind.HEALTH: self.health,
            AdviceKind.PSYCHOLOGICAL: self.ep,
            AdviceKind.SOCIAL_CARE: self.social_care,
        }[kind]

    def worker_for(self, agency: Agency) -> User:
        """Someone who works that agency's queue."""
        return {
            self.council.pk: self.caseworker,
            self.health.pk: self.health_adviser,
            self.ep.pk: self.psychologist,
            self.social_care.pk: self.social_worker,
            self.school.pk: self.senco,
        }[agency.pk]


# The flow node of each kind of advice (its review node is "<node>_review").
ADVICE_NODE = {kind: name for name, kind, _title, _review in ADVICE_STEPS}


def advice_entries(kind: str) -> list[advice_services.EntryInput]:
    """Advice that can be submitted: a need, an outcome and quantified provision linked to both."""
    need_section, provision_section = {
        AdviceKind.HEALTH: ("C", "G"),
        AdviceKind.SOCIAL_CARE: ("D", "H2"),
    }.get(kind, ("B", "F"))
    return [
        advice_services.EntryInput(
            "NEED", need_section, "Finds it hard to follow spoken instructions in class"
        ),
        advice_services.EntryInput(
            "OUTCOME", "E", "By the end of Year 5, follows a two-step instruction without prompting"
        ),
        advice_services.EntryInput(
            "PROVISION",
            provision_section,
            "Small-group language programme",
            who="Speech and language therapist",
            frequency_count=2,
            frequency_period="WEEK",
            session_minutes=30,
            links=(0, 1),
        ),
    ]


DEFAULT_ADVICE = (AdviceKind.PARENT_VIEWS, AdviceKind.HEALTH, AdviceKind.PSYCHOLOGICAL)
ALL_ADVICE = (
    AdviceKind.PARENT_VIEWS,
    AdviceKind.EDUCATIONAL,
    AdviceKind.HEALTH,
    AdviceKind.PSYCHOLOGICAL,
    AdviceKind.SOCIAL_CARE,
)


@dataclass
class Calendar:
    """When each step happens, counted from the day the request was received (an on-time case)."""

    received_on: date = RECEIVED
    late_by: int = 0
    """Days every step from the decision whether to assess onwards is put back by."""

    def day(self, n: int) -> date:
        return self.received_on + timedelta(days=n)

    def step(self, n: int) -> date:
        return self.day(n + self.late_by)

    @property
    def consent_on(self):
        return self.day(7)

    @property
    def decided_on(self):
        return self.step(24)

    @property
    def advice_on(self):
        return self.step(54)

    @property
    def issue_decided_on(self):
        return self.step(55)

    @property
    def draft_on(self):
        return self.step(56)

    @property
    def comments_on(self):
        return self.step(61)

    @property
    def consulted_on(self):
        return self.step(62)

    @property
    def replied_on(self):
        return self.step(64)

    @property
    def final_on(self):
        return self.step(72)  # after the 15-day comment period (draft + 14)


@dataclass
class CaseWalk:
    """Drive one case through the flow, step by step, with the real services.

    Each step finds the open task, claims it with someone who works its queue if nobody holds it,
    and completes it through `workflows.services.task_complete`.
    """

    cast: Cast
    when: Calendar = field(default_factory=Calendar)
    advice: tuple[str, ...] = DEFAULT_ADVICE
    case: Assessment | None = None

    # -- looking around ------------------------------------------------------------------------

    def refresh(self) -> Assessment:
        self.case.refresh_from_db()
        return self.case

    def open_tasks(self):
        return CaseTask.objects.human().open().filter(case=self.case).order_by("pk")

    def task(self, name: str) -> CaseTask:
        """The one open human task of this node."""
        tasks = [t for t in self.open_tasks() if t.flow_task.name == name]
        assert len(tasks) == 1, f"expected one open {name!r} task, found {tasks}"
        return tasks[0]

    def advice_request(self, kind: str) -> AdviceRequest:
        return AdviceRequest.objects.get(case=self.case, kind=kind)

    def advice_task(self, kind: str) -> CaseTask:
        advice = self.advice_request(kind)
        return self.open_tasks().get(subject_id=advice.pk, rule_code=deadlines.ADVICE.code)

    def complete(self, task: CaseTask, perform, *, user=None) -> CaseTask:
        user = user or (task.owner if task.owner_id else self.cast.worker_for(task.agency))
        if task.owner_id is None:
            wf.task_claim(task=task, user=user)
        return wf.task_complete(task=task, user=user, perform=perform)

    # -- the steps -----------------------------------------------------------------------------

    def receive(self, **overrides) -> Assessment:
        self.case = wf.assessment_request_receive(
            **request_kwargs(self.cast, self.when.received_on, **overrides)
        )
        return self.case

    def consent(self, *, agencies=None, on=None):
        on = on or self.when.consent_on
        if agencies is None:
            agencies = [self.cast.agency_for(kind) for kind in self.advice]
        return child_services.consent_record(
            child=self.case.child,
            case=self.case,
            purpose="STATUTORY_ASSESSMENT",
            agencies=agencies,
            given_by="PARENT",
            given_by_name="Morwenna Quillfeather",
            given_on=on,
            method="WRITTEN",
            by=self.cast.caseworker,
            today=on,
        )

    def advice_to_seek(self):
        return [
            assessment_services.AdviceToSeek(kind, self.cast.agency_for(kind))
            for kind in self.advice
        ]

    def decide_to_assess(self) -> Assessment:
        on = self.when.decided_on
        self.complete(
            self.task("decide_to_assess"),
            lambda case: assessment_services.case_assessment_decide(
                case=case,
                assess=True,
                decided_on=on,
                advice=self.advice_to_seek(),
                by=self.cast.caseworker,
                today=on,
            ),
        )
        return self.refresh()

    def refuse_to_assess(self) -> Assessment:
        on = self.when.decided_on
        self.complete(
            self.task("decide_to_assess"),
            lambda case: assessment_services.case_assessment_decide(
                case=case,
                assess=False,
                decided_on=on,
                reasons="Needs can be met from SEN support",
                by=self.cast.caseworker,
                today=on,
                sent=emailed(on),
            ),
        )
        return self.refresh()

    def draft_advice(self, kind: str, entries=None) -> AdviceRequest:
        """The adviser saves a draft (default: a need, an outcome and quantified provision)."""
        on = self.when.advice_on
        advice = self.advice_request(kind)
        advice_services.advice_draft_save(
            advice=advice,
            entries=advice_entries(kind) if entries is None else entries,
            by=self.cast.worker_for(advice.agency),
            today=on,
        )
        return advice

    def submit_advice(self, kind: str, *, accept: bool = True) -> Assessment:
        """The adviser submits their advice (drafting it first if there is no draft) and, unless
        `accept=False`, the caseworker accepts it. The family's views need no review."""
        on = self.when.advice_on
        advice = self.advice_request(kind)
        user = self.cast.worker_for(advice.agency)

        def perform(case):
            if not advice.entries.exists():
                advice_services.advice_draft_save(
                    advice=advice, entries=advice_entries(kind), by=user, today=on
                )
            advice_services.advice_submit(advice=advice, received_on=on, by=user, today=on)

        self.complete(self.advice_task(kind), perform, user=user)
        if accept and kind != AdviceKind.PARENT_VIEWS:
            self.review_advice(kind)
        return self.refresh()

    def review_advice(
        self, kind: str, *, accept: bool = True, reasons: str = "Say how often the therapy happens"
    ) -> Assessment:
        """The caseworker accepts the submitted advice, or returns it with reasons."""
        on = self.when.advice_on
        advice = self.advice_request(kind)
        by = self.cast.caseworker

        def perform(case):
            if accept:
                advice_services.advice_accept(advice=advice, by=by, today=on)
            else:
                advice_services.advice_return(advice=advice, reasons=reasons, by=by, today=on)

        self.complete(self.task(f"{ADVICE_NODE[kind]}_review"), perform, user=by)
        return self.refresh()

    def gather_advice(self) -> Assessment:
        for kind in self.advice:
            self.submit_advice(kind)
        return self.case

    def decide_to_issue(self, issue: bool = True) -> Assessment:
        on = self.when.issue_decided_on
        self.complete(
            self.task("decide_to_issue"),
            lambda case: assessment_services.case_issue_decide(
                case=case,
                issue=issue,
                decided_on=on,
                reasons="" if issue else "Needs can be met without a plan",
                by=self.cast.caseworker,
                today=on,
                sent=None if issue else emailed(on),
            ),
        )
        return self.refresh()

    def write_plan(self) -> Assessment:
        """A short plan that passes the issue checks (one need, outcome and quantified provision)."""
        plan_services.plan_fill_example(case=self.case, by=self.cast.caseworker)
        return self.case

    def issue_draft(self) -> Assessment:
        on = self.when.draft_on
        self.write_plan()
        self.complete(
            self.task("issue_draft"),
            lambda case: assessment_services.plan_draft_issue(
                case=case, issued_on=on, by=self.cast.caseworker, today=on, sent=emailed(on)
            ),
        )
        return self.refresh()

    def record_comments(self) -> Assessment:
        received, on = self.when.comments_on, self.when.consulted_on
        self.complete(
            self.task("record_comments"),
            lambda case: assessment_services.draft_comments_record(
                case=case,
                received_on=received,
                summary="Family agree with the draft",
                setting_to_consult=self.cast.school,
                requested_by_family=True,
                by=self.cast.caseworker,
                today=on,
            ),
        )
        return self.refresh()

    def reply_to_consultation(self, setting=None) -> Assessment:
        """The setting consulted (by default the family's, the cast's school) replies."""
        on = self.when.replied_on
        consultation = SettingConsultation.objects.filter(
            case=self.case, setting=setting or self.cast.school
        ).latest("pk")
        task = self.open_tasks().get(subject_id=consultation.pk, rule_code="EHCP-CONSULT-15D")
        self.complete(
            task,
            lambda case: assessment_services.consultation_reply_record(
                consultation=consultation,
                replied_on=on,
                response="AGREES",
                notes="",
                by=self.cast.senco,
                today=on,
            ),
            user=self.cast.senco,
        )
        return self.refresh()

    def issue_final(self) -> Assessment:
        on = self.when.final_on
        self.complete(
            self.task("issue_final"),
            lambda case: assessment_services.plan_final_issue(
                case=case,
                issued_on=on,
                named_setting=self.cast.school,
                by=self.cast.caseworker,
                today=on,
                sent=emailed(on),
            ),
        )
        return self.refresh()

    # -- whole paths ---------------------------------------------------------------------------

    def to(self, stage: str) -> "CaseWalk":
        """Drive a fresh case to `stage` (a CaseStatus value)."""
        steps = {
            AssessmentStatus.REQUESTED: [self.receive],
            AssessmentStatus.REFUSED: [self.receive, self.refuse_to_assess],
            AssessmentStatus.ASSESSING: [self.receive, self.consent, self.decide_to_assess],
        }
        steps[AssessmentStatus.NOT_ISSUED] = steps[AssessmentStatus.ASSESSING] + [
            self.gather_advice,
            lambda: self.decide_to_issue(False),
        ]
        steps[AssessmentStatus.DRAFTING] = steps[AssessmentStatus.ASSESSING] + [
            self.gather_advice,
            self.decide_to_issue,
        ]
        steps[AssessmentStatus.DRAFT_ISSUED] = steps[AssessmentStatus.DRAFTING] + [self.issue_draft]
        steps[AssessmentStatus.CONSULTING] = steps[AssessmentStatus.DRAFT_ISSUED] + [
            self.record_comments
        ]
        steps[AssessmentStatus.FINAL_ISSUED] = steps[AssessmentStatus.CONSULTING] + [
            self.reply_to_consultation,
            self.issue_final,
        ]
        for step in steps[AssessmentStatus(stage)]:
            step()
        self.refresh()
        assert self.case.status == stage
        return self


def walk_to(stage: str, cast: Cast, **kwargs) -> CaseWalk:
    return CaseWalk(cast, **kwargs).to(stage)


def case_at(stage: str, cast: Cast, **kwargs) -> Assessment:
    """A case driven through the real flow and services to `stage`."""
    return walk_to(stage, cast, **kwargs).case


# -- "nothing changed" ---------------------------------------------------------------------------

_TRACKED_APPS = (
    "agencies",
    "ehcp",
    "governance",
    "children",
    "plans",
    "assessments",
    "reviews",
    "workflows",
    "notifications",
)


def db_state() -> dict[str, list[dict]]:
    """Every row of every table of our apps (history and m2m tables included), for comparing the
    database before and after a refused change."""
    state = {}
    for label in _TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label in _SIGN_IN_RECORDS:
                continue
            state[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return state


# Signing in (force_login included) records the session: that is not a change to the casework.
_SIGN_IN_RECORDS = {"agencies.SignInSession"}


# -- reviews of a plan -----------------------------------------------------------------------------


@dataclass
class ReviewCalendar:
    """When each step of a review happens: a plan issued on PLAN_ISSUED (review due by 18 July
    2028, meeting by 20 June 2028), reviewed on time."""

    started_on: date = date(2028, 4, 3)
    arranged_on: date = date(2028, 4, 10)
    meeting_on: date = date(2028, 6, 12)
    invited_on: date = date(2028, 5, 1)
    circulated_on: date = date(2028, 5, 20)
    reported_on: date = date(2028, 6, 20)
    decided_on: date = date(2028, 7, 3)


@dataclass
class ReviewWalk:
    """Drive a review of a plan through its flow, step by step, with the real services: each
    step's task is claimed by someone who works its queue (the school's SENCo where the school
    arranges the meeting, otherwise the caseworker) and completed through
    `workflows.services.task_complete`."""

    cast: Cast
    plan: EhcPlan
    when: ReviewCalendar = field(default_factory=ReviewCalendar)
    review: "object" = None

    def refresh(self):
        self.review.refresh_from_db()
        return self.review

    def open_tasks(self):
        return CaseTask.objects.human().open().filter(review=self.review).order_by("pk")

    def task(self, name: str) -> CaseTask:
        tasks = [t for t in self.open_tasks() if t.flow_task.name == name]
        assert len(tasks) == 1, f"expected one open {name!r} task, found {tasks}"
        return tasks[0]

    def complete(self, name: str, perform, *, user=None) -> CaseTask:
        task = self.task(name)
        user = user or (task.owner if task.owner_id else self.cast.worker_for(task.agency))
        if task.owner_id is None:
            wf.task_claim(task=task, user=user)
        wf.task_complete(task=task, user=user, perform=perform)
        return task

    def start(self, **kwargs):
        kwargs = {
            "kind": "ANNUAL",
            "by": self.cast.caseworker,
            "today": self.when.started_on,
            **kwargs,
        }
        self.review = wf.review_start(ehc_plan=self.plan, **kwargs)
        return self.review

    def arrange(self):
        on = self.when.arranged_on
        self.complete(
            "arrange_meeting",
            lambda review: review_services.review_meeting_arrange(
                review=review,
                meeting_on=self.when.meeting_on,
                by=self._by(review),
                today=on,
            ),
        )
        return self.refresh()

    def _by(self, review):
        """Who does the steps before the decision: the school's SENCo, or the caseworker."""
        if review.arranged_by_id == self.cast.school.pk:
            return self.cast.senco
        return self.cast.caseworker

    def invite(self):
        on = self.when.invited_on
        self.complete(
            "send_invitations",
            lambda review: review_services.review_invitations_send(
                review=review, sent_on=on, by=self._by(review), today=on
            ),
        )
        return self.refresh()

    def circulate(self):
        on = self.when.circulated_on
        self.complete(
            "circulate_advice",
            lambda review: review_services.review_advice_circulate(
                review=review,
                circulated_on=on,
                received=[i.pk for i in review.invitees.filter(agency__isnull=False)],
                by=self._by(review),
                today=on,
            ),
        )
        return self.refresh()

    def hold(self):
        on = self.when.meeting_on
        self.complete(
            "hold_meeting",
            lambda review: review_services.review_meeting_hold(
                review=review,
                held_on=on,
                attended=[i.pk for i in review.invitees.all()],
                family_views="Happy with the support; would like more speech therapy",
                by=self._by(review),
                today=on,
            ),
        )
        return self.refresh()

    def report(self, recommendation: str = "MAINTAIN"):
        on = self.when.reported_on
        self.complete(
            "write_report",
            lambda review: review_services.review_report_record(
                review=review,
                received_on=on,
                recommendation=recommendation,
                summary="Progress towards every outcome in section E",
                by=self._by(review),
                today=on,
            ),
        )
        return self.refresh()

    def decide(self, decision: str = "MAINTAIN", reasons: str = "", **kwargs):
        on = self.when.decided_on
        self.complete(
            "decide",
            lambda review: review_services.review_decide(
                review=review,
                decision=decision,
                decided_on=on,
                reasons=reasons,
                by=self.cast.caseworker,
                today=on,
                sent=emailed(on),
                **kwargs,
            ),
            user=self.cast.caseworker,
        )
        return self.refresh()

    def to_report(self, recommendation: str = "MAINTAIN"):
        self.start()
        self.arrange()
        self.invite()
        self.circulate()
        self.hold()
        return self.report(recommendation)


def plan_for_review(cast: Cast, *, at_school: bool = True, **kwargs) -> EhcPlan:
    """A plan in force for a child (with a parent) at the cast's school, or at none."""
    child = ChildFactory(current_setting=cast.school if at_school else None)
    ParentCarerFactory(child=child)
    return EhcPlanFactory(child=child, council=cast.council, **kwargs)
