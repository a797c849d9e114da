"""Two senders at once (PostgreSQL, real commits): every message goes out exactly once."""

import uuid
from datetime import UTC, datetime

from notifications.channels import Channel
from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notification_send_pending
from tests.concurrency import POSTGRES_ONLY, outcome, race

pytestmark = POSTGRES_ONLY

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


class Counting(Channel):
    name = "test"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message.to)
        return str(uuid.uuid4())


def test_two_senders_never_send_one_message_twice():
    Notification.objects.bulk_create(
        Notification(
            kind=NotificationKind.TASK_OVERDUE,
            email=f"person{i}@example.org",
            link="/tasks/",
            key=f"race:{i}",
            next_attempt_at=NOW,
        )
        for i in range(40)
    )
    first, second = Counting(), Counting()
    wins, errors = outcome(
        race(
            lambda: lambda: notification_send_pending(now=NOW, channel=first),
            lambda: lambda: notification_send_pending(now=NOW, channel=second),
        )
    )
    assert errors == []
    assert sum(wins) == 40
    assert sorted(first.sent + second.sent) == sorted(f"person{i}@example.org" for i in range(40))
    assert set(Notification.objects.values_list("status", "attempts")) == {
        (NotificationStatus.SENT, 1)
    }
