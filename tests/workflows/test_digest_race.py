"""Two workers send the weekly digest at once (PostgreSQL, real commits): one sends it, the other
sends nothing, and every person gets one."""

from notifications.models import Notice, Notification, NotificationKind
from tests.concurrency import POSTGRES_ONLY, outcome, race
from tests.workflows.test_digest import MONDAY, week  # noqa: F401 (a fixture)
from workflows.digest import digest_send
from workflows.models import WeeklyDigest

pytestmark = POSTGRES_ONLY


def test_two_workers_send_each_digest_once(cast, week):  # noqa: F811 (the fixture imported above)
    wins, errors = outcome(
        race(
            lambda: lambda: digest_send(today=MONDAY),
            lambda: lambda: digest_send(today=MONDAY),
        )
    )
    assert errors == []
    assert sorted(wins) == [0, 2]
    kind = NotificationKind.WEEKLY_DIGEST
    assert sorted(Notification.objects.filter(kind=kind).values_list("recipient", flat=True)) == (
        sorted([cast.caseworker.pk, cast.manager.pk])
    )
    assert Notice.objects.filter(kind=kind).count() == 2
    assert WeeklyDigest.objects.get().people == 2
