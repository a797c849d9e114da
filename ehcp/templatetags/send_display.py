"""{% load send_display %}: due days and roles in the service's words (dates: govuk_dates).

{{ days|days_to_due }}                17 days late / Due today / 3 days left
{{ event.roles|role_labels }}         SEND caseworker, SEN manager
{% status_tag case.status case.get_status_display %}
                                      <strong class="govuk-tag govuk-tag--teal">Assessing</strong>
"""

from django import template
from django.utils.html import format_html

from ehcp.common import display

register = template.Library()


@register.filter
def days_to_due(days) -> str:
    return display.days_to_due(days)


@register.filter
def role_labels(codes) -> str:
    return display.role_labels(codes)


@register.simple_tag
def status_tag(status, label):
    """`{% status_tag row.status.state.name row.status.label %}`: the status as a GOV.UK tag, in
    the colour `display.status_tag_colour` gives its code. A tag rather than an include, as it is
    drawn on every row of the long lists."""
    colour = display.status_tag_colour(status)
    if colour:
        return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>\n', colour, label)
    return format_html('<strong class="govuk-tag">{}</strong>\n', label)
