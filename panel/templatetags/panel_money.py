"""Money and funding labels on the panel's pages."""

from django import template

from agencies.access import actor_for
from panel.models import FundingKind, FundingRequest, Panel
from panel.rules.money import format_money
from panel.selectors import decisions_in_force

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£12,345.67 (empty for no amount)."""
    return "" if value is None else format_money(value)


@register.filter
def funding_kind(value: str) -> str:
    return FundingKind(value).label if value in FundingKind.values else value


@register.filter
def get_funder(amounts: dict, funder):
    return amounts.get(funder)


#: How many of a child's requests the child's page lists (the rest are on the requests list).
CHILD_REQUESTS_SHOWN = 10


@register.simple_tag(takes_context=True)
def child_funding(context, child) -> dict:
    """The child's funding requests (newest first, at most CHILD_REQUESTS_SHOWN) for the council
    officer reading the child's page, and whether they may raise one. Two queries."""
    council_ids = actor_for(context["request"].user).council_agency_ids
    rows = list(
        FundingRequest.objects.filter(child=child, council_id__in=council_ids).order_by(
            "-raised_on", "-pk"
        )[: CHILD_REQUESTS_SHOWN + 1]
    )
    plan = context.get("plan")
    may_raise = (
        plan is not None
        and plan.council_id in council_ids
        and Panel.objects.filter(council_id=plan.council_id, is_active=True).exists()
    )
    return {
        "requests": rows[:CHILD_REQUESTS_SHOWN],
        "more": len(rows) > CHILD_REQUESTS_SHOWN,
        "may_raise": may_raise,
    }


@register.simple_tag(takes_context=True)
def plan_funding(context, review) -> list:
    """The packages the panel agreed for the review's plan that are in force, for the council's
    officers on the review's page (the funding is reviewed with the plan). One query."""
    council_ids = actor_for(context["request"].user).council_agency_ids
    if review.council_id not in council_ids:
        return []
    return list(
        decisions_in_force()
        .filter(request__ehc_plan_id=review.ehc_plan_id)
        .select_related("request")
        .order_by("review_on", "pk")
    )
