from django import template

from ehcp.common.display import agency_label as _agency_label
from ehcp.common.formats import iso_govuk_date

register = template.Library()


@register.filter
def agency_label(agency, whereabouts: bool) -> str:
    """{{ agency|agency_label:shows.WHEREABOUTS }}: a school's name only when whereabouts may be shown."""
    return _agency_label(agency, whereabouts=bool(whereabouts))


@register.filter
def govuk_date(value) -> str:
    """{{ row.received_on|govuk_date }}: an ISO date from frozen plan content as "12 March 2026"."""
    return iso_govuk_date(value)
