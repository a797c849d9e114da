"""Dates and times on pages are in the GOV.UK style (issue 7, item 8). No database."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from ehcp.common.formats import govuk_date, govuk_datetime, govuk_time

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2026, 3, 12), "12 March 2026"),
        (date(2027, 1, 1), "1 January 2027"),
        (datetime(2026, 10, 5, 23, 30, tzinfo=UTC), "6 October 2026"),  # 00:30 in London (BST)
        (None, ""),
        ("", ""),
    ],
)
def test_dates_are_day_month_in_full_and_year(value, shown):
    assert govuk_date(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (time(4, 26), "4:26am"),
        (time(17, 30), "5:30pm"),
        (time(17, 0), "5pm"),
        (time(9, 5), "9:05am"),
        (time(12, 0), "midday"),
        (time(0, 0), "midnight"),
        (time(12, 1), "12:01pm"),
        (time(0, 30), "12:30am"),
        (datetime(2026, 7, 1, 3, 26, tzinfo=UTC), "4:26am"),  # British Summer Time
        (datetime(2026, 12, 1, 3, 26, tzinfo=UTC), "3:26am"),  # Greenwich Mean Time
        (None, ""),
    ],
)
def test_times_use_am_and_pm_midday_and_midnight(value, shown):
    assert govuk_time(value) == shown


def test_date_and_time_together():
    assert govuk_datetime(datetime(2027, 3, 12, 16, 45, tzinfo=UTC)) == "12 March 2027 at 4:45pm"
    assert govuk_datetime(date(2027, 3, 12)) == "12 March 2027"
    assert govuk_datetime(None) == ""


def test_templates_use_the_same_filters():
    rendered = Template(
        "{% load govuk_dates %}{{ d|govuk_date }}|{{ t|govuk_time }}|{{ dt|govuk_datetime|default:'Not yet' }}"
    ).render(Context({"d": date(2026, 3, 12), "t": time(4, 26), "dt": None}))
    assert rendered == "12 March 2026|4:26am|Not yet"
