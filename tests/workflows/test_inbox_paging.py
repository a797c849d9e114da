"""Every task in a busy inbox is reachable: each list is paged by (due date, id), shows its
total, and the next and previous links walk the whole list without hiding or repeating a row."""

import uuid
from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest

from ehcp.common.pagination import PAGE_SIZE as SIZE
from tests.factories import CaseWalk
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db


def clone_tasks(
    task: CaseTask, count: int, *, owner=None, start=date(2026, 12, 1)
) -> list[CaseTask]:
    """`count` more open tasks like `task`: due dates repeat (ties broken by id), some have none."""
    clones = []
    for n in range(count):
        clone = CaseTask.objects.get(pk=task.pk)
        clone.pk = None
        clone.public_id = uuid.uuid4()
        clone.owner = owner
        clone.status = "ASSIGNED" if owner else "NEW"
        clone.due_on = None if n % 17 == 0 else start + timedelta(days=n % 9)
        clones.append(clone)
    CaseTask.objects.bulk_create(clones)
    return clones


def walk_pages(client, url, list_name):
    """Follow the Next links from the first page; return the task ids in the order shown and
    every page's context."""
    seen, pages = [], []
    query = ""
    while True:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        page = response.context[f"{list_name}_page"]
        pages.append(page)
        seen += [row.task.public_id for row in response.context[list_name]]
        if page.next_query is None:
            return seen, pages
        query = page.next_query


@pytest.fixture
def busy(cast):
    walk = CaseWalk(cast)
    walk.receive()
    first = walk.task("decide_to_assess")
    assert first.owner == cast.caseworker
    clone_tasks(first, 299, owner=cast.caseworker)  # 300 claimed tasks (issue 12)
    return first


def test_every_claimed_task_is_reachable_and_counted(client, cast, busy):
    client.force_login(cast.caseworker)
    seen, pages = walk_pages(client, "/tasks/", "mine")
    expected = list(
        CaseTask.objects.human()
        .open()
        .filter(owner=cast.caseworker)
        .values_list("public_id", flat=True)
    )
    assert len(expected) == 300
    assert len(seen) == len(set(seen)) == 300
    assert set(seen) == set(expected)
    assert [p.total for p in pages] == [300] * (300 // SIZE)
    assert [(p.first_index, p.last_index) for p in pages] == [
        (n * SIZE + 1, n * SIZE + SIZE) for n in range(300 // SIZE)
    ]
    # soonest due first, tasks with no due date last
    dues = [CaseTask.objects.get(public_id=pk).due_on for pk in seen]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues[len(dated) :] == [None] * (len(dues) - len(dated))
    body = client.get(f"/tasks/?{pages[1].previous_query}").content.decode()
    assert f"Showing 1 to {SIZE} of 300 tasks" in body
    assert "Claimed by you (300)" in body


def test_previous_links_walk_back_to_the_start(client, cast, busy):
    client.force_login(cast.caseworker)
    seen, pages = walk_pages(client, "/tasks/", "mine")
    query, start = pages[-1].previous_query, len(pages) - 2
    while query is not None:  # from the last page back to the first, a page at a time
        response = client.get(f"/tasks/?{query}")
        rows = [row.task.public_id for row in response.context["mine"]]
        assert rows == seen[start * SIZE : start * SIZE + SIZE]
        query, start = response.context["mine_page"].previous_query, start - 1
    assert start == -1


def test_the_two_lists_page_independently(client, cast, busy):
    clone_tasks(busy, 60, owner=None)  # waiting in the council's queue
    client.force_login(cast.caseworker)
    first = client.get("/tasks/")
    queue_next = first.context["queue_page"].next_query
    mine_next = first.context["mine_page"].next_query
    assert first.context["queue_page"].total == 60
    response = client.get(f"/tasks/?{queue_next}")
    assert response.context["queue_page"].first_index == SIZE + 1
    assert response.context["mine_page"].first_index == 1  # the other list stays where it was
    both = parse_qs(mine_next) | parse_qs(queue_next)
    response = client.get("/tasks/", {k: v[0] for k, v in both.items()})
    assert (
        response.context["mine_page"].first_index,
        response.context["queue_page"].first_index,
    ) == (SIZE + 1, SIZE + 1)


def test_a_hand_edited_cursor_shows_the_first_page(client, cast, busy):
    client.force_login(cast.caseworker)
    for bad in ("nonsense", "2026-13-45_1", "_x", "2026-12-01_"):
        response = client.get("/tasks/", {"mine_after": bad})
        assert response.status_code == 200
        assert response.context["mine_page"].first_index == 1


def test_a_cursor_past_the_end_shows_the_first_page(client, cast, busy):
    client.force_login(cast.caseworker)
    response = client.get("/tasks/", {"mine_after": "_99999999"})
    assert response.context["mine_page"].first_index == 1
    assert len(response.context["mine"]) == SIZE
