"""Money and funding labels on the panel's pages."""

from django import template

from agencies.access import actor_for
from panel.models import FundingKind, FundingRequest, Panel
from panel.rules.money import format_money

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
