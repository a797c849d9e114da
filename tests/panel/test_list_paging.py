"""Every meeting and every funding request is reachable: the panel's lists are paged by (date,
id), show their totals, and Next then Previous walk each list without hiding or repeating a row,
across runs of equal dates; the two meeting lists on the home page page independently."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine

from panel.models import FundingRequest, Meeting, MeetingStatus
from panel.views import PAGE_SIZE
from tests.paging import walk_keyset

from .world import TODAY, panel_world, raise_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return panel_world(cast)


@pytest.fixture
def meetings(world, cast):
    """31 meetings to come and 33 past or confirmed, four to a day."""
    rows = []
    for n in range(64):
        upcoming = n < 31
        meets_on = TODAY + timedelta(days=n // 4) if upcoming else TODAY - timedelta(days=n // 4)
        rows.append(
            Meeting(
                panel=world.panel,
                meets_on=meets_on,
                scheduled_by=cast.caseworker,
                # A confirmed meeting is past whatever its date.
                status=MeetingStatus.CONFIRMED if n % 11 == 0 else MeetingStatus.PLANNED,
            )
        )
    Meeting.objects.bulk_create(rows)
    return Meeting.objects.filter(panel=world.panel)


@time_machine.travel(TODAY)
def test_every_meeting_to_come_is_reachable_soonest_first(client, world, meetings):
    client.force_login(world.chair)
    upcoming = [m for m in meetings if m.meets_on >= TODAY and m.status != MeetingStatus.CONFIRMED]
    assert len(upcoming) > PAGE_SIZE
    seen, pages = walk_keyset(
        client, "/panel/", rows="upcoming", page="upcoming", key=lambda m: m.pk
    )
    assert seen == [m.pk for m in sorted(upcoming, key=lambda m: (m.meets_on, m.pk))]
    assert pages[0].total == len(upcoming)
    assert "upcoming_after=" in pages[0].next_query


@time_machine.travel(TODAY)
def test_every_past_meeting_is_reachable_newest_first(client, world, meetings):
    client.force_login(world.chair)
    past = [m for m in meetings if m.meets_on < TODAY or m.status == MeetingStatus.CONFIRMED]
    assert len(past) > PAGE_SIZE
    seen, pages = walk_keyset(client, "/panel/", rows="past", page="past", key=lambda m: m.pk)
    assert seen == [m.pk for m in sorted(past, key=lambda m: (m.meets_on, m.pk), reverse=True)]
    assert pages[-1].first_index == PAGE_SIZE + 1
    # The other list stays on its first page while this one moves on.
    response = client.get(f"/panel/?{pages[0].next_query}")
    assert response.context["upcoming"].first_index == 1
    assert response.context["past"].first_index == PAGE_SIZE + 1


@time_machine.travel(TODAY)
def test_every_funding_request_is_reachable_newest_first_with_the_filter_kept(client, world, cast):
    first = raise_ready(world)
    clones = []
    for n in range(57):
        clone = FundingRequest.objects.get(pk=first.pk)
        clone.pk = None
        clone.public_id = uuid.uuid4()
        clone.raised_on = date(2027, 6, 1) + timedelta(days=n // 5)  # five raised a day
        clones.append(clone)
    FundingRequest.objects.bulk_create(clones)
    client.force_login(cast.caseworker)
    rows = list(FundingRequest.objects.filter(council=cast.council))
    seen, pages = walk_keyset(
        client,
        "/panel/requests/",
        rows="page",
        key=lambda r: r.pk,
        params={"status": first.status},
    )
    assert seen == [r.pk for r in sorted(rows, key=lambda r: (r.raised_on, r.pk), reverse=True)]
    assert len(pages) == 3 and pages[0].total == 58
    assert all(f"status={first.status}" in p.next_query for p in pages[:-1])
    page = client.get("/panel/requests/").content.decode()
    assert "58 requests" in page and "Showing 1 to 25 of 58 requests" in page
