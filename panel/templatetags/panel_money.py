"""Money and funding labels on the panel's pages."""

from django import template

from panel.models import FundingKind
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
