"""How due days and roles read on pages and in messages (dates and times: ehcp.common.formats).

Pure functions of the value they are given: they never read the clock.

- `days_to_due(days)`: "17 days late", "1 day late", "Due today", "1 day left", "3 days left".
- `role_labels(codes)`: "SEND caseworker, Administrator" for stored role codes.
- `status_tag_colour(status)`: the GOV.UK tag colour of a status code (`{% status_tag %}`).
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


# The one place that maps a status code to a GOV.UK tag colour (`{% status_tag %}`, in
# ehcp/templatetags/send_display.py). GOV.UK Frontend 6 colours. Its plain tag is blue, and it
# has no blue or light-blue modifier (light blue was retired; GOV.UK's own services moved it to
# teal), and pink is now magenta.
#   case:     REQUESTED blue (plain)   ASSESSING teal           REFUSED grey
#             NOT_ISSUED grey          DRAFTING purple          DRAFT_ISSUED purple
#             CONSULTING magenta       FINAL_ISSUED green       WITHDRAWN grey
#   plan:     IN_FORCE green           CEASING yellow           CEASED grey
#   review:   DUE blue (plain)         ARRANGED to REPORTED teal
#             AMENDING purple          CEASING yellow           COMPLETE green
#             CANCELLED grey
#   deadline: NOT_DUE grey   DUE_SOON yellow   OVERDUE red   OVERDUE_EXCEPTION orange
#             DONE_ON_TIME green   DONE_LATE red   DONE_LATE_EXCEPTION orange
#   exception: EXCEPTION_INCOMPLETE red (no end date yet: it does not count)
#   phase transfer (ehcp.reviews.rules.phase.TransferState): ON_TRACK grey   MET green
#             BEHIND orange   WILL_MISS red   MISSED red
# Anything else: the plain tag.
_TAG_COLOURS = {
    "teal": (
        "ASSESSING",
        "ARRANGED",
        "INVITED",
        "ADVICE_CIRCULATED",
        "MEETING_HELD",
        "REPORTED",
    ),
    "grey": ("REFUSED", "NOT_ISSUED", "WITHDRAWN", "NOT_DUE", "CEASED", "CANCELLED", "ON_TRACK"),
    "purple": ("DRAFTING", "DRAFT_ISSUED", "AMENDING"),
    "magenta": ("CONSULTING",),
    "green": ("FINAL_ISSUED", "DONE_ON_TIME", "IN_FORCE", "COMPLETE", "MET"),
    "yellow": ("DUE_SOON", "CEASING"),
    "red": ("OVERDUE", "DONE_LATE", "EXCEPTION_INCOMPLETE", "WILL_MISS", "MISSED"),
    "orange": ("OVERDUE_EXCEPTION", "DONE_LATE_EXCEPTION", "BEHIND"),
}
TAG_COLOUR = {status: colour for colour, codes in _TAG_COLOURS.items() for status in codes}


def status_tag_colour(status) -> str:
    """The GOV.UK tag colour of a status code ("teal"), or "" for the plain (blue) tag."""
    return TAG_COLOUR.get(str(status), "")


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
