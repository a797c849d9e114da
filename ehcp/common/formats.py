"""Dates and times in the GOV.UK style: "12 March 2026", "4:26am", "5pm", "midday", "midnight".

`govuk_datetime` gives "12 March 2026 at 4:26am". Aware datetimes are shown in the council's
time zone. An empty value gives an empty string. Templates use them as filters:
{% load govuk_dates %} then {{ value|govuk_date }}, {{ value|govuk_time }}, {{ value|govuk_datetime }}.
"""

from datetime import date, datetime, time

from django.utils import timezone


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def govuk_date(value) -> str:
    if not isinstance(value, date):
        return ""
    value = _local(value)
    return f"{value.day} {value:%B %Y}"


def govuk_time(value) -> str:
    if not isinstance(value, (datetime, time)):
        return ""
    value = _local(value)
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def iso_govuk_date(value: str | None) -> str:
    """An ISO date from frozen content (a plan version, a letter) in the GOV.UK style; "" for
    none."""
    if not value:
        return ""
    return govuk_date(date.fromisoformat(value))


def govuk_datetime(value) -> str:
    if not isinstance(value, datetime):
        return govuk_date(value)
    return f"{govuk_date(value)} at {govuk_time(value)}"
