"""A person's choice of channels per kind, and what the council requires: read where messages are
queued (folded into the query that finds the recipients), shown and saved on the person's
preferences page. The rules themselves are in notifications.rules.preferences."""

from django.db import transaction
from django.db.models import Exists, OuterRef

from agencies.models import Membership

from .models import NotificationPreference, NotificationRequirement
from .rules.preferences import (
    NONE_REQUIRED,
    Channels,
    Work,
    channels_for,
    kinds_for,
    refused_channels,
)


class RequiredChannelRefused(ValueError):
    """A choice switched off a channel the council requires; nothing was saved."""

    def __init__(self, refused: dict[str, list[str]]):
        super().__init__(f"Required channels switched off: {refused}")
        self.refused = refused  # kind -> ["email", "in_app"]


# -- read where messages are queued --------------------------------------------------------------

CHANNEL_FIELDS = ("pref_email_off", "pref_in_app_off", "req_email", "req_in_app")


def channel_annotations(*, kind: str, user_ref: str = "pk") -> dict:
    """Annotations that give, for each row of a query about people, how a message of `kind`
    reaches them (`channels_from(row)`): so the choice costs no statement of its own."""
    mine = NotificationPreference.objects.filter(user_id=OuterRef(user_ref), kind=kind)
    return {
        "pref_email_off": Exists(mine.filter(email=False)),
        "pref_in_app_off": Exists(mine.filter(in_app=False)),
        **_required_annotations(kind),
    }


def _required_annotations(kind: str) -> dict:
    required = NotificationRequirement.objects.filter(kind=kind)
    return {
        "req_email": Exists(required.filter(email_required=True)),
        "req_in_app": Exists(required.filter(in_app_required=True)),
    }


def channels_from(row: dict) -> Channels:
    """The channels for one annotated row (`channel_annotations`)."""
    return channels_for(
        Channels(email=not row["pref_email_off"], in_app=not row["pref_in_app_off"]),
        Channels(email=row["req_email"], in_app=row["req_in_app"]),
    )


def channels_get(*, kind: str, user_ids) -> dict[int, Channels]:
    """How a message of `kind` reaches each of these people, in one statement (none for nobody).
    For callers whose recipients were found without `channel_annotations`."""
    user_ids = {pk for pk in user_ids if pk is not None}
    if not user_ids:
        return {}
    rows = (
        NotificationPreference.objects.filter(kind=kind, user_id__in=user_ids)
        .annotate(**_required_annotations(kind))
        .values("user_id", "email", "in_app", "req_email", "req_in_app")
    )
    found = {
        row["user_id"]: channels_for(
            Channels(email=row["email"], in_app=row["in_app"]),
            Channels(email=row["req_email"], in_app=row["req_in_app"]),
        )
        for row in rows
    }
    # No row: both channels (nothing switched off, so nothing required matters).
    return {pk: found.get(pk, Channels()) for pk in user_ids}


# -- the person's page -----------------------------------------------------------------------------


def requirements_get() -> dict[str, Channels]:
    """What the council requires, per kind (a kind not listed requires nothing)."""
    return {
        row.kind: Channels(email=row.email_required, in_app=row.in_app_required)
        for row in NotificationRequirement.objects.all()
    }


def preferences_get(user) -> dict[str, Channels]:
    """The person's recorded choices, per kind (a kind not listed: both channels)."""
    return {
        row.kind: Channels(email=row.email, in_app=row.in_app)
        for row in NotificationPreference.objects.filter(user=user)
    }


def preference_kinds_for(user, *, chosen=()) -> list[str]:
    """The kinds the person is asked about: from their active memberships (rules.kinds_for),
    and any kind they already chose for."""
    work = [
        Work(agency_kind=agency_kind, role=role, is_agency_manager=manager)
        for agency_kind, role, manager in Membership.objects.active()
        .filter(user=user)
        .values_list("agency__kind", "role", "is_agency_manager")
    ]
    return kinds_for(work, also=chosen)


def preferences_save(*, user, choices: dict[str, Channels]) -> list[str]:
    """Record the person's choices; returns the kinds that changed. A choice that switches off a
    channel the council requires is refused (RequiredChannelRefused) and nothing is saved. Each
    change is a history record (who, when), written by the row's save."""
    with transaction.atomic():
        required = requirements_get()
        refused = {
            kind: names
            for kind, chosen in choices.items()
            if (names := refused_channels(chosen, required.get(kind, NONE_REQUIRED)))
        }
        if refused:
            raise RequiredChannelRefused(refused)
        rows = {
            row.kind: row
            for row in NotificationPreference.objects.select_for_update().filter(
                user=user, kind__in=list(choices)
            )
        }
        changed = []
        for kind, chosen in choices.items():
            row = rows.get(kind)
            if row is None:
                if chosen == Channels():
                    continue  # no row already means both channels
                row = NotificationPreference(user=user, kind=kind)
            elif (row.email, row.in_app) == (chosen.email, chosen.in_app):
                continue
            row.email, row.in_app = chosen.email, chosen.in_app
            row._change_reason = "Changed by the person on their preferences page"
            row.save()
            changed.append(kind)
    return changed
