"""{% load govuk_dates %}: dates and times in the GOV.UK style (see ehcp.common.formats)."""

from django import template

from ehcp.common import formats

register = template.Library()
register.filter("govuk_date", formats.govuk_date)
register.filter("govuk_time", formats.govuk_time)
register.filter("govuk_datetime", formats.govuk_datetime)
