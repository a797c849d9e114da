"""Chasers: the morning after a step falls due, its queue (or the person holding it) is told, once.

The sweep is `workflows.timers.fire_due_timers(now=...)`; the clock is never read.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import AssessmentStatus
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_send_pending
from tests.factories import Calendar, CaseWalk
from workflows.models import CaseTask
from workflows.services import task_claim
from workflows.timers import fire_due_timers

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY = timedelta(days=1)


def at(day: date, hour: int = 9) -> datetime:
    """An aware moment on `day`, council time."""
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def chasers():
    """The outbox rows the sweep writes (asking for advice writes its own, tested elsewhere)."""
    return Notification.objects.filter(kind="TASK_OVERDUE")


def timer_of(task: CaseTask) -> CaseTask:
    return CaseTask.objects.get(flow_task_type="TIMER", previous=task)


@pytest.fixture
def late(cast):
    """A case whose decision whether to assess is 20 days late (the steps after it follow on)."""
    walk = CaseWalk(cast, when=Calendar(late_by=20))
    walk.receive()
    return walk


@pytest.fixture
def advice_due(cast):
    """An assessing case waiting for the family's views (held by the caseworker) and health advice
    (unclaimed, in the health queue), both due on the same day."""
    walk = CaseWalk(cast, advice=("PARENT_VIEWS", "HEALTH")).to(AssessmentStatus.ASSESSING)
    # The health queue was told when the advice was asked for: those messages have gone.
    Notification.objects.update(status=NotificationStatus.SENT)
    return walk


@pytest.fixture
def health_due(advice_due):
    """As `advice_due`, with the family's views already in: only health advice is outstanding."""
    advice_due.submit_advice("PARENT_VIEWS")
    return advice_due


def test_chaser_is_queued_for_the_holder_when_a_claimed_step_is_overdue(cast, late):
    task = late.task("decide_to_assess")
    assert task.due_on == date(2027, 4, 12)
    assert timer_of(task).scheduled == at(date(2027, 4, 13), 8)

    fired = fire_due_timers(now=at(date(2027, 4, 13)))

    assert fired == 1
    task.refresh_from_db()
    assert task.last_chased_on == date(2027, 4, 13)
    # Still open, still theirs.
    assert (task.status, task.owner) == (STATUS.ASSIGNED, cast.caseworker)
    note = chasers().get()
    assert (note.kind, note.recipient, note.email, note.agency) == (
        "TASK_OVERDUE",
        cast.caseworker,
        cast.caseworker.email,
        cast.council,
    )
    assert (note.link, note.key, note.status) == (
        f"/tasks/{task.public_id}/",
        f"chase:{task.pk}",
        NotificationStatus.PENDING,
    )


def test_chaser_goes_to_the_agency_mailbox_when_nobody_has_claimed_the_step(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    assert task.owner is None

    fire_due_timers(now=at(task.due_on + DAY))

    note = chasers().get(key=f"chase:{task.pk}")
    assert (note.recipient, note.email, note.agency) == (None, cast.health.email, cast.health)
    task.refresh_from_db()
    assert task.last_chased_on == task.due_on + DAY
    assert task.status == STATUS.NEW


def test_chaser_goes_to_the_agency_mailbox_when_the_holder_has_no_email(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    cast.health_adviser.email = ""
    cast.health_adviser.save()
    task_claim(task=task, user=cast.health_adviser)

    fire_due_timers(now=at(task.due_on + DAY))

    assert chasers().get(key=f"chase:{task.pk}").email == cast.health.email


def test_nothing_is_chased_when_the_sweep_runs_before_the_morning_after_the_due_date(cast, late):
    task = late.task("decide_to_assess")

    one_minute_early = at(task.due_on + DAY, 8) - timedelta(minutes=1)  # 07:59 the day after

    fired = fire_due_timers(now=one_minute_early)

    assert fired == 0
    task.refresh_from_db()
    assert task.last_chased_on is None
    assert not chasers().exists()
    assert timer_of(task).status == STATUS.SCHEDULED


def test_second_sweep_changes_nothing_when_the_step_was_already_chased(cast, late):
    task = late.task("decide_to_assess")
    fire_due_timers(now=at(date(2027, 4, 13)))
    before = (list(chasers().values()), list(CaseTask.objects.order_by("pk").values()))

    fired = fire_due_timers(now=at(date(2027, 4, 20)))

    assert fired == 0
    assert (
        list(chasers().values()),
        list(CaseTask.objects.order_by("pk").values()),
    ) == before
    task.refresh_from_db()
    assert task.last_chased_on == date(2027, 4, 13)


def test_flow_completes_when_a_chased_step_is_done_late(cast, late):
    fire_due_timers(now=at(date(2027, 4, 13)))

    for step in [
        late.consent,
        late.decide_to_assess,
        late.gather_advice,
        late.decide_to_issue,
        late.issue_draft,
        late.record_comments,
        late.reply_to_consultation,
        late.issue_final,
    ]:
        step()

    case = late.case
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.assessment_decided_on == date(2027, 4, 14)  # two days late
    process = case.processes.get()
    assert process.status == PROCESS.DONE
    assert (
        not CaseTask.objects.filter(process=process)
        .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
        .exists()
    )
    chase_path = CaseTask.objects.filter(
        process=process, flow_task_type__in=["FUNCTION", "END"]
    ).exclude(status=STATUS.CANCELED)
    # The setting's reply ends its own branch ("consulted"), each advice branch its own
    # ("advice_done"); the final plan ends the process.
    assert sorted(t.flow_task.name for t in chase_path if t.flow_task.name != "advice_done") == [
        "chase",
        "chased",
        "consulted",
        "plan_issued",
    ]


def test_flow_moves_on_when_chased_advice_arrives(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    fire_due_timers(now=at(task.due_on + DAY))

    advice_due.gather_advice()

    assert [t.flow_task.name for t in advice_due.open_tasks()] == ["decide_to_issue"]


def test_step_is_never_chased_when_it_was_done_before_its_due_date(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED)
    human = CaseTask.objects.human().filter(case=walk.case)
    timers = CaseTask.objects.filter(case=walk.case, flow_task_type="TIMER")
    assert timers.exists()
    assert set(timers.values_list("status", flat=True)) == {STATUS.CANCELED}

    fired = fire_due_timers(now=at(date(2028, 1, 1)))

    assert fired == 0
    assert not human.exclude(last_chased_on=None).exists()
    assert not chasers().exists()


def test_only_the_overdue_step_is_chased_when_another_was_done_on_time(cast, advice_due):
    on_time = advice_due.advice_task("PARENT_VIEWS")
    advice_due.submit_advice("PARENT_VIEWS")
    overdue = advice_due.advice_task("HEALTH")

    fired = fire_due_timers(now=at(overdue.due_on + DAY))

    assert fired == 1
    on_time.refresh_from_db()
    assert on_time.last_chased_on is None
    assert timer_of(on_time).status == STATUS.CANCELED
    assert list(chasers().values_list("key", flat=True)) == [f"chase:{overdue.pk}"]


# -- delivery ------------------------------------------------------------------------------------


def test_chaser_is_emailed_without_the_childs_name_when_the_outbox_is_sent(cast, health_due):
    task = health_due.advice_task("HEALTH")
    fire_due_timers(now=at(task.due_on + DAY))

    sent = notification_send_pending()

    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.health.email]
    assert message.subject == "A SEND casework task is overdue"
    assert f"/tasks/{task.public_id}/" in message.body
    child = health_due.case.child
    for private in (
        child.first_name,
        child.last_name,
        health_due.case.reference,
        str(child.date_of_birth),
    ):
        assert private not in message.body
        assert private not in message.subject
    note = chasers().get()
    assert (
        note.status == NotificationStatus.SENT and note.sent_at is not None and note.attempts == 1
    )


def test_chaser_is_sent_once_when_the_sender_runs_twice(cast, health_due):
    task = health_due.advice_task("HEALTH")
    fire_due_timers(now=at(task.due_on + DAY))
    notification_send_pending()

    assert notification_send_pending() == 0
    assert len(mail.outbox) == 1


def test_chaser_is_sent_when_the_sweep_commits(
    cast, health_due, django_capture_on_commit_callbacks
):
    task = health_due.advice_task("HEALTH")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fire_due_timers(now=at(task.due_on + DAY))

    assert callbacks
    assert [m.to for m in mail.outbox] == [[cast.health.email]]
    assert chasers().get().status == NotificationStatus.SENT
