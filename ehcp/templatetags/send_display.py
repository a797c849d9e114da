"""{% load send_display %}: due days and roles in the service's words (dates: govuk_dates).

{{ days|days_to_due }}                17 days late / Due today / 3 days left
{{ event.roles|role_labels }}         SEND caseworker, SEN manager
"""

from django import template

from ehcp.common import display

register = template.Library()


@register.filter
def days_to_due(days) -> str:
    return display.days_to_due(days)


@register.filter
def role_labels(codes) -> str:
    return display.role_labels(codes)
