"""Keyset paging over a key that is never empty (the child's date of birth): every row once, in
(key, id) order both ways, across runs of equal keys; and the conditions say `key >= value` on
their own, so that PostgreSQL can start an index scan at the cursor."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from ehcp.children.models import Child
from ehcp.common.pagination import keyset_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def children():
    # 7 distinct birthdays for 40 children: long runs of equal keys, ties broken by id.
    Child.objects.bulk_create(
        Child(
            first_name=f"Page{n}",
            last_name="Keyset",
            date_of_birth=date(2015, 1, 1) + timedelta(days=(n * 5) % 7),
        )
        for n in range(40)
    )
    return Child.objects.filter(last_name="Keyset")


def walk(queryset, *, descending):
    """Follow Next to the end, then Previous back; return the ids shown going forwards."""
    pages, query = [], ""
    while True:
        page = keyset_page(
            queryset, params=QueryDict(query), key="date_of_birth", descending=descending, size=6
        )
        pages.append(page)
        if page.next_query is None:
            break
        query = page.next_query
    for n in range(len(pages) - 1, 0, -1):
        back = keyset_page(
            queryset,
            params=QueryDict(pages[n].previous_query),
            key="date_of_birth",
            descending=descending,
            size=6,
        )
        assert [c.pk for c in back] == [c.pk for c in pages[n - 1]]
        assert back.first_index == pages[n - 1].first_index
    return [c.pk for page in pages for c in page], pages


@pytest.mark.parametrize("descending", [False, True])
def test_every_row_is_shown_once_in_key_then_id_order_across_equal_keys(children, descending):
    seen, pages = walk(children, descending=descending)
    expected = sorted(children, key=lambda c: (c.date_of_birth, c.pk), reverse=descending)
    assert seen == [c.pk for c in expected]
    assert len(pages) == 7
    assert [p.first_index for p in pages] == [1, 7, 13, 19, 25, 31, 37]
    assert all(p.total == 40 for p in pages)


@pytest.mark.parametrize("descending", [False, True])
def test_a_later_page_starts_at_the_cursor_without_an_empty_key_branch(children, descending):
    first = keyset_page(
        children, params=QueryDict(""), key="date_of_birth", descending=descending, size=6
    )
    with CaptureQueriesContext(connection) as ctx:
        keyset_page(
            children,
            params=QueryDict(first.next_query),
            key="date_of_birth",
            descending=descending,
            size=6,
        )
    rows_sql = [q["sql"] for q in ctx.captured_queries if "LIMIT" in q["sql"]][0]
    reach = "<=" if descending else ">="
    assert f'"date_of_birth" {reach}' in rows_sql
    assert "IS NULL" not in rows_sql
    assert "NULLS" not in rows_sql  # the plain order an index on (key, id) gives
