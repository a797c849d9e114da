"""Pages speak in words: due days ("17 days late"), times ("4:26am") and role names as written."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from workflows.services import task_claim

pytestmark = pytest.mark.django_db


def test_the_caseload_says_how_late_or_how_long_is_left(client, council, manager):
    today = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    late = factories.CaseFactory(
        council=council, final_plan_due_on=today.date() - timedelta(days=17)
    )
    due = factories.CaseFactory(council=council, final_plan_due_on=today.date())
    left = factories.CaseFactory(
        council=council, final_plan_due_on=today.date() + timedelta(days=3)
    )
    with time_machine.travel(today, tick=False):
        client.force_login(manager)
        page = client.get(reverse("ehcp:caseload")).content.decode()
    assert '<strong class="app-due--overdue">17 days late</strong>' in page
    assert "Due today" in page and "3 days left" in page
    assert ">-17<" not in page
    assert all(case.reference in page for case in (late, due, left))


def test_the_advice_says_when_the_draft_was_last_saved_as_4_26pm(client, cast, walk):
    # 15:26 UTC on 20 April 2027 is 4:26pm in London (BST).
    with time_machine.travel(datetime(2027, 4, 20, 15, 26, tzinfo=UTC), tick=False):
        walk.to("ASSESSING")
        advice = walk.advice_request("HEALTH")
        task_claim(task=walk.advice_task("HEALTH"), user=cast.health_adviser)
        client.force_login(cast.health_adviser)
        assert client.post(f"/tasks/advice/{advice.public_id}/edit/").status_code == 302
        page = client.get(f"/tasks/advice/{advice.public_id}/edit/").content.decode()
    assert "Draft last saved" in page
    assert "20 April 2027 at 4:26pm" in page
    assert "p.m." not in page
