from django import template
from django.utils.html import format_html_join

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


@register.simple_tag
def select_options(choices, selected):
    """`{% select_options form.caseworker.field.choices filters.caseworker_id %}`: the <option>s
    of a select, the one whose value reads as `selected` marked so (none when `selected` is empty:
    the first option shows). One tag rather than a loop in the template: a council's caseworkers
    are hundreds of options on every filtered list."""
    chosen = None if selected in (None, "") else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )
