"""{% load send_display %}: times, dates with times and due days in the service's words.

{{ event.occurred_at|when }}          30 Nov 2026, 4:26am
{{ event.occurred_at|when:"j F Y" }}  30 November 2026, 4:26am
{{ grant.expires_at|clock }}          4:26am
{{ days|days_to_due }}                17 days late / Due today / 3 days left
{{ event.roles|role_labels }}         SEND caseworker, SEN manager
"""

from django import template

from ehcp import display

register = template.Library()


@register.filter
def clock(value) -> str:
    return display.clock(value)


@register.filter
def when(value, date_format: str = "j M Y") -> str:
    return display.date_and_time(value, date_format)


@register.filter
def days_to_due(days) -> str:
    return display.days_to_due(days)


@register.filter
def role_labels(codes) -> str:
    return display.role_labels(codes)
