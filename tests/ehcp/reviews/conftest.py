"""A plan in force for a review: a child at the cast's school (so the school arranges the meeting,
reg 20), with a parent, issued on PLAN_ISSUED."""

import pytest

from tests import factories


@pytest.fixture
def child(cast):
    child = factories.ChildFactory(current_setting=cast.school)
    factories.ParentCarerFactory(child=child)
    return child


@pytest.fixture
def ehc_plan(cast, child):
    return factories.EhcPlanFactory(child=child, council=cast.council)
