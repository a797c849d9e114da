"""The case's stored breach date (`Assessment.breaches_on`) moves with every service that changes
what it is computed from, and the caseload's overdue filter that reads it finds the same cases
as a search of every advice request would."""

from datetime import date, timedelta

import pytest
from django.db.models import Exists, OuterRef, Q

from ehcp.assessments import selectors
from ehcp.assessments.models import AdviceKind, AdviceRequest, Assessment, AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.breaches import case_breaches_refresh
from tests.factories import CaseWalk
from workflows import services as wf

pytestmark = pytest.mark.django_db

OPEN = [s.value for s in (AssessmentStatus.DRAFTING, AssessmentStatus.DRAFT_ISSUED)] + [
    AssessmentStatus.CONSULTING.value
]


def stored(case) -> date | None:
    return Assessment.objects.values_list("breaches_on", flat=True).get(pk=case.pk)


def advice_due(walk, kind) -> date:
    return walk.advice_request(kind).due_on


# -- every service path moves the date -----------------------------------------------------------


def test_the_date_follows_the_case_from_request_to_final_plan(cast):
    walk = CaseWalk(cast, advice=(AdviceKind.HEALTH,))
    case = walk.receive()
    assert stored(case) == case.decision_to_assess_due_on  # the decision whether to assess
    walk.consent()
    case = walk.decide_to_assess()
    health = advice_due(walk, AdviceKind.HEALTH)
    assert health < case.decision_not_to_issue_due_on
    assert stored(case) == health  # advice owed before the week-16 date
    case = walk.submit_advice(AdviceKind.HEALTH, accept=False)
    assert stored(case) == case.decision_not_to_issue_due_on  # the advice is in
    case = walk.review_advice(AdviceKind.HEALTH, accept=False)
    assert stored(case) == health  # returned: owed again, by its own date
    case = walk.submit_advice(AdviceKind.HEALTH)
    assert stored(case) == case.decision_not_to_issue_due_on
    case = walk.decide_to_issue()
    assert stored(case) == case.final_plan_due_on
    case = walk.issue_draft()
    assert stored(case) == case.final_plan_due_on
    case = walk.record_comments()
    assert stored(case) == case.final_plan_due_on
    walk.reply_to_consultation()
    case = walk.issue_final()
    assert stored(case) is None  # closed: owes nothing


def test_cancelling_and_asking_for_advice_move_the_date(cast):
    walk = CaseWalk(cast, advice=(AdviceKind.HEALTH,))
    walk.receive()
    walk.consent()
    case = walk.decide_to_assess()
    health = walk.advice_request(AdviceKind.HEALTH)
    assert stored(case) == health.due_on
    on = walk.when.advice_on
    wf.advice_cancel(advice=health, reason="Nothing new to add", by=cast.caseworker, today=on)
    assert stored(case) == case.decision_not_to_issue_due_on
    wf.advice_add(
        case=case,
        kind=AdviceKind.PARENT_VIEWS,
        agency=cast.council,
        requested_on=on,
        by=cast.caseworker,
        today=on,
    )
    added = walk.advice_request(AdviceKind.PARENT_VIEWS)
    assert (
        added.due_on == deadlines.due_on(deadlines.ADVICE, on) < case.decision_not_to_issue_due_on
    )
    assert stored(case) == added.due_on


def test_advice_decided_without_no_longer_counts(cast):
    walk = CaseWalk(cast, advice=(AdviceKind.HEALTH,))
    walk.receive()
    walk.consent()
    case = walk.decide_to_assess()
    health = walk.advice_request(AdviceKind.HEALTH)
    on = health.due_on + timedelta(days=1)  # overdue: the decision may go on without it
    walk.complete(
        walk.task("decide_to_issue"),
        lambda case: assessment_services.case_issue_decide(
            case=case,
            issue=True,
            decided_on=on,
            advice_reasons={health.pk: "The health service has not replied"},
            by=cast.caseworker,
            today=on,
        ),
    )
    case.refresh_from_db()
    assert case.status == AssessmentStatus.DRAFTING
    assert stored(case) == case.final_plan_due_on


@pytest.mark.parametrize("how", ["refuse", "withdraw"])
def test_a_closed_request_owes_nothing(cast, how):
    walk = CaseWalk(cast)
    case = walk.receive()
    assert stored(case) is not None
    if how == "refuse":
        case = walk.refuse_to_assess()
    else:
        on = walk.when.consent_on
        wf.case_withdraw(
            case=case,
            withdrawn_on=on,
            withdrawn_by_whom="PARENT",
            reasons="The family moved away",
            by=cast.caseworker,
            today=on,
        )
        case.refresh_from_db()
    assert case.status in (AssessmentStatus.REFUSED, AssessmentStatus.WITHDRAWN)
    assert stored(case) is None


# -- the overdue filter against a search of the advice (the oracle) ----------------------------


def overdue_by_search(queryset, today):
    """The caseload's overdue filter as it was, an EXISTS over every advice request of the case,
    with what the stored date decides on purpose: the step's own date (week 16 while assessing,
    not week 20), and advice cancelled or decided without no longer owed."""
    owed = AdviceRequest.objects.filter(
        case=OuterRef("pk"),
        received_on__isnull=True,
        proceeded_without_on__isnull=True,
        due_on__lt=today,
    ).exclude(status=AdviceRequest.Status.CANCELLED)
    return queryset.filter(
        Q(status=AssessmentStatus.REQUESTED, decision_to_assess_due_on__lt=today)
        | Q(status=AssessmentStatus.ASSESSING, decision_not_to_issue_due_on__lt=today)
        | Q(status__in=OPEN, final_plan_due_on__lt=today)
        | Q(Exists(owed))
    )


@pytest.fixture
def varied(cast):
    """Cases at every open stage and two closed, received on different days, their advice in
    every state (owed, in, returned, cancelled, decided without) with due dates spread out."""
    received = date(2025, 1, 6)
    cases = []
    for n, stage in enumerate(
        [
            "REQUESTED",
            "ASSESSING",
            "ASSESSING",
            "ASSESSING",
            "DRAFTING",
            "CONSULTING",
            "FINAL_ISSUED",
            "REFUSED",
        ]
    ):
        walk = CaseWalk(cast)
        walk.when.received_on = received + timedelta(days=9 * n)
        cases.append(walk.to(stage).case)
    advice = list(AdviceRequest.objects.filter(case__in=cases).order_by("pk"))
    assert len(advice) >= 12
    for n, item in enumerate(advice):
        state = n % 5
        fields = {"due_on": item.due_on + timedelta(days=11 * (n % 7) - 30)}
        if state == 0:  # owed
            fields.update(received_on=None, status="DRAFT")
        elif state == 1:  # returned: owed again
            fields.update(received_on=None, status="RETURNED")
        elif state == 2:  # cancelled
            fields.update(received_on=None, status="CANCELLED")
        elif state == 3:  # decided without
            fields.update(received_on=None, proceeded_without_on=item.due_on, status="DRAFT")
        AdviceRequest.objects.filter(pk=item.pk).update(**fields)
    for case in cases:
        case_breaches_refresh(Assessment.objects.get(pk=case.pk))
    return cases


def test_the_overdue_filter_finds_the_cases_a_search_of_the_advice_finds(cast, varied):
    caseload = Assessment.objects.open().filter(council=cast.council)
    first = min(c.request_received_on for c in varied)
    differing_days = 0
    sizes = set()
    for day in range(0, 200, 3):
        today = first + timedelta(days=day)
        filtered = selectors.caseload(
            user=cast.manager, today=today, filters=selectors.CaseloadFilters(overdue=True)
        )
        found = set(filtered.values_list("pk", flat=True))
        assert found == set(overdue_by_search(caseload, today).values_list("pk", flat=True)), today
        sizes.add(len(found))
        every = set(caseload.values_list("pk", flat=True))
        differing_days += 0 < len(found) < len(every)
    # A varied data set: on many days some open cases are overdue and others are not.
    assert len(sizes) >= 4
    assert differing_days >= 10


def test_a_closed_case_is_never_overdue(cast, varied):
    closed = [c for c in varied if c.status in ("FINAL_ISSUED", "REFUSED")]
    assert closed and all(stored(c) is None for c in closed)
