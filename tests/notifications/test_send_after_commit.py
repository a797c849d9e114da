"""Sending happens after the commit, and only then: at once when tasks run eagerly (the embedded
default), through the Celery worker when there is a broker (production), and never for a change
that was rolled back. A broker that cannot be reached does not fail the change; the tick sends.

Real commits (`transaction=True`), so `on_commit` runs as it does in a request.
"""

import logging
import uuid

import pytest
from celery import Celery, current_app
from django.core import mail
from django.db import transaction

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.services import notification_queue, notification_send_pending
from notifications.tasks import notifications_send
from tests.factories import AgencyFactory
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

SEND_TASK = "notifications.tasks.notifications_send"


class Refused(Exception):
    pass


def queue(agency) -> None:
    """A service's change: one outbox row for the agency's mailbox, in its own transaction."""
    with transaction.atomic():
        notification_queue(
            kind=NotificationKind.ADVICE_REQUESTED, agency=agency, link="/tasks/", key="k:1"
        )


@pytest.fixture
def broker(settings):
    """A Celery app of the test's own as the current app, tasks not eager, on `url`."""
    previous = current_app._get_current_object()
    apps = []

    def use(url: str) -> Celery:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        app = Celery("test-broker", set_as_current=False)
        app.conf.broker_url = url
        app.conf.task_default_queue = f"test-{uuid.uuid4().hex}"
        app.set_current()
        apps.append(app)
        return app

    yield use
    previous.set_current()
    for app in apps:
        app.close()


def test_a_committed_change_is_sent_at_once_when_tasks_run_eagerly():
    agency = AgencyFactory()
    queue(agency)
    row = Notification.objects.get()
    assert row.status == NotificationStatus.SENT
    assert [message.to for message in mail.outbox] == [[agency.email]]


def test_a_rolled_back_change_sends_nothing():
    agency = AgencyFactory()
    with pytest.raises(Refused), transaction.atomic():
        notification_queue(
            kind=NotificationKind.ADVICE_REQUESTED, agency=agency, link="/tasks/", key="k:1"
        )
        raise Refused
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert notification_send_pending() == 0 and mail.outbox == []


def test_with_a_broker_the_commit_queues_the_workers_send_and_sends_nothing_itself(broker):
    app = broker("memory://")
    agency = AgencyFactory()
    queue(agency)
    assert Notification.objects.get().status == NotificationStatus.PENDING
    assert mail.outbox == []
    with app.connection_for_read() as connection:
        queued = connection.SimpleQueue(app.conf.task_default_queue)
        message = queued.get(timeout=2)
        message.ack()
        queued.close()
    assert message.headers["task"] == SEND_TASK
    # What the worker then does with it.
    assert app.tasks[SEND_TASK]() == 1
    assert Notification.objects.get().status == NotificationStatus.SENT
    assert [message.to for message in mail.outbox] == [[agency.email]]


def test_a_broker_that_is_down_fails_nothing_and_the_tick_sends_later(broker, caplog):
    broker(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    agency = AgencyFactory()
    with caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        queue(agency)  # no exception reaches the caller
    row = Notification.objects.get()
    assert row.status == NotificationStatus.PENDING and mail.outbox == []
    assert "Could not queue the notification send (OperationalError" in caplog.text
    assert agency.email not in caplog.text
    assert notification_send_pending() == 1  # the next tick
    assert [message.to for message in mail.outbox] == [[agency.email]]


def test_the_send_task_is_the_sender():
    assert notifications_send.name == SEND_TASK
    assert notifications_send() == 0
