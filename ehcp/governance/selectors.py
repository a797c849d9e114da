"""Read-side queries for information governance: access reports, the disclosure log, the review
queue and the incident register. Each runs a fixed number of queries however many rows match."""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, connections
from django.db.models import BooleanField, Count, Max, Min, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.utils import timezone

from agencies.models import DataType, Role
from ehcp.children.models import Child
from ehcp.governance.models import (
    AccessEvent,
    AccessRelationship,
    AccessWhat,
    BreakGlassAttempt,
    BreakGlassGrant,
    BreakGlassOutcome,
    Disclosure,
    SecurityIncident,
    Severity,
)


def _json_list_contains(table: str, column: str, value) -> RawSQL:
    """`column` (a JSON list) holds `value`: one indexed-friendly condition on PostgreSQL, a
    json_each scan on SQLite (whose JSONField has no `contains` lookup)."""
    if connection.vendor == "postgresql":
        return RawSQL(
            f'"{table}"."{column}" @> %s::jsonb',
            (json.dumps([value]),),
            output_field=BooleanField(),
        )
    return RawSQL(
        f'EXISTS (SELECT 1 FROM json_each("{table}"."{column}") AS item WHERE item.value = %s)',
        (value,),
        output_field=BooleanField(),
    )


def access_events_for_child(
    child: Child, *, start: datetime, end: datetime
) -> QuerySet[AccessEvent]:
    """Everyone who saw this child's record in [start, end): record pages, documents, reports,
    and the list pages that listed the child."""
    listed = _json_list_contains(AccessEvent._meta.db_table, "child_ids", child.pk)
    return (
        AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .filter(Q(child=child) | Q(listed))
        .select_related("user", "agency", "case", "child", "break_glass")
        .order_by("occurred_at", "pk")
    )


def access_events_by_user(user, *, start: datetime, end: datetime) -> QuerySet[AccessEvent]:
    """Every child record this person saw in [start, end)."""
    return (
        AccessEvent.objects.filter(user=user, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("user", "agency", "case", "child", "break_glass")
        .order_by("occurred_at", "pk")
    )


#: A page opened under a grant just before it expired may write its event a moment after.
GRANT_EVENTS_SLACK = timedelta(days=1)


def break_glass_access_events(grant: BreakGlassGrant) -> QuerySet[AccessEvent]:
    """What was seen under an emergency access grant. The grant's events are written from its
    grant to its expiry; the bound on `occurred_at` (with a day's slack after the expiry, so no
    late-written event is hidden) lets PostgreSQL read only the grant's monthly partitions."""
    return (
        grant.access_events.filter(
            occurred_at__gte=grant.granted_at,
            occurred_at__lt=grant.expires_at + GRANT_EVENTS_SLACK,
        )
        .select_related("case")
        .order_by("occurred_at", "pk")
    )


def children_listed(events) -> dict[int, Child]:
    """The children named by list events (one query), for showing who was on each list."""
    ids = {pk for event in events if event.what == AccessWhat.LIST for pk in event.child_ids}
    return Child.objects.in_bulk(ids) if ids else {}


def access_days(events: QuerySet[AccessEvent]) -> QuerySet:
    """The report's rows without their contents: one (user_id, day, first_at) per person per
    local day of `events`, in the report's order (day, first access, person). One grouped query,
    so a page of them (and their count, the paginator's) costs the same however many events."""
    day = TruncDate("occurred_at", tzinfo=timezone.get_current_timezone())
    return (
        events.order_by()
        .values("user_id", day=day)
        .annotate(first_at=Min("occurred_at"))
        .order_by("day", "first_at", "user_id")
    )


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first moment of the local day `day` and of the day after (23, 24 or 25 hours on)."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(day, time.min), zone),
        timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone),
    )


def access_events_on_days(events: QuerySet[AccessEvent], days) -> QuerySet[AccessEvent]:
    """The events of `events` in the (user_id, day) groups `days` (rows of `access_days`): what a
    page of the report shows, read by the person's index on (user, occurred_at)."""
    if not days:
        return events.none()
    bounds = {(row["user_id"], row["day"]): _day_bounds(row["day"]) for row in days}
    on_days = Q()
    for (user_id, _), (since, until) in bounds.items():
        on_days |= Q(user_id=user_id, occurred_at__gte=since, occurred_at__lt=until)
    return events.filter(
        on_days,
        occurred_at__gte=min(since for since, _ in bounds.values()),
        occurred_at__lt=max(until for _, until in bounds.values()),
    )


def _listed_child_ids(events: QuerySet[AccessEvent]) -> set[int]:
    """The distinct children named by the list events of `events`, in one query on the database
    `events` reads from (the replica in a report), without loading the events."""
    lists = events.filter(what=AccessWhat.LIST).order_by().values("child_ids")
    alias = lists.db
    sql, params = lists.query.get_compiler(using=alias).as_sql()
    if connections[alias].vendor == "postgresql":
        query = (
            "SELECT DISTINCT (item.value)::bigint FROM "
            f"({sql}) AS lists CROSS JOIN LATERAL jsonb_array_elements_text(lists.child_ids) AS item"
        )
    else:
        query = (
            f"SELECT DISTINCT item.value FROM ({sql}) AS lists, json_each(lists.child_ids) AS item"
        )
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        return {int(pk) for (pk,) in cursor.fetchall()}


def children_listed_in(events: QuerySet[AccessEvent]) -> dict[int, Child]:
    """The children named by the list events of `events` (for the download of every event)."""
    ids = _listed_child_ids(events)
    return Child.objects.in_bulk(ids) if ids else {}


def children_seen(events: QuerySet[AccessEvent]) -> set[int]:
    """The ids of every child `events` showed: their records and the lists that named them (the
    report's own audit row names them all), from aggregate queries, not the events."""
    seen = set(events.order_by().exclude(child=None).values_list("child_id", flat=True).distinct())
    listed = _listed_child_ids(events) - seen
    if listed:
        seen |= set(Child.objects.filter(pk__in=listed).values_list("pk", flat=True))
    return seen


def disclosures_of_field(child: Child, field: str) -> QuerySet[Disclosure]:
    """Who received field `field` about `child`, and when (AU-04; UK GDPR Art 19)."""
    sent = _json_list_contains(Disclosure._meta.db_table, "fields", field)
    return (
        Disclosure.objects.filter(child=child)
        .filter(sent)
        .select_related("recipient", "recipient_person", "shared_by")
        .order_by("shared_at", "pk")
    )


def break_glass_review_queue() -> QuerySet[BreakGlassGrant]:
    """Break-glass access not yet reviewed, oldest first."""
    return (
        BreakGlassGrant.objects.filter(reviewed_at__isnull=True)
        .select_related("case", "user")
        .order_by("granted_at", "pk")
    )


def incident_list() -> QuerySet[SecurityIncident]:
    return SecurityIncident.objects.select_related("recorded_by", "decided_by").order_by(
        "-aware_at", "-pk"
    )


def break_glass_refusals_by_person(*, since: datetime) -> list[dict]:
    """Refused requests for emergency access since `since`, one row per person with how many of
    each kind and the first and last time, most recent first (one query; rows are people)."""
    refused = [
        BreakGlassOutcome.NOT_MATCHED,
        BreakGlassOutcome.NOT_ALLOWED,
        BreakGlassOutcome.LIMITED,
    ]
    return list(
        BreakGlassAttempt.objects.filter(attempted_at__gte=since, outcome__in=refused)
        .values("user_id", "user__username", "user__first_name", "user__last_name")
        .annotate(
            not_matched=Count("pk", filter=Q(outcome=BreakGlassOutcome.NOT_MATCHED)),
            not_allowed=Count("pk", filter=Q(outcome=BreakGlassOutcome.NOT_ALLOWED)),
            limited=Count("pk", filter=Q(outcome=BreakGlassOutcome.LIMITED)),
            first_at=Min("attempted_at"),
            last_at=Max("attempted_at"),
        )
        .order_by("-last_at", "user_id")
    )


# -- the access report at real volume: grouped by person and day, with human labels -------------


def _label(choices, code: str) -> str:
    """The human label of a stored code; the code itself if it is no longer one of the choices."""
    return dict(choices).get(code, code)


def role_labels(codes) -> list[str]:
    return [_label(Role.choices, code) for code in codes]


def data_type_labels(codes) -> list[str]:
    return [_label(DataType.choices, code) for code in codes]


@dataclass
class AccessDay:
    """Everything one person saw on one (UK local) day, in one row of the report."""

    user: object
    day: date
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    roles: set = field(default_factory=set)
    agencies: dict = field(default_factory=dict)  # id -> name
    what: Counter = field(default_factory=Counter)  # label -> count
    relationships: set = field(default_factory=set)
    data_types: set = field(default_factory=set)
    cases: dict = field(default_factory=dict)  # reference -> child's name
    listed: set = field(default_factory=set)  # child ids named by list pages
    high: bool = False
    break_glass_reasons: set = field(default_factory=set)

    @property
    def role_labels(self) -> list[str]:
        return sorted(role_labels(self.roles))

    @property
    def data_type_labels(self) -> list[str]:
        order = {code: n for n, code in enumerate(DataType.values)}
        return data_type_labels(
            sorted(self.data_types, key=lambda code: order.get(code, len(order)))
        )

    @property
    def relationship_labels(self) -> list[str]:
        return sorted(_label(AccessRelationship.choices, code) for code in self.relationships)

    @property
    def what_summary(self) -> list[tuple[str, int]]:
        return sorted(self.what.items())


def access_by_person_and_day(events) -> list[AccessDay]:
    """Group access events (with user, agency, case, child and break_glass selected) into one row
    per person per local day, ordered by day and then by the first access that day."""
    groups: dict[tuple[int, date], AccessDay] = {}
    for event in events:
        when = timezone.localtime(event.occurred_at)
        row = groups.get((event.user_id, when.date()))
        if row is None:
            row = groups[(event.user_id, when.date())] = AccessDay(user=event.user, day=when.date())
        row.count += 1
        row.first_at = min(row.first_at or when, when)
        row.last_at = max(row.last_at or when, when)
        row.roles.update(event.roles)
        if event.agency_id:
            row.agencies[event.agency_id] = event.agency.name
        row.what[event.get_what_display()] += 1
        row.relationships.add(event.relationship)
        row.data_types.update(event.data_types)
        if event.case_id:
            row.cases[event.case.reference] = event.child.full_name if event.child_id else ""
        row.listed.update(event.child_ids)
        row.high = row.high or event.severity == Severity.HIGH
        if event.break_glass_id:
            row.break_glass_reasons.add(event.break_glass.get_reason_display())
    return sorted(groups.values(), key=lambda row: (row.day, row.first_at, row.user.pk))


CSV_HEADER = [
    "When (UK time)",
    "Person",
    "Username",
    "Roles",
    "Agency",
    "What",
    "Case reference",
    "Child or young person",
    "Children listed",
    "Relationship",
    "Information shown",
    "Break-glass reason",
    "Severity",
    "Request id",
    "IP address",
]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def access_csv_rows(events, listed: dict):
    """The ungrouped access events as CSV rows (header first), with human labels.
    `listed` maps child id -> Child for the children named by list pages."""
    yield CSV_HEADER
    for event in events:
        names = [listed[pk].full_name for pk in event.child_ids if pk in listed]
        yield [
            _cell(value)
            for value in (
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                event.user.get_full_name() or event.user.username,
                event.user.username,
                "; ".join(role_labels(event.roles)),
                event.agency.name if event.agency_id else "",
                event.get_what_display(),
                event.case.reference if event.case_id else "",
                event.child.full_name if event.child_id else "",
                "; ".join(names),
                event.get_relationship_display(),
                "; ".join(data_type_labels(event.data_types)),
                event.break_glass.get_reason_display() if event.break_glass_id else "",
                event.get_severity_display(),
                event.request_id,
                event.ip or "",
            )
        ]
