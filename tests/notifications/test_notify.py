"""GOV.UK Notify: the official client (notifications-python-client) against a local fake of the
Notify API that checks the JWT it signs and answers as Notify does."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from notifications.channels import NotifyChannel, channel_get
from notifications.models import NotificationKind, NotificationStatus
from notifications.services import notification_send_pending
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_the_notify_key_chooses_the_notify_channel(notify_fake, settings):
    assert isinstance(channel_get(), NotifyChannel)
    settings.NOTIFY_API_KEY = ""
    assert not isinstance(channel_get(), NotifyChannel)


def test_a_message_is_sent_through_notify_with_no_personal_details(
    outbox_row, notify_fake, settings
):
    settings.SITE_URL = "https://send.example.gov.uk"
    row = outbox_row(email="adviser@health.example", next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 1
    row.refresh_from_db()
    [request] = notify_fake.received
    assert request["email_address"] == "adviser@health.example"
    assert request["template_id"] == notify_fake.template_id
    assert request["reference"] == f"notification-{row.pk}"
    assert request["personalisation"] == {
        "subject": "The council has asked for advice for an EHC needs assessment",
        "body": (
            "There is an update on SEND casework that needs your attention.\n\n"
            "Sign in to see it: https://send.example.gov.uk/tasks/advice/0000/\n\n"
            "This message does not contain any personal details."
        ),
        "link": "https://send.example.gov.uk/tasks/advice/0000/",
    }
    assert (row.status, row.channel, row.sent_at, row.last_error) == (
        NotificationStatus.SENT,
        "notify",
        NOW,
        "",
    )
    assert len(row.provider_id) == 36  # Notify's notification id
    assert mail.outbox == []  # not through Django's e-mail


def test_a_kind_may_have_its_own_template(outbox_row, notify_fake, settings):
    settings.NOTIFY_TEMPLATE_IDS = {NotificationKind.TASK_OVERDUE: notify_fake.template_id}
    settings.NOTIFY_TEMPLATE_ID = "00000000-0000-0000-0000-000000000000"
    overdue = outbox_row(kind=NotificationKind.TASK_OVERDUE, next_attempt_at=NOW)
    other = outbox_row(email="other@health.example", next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    overdue.refresh_from_db()
    other.refresh_from_db()
    assert overdue.status == NotificationStatus.SENT
    # The generic template is unknown to this Notify service: our set-up, not worth retrying.
    assert (other.status, other.last_error) == (NotificationStatus.FAILED, "notify-400")


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "team-only@health.example"],
    ids=["invalid-address", "team-key-recipient"],
)
def test_an_address_notify_refuses_is_undeliverable(outbox_row, notify_fake, email):
    row = outbox_row(email=email, next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 0
    row.refresh_from_db()
    assert (row.status, row.last_error, row.failed_at, row.sent_at) == (
        NotificationStatus.UNDELIVERABLE,
        "notify-400-recipient",
        NOW,
        None,
    )
    assert email not in row.last_error


def test_a_refused_api_key_fails_at_once_and_is_logged(outbox_row, notify_fake, settings, caplog):
    other_secret = "11111111-2222-3333-4444-555555555555"
    settings.NOTIFY_API_KEY = f"send_test-{notify_fake.service_id}-{other_secret}"
    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        NotificationStatus.FAILED,
        1,
        "notify-403",
    )
    assert notify_fake.received == []  # refused before anything was sent
    assert "GOV.UK Notify refused our request (notify-403)" in caplog.text
    notification_send_pending(now=NOW + timedelta(days=1))
    row.refresh_from_db()
    assert row.attempts == 1  # not tried again


@pytest.mark.parametrize(
    ("email", "code"),
    [("rate-limited@health.example", "notify-429"), ("broken@health.example", "notify-500")],
)
def test_a_rate_limit_or_a_notify_error_is_retried(outbox_row, notify_fake, email, code):
    row = outbox_row(email=email, next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert (row.status, row.last_error, row.next_attempt_at) == (
        NotificationStatus.PENDING,
        code,
        NOW + timedelta(minutes=1),
    )


def test_notify_out_of_reach_is_retried(outbox_row, notify_fake, settings):
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert (row.status, row.last_error) == (NotificationStatus.PENDING, "notify-503")


def test_a_malformed_key_leaves_the_messages_waiting(outbox_row, notify_fake, settings, caplog):
    settings.NOTIFY_API_KEY = "not-a-notify-key"
    row = outbox_row(next_attempt_at=NOW)
    assert notification_send_pending(now=NOW) == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 0)
    assert "No notification channel" in caplog.text
