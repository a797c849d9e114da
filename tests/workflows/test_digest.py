"""The weekly digest (issue 15): per person, how many of their tasks are due this week, overdue,
or were reassigned to them last week, and the unclaimed work in the queues they work; counts
only, once per person per ISO week, by the channels they chose."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Notice, Notification, NotificationKind, NotificationPreference
from notifications.services import notification_message, notification_send_pending
from tests.factories import CaseWalk
from workflows.digest import DigestCounts, digest_counts, digest_key, digest_send, week_starting
from workflows.models import CaseTask, TaskReassignment, WeeklyDigest

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 12, 7)  # ISO week 2026-W50
KIND = NotificationKind.WEEKLY_DIGEST


# -- the week (pure) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "monday", "week"),
    [
        (date(2026, 12, 7), date(2026, 12, 7), "2026-W50"),  # Monday
        (date(2026, 12, 13), date(2026, 12, 7), "2026-W50"),  # Sunday: the same week
        (date(2026, 12, 14), date(2026, 12, 14), "2026-W51"),
        (date(2026, 12, 31), date(2026, 12, 28), "2026-W53"),  # 2026 has 53 ISO weeks
        (date(2027, 1, 3), date(2026, 12, 28), "2026-W53"),  # a new year, the old ISO year
        (date(2027, 1, 4), date(2027, 1, 4), "2027-W01"),
        (date(2024, 12, 31), date(2024, 12, 30), "2025-W01"),  # an old year, the new ISO year
        (date(2028, 2, 29), date(2028, 2, 28), "2028-W09"),  # a leap day
    ],
)
def test_a_week_runs_monday_to_sunday_and_is_named_by_its_iso_week(today, monday, week):
    assert week_starting(today) == monday
    assert digest_key(user_id=7, today=today) == f"weekly-digest:{week}:7"


# -- a known week ----------------------------------------------------------------------------------


def clone(task: CaseTask, *, owner=None, due_on=None, status=None, agency=None) -> CaseTask:
    row = CaseTask.objects.get(pk=task.pk)
    row.pk = None
    row.public_id = uuid.uuid4()
    row.owner = owner
    row.status = status or ("ASSIGNED" if owner else "NEW")
    row.due_on = due_on
    if agency is not None:
        row.agency = agency
    row.save()
    return row


def reassign(task, to, at):
    TaskReassignment.objects.create(
        task=task, to_user=to, by=to, reason="Covering annual leave", at=at
    )


@pytest.fixture
def week(cast):
    """MONDAY's week: the caseworker holds 2 tasks due this week and 2 overdue; the manager was
    given 2 tasks last week; the council's queue has 1 unclaimed task due this week and 1 overdue.
    Nothing else is due: the health adviser has nothing."""
    walk = CaseWalk(cast)
    walk.receive()
    first = walk.task("decide_to_assess")
    CaseTask.objects.human().open().update(due_on=None)
    worker, manager = cast.caseworker, cast.manager
    for due in (MONDAY, MONDAY + timedelta(days=6)):  # today and Sunday
        clone(first, owner=worker, due_on=due)
    for due in (MONDAY - timedelta(days=1), date(2026, 11, 1)):  # yesterday, long ago
        clone(first, owner=worker, due_on=due)
    clone(first, owner=worker, due_on=MONDAY + timedelta(days=7))  # next Monday: not this week
    clone(first, owner=worker, due_on=date(2026, 11, 2), status="DONE")  # done: not overdue
    clone(first, due_on=MONDAY + timedelta(days=2), agency=cast.council)  # unclaimed, this week
    clone(first, due_on=MONDAY - timedelta(days=3), agency=cast.council)  # unclaimed, overdue

    later = MONDAY + timedelta(days=20)
    given = [clone(first, owner=manager, due_on=later) for _ in range(3)]
    reassign(given[0], manager, datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))
    reassign(given[0], manager, datetime(2026, 12, 3, 10, 0, tzinfo=LONDON))  # the same task
    reassign(given[1], manager, datetime(2026, 11, 30, 0, 0, tzinfo=LONDON))  # last Monday
    reassign(given[2], manager, datetime(2026, 11, 29, 23, 59, tzinfo=LONDON))  # the week before
    reassign(given[2], manager, datetime(2026, 12, 7, 0, 0, tzinfo=LONDON))  # this week
    # Reassigned to the manager last week, but given to someone else since.
    moved = clone(first, owner=cast.caseworker, due_on=later)
    reassign(moved, manager, datetime(2026, 12, 1, 9, 0, tzinfo=LONDON))
    return walk


def test_the_counts_of_a_known_week(cast, week):
    counts = digest_counts(today=MONDAY)
    assert counts == {
        cast.caseworker.pk: DigestCounts(
            due_this_week=2, overdue=2, team_due_this_week=1, team_overdue=1
        ),
        cast.manager.pk: DigestCounts(reassigned=2, team_due_this_week=1, team_overdue=1),
    }


def test_later_in_the_week_what_fell_due_counts_as_overdue(cast, week):
    thursday = MONDAY + timedelta(days=3)
    counts = digest_counts(today=thursday)
    assert counts[cast.caseworker.pk] == DigestCounts(
        due_this_week=1, overdue=3, team_due_this_week=0, team_overdue=2
    )


def test_the_counts_take_the_same_statements_however_many_people(cast, week):
    with CaptureQueriesContext(connection) as fewer:
        assert len(digest_counts(today=MONDAY)) == 2
    first = CaseTask.objects.human().first()
    for person in (cast.health_adviser, cast.psychologist, cast.social_worker, cast.senco):
        clone(first, owner=person, due_on=MONDAY)
    clone(first, due_on=MONDAY, agency=cast.health)
    with CaptureQueriesContext(connection) as more:
        assert len(digest_counts(today=MONDAY)) == 6
    assert len(fewer.captured_queries) == len(more.captured_queries) == 4


# -- sending ---------------------------------------------------------------------------------------


def send(today=MONDAY):
    with transaction.atomic():
        return digest_send(today=today)


def test_each_person_with_something_gets_one_email_and_one_notice(cast, week):
    assert send() == 2
    rows = Notification.objects.filter(kind=KIND)
    assert {row.recipient for row in rows} == {cast.caseworker, cast.manager}
    mine = rows.get(recipient=cast.caseworker)
    assert mine.key == f"weekly-digest:2026-W50:{cast.caseworker.pk}"
    assert mine.context == {
        "due_this_week": 2,
        "overdue": 2,
        "reassigned": 0,
        "team_due_this_week": 1,
        "team_overdue": 1,
    }
    assert mine.link == "/tasks/"
    notices = Notice.objects.filter(kind=KIND)
    assert {n.recipient for n in notices} == {cast.caseworker, cast.manager}
    assert not Notification.objects.filter(recipient=cast.health_adviser).exists()
    assert WeeklyDigest.objects.get().people == 2


def test_sending_twice_in_a_week_sends_once(cast, week):
    assert send() == 2
    assert send() == 0
    assert send(MONDAY + timedelta(days=4)) == 0  # Friday of the same week
    assert Notification.objects.filter(kind=KIND).count() == 2
    assert Notice.objects.filter(kind=KIND).count() == 2
    # The next week is a new digest.
    assert send(MONDAY + timedelta(days=7)) == 2
    assert Notification.objects.filter(kind=KIND).count() == 4


def test_a_week_already_claimed_by_another_worker_sends_nothing(cast, week):
    WeeklyDigest.objects.create(week_starting=MONDAY, sent_at=datetime(2026, 12, 7, tzinfo=LONDON))
    assert send() == 0
    assert not Notification.objects.filter(kind=KIND).exists()


def test_nobody_gets_a_digest_when_nothing_is_due(cast):
    assert send() == 0
    assert not Notification.objects.exists() and not Notice.objects.exists()
    assert WeeklyDigest.objects.get().people == 0  # the week is done all the same


def test_the_digest_goes_by_the_channels_the_person_chose(cast, week):
    NotificationPreference.objects.create(user=cast.caseworker, kind=KIND, email=False)
    NotificationPreference.objects.create(user=cast.manager, kind=KIND, in_app=False)
    assert send() == 2
    assert list(Notification.objects.filter(kind=KIND).values_list("recipient", flat=True)) == [
        cast.manager.pk
    ]
    assert list(Notice.objects.filter(kind=KIND).values_list("recipient", flat=True)) == [
        cast.caseworker.pk
    ]


def test_a_person_who_switched_both_off_is_not_counted_as_told(cast, week):
    NotificationPreference.objects.create(
        user=cast.caseworker, kind=KIND, email=False, in_app=False
    )
    assert send() == 1
    assert not Notification.objects.filter(recipient=cast.caseworker).exists()


def test_the_message_has_counts_and_a_link_and_no_names(cast, week, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://send.example.gov.uk"
    send()
    notification_send_pending()
    sent = {message.to[0]: message for message in mail.outbox}
    message = sent[cast.caseworker.email]
    assert message.subject == "Your weekly summary of SEND casework"
    assert message.body == (
        "Your SEND casework this week:\n\n"
        "- 2 tasks are overdue\n"
        "- 2 tasks are due this week\n"
        "- 1 task in your team's queue is overdue and nobody has claimed it\n"
        "- 1 task in your team's queue is due this week and nobody has claimed it\n\n"
        "Sign in to see your tasks: https://send.example.gov.uk/tasks/\n\n"
        "This message does not contain any personal details."
    )
    case = week.refresh()
    everything = " ".join(m.subject + " " + m.body for m in mail.outbox)
    for private in (
        cast.caseworker.first_name,
        cast.caseworker.last_name,
        cast.manager.first_name,
        case.child.first_name,
        case.child.last_name,
        case.reference,
    ):
        assert private not in everything
    assert "- 2 tasks were reassigned to you last week\n" in sent[cast.manager.email].body


def test_only_counts_are_rendered_from_a_digests_figures():
    row = Notification(
        kind=KIND,
        email="someone@example.org",
        link="/tasks/",
        context={"overdue": 1, "name": "Jo Bloggs", "due_this_week": "3", "reassigned": True},
    )
    body = notification_message(row).body
    assert "- 1 task is overdue\n" in body
    assert "Jo Bloggs" not in body and "due this week" not in body and "reassigned" not in body
