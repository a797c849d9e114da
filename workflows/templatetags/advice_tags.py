"""The advice section of the case page: `{% case_advice_sheets case as advice_sheets %}`."""

from django import template

from agencies.access import actor_for
from ehcp.governance.access import case_access

from ..advice_views import advice_prefetched, advice_sheets

register = template.Library()


@register.simple_tag(takes_context=True)
def case_advice_sheets(context, case):
    """The advice on the case this person may see: all of it for the council that holds the
    case, only their own agency's for a partner. Sets `advice_council` for the page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    actor = actor_for(user)
    access = case_access(actor, case)
    if access is None:
        return []
    advice = case.advice_requests.all()
    council = access.relationship == "council"
    if not council:
        advice = advice.filter(agency_id__in=actor.agency_ids)
    context["advice_council"] = council
    return advice_sheets(advice_prefetched(advice).order_by("kind"), actor=actor, access=access)
