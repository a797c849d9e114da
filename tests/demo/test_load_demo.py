"""`manage.py load_demo`: demo data at every stage, driven through the real services and flow.

The loader is checked the way a reviewer would check the demo: every demo login works, every
stage is there, each open case's flow has exactly the human tasks its legal status calls for (and
a closed case's flow is finished), dates are statutory, and loading twice changes nothing.
"""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from agencies.models import Agency, AgencyKind, Membership, Role
from demo import generator as demo
from ehcp.assessments.models import (
    OPEN_STATUSES,
    AdviceKind,
    AdviceRequest,
    AdviceStatus,
    Assessment,
    AssessmentStatus,
    StatutoryException,
)
from ehcp.assessments.rules import deadlines
from ehcp.children.models import Child, ConsentOverride, ParentCarer
from ehcp.plans.models import DocumentKind, DocumentRender, PlanDocument, RenderStatus
from workflows import selectors
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
CHILDREN = 13  # the pinned scenarios that cover every status and the late variants
ADVICE_STEPS = {step: kind for kind, step in demo.ADVICE_STEP.items()}


def load(*args: str) -> str:
    """The assessment cases only: the plans at every review stage are
    tests/demo/test_load_demo_reviews.py's (loaded once there, as they are slow)."""
    out = StringIO()
    call_command(
        "load_demo",
        "--children",
        str(CHILDREN),
        "--seed",
        "7",
        "--today",
        TODAY.isoformat(),
        "--no-reviews",
        *args,
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def loaded():
    return load()


def demo_flow():
    from workflows.flows import StatutoryAssessmentFlow

    return StatutoryAssessmentFlow


def open_steps(case) -> Counter:
    return Counter(t.flow_task.name for t in CaseTask.objects.human().open().filter(case=case))


def expected_open_steps(case) -> Counter:
    """The human steps the case's legal status calls for, one each."""
    if case.status == AssessmentStatus.REQUESTED:
        return Counter(["decide_to_assess"])
    if case.status == AssessmentStatus.ASSESSING:
        # The decision whether to issue is open beside the advice from the start (issue 9).
        steps = Counter(["decide_to_issue"])
        for advice in case.advice_requests.all():
            step = demo.ADVICE_STEP[advice.kind]
            if advice.status in (AdviceStatus.DRAFT, AdviceStatus.RETURNED):
                steps[step] += 1  # with the adviser
            elif advice.status == AdviceStatus.SUBMITTED and advice.kind != AdviceKind.PARENT_VIEWS:
                steps[f"{step}_review"] += 1  # with the council
        return steps
    if case.status == AssessmentStatus.DRAFTING:
        return Counter(["issue_draft"])
    if case.status == AssessmentStatus.DRAFT_ISSUED:
        return Counter(["record_comments"])
    if case.status == AssessmentStatus.CONSULTING:
        # The final plan's task is open alongside each setting's reply (s.39/s.40 CFA 2014).
        waiting = case.consultations.filter(replied_on__isnull=True).count()
        return Counter(
            {"issue_final": 1, **({"reply_to_consultation": waiting} if waiting else {})}
        )
    return Counter()


def test_creates_one_demo_user_per_role_with_the_demo_password(loaded):
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=demo.DEMO_USERNAMES)
    }
    assert (
        set(users)
        == set(demo.DEMO_USERNAMES)
        >= {
            "caseworker",
            "manager",
            "psychologist",
            "health",
            "socialcare",
            "senco",
            "panelmember",
            "panelchair",
            "admin",
        }
    )
    # A new role needs a demo login too (add it to demo.DEMO_USERS).
    assert {role for _u, role, *_ in demo.DEMO_USERS} == set(Role)
    for username, role, _key, _first, _last in demo.DEMO_USERS:
        user = users[username]
        assert user.has_usable_password()
        assert user.check_password(demo.DEMO_PASSWORD), username
        assert user.email.endswith("@exampleshire.example")
        assert user.get_full_name()
        assert Membership.objects.filter(user=user, role=role, is_active=True).count() == 1
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["caseworker"].is_staff
    # The partners' demo logins manage their agency's queue (told of its overdue work).
    managers = Membership.objects.filter(is_agency_manager=True)
    assert set(managers.values_list("user__username", flat=True)) == {
        "psychologist",
        "health",
        "socialcare",
    }
    assert Membership.objects.get(user=users["senco"]).agency.name == demo.NAMED_SCHOOLS[0].name
    for username in ("caseworker", "manager", "panelmember", "panelchair", "admin"):
        assert Membership.objects.get(user=users[username]).agency.kind == AgencyKind.SEN_TEAM
    for username in demo.DEMO_USERNAMES:
        assert f"\n  {username} " in loaded
    assert "send-demo-password" in loaded


def test_creates_the_agencies_with_shared_mailboxes(loaded):
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    for kind in (
        AgencyKind.SEN_TEAM,
        AgencyKind.EP_SERVICE,
        AgencyKind.HEALTH,
        AgencyKind.SOCIAL_CARE,
        AgencyKind.OTHER,
    ):
        assert kinds[kind] == 1
    assert kinds[AgencyKind.SCHOOL] >= 8
    assert not Agency.objects.filter(email="").exists()
    assert all(
        email.endswith(".example") for email in Agency.objects.values_list("email", flat=True)
    )
    urns = list(Agency.objects.filter(kind=AgencyKind.SCHOOL).values_list("urn", flat=True))
    assert all(len(urn) == 6 and urn.isdigit() for urn in urns) and len(set(urns)) == len(urns)


def test_every_stage_is_present(loaded):
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert statuses == set(AssessmentStatus.values)
    assert Assessment.objects.count() == Child.objects.count() == CHILDREN


def test_every_flow_agrees_with_its_case_status(loaded):
    for case in Assessment.objects.all():
        process = case.processes.get()
        assert open_steps(case) == expected_open_steps(case), (case.reference, case.status)
        if case.status in OPEN_STATUSES:
            assert process.status == PROCESS.NEW, case.reference
        elif case.status == AssessmentStatus.WITHDRAWN:
            # Ended before an End node: viewflow's CANCELED (every task cancelled with it).
            assert process.status == PROCESS.CANCELED and process.finished, case.reference
            assert case.closed_on == case.withdrawn_on == TODAY
        else:
            assert process.status == PROCESS.DONE, case.reference
            assert case.closed_on is not None


def test_open_tasks_carry_the_statutory_due_dates_and_queues(loaded):
    for task in CaseTask.objects.human().open().select_related("case", "agency"):
        case, name = task.case, task.flow_task.name
        if name == "decide_to_assess":
            assert task.due_on == case.decision_to_assess_due_on
            assert task.agency == case.council and task.owner_id == case.caseworker_id
        elif name in ADVICE_STEPS:
            advice = AdviceRequest.objects.get(pk=task.subject_id, case=case)
            assert advice.kind == ADVICE_STEPS[name] and advice.received_on is None
            assert task.due_on == advice.due_on == advice.requested_on + timedelta(days=42)
            assert task.agency_id == advice.agency_id
        elif name.endswith("_review"):
            advice = AdviceRequest.objects.get(pk=task.subject_id, case=case)
            assert advice.status == AdviceStatus.SUBMITTED and advice.received_on is not None
            assert task.agency == case.council and task.owner_id == case.caseworker_id
        elif name == "issue_final":
            assert task.due_on == case.final_plan_due_on
        elif name == "reply_to_consultation":
            consultation = case.consultations.get(pk=task.subject_id)
            assert (
                task.agency_id == consultation.setting_id
                and task.due_on == consultation.reply_due_on
            )
        if task.owner_id is not None:
            assert task.status == "ASSIGNED"


def test_dates_are_statutory_and_not_in_the_future(loaded):
    for case in Assessment.objects.all():
        received = case.request_received_on
        assert TODAY - timedelta(weeks=34) <= received <= TODAY
        assert case.decision_to_assess_due_on == received + timedelta(days=42)
        assert case.final_plan_due_on == received + timedelta(days=140)
        for value in (
            case.assessment_decided_on,
            case.issue_decided_on,
            case.draft_issued_on,
            case.final_issued_on,
        ):
            assert value is None or received <= value <= TODAY
    # Late and on-time final plans, late ones with and without a recorded exception.
    final = Assessment.objects.filter(status=AssessmentStatus.FINAL_ISSUED)
    on_time = [c for c in final if c.final_issued_on <= c.final_plan_due_on]
    late = [c for c in final if c.final_issued_on > c.final_plan_due_on]
    assert on_time and late
    excepted = {
        c.pk for c in late if c.exceptions.filter(period_code=deadlines.FINAL_PLAN.code).exists()
    }
    assert excepted and excepted != {c.pk for c in late}
    assert StatutoryException.objects.filter(
        period_code=deadlines.ADVICE.code, limb="8(2)(b)"
    ).exists()
    override = ConsentOverride.objects.get()
    assert override.authorised_by.username == "manager"
    assert override.case.status != AssessmentStatus.REQUESTED
    assert not override.case.child.consents.exists()


# tests/conftest.py re-seeds the access table after the flush.
@pytest.mark.django_db(transaction=True)
def test_decisions_and_plans_are_issued_as_documents():
    """The services queue letters and plans, rendered after each step commits (as in the app), so
    the setting consulted is sent the draft plan issued before. Real commits: transaction=True."""
    load()
    kinds = {
        AssessmentStatus.REFUSED: {DocumentKind.REFUSAL_LETTER},
        AssessmentStatus.NOT_ISSUED: {DocumentKind.NOT_ISSUING_LETTER},
        AssessmentStatus.FINAL_ISSUED: {
            DocumentKind.DRAFT_PLAN,
            DocumentKind.DRAFT_LETTER,
            DocumentKind.FINAL_PLAN,
            DocumentKind.FINAL_LETTER,
        },
    }
    for case in Assessment.objects.all():
        documents = set(PlanDocument.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds.get(case.status, set()) <= documents, case.reference
        for document in PlanDocument.objects.filter(case=case):
            assert document.issued_on <= TODAY
    # The setting consulted was sent the draft plan that had been issued.
    for case in Assessment.objects.filter(status=AssessmentStatus.FINAL_ISSUED):
        disclosure = case.disclosures.filter(recipient=case.named_setting).latest("shared_at", "pk")
        draft = PlanDocument.objects.get(case=case, kind=DocumentKind.DRAFT_PLAN)
        assert str(draft.public_id) in disclosure.document_ids


def test_advice_is_written_submitted_and_reviewed(loaded):
    statuses = Counter(AdviceRequest.objects.values_list("status", flat=True))
    assert statuses[AdviceStatus.ACCEPTED] and statuses[AdviceStatus.SUBMITTED]
    assert statuses[AdviceStatus.DRAFT] and statuses[AdviceStatus.RETURNED]
    assert not DocumentRender.objects.exclude(
        status=RenderStatus.PENDING
    ).exists()  # no commit in this test
    for advice in AdviceRequest.objects.exclude(status=AdviceStatus.DRAFT):
        assert advice.entries.filter(kind="NEED").exists() or advice.kind == AdviceKind.PARENT_VIEWS
        if advice.status == AdviceStatus.ACCEPTED:
            assert advice.accepted_by.username.startswith("caseworker")
    returned = AdviceRequest.objects.get(status=AdviceStatus.RETURNED)
    assert returned.returned_reason and returned.received_on is None


def test_requests_with_and_without_consent_and_some_overdue(loaded):
    requested = Assessment.objects.filter(status=AssessmentStatus.REQUESTED)
    assert any(c.child.consents.exists() for c in requested)
    assert any(not c.child.consents.exists() for c in requested)
    assert any(c.decision_to_assess_due_on < TODAY for c in requested)
    assert CaseTask.objects.human().open().filter(due_on__lt=TODAY).exists()


def test_work_waits_in_the_demo_users_inboxes(loaded):
    User = get_user_model()
    caseworker = User.objects.get(username="caseworker")
    assert Assessment.objects.filter(caseworker=caseworker).count() >= CHILDREN // 3
    mine = selectors.tasks_mine(caseworker)
    assert mine.filter(flow_task=demo_flow().decide_to_assess).exists()
    for username in ("health", "psychologist", "socialcare", "senco"):
        queue = selectors.tasks_in_my_queues(User.objects.get(username=username))
        assert queue.exists(), f"{username} has nothing to claim"
    for username in ("health", "psychologist"):
        assert selectors.tasks_mine(User.objects.get(username=username)).exists(), username


def test_children_and_families_look_real(loaded):
    for child in Child.objects.all():
        assert child.first_name and child.last_name and child.address and child.postcode
        assert 0 <= child.age_on(TODAY) <= 25
        assert len(child.nhs_number) == 10 and child.nhs_number.startswith("999")
        assert demo.nhs_check_digit(child.nhs_number[:9]) == int(child.nhs_number[9])
        if child.upn:
            assert len(child.upn) == 13 and child.upn[0] == demo.upn_check_letter(child.upn[1:])
        assert child.primary_need
        assert child.parents.exists()
    assert ParentCarer.objects.exclude(phone="").filter(phone__startswith="07700 900").exists()
    assert ParentCarer.history.filter(history_change_reason="Parent or carer recorded").count() == (
        ParentCarer.objects.count()
    )
    school = Agency.objects.get(name=demo.NAMED_SCHOOLS[0].name)
    assert Child.objects.filter(current_setting=school).count() >= 3


def test_rows_are_stamped_on_the_day_each_step_happened(loaded):
    for case in Assessment.objects.all():
        received = case.history.earliest("history_date")
        assert timezone.localdate(received.history_date) == case.request_received_on
        task = CaseTask.objects.get(case=case, flow_task=demo_flow().decide_to_assess)
        if task.finished:
            assert timezone.localdate(task.finished) == case.assessment_decided_on


def test_advice_and_history_are_stamped_on_their_dates(loaded):
    received = AdviceRequest.objects.exclude(submitted_at=None).exclude(received_on=None)
    assert received.exists()
    for advice in received:
        assert timezone.localdate(advice.submitted_at) == advice.received_on, advice
    issued = Assessment.objects.exclude(final_issued_on=None)
    assert issued.exists()
    for case in issued:
        final = case.history.filter(status=AssessmentStatus.FINAL_ISSUED).earliest("history_date")
        assert timezone.localdate(final.history_date) == case.final_issued_on
        assert 9 <= timezone.localtime(final.history_date).hour <= 17


# Reference data with no step, written when the demo is loaded: agencies, people, memberships.
LOADED_NOW = {"auth", "agencies", "sessions", "axes", "contenttypes", "admin"}


def test_no_case_work_keeps_the_time_it_was_loaded():
    """Every date-time a step read from the clock is moved to the day of the step, in every
    table of the case work (so a new stamped column is covered without being listed)."""
    from django.apps import apps
    from django.db import models

    from demo.clock import COMPUTED

    started = timezone.now()
    demo.load_demo(children=CHILDREN, seed=7, today=TODAY, reviews=False)
    finished = timezone.now()
    checked = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.app_label in LOADED_NOW:
            continue
        for field in meta.local_concrete_fields:
            if not isinstance(field, models.DateTimeField):
                continue
            if (meta.app_label, meta.model_name, field.name) in COMPUTED:
                continue
            rows = model._base_manager.exclude(**{field.name: None})
            left = rows.filter(**{f"{field.name}__range": (started, finished)})
            assert not left.exists(), f"{meta.label}.{field.name} left at the time it was loaded"
            if rows.exists():
                checked.add(f"{meta.label}.{field.name}")
    assert {
        "ehcp.HistoricalAssessment.history_date",
        "assessments.Assessment.created_at",
        "workflows.CaseTask.created",
        "workflows.CaseTask.finished",
        "assessments.AdviceRequest.submitted_at",
        "governance.Disclosure.shared_at",
        "notifications.Notification.created_at",
    } <= checked


def test_running_twice_does_not_duplicate(loaded):
    def counts():
        return [
            model.objects.count()
            for model in (
                Assessment,
                Child,
                ParentCarer,
                CaseTask,
                Agency,
                Membership,
                get_user_model(),
            )
        ]

    before = counts()
    out = load()
    assert "Demo data already loaded" in out
    assert "caseworker" in out and demo.DEMO_PASSWORD in out
    assert counts() == before


def test_same_seed_gives_the_same_data():
    def names():
        return list(
            Child.objects.order_by("pk").values_list(
                "first_name", "last_name", "date_of_birth", "nhs_number"
            )
        )

    with transaction.atomic():
        load()
        first = names()
        transaction.set_rollback(True)
    assert not Assessment.objects.exists()
    load()
    assert names() == first


@override_settings(DEMO_DATA_ALLOWED=False)
def test_refuses_when_demo_data_is_not_allowed():
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        load()
    assert not Assessment.objects.exists() and not Agency.objects.exists()


def test_refuses_to_finish_a_load_that_stopped_half_way():
    Agency.objects.create(name=demo.COUNCIL_NAME, kind=AgencyKind.SEN_TEAM)
    with pytest.raises(CommandError, match="did not finish|stopped before it finished"):
        load()


def test_refuses_a_database_with_a_user_called_like_a_demo_user():
    get_user_model().objects.create(username="admin")
    with pytest.raises(CommandError, match="admin"):
        load()
    assert not Agency.objects.exists()


def test_rejects_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_demo", "--today", "28/11/2026", stdout=StringIO())


def test_identifiers():
    assert demo.nhs_check_digit("943476591") == 9  # 943 476 5919, the NHS's published example
    import random

    rng = random.Random(1)
    for _ in range(200):
        number = demo.make_nhs_number(rng)
        assert demo.nhs_check_digit(number[:9]) == int(number[9])
        upn = demo.make_upn(rng, 2019)
        assert len(upn) == 13 and upn[0] in demo.UPN_LETTERS and upn[1:].isdigit()


def test_roles_cover_every_queue(loaded):
    """Each kind of agency's queue has someone with the demo password who can work it."""
    from agencies.models import QUEUE_ROLES

    for agency in Agency.objects.all():
        roles = QUEUE_ROLES[agency.kind]
        if (
            agency.kind == AgencyKind.SCHOOL
            and not agency.pupils.exists()
            and not agency.tasks.exists()
        ):
            continue
        assert Membership.objects.filter(agency=agency, role__in=roles).exists(), agency.name
    assert Role.SENCO in QUEUE_ROLES[AgencyKind.SCHOOL]
