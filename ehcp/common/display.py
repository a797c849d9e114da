"""How due days and roles read on pages and in messages (dates and times: ehcp.common.formats).

Pure functions of the value they are given: they never read the clock.

- `days_to_due(days)`: "17 days late", "1 day late", "Due today", "1 day left", "3 days left".
- `role_labels(codes)`: "SEND caseworker, Administrator" for stored role codes.
"""

from datetime import datetime

from django.utils import timezone

from agencies.models import Role


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


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


PROTECTED_SETTING = "a school or setting (name withheld: protected whereabouts)"
CHILDS_SETTING = "the child's school or setting (name withheld: protected whereabouts)"


def agency_label(agency, *, whereabouts: bool, child=None) -> str:
    """An agency's name, except a school or setting when the child's whereabouts are protected
    (the child's own school is called that, so the reader still knows whose advice it is)."""
    if not whereabouts and agency.kind == "SCHOOL":
        if child is not None and agency.pk == child.current_setting_id:
            return CHILDS_SETTING
        return PROTECTED_SETTING
    return agency.name
