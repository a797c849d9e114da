"""Read-side queries for information governance: access reports, the disclosure log, the review
queue and the incident register. Each runs a fixed number of queries however many rows match."""

import json
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Count, Max, Min, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import (
    AccessEvent,
    AccessWhat,
    BreakGlassAttempt,
    BreakGlassGrant,
    BreakGlassOutcome,
    Child,
    Disclosure,
    SecurityIncident,
)


def _json_list_contains(table: str, column: str, value) -> RawSQL:
    """`column` (a JSON list) holds `value`: one indexed-friendly condition on PostgreSQL, a
    json_each scan on SQLite (whose JSONField has no `contains` lookup)."""
    if connection.vendor == "postgresql":
        return RawSQL(f'"{table}"."{column}" @> %s::jsonb', (json.dumps([value]),), output_field=BooleanField())
    return RawSQL(
        f'EXISTS (SELECT 1 FROM json_each("{table}"."{column}") AS item WHERE item.value = %s)',
        (value,),
        output_field=BooleanField(),
    )


def access_events_for_child(child: Child, *, start: datetime, end: datetime) -> QuerySet[AccessEvent]:
    """Everyone who saw this child's record in [start, end): record pages, documents, reports,
    and the list pages that listed the child."""
    listed = _json_list_contains(AccessEvent._meta.db_table, "child_ids", child.pk)
    return (
        AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .filter(Q(child=child) | Q(listed))
        .select_related("user", "agency", "case", "break_glass")
        .order_by("occurred_at", "pk")
    )


def access_events_by_user(user, *, start: datetime, end: datetime) -> QuerySet[AccessEvent]:
    """Every child record this person saw in [start, end)."""
    return (
        AccessEvent.objects.filter(user=user, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("user", "agency", "case", "child", "break_glass")
        .order_by("occurred_at", "pk")
    )


def children_listed(events) -> dict[int, Child]:
    """The children named by list events (one query), for showing who was on each list."""
    ids = {pk for event in events if event.what == AccessWhat.LIST for pk in event.child_ids}
    return Child.objects.in_bulk(ids) if ids else {}


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
    return SecurityIncident.objects.select_related("recorded_by", "decided_by").order_by("-aware_at", "-pk")


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
