"""How a person is told of each kind of event: their own choice of channels, within what the
council requires (pure: no ORM, no clock).

A person chooses, per kind, e-mail on or off and in-app on or off; with no choice recorded both
are on. The council may require a channel for a kind (for example e-mail for a missed statutory
date): a required channel is used whatever the person chose, and switching it off is refused with
the reason, never silently ignored.

Which kinds a person is asked about follows from their work (`kinds_for`): the kinds that can
reach them through their memberships, and the security alert that can reach anyone.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from agencies.models import QUEUE_ROLES, AgencyKind, Role

from ..models import NotificationKind as Kind


@dataclass(frozen=True)
class Channels:
    email: bool = True
    in_app: bool = True


#: No choice recorded: both channels. Also "nothing required" is Channels(False, False).
EVERY = Channels()
NONE_REQUIRED = Channels(email=False, in_app=False)

CHANNEL_NAMES = {"email": "e-mail", "in_app": "in-app notifications"}


def channels_for(chosen: Channels | None, required: Channels = NONE_REQUIRED) -> Channels:
    """The channels a message of one kind goes by: the person's choice (both if they made none),
    with every channel the council requires switched back on."""
    chosen = chosen or EVERY
    return Channels(email=chosen.email or required.email, in_app=chosen.in_app or required.in_app)


def refused_channels(chosen: Channels, required: Channels) -> list[str]:
    """The required channels the person has switched off ("email", "in_app"): a choice that
    switches off a required channel is refused, and these are the reasons."""
    return [
        name
        for name in ("email", "in_app")
        if getattr(required, name) and not getattr(chosen, name)
    ]


def refusal_message(channel: str, kind_label: str) -> str:
    """The error shown for a required channel switched off (GOV.UK style: what to do)."""
    return (
        f"The council requires {CHANNEL_NAMES[channel]} for “{kind_label}”: "
        f"keep {CHANNEL_NAMES[channel]} ticked"
    )


# -- who is asked about which kinds --------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """One of a person's active memberships, as far as notifications care."""

    agency_kind: str
    role: str
    is_agency_manager: bool = False

    @property
    def works_queue(self) -> bool:
        return self.role in QUEUE_ROLES.get(self.agency_kind, frozenset())


@dataclass(frozen=True)
class Group:
    title: str
    kinds: tuple[str, ...]


# The groups the preferences page shows, in order; each kind in exactly one group.
GROUPS = (
    Group(
        "Your tasks",
        (Kind.TASK_ASSIGNED, Kind.TASK_DUE_SOON, Kind.TASK_OVERDUE, Kind.WEEKLY_DIGEST),
    ),
    Group(
        "Advice for EHC needs assessments",
        (
            Kind.ADVICE_REQUESTED,
            Kind.ADVICE_CHASED,
            Kind.ADVICE_RETURNED,
            Kind.ADVICE_MORE_TIME_DECIDED,
            Kind.ADVICE_CANCELLED,
            Kind.ADVICE_SUBMITTED,
            Kind.ADVICE_MORE_TIME,
        ),
    ),
    Group(
        "Escalations",
        (
            Kind.TASK_ESCALATED,
            Kind.MESSAGE_UNDELIVERABLE,
            Kind.STATUTORY_AT_RISK,
            Kind.STATUTORY_MISSED,
        ),
    ),
    Group(
        "Security",
        (Kind.SIGN_IN_LOCKED_OUT, Kind.BREAK_GLASS_GRANTED, Kind.BREAK_GLASS_STOPPED),
    ),
)

# Told to the council's casework queue (advice came in, an adviser asks for more time).
_COUNCIL_KINDS = frozenset({Kind.ADVICE_SUBMITTED, Kind.ADVICE_MORE_TIME})
# Told to the queue of the agency whose advice is asked for (a partner or a school).
_ADVISER_KINDS = frozenset(
    {
        Kind.ADVICE_REQUESTED,
        Kind.ADVICE_CHASED,
        Kind.ADVICE_RETURNED,
        Kind.ADVICE_MORE_TIME_DECIDED,
        Kind.ADVICE_CANCELLED,
    }
)
_QUEUE_KINDS = frozenset(GROUPS[0].kinds)
_MANAGER_KINDS = frozenset({Kind.TASK_ESCALATED, Kind.MESSAGE_UNDELIVERABLE})
_SEN_MANAGER_KINDS = frozenset({Kind.STATUTORY_AT_RISK, Kind.STATUTORY_MISSED})
_IG_KINDS = frozenset({Kind.BREAK_GLASS_GRANTED, Kind.BREAK_GLASS_STOPPED})


def _reaches(kind: str, work: Work) -> bool:
    if kind in _QUEUE_KINDS:
        return work.works_queue
    if kind in _COUNCIL_KINDS:
        return work.works_queue and work.agency_kind == AgencyKind.SEN_TEAM
    if kind in _ADVISER_KINDS:
        return work.works_queue and work.agency_kind != AgencyKind.SEN_TEAM
    if kind in _MANAGER_KINDS:
        # An agency names its managers; a council's SEN managers manage its SEN team by role.
        return work.is_agency_manager or work.role == Role.SEN_MANAGER
    if kind in _SEN_MANAGER_KINDS:
        return work.role == Role.SEN_MANAGER
    if kind in _IG_KINDS:
        return work.role == Role.IG_LEAD
    return False


def kinds_for(work: Iterable[Work], *, also: Iterable[str] = ()) -> list[str]:
    """The kinds a person is asked about, in the page's order: those that can reach them through
    any of their memberships, the sign-in alert (anyone's account can be locked), and `also`
    (kinds they already made a choice for, so a choice made in an earlier role can be undone)."""
    work = list(work)
    also = set(also)
    return [
        kind
        for group in GROUPS
        for kind in group.kinds
        if kind == Kind.SIGN_IN_LOCKED_OUT or kind in also or any(_reaches(kind, w) for w in work)
    ]
