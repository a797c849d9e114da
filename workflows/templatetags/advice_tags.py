"""The advice section of the case page: `{% case_advice_sheets case as advice_sheets %}`."""

from django import template

from agencies.access import actor_for
from ehcp.assessments.selectors import case_advice_details
from ehcp.governance.access import CaseAccess, case_access

from ..advice_views import advice_sheets

register = template.Library()


@register.simple_tag(takes_context=True)
def case_advice_sheets(context, case):
    """The advice on the case this person may see: all of it for the council that holds the
    case, only their own agency's for a partner. Sets `advice_council` for the page. On a page
    whose context holds this `case` and its `access` (CaseAccess), that access is used."""
    request = context.get("request")
    user = getattr(request, "user", None)
    actor = actor_for(user)
    # The case page has worked out how this person sees the case (`case_get_with_access`): use it
    # rather than run `case_access` (and, for a partner, its queries) a second time.
    access = context.get("access") if context.get("case") is case else None
    if not isinstance(access, CaseAccess):
        access = case_access(actor, case)
    if access is None:
        return []
    # The case page has fetched the advice with all a sheet shows (`case_with_details`); on
    # another page this fetches it once.
    case_advice_details(case)
    council = access.relationship == "council"
    advice = [
        item for item in case.advice_requests.all() if council or item.agency_id in actor.agency_ids
    ]
    context["advice_council"] = council
    return advice_sheets(advice, actor=actor, access=access)
