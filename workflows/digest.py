"""The weekly digest: each person is told, once a week, how many of their tasks are due this week,
how many are overdue, and how many were reassigned to them last week; and how many tasks in their
team's queue nobody has claimed are due this week or overdue.

- **When.** The first tick of each ISO week (Monday, or the next day the service runs if it did
  not run on Monday) sends the week's digests; a `WeeklyDigest` row for the week, written in the
  same transaction, makes every later tick of that week do nothing. Two workers at once: one
  writes the row, the other's insert fails and it sends nothing; a worker killed mid-way rolls
  back, and the next tick sends. Each message's key is per person per ISO week as well, so the
  outbox never holds two.
- **What.** Counts only, in `Notification.context`, and the link to sign in: never a child's
  name, a case reference or who reassigned what (DM-03). The in-app notice says the same by its
  kind. Each person gets them by the channels they chose for WEEKLY_DIGEST.
- **Who.** Active people with something to count. A person with nothing due, overdue or
  reassigned, and no unclaimed work due in a queue they work, gets no digest. Unclaimed tasks
  count for everyone who works that queue (the roles `agencies.models.QUEUE_ROLES` lets claim
  them): nobody else will tell them about work nobody has picked up. A person with no e-mail
  address gets the in-app notice only (a digest is not worth escalating as undeliverable).
- **Cost.** A fixed number of statements for everyone: the counts are grouped by person (or by
  queue), never read person by person.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from agencies.models import QUEUE_ROLES, Membership
from notifications.models import NotificationKind
from notifications.preferences import CHANNEL_FIELDS, channel_annotations, channels_from
from notifications.services import Outgoing, notifications_queue

from .models import OPEN_TASK_STATUSES, CaseTask, TaskReassignment, WeeklyDigest

KIND = NotificationKind.WEEKLY_DIGEST


# -- the week (pure) -------------------------------------------------------------------------------


def week_starting(today: date) -> date:
    """The Monday of `today`'s ISO week."""
    return today - timedelta(days=today.weekday())


def digest_key(*, user_id: int, today: date) -> str:
    """One digest per person per ISO week (the ISO year, which differs from the calendar year
    in the last days of December and the first of January)."""
    year, week, _ = today.isocalendar()
    return f"weekly-digest:{year}-W{week:02d}:{user_id}"


@dataclass(frozen=True)
class DigestCounts:
    due_this_week: int = 0  # theirs, due from today to Sunday
    overdue: int = 0  # theirs, due before today
    reassigned: int = 0  # given to them last week, still theirs and open
    team_due_this_week: int = 0  # unclaimed in a queue they work, due from today to Sunday
    team_overdue: int = 0  # unclaimed in a queue they work, due before today

    def __bool__(self) -> bool:
        return any(asdict(self).values())

    def as_context(self) -> dict[str, int]:
        return asdict(self)


# -- the counts (a fixed number of statements) -------------------------------------------------------


def digest_counts(*, today: date) -> dict[int, DigestCounts]:
    """Every person's counts for the week of `today`, by user id (people with none left out).
    Four statements, however many people and tasks."""
    sunday = week_starting(today) + timedelta(days=6)
    last_monday = week_starting(today) - timedelta(days=7)
    zone = timezone.get_current_timezone()
    since = datetime.combine(last_monday, time.min, tzinfo=zone)
    until = datetime.combine(week_starting(today), time.min, tzinfo=zone)
    counts: dict[int, dict[str, int]] = defaultdict(dict)

    open_steps = CaseTask.objects.human().open().filter(due_on__lte=sunday)
    due = {
        "due": Count("pk", filter=Q(due_on__gte=today)),
        "late": Count("pk", filter=Q(due_on__lt=today)),
    }
    for row in open_steps.filter(owner__isnull=False).values("owner_id").annotate(**due):
        counts[row["owner_id"]].update(due_this_week=row["due"], overdue=row["late"])

    for row in (
        TaskReassignment.objects.filter(
            at__gte=since,
            at__lt=until,
            task__owner_id=F("to_user_id"),
            task__status__in=OPEN_TASK_STATUSES,
        )
        .values("to_user_id")
        .annotate(n=Count("task_id", distinct=True))
    ):
        counts[row["to_user_id"]]["reassigned"] = row["n"]

    queues = {
        row["agency_id"]: row
        for row in open_steps.filter(owner__isnull=True, agency__isnull=False)
        .values("agency_id")
        .annotate(**due)
    }
    if queues:
        team: dict[int, set[int]] = defaultdict(set)
        for user_id, agency_id, role, agency_kind in (
            Membership.objects.active()
            .filter(agency_id__in=list(queues))
            .values_list("user_id", "agency_id", "role", "agency__kind")
        ):
            if role in QUEUE_ROLES.get(agency_kind, frozenset()):
                team[user_id].add(agency_id)  # once per queue, whatever their roles in it
        for user_id, agencies in team.items():
            counts[user_id]["team_due_this_week"] = sum(queues[a]["due"] for a in agencies)
            counts[user_id]["team_overdue"] = sum(queues[a]["late"] for a in agencies)

    found = {user_id: DigestCounts(**figures) for user_id, figures in counts.items()}
    return {user_id: figures for user_id, figures in found.items() if figures}


# -- sending -----------------------------------------------------------------------------------------


def digest_send(*, today: date, now: datetime | None = None) -> int:
    """Queue this week's digests, unless they were queued already this week; returns how many
    people were sent one (0 when already done). The tick's sender, which runs next, sends them."""
    week = week_starting(today)
    if WeeklyDigest.objects.filter(week_starting=week).exists():
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = WeeklyDigest.objects.create(week_starting=week, sent_at=now)
        except IntegrityError:
            return 0  # another worker is sending (or has sent) this week's
        counts = digest_counts(today=today)
        people = (
            get_user_model()
            .objects.filter(pk__in=list(counts), is_active=True)
            .annotate(**channel_annotations(kind=KIND))
            .values("pk", "email", *CHANNEL_FIELDS)
        )
        link = reverse("workflows:inbox")
        events = []
        for person in people:
            channels = channels_from(person)
            emailed = channels.email and bool(person["email"])
            run.people += emailed or channels.in_app
            events.append(
                Outgoing(
                    kind=KIND,
                    link=link,
                    key=digest_key(user_id=person["pk"], today=today),
                    # No address: the in-app notice only (a digest is not worth escalating).
                    recipients=[(person["pk"], person["email"])] if emailed else [],
                    notice_user_ids=[person["pk"]],
                    context=counts[person["pk"]].as_context(),
                    channels={person["pk"]: channels},
                )
            )
        # The tick's sender, which runs next, sends them.
        notifications_queue(events, send_after_commit=False)
        run.save(update_fields=["people"])
    return run.people
