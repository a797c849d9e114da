"""How dates, times and due days read on pages and in messages (GOV.UK style).

Pure functions of the value they are given: they never read the clock. Aware datetimes are shown
in the service's time zone (settings.TIME_ZONE).

- `clock(value)`: "4:26am", "12:05pm", "midday", "midnight".
- `date_and_time(value)`: "30 Nov 2026, 4:26am".
- `days_to_due(days)`: "17 days late", "1 day late", "Due today", "1 day left", "3 days left".
- `role_labels(codes)`: "SEND caseworker, Administrator" for stored role codes.
"""

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateformat import format as date_format_

from agencies.models import Role


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def clock(value) -> str:
    """A time of day in the GOV.UK style: "4:26am", "12:05pm", "midday", "midnight"."""
    if value is None or value == "":
        return ""
    value = _local(value)
    if not isinstance(value, (datetime, time)):
        return str(value)
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


def date_and_time(value, date_format: str = "j M Y") -> str:
    """A date and time: "30 Nov 2026, 4:26am" (`date_format` is a Django date format)."""
    if value is None or value == "":
        return ""
    value = _local(value)
    if not isinstance(value, datetime):
        return str(value)
    return f"{date_format_(value, date_format)}, {clock(value)}"


def days_to_due(days) -> str:
    """Days until a due date (negative: past it) as words: "17 days late", "3 days left"."""
    if days is None or days == "":
        return ""
    days = int(days)
    if days == 0:
        return "Due today"
    count = abs(days)
    unit = "day" if count == 1 else "days"
    return f"{count} {unit} {'late' if days < 0 else 'left'}"


def role_labels(codes) -> str:
    """Stored role codes (an access event's roles) as names: "SEND caseworker, SEN manager"."""
    labels = dict(Role.choices)
    return ", ".join(labels.get(code, code) for code in codes or ())
