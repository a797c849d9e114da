"""What users read as the source of a rule is the regulation or guidance, never our own notes
(issue 7, item 8): no internal document names, no "engine rule", no "believed". No database."""

import re

import pytest

from ehcp.assessments.rules.deadlines import ALL_PERIODS
from ehcp.plans.rules.plan_checks import CHECKS

INTERNAL = re.compile(
    r"send-rules|\.md\b|engine rule|believed|unconfirmed|STYLE|\[LAW|\[LOCAL|INTERP", re.I
)
LEGAL = re.compile(
    r"Regulations|Act \d{4}|Code of Practice|Rules \d{4}|IPSEA|GDPR|UK GDPR|Data Protection"
)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_plan_checks_cite_only_the_law_or_guidance(check):
    assert not INTERNAL.search(check.source), check.source
    assert LEGAL.search(check.source), check.source


@pytest.mark.parametrize("period", ALL_PERIODS, ids=lambda period: period.code)
def test_statutory_periods_cite_only_the_law_or_guidance(period):
    assert not INTERNAL.search(period.source), period.source
    assert not INTERNAL.search(period.text), period.text
