"""Every case list is paged by its date then id, shows its total, and every row is reachable."""

from datetime import timedelta

import pytest

from agencies.models import Role
from ehcp.common.pagination import PAGE_SIZE as SIZE
from ehcp.plans import services
from tests import factories
from tests.paging import spans, walk_keyset

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_cases(cast):
    """130 open cases: 75 the caseworker's, with week-20 dates that repeat (ties broken by id)."""
    cases = []
    for n in range(130):
        received = factories.RECEIVED + timedelta(days=n % 7)
        cases.append(
            factories.CaseFactory(
                council=cast.council,
                caseworker=cast.caseworker if n < 75 else cast.manager,
                request_received_on=received,
            )
        )
    return cases


def test_every_one_of_your_cases_is_reachable(client, cast, many_cases):
    client.force_login(cast.caseworker)
    seen, pages = walk_keyset(client, "/cases/", rows="rows", key=lambda row: row[0].pk)
    mine = {case.pk for case in many_cases if case.caseworker == cast.caseworker}
    assert len(seen) == len(set(seen)) == 75 and set(seen) == mine
    assert [(p.first_index, p.last_index, p.total) for p in pages] == spans(75, SIZE)
    assert f"Showing 1 to {SIZE} of 75 cases" in client.get("/cases/").content.decode()
    # ordered by the week-20 date, then id
    ordered = sorted(many_cases, key=lambda c: (c.final_plan_due_on, c.pk))
    assert seen == [c.pk for c in ordered if c.pk in mine]


def test_all_the_councils_cases_page_with_the_filter_kept(client, cast, many_cases):
    client.force_login(cast.caseworker)
    seen, pages = walk_keyset(
        client, "/cases/", rows="rows", key=lambda row: row[0].pk, params={"show": "all"}
    )
    assert len(seen) == len(set(seen)) == 130
    assert all("show=all" in p.next_query for p in pages[:-1])


def test_every_case_in_the_caseload_is_reachable(client, cast, many_cases):
    factories.member(cast.council, Role.CASEWORKER)
    client.force_login(cast.manager)
    seen, pages = walk_keyset(client, "/cases/caseload/", rows="rows", key=lambda row: row[0].pk)
    assert len(seen) == len(set(seen)) == 130
    assert [(p.first_index, p.last_index, p.total) for p in pages] == spans(130, SIZE)
    body = client.get("/cases/caseload/").content.decode()
    assert "130 open cases" in body and f"Showing 1 to {SIZE} of 130 cases" in body


def test_caseload_filters_are_kept_in_the_page_links(client, cast, many_cases):
    client.force_login(cast.manager)
    seen, pages = walk_keyset(
        client,
        "/cases/caseload/",
        rows="rows",
        key=lambda row: row[0].pk,
        params={"caseworker": cast.caseworker.pk},
    )
    assert len(seen) == 75 and pages[0].total == 75


def test_plan_history_shows_every_change_a_page_at_a_time(client, cast, case_at):
    from ehcp.assessments.models import AssessmentStatus

    case = case_at(AssessmentStatus.DRAFTING)
    plan = services.plan_get_or_create(case=case, by=cast.caseworker)
    need = services.need_save(plan=plan, section="B", text="Need 0", by=cast.caseworker)
    for n in range(1, 230):
        services.need_save(plan=plan, need=need, section="B", text=f"Need {n}", by=cast.caseworker)
    client.force_login(cast.caseworker)
    url = f"/cases/{case.public_id}/plan/history/"
    first = client.get(url)
    total = first.context["changes"].paginator.count
    assert total > 230  # every edit, not only the newest 200
    texts = []
    for number in range(1, first.context["changes"].paginator.num_pages + 1):
        page = client.get(url, {"page": number}).context["changes"]
        texts += [change.what for change in page]
    assert len(texts) == total
    assert any("Need 0" in text for text in texts) and any("Need 229" in text for text in texts)
    assert f"of {total} changes" in first.content.decode()
