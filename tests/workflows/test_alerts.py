"""Reminders before a step's due date, escalations after it and the SEN managers' statutory
warnings (`workflows.alerts.alerts_sweep(today=...)`; the clock is never read).

The late case's decision whether to assess (the council's, statutory, held by the caseworker) is
due on Monday 12 April 2027; its rule reminds 5 working days before, warns the SEN managers 5
working days before and escalates 5 working days after (the seeded defaults)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import transaction
from viewflow.workflow.status import STATUS

from agencies.models import Membership, Role
from ehcp.assessments.models import AssessmentStatus, StatutoryException
from ehcp.common.calendar import bank_holidays_around
from notifications.models import Notice, Notification, NotificationKind, NotificationStatus
from notifications.rules.reminders import working_days_after
from notifications.services import notification_receipt_record, notification_send_pending
from tests import factories
from tests.factories import Calendar, CaseWalk
from workflows.alerts import alerts_sweep
from workflows.models import CaseTask, StepAlertRule, TaskAlert
from workflows.services import task_claim

pytestmark = pytest.mark.django_db

DUE = date(2027, 4, 12)  # a Monday
Kind = TaskAlert.Kind


@pytest.fixture
def late(cast):
    walk = CaseWalk(cast, when=Calendar(late_by=20))
    walk.receive()
    Notification.objects.all().delete()  # the request's own messages
    return walk


@pytest.fixture
def decision(late):
    task = late.task("decide_to_assess")
    assert (task.due_on, task.owner) == (DUE, late.cast.caseworker)
    return task


@pytest.fixture
def advice_due(cast):
    """Health advice, unclaimed in the health queue."""
    walk = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    Notification.objects.all().delete()
    Notice.objects.all().delete()
    return walk


def messages(kind, task=None):
    rows = Notification.objects.filter(kind=kind)
    if task is not None:
        rows = rows.filter(topic=f"task:{task.public_id}")
    return rows


def addresses(kind, task=None):
    return sorted(messages(kind, task).values_list("email", flat=True))


def alerts(task):
    return list(task.alerts.order_by("kind").values_list("kind", "due_on", "sent_on"))


# -- reminders ---------------------------------------------------------------------------------


def test_nothing_is_sent_before_the_reminder_day(decision):
    result = alerts_sweep(today=date(2027, 4, 2))  # Friday: the reminder day is Monday 5 April

    assert result.alerts == 0
    assert not TaskAlert.objects.exists()
    assert not Notification.objects.exists()


def test_the_holder_is_reminded_and_the_sen_managers_warned_on_the_day(cast, decision):
    result = alerts_sweep(today=date(2027, 4, 5))

    assert (result.reminders, result.at_risk, result.escalations, result.missed) == (1, 1, 0, 0)
    assert alerts(decision) == [
        (Kind.REMINDER, DUE, date(2027, 4, 5)),
        (Kind.STATUTORY_AT_RISK, DUE, date(2027, 4, 5)),
    ]
    reminder = messages(NotificationKind.TASK_DUE_SOON).get()
    assert (reminder.recipient, reminder.email, reminder.agency) == (
        cast.caseworker,
        cast.caseworker.email,
        cast.council,
    )
    assert (reminder.link, reminder.topic) == (
        f"/tasks/{decision.public_id}/",
        f"task:{decision.public_id}",
    )
    assert addresses(NotificationKind.STATUTORY_AT_RISK) == [cast.manager.email]
    assert Notice.objects.filter(
        recipient=cast.caseworker, kind=NotificationKind.TASK_DUE_SOON
    ).exists()
    assert Notice.objects.filter(
        recipient=cast.manager, kind=NotificationKind.STATUTORY_AT_RISK
    ).exists()


def test_a_second_sweep_sends_nothing_more(decision):
    alerts_sweep(today=date(2027, 4, 5))
    before = (list(Notification.objects.values()), list(TaskAlert.objects.values()))

    again = alerts_sweep(today=date(2027, 4, 5))
    next_day = alerts_sweep(today=date(2027, 4, 6))

    assert again.alerts == next_day.alerts == 0
    assert (list(Notification.objects.values()), list(TaskAlert.objects.values())) == before


def test_a_sweep_that_missed_the_reminder_day_catches_up_before_the_due_date(decision):
    assert alerts_sweep(today=date(2027, 4, 9)).reminders == 1


def test_an_unclaimed_step_reminds_its_whole_queue_and_mailbox(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    colleague = factories.member(cast.health, Role.HEALTH_ADVISER, username="colleague")
    assert task.owner is None

    alerts_sweep(today=task.due_on)

    assert addresses(NotificationKind.TASK_DUE_SOON, task) == sorted(
        [cast.health_adviser.email, colleague.email, cast.health.email]
    )
    assert set(
        Notice.objects.filter(kind=NotificationKind.TASK_DUE_SOON).values_list(
            "recipient", flat=True
        )
    ) == {cast.health_adviser.pk, colleague.pk}


def test_a_claimed_step_reminds_only_its_holder(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    factories.member(cast.health, Role.HEALTH_ADVISER, username="colleague")
    task_claim(task=task, user=cast.health_adviser)

    alerts_sweep(today=task.due_on)

    assert addresses(NotificationKind.TASK_DUE_SOON, task) == [cast.health_adviser.email]


def test_a_partner_step_is_never_a_statutory_warning_to_the_council(advice_due):
    task = advice_due.advice_task("HEALTH")

    alerts_sweep(today=task.due_on)
    alerts_sweep(today=task.due_on + timedelta(days=30))

    assert not task.alerts.filter(kind__in=[Kind.STATUTORY_AT_RISK, Kind.STATUTORY_MISSED]).exists()


def test_the_council_edits_when_a_kind_of_step_is_reminded(decision):
    rule = StepAlertRule.objects.get(step__endswith=".decide_to_assess")
    rule.remind_days_before = 1
    rule.save()

    assert alerts_sweep(today=date(2027, 4, 8)).reminders == 0  # Thursday
    assert alerts_sweep(today=date(2027, 4, 9)).reminders == 1  # Friday, 1 before Monday

    rule.remind_days_before = None
    rule.save()
    TaskAlert.objects.all().delete()
    Notification.objects.all().delete()
    assert alerts_sweep(today=date(2027, 4, 9)).reminders == 0


def test_a_step_with_no_rule_of_its_own_follows_the_rule_for_any_other_step(decision):
    StepAlertRule.objects.filter(step__endswith=".decide_to_assess").delete()
    StepAlertRule.objects.filter(step="").update(remind_days_before=3)

    assert alerts_sweep(today=date(2027, 4, 6)).reminders == 0
    assert alerts_sweep(today=date(2027, 4, 7)).reminders == 1  # 3 working days before


def test_a_new_due_date_is_reminded_again(decision):
    alerts_sweep(today=date(2027, 4, 5))
    CaseTask.objects.filter(pk=decision.pk).update(due_on=date(2027, 4, 26))

    assert alerts_sweep(today=date(2027, 4, 12)).reminders == 0
    assert alerts_sweep(today=date(2027, 4, 19)).reminders == 1
    assert messages(NotificationKind.TASK_DUE_SOON).count() == 2


def test_a_finished_step_is_never_reminded(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED)
    assert not CaseTask.objects.human().open().filter(case=walk.case).exists()

    for day in range(0, 200, 7):
        assert alerts_sweep(today=date(2027, 3, 1) + timedelta(days=day)).alerts == 0


# -- escalations --------------------------------------------------------------------------------


def test_an_overdue_step_goes_to_the_agencys_mailbox_when_it_names_no_manager(cast, advice_due):
    task = advice_due.advice_task("HEALTH")
    escalated_on = _working_days_after(task.due_on, 2)

    assert alerts_sweep(today=escalated_on - timedelta(days=1)).escalations == 0
    assert alerts_sweep(today=escalated_on).escalations == 1

    assert addresses(NotificationKind.TASK_ESCALATED, task) == [cast.health.email]


def test_an_overdue_step_goes_to_the_managers_the_agency_names(cast, advice_due, boss):
    task = advice_due.advice_task("HEALTH")

    alerts_sweep(today=task.due_on + timedelta(days=30))

    assert addresses(NotificationKind.TASK_ESCALATED, task) == [boss.email]
    assert Notice.objects.filter(recipient=boss, kind=NotificationKind.TASK_ESCALATED).exists()


def test_an_agency_with_no_manager_and_no_mailbox_escalates_to_the_councils_sen_managers(
    cast, advice_due
):
    task = advice_due.advice_task("HEALTH")
    cast.health.email = ""
    cast.health.save()

    alerts_sweep(today=task.due_on + timedelta(days=30))

    assert addresses(NotificationKind.TASK_ESCALATED, task) == [cast.manager.email]


def test_the_councils_own_missed_date_goes_to_its_sen_managers_then_is_escalated_a_week_on(
    cast, decision
):
    result = alerts_sweep(today=date(2027, 4, 13))  # the day after the statutory date

    assert (result.missed, result.escalations) == (1, 0)
    assert addresses(NotificationKind.STATUTORY_MISSED) == [cast.manager.email]

    assert alerts_sweep(today=date(2027, 4, 16)).escalations == 0  # 4 working days overdue
    assert alerts_sweep(today=date(2027, 4, 19)).escalations == 1  # 5
    assert addresses(NotificationKind.TASK_ESCALATED) == [cast.manager.email]


def test_an_exception_recorded_for_the_date_stops_the_statutory_warnings(cast, late, decision):
    StatutoryException.objects.create(
        case=late.case,
        period_code=decision.rule_code,
        limb="5(4)(a)",
        starts_on=date(2027, 3, 20),
        ends_on=date(2027, 3, 30),
        evidence="The head teacher was asked during the school holidays.",
        reasoning="No advice could be had in the holidays.",
        family_told_on=date(2027, 3, 21),
        recorded_by=cast.caseworker,
    )

    result = alerts_sweep(today=date(2027, 4, 20))

    assert (result.at_risk, result.missed) == (0, 0)
    assert result.escalations == 1  # the step itself is still late


# -- delivery, transactions and the task page --------------------------------------------------


def test_a_rolled_back_sweep_sends_nothing(decision):
    with pytest.raises(RuntimeError), transaction.atomic():
        alerts_sweep(today=date(2027, 4, 5))
        raise RuntimeError("the sweep's transaction fails")

    assert not TaskAlert.objects.exists() and not Notification.objects.exists()
    assert alerts_sweep(today=date(2027, 4, 5)).reminders == 1


def test_the_sender_that_runs_next_in_the_tick_sends_what_the_sweep_queued(
    django_capture_on_commit_callbacks, decision
):
    """The sweep queues batch after batch and sends nothing itself; the tick's sender, which
    runs next (`workflows.tasks.workflow_tick`), sends them."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alerts_sweep(today=date(2027, 4, 5))
    assert callbacks == [] and mail.outbox == []

    notification_send_pending()

    assert {m.subject for m in mail.outbox} == {
        "A SEND casework task is due soon",
        "A statutory date for an EHC case is about to be missed",
    }
    for message in mail.outbox:  # no names: what, and a sign-in link
        assert "Jamie" not in message.body and decision.case.reference not in message.body


@pytest.fixture
def boss(cast):
    """The health provider names a manager."""
    boss = factories.member(cast.health, Role.HEALTH_ADVISER, username="boss")
    Membership.objects.filter(user=boss).update(is_agency_manager=True)
    return boss


def test_a_reminder_with_no_address_is_undeliverable_goes_to_the_managers_and_shows_on_the_task(
    cast, client, advice_due, boss
):
    task = advice_due.advice_task("HEALTH")
    task_claim(task=task, user=cast.health_adviser)
    cast.health_adviser.email = ""
    cast.health_adviser.save()
    cast.health.email = ""  # and no shared mailbox to fall back on
    cast.health.save()

    alerts_sweep(today=task.due_on)
    notification_send_pending()

    # The holder still has the in-app notice; the e-mail is recorded as undeliverable, never sent.
    assert Notice.objects.filter(
        recipient=cast.health_adviser, kind=NotificationKind.TASK_DUE_SOON
    ).exists()
    reminder = messages(NotificationKind.TASK_DUE_SOON, task).get()
    assert (reminder.email, reminder.status, reminder.last_error) == (
        "",
        NotificationStatus.UNDELIVERABLE,
        "no-address",
    )
    told = messages(NotificationKind.MESSAGE_UNDELIVERABLE).get()
    assert (told.email, told.topic, told.link) == (boss.email, reminder.topic, reminder.link)
    notification_send_pending()  # the next tick sends it
    told.refresh_from_db()
    assert told.status == NotificationStatus.SENT
    assert Notice.objects.filter(
        recipient=boss, kind=NotificationKind.MESSAGE_UNDELIVERABLE
    ).exists()
    client.force_login(cast.health_adviser)
    page = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert "Messages not delivered" in page
    assert "There is no e-mail address to send it to" in page
    assert "Reminders and escalations" in page


def test_a_bounced_reminder_goes_to_the_managers_but_not_back_to_the_bounced_address(
    cast, advice_due, boss
):
    task = advice_due.advice_task("HEALTH")
    bounced = Notification.objects.create(
        kind=NotificationKind.TASK_DUE_SOON,
        recipient=boss,
        agency=cast.health,
        email=boss.email,
        link=f"/tasks/{task.public_id}/",
        key="bounce-test",
        topic=f"task:{task.public_id}",
        status=NotificationStatus.SENT,
        provider_id="p-1",
    )

    notification_receipt_record(provider_id="p-1", status="permanent-failure")

    bounced.refresh_from_db()
    assert bounced.status == NotificationStatus.UNDELIVERABLE
    # The only manager's address is the one that bounced: an in-app notice, no second e-mail.
    assert not messages(NotificationKind.MESSAGE_UNDELIVERABLE).exists()
    assert Notice.objects.filter(
        recipient=boss, kind=NotificationKind.MESSAGE_UNDELIVERABLE
    ).exists()


def test_the_undeliverable_message_is_itself_never_escalated(cast, advice_due, boss):
    task = advice_due.advice_task("HEALTH")
    Notification.objects.create(
        kind=NotificationKind.MESSAGE_UNDELIVERABLE,
        agency=cast.health,
        email="",
        link=f"/tasks/{task.public_id}/",
        key="loop-test",
    )

    notification_send_pending()

    assert messages(NotificationKind.MESSAGE_UNDELIVERABLE).count() == 1


def test_the_sweep_takes_the_same_statements_for_one_step_and_for_many(
    cast, django_assert_max_num_queries
):
    """A batch is a constant number of statements however many steps it holds."""
    walks = [CaseWalk(cast, when=Calendar(late_by=20)) for _ in range(6)]
    for walk in walks:
        walk.receive()
    Notification.objects.all().delete()
    with django_assert_max_num_queries(40) as one_day:
        result = alerts_sweep(today=date(2027, 4, 5))
    assert result.reminders == 6 and result.at_risk == 6
    many = len(one_day.captured_queries)

    TaskAlert.objects.all().delete()
    CaseTask.objects.human().open().exclude(case=walks[0].case).update(status=STATUS.CANCELED)
    with django_assert_max_num_queries(many) as one:
        assert alerts_sweep(today=date(2027, 4, 5)).reminders == 1
    assert len(one.captured_queries) == many


def _working_days_after(day: date, n: int) -> date:
    return working_days_after(day, n, bank_holidays_around(day))
