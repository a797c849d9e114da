"""Pages speak in words: due days ("17 days late"), times ("4:26am") and role names as written."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_caseload_says_how_late_or_how_long_is_left(client, council, manager):
    today = datetime(2027, 3, 1, 9, 0, tzinfo=dt_timezone.utc)
    late = factories.CaseFactory(council=council, final_plan_due_on=today.date() - timedelta(days=17))
    due = factories.CaseFactory(council=council, final_plan_due_on=today.date())
    left = factories.CaseFactory(council=council, final_plan_due_on=today.date() + timedelta(days=3))
    with time_machine.travel(today, tick=False):
        client.force_login(manager)
        page = client.get(reverse("ehcp:caseload")).content.decode()
    assert '<strong class="app-due--overdue">17 days late</strong>' in page
    assert "Due today" in page and "3 days left" in page
    assert ">-17<" not in page
    assert all(case.reference in page for case in (late, due, left))
