from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

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
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{_escaped(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{_escaped(label)}</option>"
            for value, label in choices
        )
    )


def _escaped(value) -> str:
    """`conditional_escape` without its per-call overhead for plain text (hundreds of options on
    a page): the same characters escaped the same way."""
    return conditional_escape(value) if isinstance(value, SafeData) else escape(str(value))
