"""The sender: never a false "sent", retries with back-off, and e-mail end to end through a real
SMTP server (aiosmtpd on a loopback port, Django's SMTP backend)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from notifications.channels import Channel, DeliveryError
from notifications.models import Notification, NotificationStatus
from notifications.rules.delivery import CLAIM_TIMEOUT, MAX_ATTEMPTS, Failure
from notifications.services import notification_send_pending
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


class Refusing(Channel):
    """A provider that fails every message this way (the outside world, not our code)."""

    name = "test"

    def __init__(self, failure=Failure.TRANSIENT, code="provider-down"):
        self.failure, self.code, self.calls = failure, code, 0

    def send(self, message):
        self.calls += 1
        raise DeliveryError(self.code, self.failure)


def test_a_row_with_no_address_is_undeliverable_not_sent(outbox_row, caplog):
    row = outbox_row(email="", next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 0
    row.refresh_from_db()
    assert (row.status, row.last_error, row.failed_at, row.sent_at) == (
        NotificationStatus.UNDELIVERABLE,
        "no-address",
        NOW,
        None,
    )
    assert mail.outbox == []
    assert f"Notification {row.pk} (ADVICE_REQUESTED) not delivered" in caplog.text


def test_a_transient_failure_is_tried_again_after_the_back_off(outbox_row):
    row = outbox_row(next_attempt_at=NOW)
    provider = Refusing()
    notification_send_pending(now=NOW, channel=provider)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        NotificationStatus.PENDING,
        1,
        "provider-down",
    )
    assert row.next_attempt_at == NOW + timedelta(minutes=1)

    # Not before its time has come.
    notification_send_pending(now=NOW + timedelta(seconds=59), channel=provider)
    assert provider.calls == 1
    notification_send_pending(now=NOW + timedelta(minutes=1), channel=provider)
    row.refresh_from_db()
    assert provider.calls == 2 and row.attempts == 2
    assert row.next_attempt_at == NOW + timedelta(minutes=1 + 5)


def test_a_message_has_failed_after_the_last_attempt(outbox_row):
    row = outbox_row(next_attempt_at=NOW)
    provider = Refusing()
    now = NOW
    for _ in range(MAX_ATTEMPTS):
        notification_send_pending(now=now, channel=provider)
        row.refresh_from_db()
        now = row.next_attempt_at or now
    assert provider.calls == MAX_ATTEMPTS
    assert (row.status, row.attempts, row.last_error) == (
        NotificationStatus.FAILED,
        MAX_ATTEMPTS,
        "provider-down",
    )
    assert row.failed_at is not None and row.sent_at is None
    notification_send_pending(now=now + timedelta(days=1), channel=provider)
    assert provider.calls == MAX_ATTEMPTS


def test_a_refused_set_up_fails_at_once(outbox_row):
    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW, channel=Refusing(Failure.FATAL, "notify-403"))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        NotificationStatus.FAILED,
        1,
        "notify-403",
    )


def test_an_unexpected_error_is_retried_and_recorded_without_its_message(outbox_row):
    class Crashing(Channel):
        name = "test"

        def send(self, message):
            raise RuntimeError(f"could not send to {message.to}")

    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW, channel=Crashing())
    row.refresh_from_db()
    assert (row.status, row.last_error) == (NotificationStatus.PENDING, "error-RuntimeError")


def test_a_row_claimed_by_another_sender_is_not_sent_again(outbox_row):
    row = outbox_row(
        next_attempt_at=NOW + CLAIM_TIMEOUT, status=NotificationStatus.SENDING, attempts=1
    )
    assert notification_send_pending(now=NOW) == 0
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING and mail.outbox == []


def test_a_claim_whose_sender_died_is_taken_again_after_the_timeout(outbox_row):
    outbox_row(next_attempt_at=NOW)

    class Dying(Channel):  # the process is killed mid-send: nothing is recorded
        name = "test"

        def send(self, message):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        notification_send_pending(now=NOW, channel=Dying())
    row = Notification.objects.get()
    assert (row.status, row.next_attempt_at) == (NotificationStatus.SENDING, NOW + CLAIM_TIMEOUT)
    assert notification_send_pending(now=NOW + CLAIM_TIMEOUT - timedelta(seconds=1)) == 0
    assert notification_send_pending(now=NOW + CLAIM_TIMEOUT) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_rows_are_sent_in_the_order_they_fall_due_up_to_the_limit(outbox_row):
    later = outbox_row(email="b@example.org", next_attempt_at=NOW - timedelta(minutes=1))
    earlier = outbox_row(email="a@example.org", next_attempt_at=NOW - timedelta(minutes=2))
    outbox_row(email="c@example.org", next_attempt_at=NOW + timedelta(minutes=1))
    assert notification_send_pending(limit=1, now=NOW) == 1
    assert [m.to for m in mail.outbox] == [[earlier.email]]
    assert notification_send_pending(now=NOW) == 1
    assert [m.to for m in mail.outbox][-1] == [later.email]


# -- e-mail through a real SMTP server ---------------------------------------------------------


def test_email_is_sent_through_smtp_and_marked_sent(outbox_row, smtp_server, settings):
    settings.SITE_URL = "https://send.example.gov.uk"
    row = outbox_row(email="adviser@health.example", next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 1
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.sent_at == NOW
    assert row.channel == "email" and row.provider_id.startswith("<")
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["adviser@health.example"]
    text = envelope.content.decode()
    assert f"Message-ID: {row.provider_id}" in text
    assert "https://send.example.gov.uk/tasks/advice/0000/" in text
    assert "does not contain any personal details" in text


def test_a_permanent_smtp_refusal_is_undeliverable(outbox_row, smtp_server):
    row = outbox_row(email="bounce@health.example", next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 0
    row.refresh_from_db()
    assert (row.status, row.last_error, row.sent_at) == (
        NotificationStatus.UNDELIVERABLE,
        "smtp-recipient-550",
        None,
    )
    assert smtp_server.messages == []


def test_a_temporary_smtp_refusal_is_retried(outbox_row, smtp_server):
    row = outbox_row(email="later@health.example", next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert (row.status, row.last_error) == (NotificationStatus.PENDING, "smtp-recipient-451")
    assert row.next_attempt_at == NOW + timedelta(minutes=1)


def test_an_smtp_server_that_does_not_answer_is_retried(outbox_row, smtp_server, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempts) == (
        NotificationStatus.PENDING,
        "smtp-connection",
        1,
    )
