"""GOV.UK Notify's delivery receipts: POST /notifications/notify-callback/ with the bearer token
set in Notify, and a JSON body like Notify's (id, reference, status ...)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.rules.delivery import MAX_ATTEMPTS
from notifications.services import notification_send_pending

pytestmark = pytest.mark.django_db

URL = "/notifications/notify-callback/"
TOKEN = "callback-token-from-notify-settings"
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def receipts(settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN


@pytest.fixture
def sent(outbox_row):
    return outbox_row(
        status=NotificationStatus.SENT,
        attempts=1,
        sent_at=NOW,
        channel="notify",
        provider_id=str(uuid.uuid4()),
    )


def receipt(client, row_or_id, status, *, token=TOKEN, **extra):
    provider_id = getattr(row_or_id, "provider_id", row_or_id)
    body = {
        "id": provider_id,
        "reference": f"notification-{getattr(row_or_id, 'pk', 0)}",
        "to": "adviser@health.example",
        "status": status,
        "created_at": "2026-05-04T09:00:00.000000Z",
        "completed_at": "2026-05-04T09:00:05.000000Z",
        "sent_at": "2026-05-04T09:00:01.000000Z",
        "notification_type": "email",
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
        **extra,
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def snapshot(row):
    row.refresh_from_db()
    return (row.status, row.attempts, row.delivered_at, row.failed_at, row.last_error)


def test_delivered_marks_the_message_delivered(client, receipts, sent):
    response = receipt(client, sent, "delivered")
    assert response.status_code == 204
    sent.refresh_from_db()
    assert sent.status == NotificationStatus.DELIVERED and sent.delivered_at is not None
    assert receipt(client, sent, "delivered").status_code == 204  # Notify may send it twice


def test_a_permanent_failure_makes_it_undeliverable(client, receipts, sent, caplog):
    assert receipt(client, sent, "permanent-failure").status_code == 204
    sent.refresh_from_db()
    assert (sent.status, sent.last_error) == (
        NotificationStatus.UNDELIVERABLE,
        "notify-permanent-failure",
    )
    assert sent.failed_at is not None
    assert f"Notification {sent.pk} (ADVICE_REQUESTED) not delivered: UNDELIVERABLE" in caplog.text


@pytest.mark.parametrize("status", ["temporary-failure", "technical-failure"])
def test_a_temporary_or_technical_failure_is_sent_again_later(client, receipts, sent, status):
    before = timezone.now()
    assert receipt(client, sent, status).status_code == 204
    sent.refresh_from_db()
    assert (sent.status, sent.last_error) == (NotificationStatus.PENDING, f"notify-{status}")
    assert sent.next_attempt_at >= before + timedelta(minutes=1)


def test_a_temporary_failure_after_the_last_attempt_has_failed(client, receipts, sent):
    Notification.objects.filter(pk=sent.pk).update(attempts=MAX_ATTEMPTS)
    assert receipt(client, sent, "temporary-failure").status_code == 204
    sent.refresh_from_db()
    assert sent.status == NotificationStatus.FAILED


@pytest.mark.parametrize("token", [None, "wrong", ""], ids=["no-token", "wrong-token", "empty"])
def test_a_receipt_without_the_token_changes_nothing(client, receipts, sent, token):
    before = snapshot(sent)
    assert receipt(client, sent, "permanent-failure", token=token).status_code == 401
    assert snapshot(sent) == before


def test_receipts_are_refused_when_no_token_is_configured(client, sent, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    before = snapshot(sent)
    assert receipt(client, sent, "delivered", token="").status_code == 403
    assert snapshot(sent) == before


def test_a_receipt_for_an_unknown_message_changes_nothing(client, receipts, sent):
    before = snapshot(sent)
    assert receipt(client, str(uuid.uuid4()), "delivered").status_code == 404
    assert receipt(client, "", "delivered").status_code == 404
    assert snapshot(sent) == before


def test_a_receipt_that_is_not_notifys_shape_is_refused(client, receipts, sent):
    before = snapshot(sent)
    assert receipt(client, sent, "sending").status_code == 400  # not a final status we know
    headers = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert (
        client.post(URL, "not json", content_type="application/json", **headers).status_code == 400
    )
    assert client.post(URL, "{}", content_type="application/json", **headers).status_code == 400
    assert snapshot(sent) == before


def test_the_callback_takes_only_posts(client, receipts):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_a_message_sent_through_notify_is_delivered_by_its_receipt(
    client, receipts, outbox_row, notify_fake
):
    row = outbox_row(next_attempt_at=NOW)
    notification_send_pending(now=NOW)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert receipt(client, row, "delivered").status_code == 204
    row.refresh_from_db()
    assert row.status == NotificationStatus.DELIVERED


def test_notify_needs_no_csrf_token(receipts, sent):
    assert receipt(Client(enforce_csrf_checks=True), sent, "delivered").status_code == 204
