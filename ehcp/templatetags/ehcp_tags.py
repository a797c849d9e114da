from django import template

from ehcp.selectors import agency_label as _agency_label

register = template.Library()


@register.filter
def agency_label(agency, whereabouts: bool) -> str:
    """{{ agency|agency_label:shows.WHEREABOUTS }}: a school's name only when whereabouts may be shown."""
    return _agency_label(agency, whereabouts=bool(whereabouts))
