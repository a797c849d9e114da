"""Times, dates with times and due days read the GOV.UK way, in pages and messages."""

from datetime import UTC, datetime, time

import pytest
from django.template import Context, Template

from ehcp import display


@pytest.mark.parametrize(
    "value, expected",
    [
        (time(4, 26), "4:26am"),
        (time(12, 5), "12:05pm"),
        (time(16, 45), "4:45pm"),
        (time(0, 30), "12:30am"),
        (time(23, 59), "11:59pm"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (None, ""),
    ],
)
def test_clock(value, expected):
    assert display.clock(value) == expected


def test_an_aware_time_is_shown_in_the_service_time_zone():
    # 15:26 UTC on 1 July is 4:26pm in London (BST); on 1 December it is 3:26pm (GMT).
    assert display.clock(datetime(2026, 7, 1, 15, 26, tzinfo=UTC)) == "4:26pm"
    assert display.date_and_time(datetime(2026, 12, 1, 15, 26, tzinfo=UTC)) == "1 Dec 2026, 3:26pm"
    assert (
        display.date_and_time(datetime(2026, 7, 1, 3, 26, tzinfo=UTC), "j F Y")
        == "1 July 2026, 4:26am"
    )


@pytest.mark.parametrize(
    "days, expected",
    [
        (-17, "17 days late"),
        (-1, "1 day late"),
        (0, "Due today"),
        (1, "1 day left"),
        (3, "3 days left"),
    ],
)
def test_days_to_due(days, expected):
    assert display.days_to_due(days) == expected


def test_the_template_filters():
    template = Template(
        "{% load send_display %}{{ at|when }} | {{ at|clock }} | {{ late|days_to_due }}"
        ' | {{ none|when|default:"Not yet" }}'
    )
    at = datetime(2026, 11, 30, 4, 26, tzinfo=UTC)
    assert template.render(Context({"at": at, "late": -17, "none": None})) == (
        "30 Nov 2026, 4:26am | 4:26am | 17 days late | Not yet"
    )


def test_role_codes_read_as_their_names():
    assert display.role_labels(["CASEWORKER", "SEN_MANAGER"]) == "SEND caseworker, SEN manager"
    assert (
        display.role_labels(["IG_LEAD", "RETIRED_ROLE"])
        == "Information governance lead, RETIRED_ROLE"
    )
    assert display.role_labels([]) == ""
