"""A person's channels per kind, within what the council requires (no database)."""

import pytest

from agencies.models import AgencyKind, Role
from notifications.models import NotificationKind as Kind
from notifications.rules.preferences import (
    GROUPS,
    NONE_REQUIRED,
    Channels,
    Work,
    channels_for,
    kinds_for,
    refusal_message,
    refused_channels,
)

OFF = Channels(email=False, in_app=False)
EMAIL_ONLY = Channels(email=True, in_app=False)
IN_APP_ONLY = Channels(email=False, in_app=True)


@pytest.mark.parametrize(
    ("chosen", "required", "expected"),
    [
        (None, NONE_REQUIRED, Channels()),  # no choice recorded: both
        (IN_APP_ONLY, NONE_REQUIRED, IN_APP_ONLY),
        (EMAIL_ONLY, NONE_REQUIRED, EMAIL_ONLY),
        (OFF, NONE_REQUIRED, OFF),
        (IN_APP_ONLY, EMAIL_ONLY, Channels()),  # e-mail required: back on
        (OFF, EMAIL_ONLY, EMAIL_ONLY),
        (OFF, Channels(), Channels()),
        (EMAIL_ONLY, IN_APP_ONLY, Channels()),
    ],
)
def test_a_required_channel_is_used_whatever_was_chosen(chosen, required, expected):
    assert channels_for(chosen, required) == expected


@pytest.mark.parametrize(
    ("chosen", "required", "refused"),
    [
        (Channels(), EMAIL_ONLY, []),
        (IN_APP_ONLY, EMAIL_ONLY, ["email"]),
        (OFF, Channels(), ["email", "in_app"]),
        (EMAIL_ONLY, IN_APP_ONLY, ["in_app"]),
        (OFF, NONE_REQUIRED, []),
    ],
)
def test_switching_off_a_required_channel_is_refused(chosen, required, refused):
    assert refused_channels(chosen, required) == refused


def test_the_refusal_says_what_is_required_and_what_to_do():
    message = refusal_message("email", "A statutory date has been missed")
    assert message == (
        "The council requires e-mail for “A statutory date has been missed”: keep e-mail ticked"
    )


def test_every_kind_is_in_exactly_one_group_of_the_page():
    grouped = [kind for group in GROUPS for kind in group.kinds]
    assert sorted(grouped) == sorted(Kind.values)


CASEWORKER = Work(AgencyKind.SEN_TEAM, Role.CASEWORKER)
SEN_MANAGER = Work(AgencyKind.SEN_TEAM, Role.SEN_MANAGER)
HEALTH_ADVISER = Work(AgencyKind.HEALTH, Role.HEALTH_ADVISER)
HEALTH_MANAGER = Work(AgencyKind.HEALTH, Role.HEALTH_ADVISER, is_agency_manager=True)
SENCO = Work(AgencyKind.SCHOOL, Role.SENCO)
IG_LEAD = Work(AgencyKind.SEN_TEAM, Role.IG_LEAD)
PANEL_MEMBER = Work(AgencyKind.SEN_TEAM, Role.PANEL_MEMBER)

TASKS = {Kind.TASK_ASSIGNED, Kind.TASK_DUE_SOON, Kind.TASK_OVERDUE, Kind.WEEKLY_DIGEST}
ADVISER = {
    Kind.ADVICE_REQUESTED,
    Kind.ADVICE_CHASED,
    Kind.ADVICE_RETURNED,
    Kind.ADVICE_MORE_TIME_DECIDED,
    Kind.ADVICE_CANCELLED,
}
COUNCIL = {Kind.ADVICE_SUBMITTED, Kind.ADVICE_MORE_TIME}
LOCKED = {Kind.SIGN_IN_LOCKED_OUT}


@pytest.mark.parametrize(
    ("work", "expected"),
    [
        ([], LOCKED),
        ([PANEL_MEMBER], LOCKED),
        ([CASEWORKER], TASKS | COUNCIL | LOCKED),
        (
            [SEN_MANAGER],
            TASKS
            | COUNCIL
            | LOCKED
            | {
                Kind.TASK_ESCALATED,
                Kind.MESSAGE_UNDELIVERABLE,
                Kind.STATUTORY_AT_RISK,
                Kind.STATUTORY_MISSED,
            },
        ),
        ([HEALTH_ADVISER], TASKS | ADVISER | LOCKED),
        (
            [HEALTH_MANAGER],
            TASKS | ADVISER | LOCKED | {Kind.TASK_ESCALATED, Kind.MESSAGE_UNDELIVERABLE},
        ),
        ([SENCO], TASKS | ADVISER | LOCKED),
        ([IG_LEAD], LOCKED | {Kind.BREAK_GLASS_GRANTED, Kind.BREAK_GLASS_STOPPED}),
        ([CASEWORKER, HEALTH_ADVISER], TASKS | COUNCIL | ADVISER | LOCKED),
    ],
)
def test_a_person_is_asked_about_the_kinds_their_work_can_bring(work, expected):
    assert set(kinds_for(work)) == expected


def test_a_kind_already_chosen_is_still_shown_after_a_change_of_role():
    assert Kind.ADVICE_REQUESTED in kinds_for([CASEWORKER], also=[Kind.ADVICE_REQUESTED])


def test_kinds_come_in_the_order_of_the_page():
    order = [kind for group in GROUPS for kind in group.kinds]
    shown = kinds_for([SEN_MANAGER, HEALTH_ADVISER])
    assert shown == sorted(shown, key=order.index)
