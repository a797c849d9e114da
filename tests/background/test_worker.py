"""The outbox with real Celery workers on Redis and PostgreSQL: what a committed change queues is
sent by a worker exactly once; two workers at once send each message once; a worker killed with
SIGKILL in the middle of a sweep, and started again, loses nothing and sends nothing twice, except
at the one boundary no outbox can close (see the last test).

Each worker is `celery -A config worker` with the production settings, on the test's database,
consuming a queue of the test's own and sending through an SMTP server in this process.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.rules.delivery import CLAIM_TIMEOUT
from notifications.services import notification_queue
from tests.background.conftest import wait_until
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def outbox(count: int, *, hold: int | None = None) -> list[str]:
    """`count` due rows, sent in this order; the one at index `hold` goes to hold@..."""
    now = timezone.now()
    addresses = [
        "hold@health.example" if i == hold else f"person{i}@health.example" for i in range(count)
    ]
    Notification.objects.bulk_create(
        Notification(
            kind=NotificationKind.TASK_OVERDUE,
            email=address,
            link="/tasks/",
            key=f"bg:{i}",
            next_attempt_at=now + timedelta(microseconds=i),
        )
        for i, address in enumerate(addresses)
    )
    return addresses


def statuses() -> dict[str, tuple[str, int]]:
    return {row.email: (row.status, row.attempts) for row in Notification.objects.all()}


def all_sent() -> bool:
    return not Notification.objects.exclude(status=NotificationStatus.SENT).exists()


def test_a_committed_change_is_sent_by_the_worker_exactly_once(background, smtp):
    worker = background.start_worker()
    agency = AgencyFactory()
    with transaction.atomic():  # a service's change; the hook publishes after the commit
        notification_queue(
            kind=NotificationKind.ADVICE_REQUESTED, agency=agency, link="/tasks/", key="bg:one"
        )
    wait_until(all_sent, "the worker to send the row", logs=[worker.log])
    assert mail.outbox == []  # not sent by this (the web) process
    background.send()  # another sweep finds nothing left to send
    wait_until(lambda: len(worker.results()) == 2, "the second sweep", logs=[worker.log])
    assert worker.results() == ["1", "0"]
    assert smtp.accepted == [agency.email]
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.channel) == (NotificationStatus.SENT, 1, "email")
    # The worker has the beat schedule's task too (autodiscovery), not only the sender.
    registered = background.app.control.inspect([worker.name], timeout=5).registered()
    assert {"workflows.tasks.workflow_tick", "notifications.tasks.notifications_send"} <= set(
        registered[worker.name]
    )


def test_two_workers_at_once_send_each_message_exactly_once(background, smtp):
    smtp.delay = 0.05  # each message takes a moment, so the two sweeps overlap (2 s in all)
    addresses = outbox(40)
    first = background.start_worker(wait=False)
    second = background.start_worker(wait=False)
    background.wait_ready(first)
    background.wait_ready(second)
    for _ in range(4):
        background.send()
    wait_until(lambda: len(background.finished()) == 4, "four sweeps", logs=[first.log, second.log])
    assert sorted(smtp.accepted) == sorted(addresses)  # each once, none lost
    assert set(statuses().values()) == {(NotificationStatus.SENT, 1)}
    sent_by = [sum(int(result) for result in worker.results()) for worker in (first, second)]
    assert sum(sent_by) == 40
    assert all(sent_by), f"both workers should have sent some: {sent_by}"


def test_a_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(background, smtp):
    """Killed while the SMTP server has not yet been given the 4th message: the 3 before it are
    sent and recorded, the 4th is claimed (SENDING) and the rest wait. A new worker sends the rest
    at once, leaves the dead worker's claim alone until it expires, then sends that one."""
    addresses = outbox(6, hold=3)
    smtp.hold_at = {"hold@health.example": "RCPT"}
    worker = background.start_worker()
    background.send()
    wait_until(smtp.held.is_set, "the worker to reach the 4th message", logs=[worker.log])
    worker.kill()
    smtp.release()
    assert smtp.accepted == addresses[:3]
    rows = statuses()
    assert [rows[address] for address in addresses] == [
        (NotificationStatus.SENT, 1),
        (NotificationStatus.SENT, 1),
        (NotificationStatus.SENT, 1),
        (NotificationStatus.SENDING, 1),
        (NotificationStatus.PENDING, 0),
        (NotificationStatus.PENDING, 0),
    ]
    claimed = Notification.objects.get(email="hold@health.example")
    assert claimed.next_attempt_at > timezone.now() + CLAIM_TIMEOUT - timedelta(minutes=1)

    restarted = background.start_worker()
    background.send()
    wait_until(
        lambda: len(restarted.results()) == 1, "the new worker's sweep", logs=[restarted.log]
    )
    assert restarted.results() == ["2"]  # the two that waited; the live claim is left alone
    assert statuses()["hold@health.example"] == (NotificationStatus.SENDING, 1)

    # The claim's 15 minutes pass (moved, rather than waited for).
    Notification.objects.filter(pk=claimed.pk).update(next_attempt_at=timezone.now())
    background.send()
    wait_until(all_sent, "the expired claim to be sent", logs=[restarted.log])
    assert Counter(smtp.accepted) == Counter(addresses)  # every message exactly once
    assert statuses()["hold@health.example"] == (NotificationStatus.SENT, 2)


def test_a_worker_killed_after_the_provider_accepted_a_message_sends_it_again(background, smtp):
    """The one boundary where delivery is at least once, not exactly once: the SMTP server (or
    Notify) accepted the message, and the worker died before recording it. The row is still
    claimed, so after the claim expires it is sent again; the alternative, never retrying a
    claim, would lose every message whose worker died before sending. Neither SMTP nor Notify
    lets a sender ask whether a message was already accepted."""
    addresses = outbox(2, hold=0)
    smtp.hold_at = {"hold@health.example": "QUIT"}  # after 250 to DATA, before the worker records
    worker = background.start_worker()
    background.send()
    wait_until(smtp.held.is_set, "the provider to accept the message", logs=[worker.log])
    worker.kill()
    smtp.release()
    assert smtp.accepted == ["hold@health.example"]
    assert statuses()["hold@health.example"] == (NotificationStatus.SENDING, 1)

    restarted = background.start_worker()
    Notification.objects.filter(email="hold@health.example").update(
        next_attempt_at=timezone.now()
    )  # the claim has expired
    background.send()
    wait_until(all_sent, "the restarted worker's sweep", logs=[restarted.log])
    assert Counter(smtp.accepted) == Counter({"hold@health.example": 2, addresses[1]: 1})
    assert statuses()["hold@health.example"] == (NotificationStatus.SENT, 2)
