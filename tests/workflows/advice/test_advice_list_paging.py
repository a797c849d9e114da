"""The advice asked of an agency is paged, most recently asked first, with its total, and every
piece is reachable."""

from datetime import timedelta

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.common.pagination import PAGE_SIZE as SIZE
from tests import factories
from tests.paging import spans, walk_keyset

pytestmark = pytest.mark.django_db


def test_every_piece_of_advice_asked_of_the_agency_is_reachable(client, cast):
    asked = []
    for n in range(70):
        case = factories.CaseFactory(council=cast.council, caseworker=cast.caseworker)
        on = factories.RECEIVED + timedelta(days=n // 4)  # four a day: ties broken by id
        asked.append(
            case.advice_requests.create(
                kind="HEALTH",
                agency=cast.health,
                requested_on=on,
                due_on=deadlines.due_on(deadlines.ADVICE, on),
            )
        )
    other = factories.CaseFactory(council=cast.council)
    other.advice_requests.create(
        kind="PSYCHOLOGICAL",
        agency=cast.ep,
        requested_on=factories.RECEIVED,
        due_on=factories.RECEIVED + timedelta(weeks=6),
    )
    client.force_login(cast.health_adviser)
    seen, pages = walk_keyset(client, "/tasks/advice/", rows="rows", key=lambda row: row[0].pk)
    assert len(seen) == len(set(seen)) == 70
    assert seen == [a.pk for a in sorted(asked, key=lambda a: (a.requested_on, a.pk), reverse=True)]
    assert [(p.first_index, p.last_index, p.total) for p in pages] == spans(70, SIZE)
    assert f"Showing 1 to {SIZE} of 70 requests" in client.get("/tasks/advice/").content.decode()
