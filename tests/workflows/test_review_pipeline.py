"""The reviews pipeline page, its printed list and the DfE annual review figures page: who may open
them, what they show, paging that never hides a row, and a fixed number of queries however many
plans there are."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.governance.models import AccessEvent
from ehcp.reviews.models import Review, ReviewDecision, ReviewStatus
from tests.ehcp.reviews.pipeline_data import plan_for, review_at
from tests.paging import walk_keyset
from workflows import pipeline_views

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
URL = "/tasks/reviews/"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def add_plans(cast, count: int, start: int = 0) -> None:
    """``count`` plans at each of several stages: due (late and not), later, meeting arranged,
    report in, amending, and completed recently."""
    council, worker = cast.council, cast.caseworker
    for n in range(start, start + count):
        school = None if n % 2 else cast.school
        protected = n % 5 == 0
        kwargs = {"caseworker": worker, "school": school, "protected": protected}
        plan_for(council, next_review_due_on=days(10 + n % 70), first_name=f"Due{n}", **kwargs)
        plan_for(council, next_review_due_on=days(200 + n), first_name=f"Later{n}", **kwargs)
        arranged = plan_for(council, next_review_due_on=days(90), first_name=f"Arr{n}", **kwargs)
        review_at(
            arranged,
            ReviewStatus.ARRANGED,
            by=worker,
            caseworker=worker,
            meeting_on=days(5 + n % 40),
        )
        reported = plan_for(council, next_review_due_on=days(30), first_name=f"Rep{n}", **kwargs)
        review_at(
            reported,
            ReviewStatus.REPORTED,
            by=worker,
            caseworker=worker,
            meeting_on=days(-20),
            meeting_held_on=days(-20),
            report_received_on=days(-10),
        )
        amending = plan_for(council, next_review_due_on=days(20), first_name=f"Amd{n}", **kwargs)
        review_at(
            amending,
            ReviewStatus.AMENDING,
            by=worker,
            caseworker=worker,
            meeting_on=days(-40),
            meeting_held_on=days(-40),
            decided_on=days(-20),
            decision=ReviewDecision.AMEND,
            amendment_notice_on=days(-20),
        )
        done = plan_for(council, next_review_due_on=days(340), first_name=f"Done{n}", **kwargs)
        review_at(
            done,
            ReviewStatus.COMPLETE,
            by=worker,
            caseworker=worker,
            period_starts_on=days(-370),
            meeting_on=days(-40),
            meeting_held_on=days(-40),
            decided_on=days(-15 - n % 30),
            decision=ReviewDecision.MAINTAIN,
            completed_on=days(-15 - n % 30),
        )


@pytest.fixture
def plans(cast):
    add_plans(cast, 3)
    return cast


@time_machine.travel(TODAY)
def test_a_caseworker_sees_the_plans_due_and_every_stage_counted(client, plans):
    client.force_login(plans.caseworker)
    before = AccessEvent.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    counts = {c.stage.code: (c.total, c.late) for c, _query in response.context["counts"]}
    assert counts["due"] == (3, 3)  # due in 10 to 12 days: too late to start at the full pace
    assert counts["later"] == (6, 0)  # three later, three just completed
    assert counts["arranged"] == (3, 3) and counts["report"] == (3, 0)
    assert counts["amending"] == (3, 0) and counts["completed"] == (3, 0)
    assert [row.child.first_name for row in response.context["rows"]] == ["Due0", "Due1", "Due2"]
    assert "Review due in the next 3 months" in body and "Print this list" in body
    # A protected child's school is withheld from the caseworker.
    assert "name withheld: protected whereabouts" in body
    assert AccessEvent.objects.count() == before + 1


@time_machine.travel(TODAY)
def test_each_stage_is_one_click_away(client, plans):
    client.force_login(plans.caseworker)
    response = client.get(URL, {"stage": "arranged", "overdue": "1"})
    assert response.status_code == 200
    assert response.context["stage"].code == "arranged"
    rows = response.context["rows"]
    assert {row.child.first_name for row in rows} == {"Arr0", "Arr1", "Arr2"}
    assert all(row.late for row in rows)
    body = response.content.decode()
    assert "Invitations by" in body and "Overdue by" in body
    links = [query for _count, query in response.context["counts"]]
    assert "stage=report" in links[6] and "overdue=1" in links[6]


@time_machine.travel(TODAY)
def test_a_bad_filter_is_shown_and_the_others_still_apply(client, plans):
    client.force_login(plans.caseworker)
    response = client.get(URL, {"stage": "nonsense", "caseworker": "999999", "overdue": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a stage from the list" in body
    assert "Select a caseworker from the list" in body
    assert response.context["stage"].code == "due" and response.context["filters"].overdue


@time_machine.travel(TODAY)
def test_filter_by_school_name(client, plans):
    client.force_login(plans.caseworker)
    response = client.get(URL, {"stage": "later", "school": "RIVERSIDE"})
    names = {row.child.first_name for row in response.context["rows"]}
    assert names == {"Later2", "Done2"}  # at the school (Later0, Done0: protected)


@pytest.mark.parametrize("who", ["senco", "health_adviser", "psychologist", "social_worker"])
@time_machine.travel(TODAY)
def test_partners_are_refused(client, plans, who):
    client.force_login(getattr(plans, who))
    for url in (URL, f"{URL}print/", f"{URL}figures/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client, plans):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@time_machine.travel(TODAY)
def test_paging_shows_every_row_once(client, plans, monkeypatch):
    add_plans(plans, 4, start=3)
    monkeypatch.setattr(pipeline_views, "PAGE_SIZE", 3)
    client.force_login(plans.caseworker)
    for stage, expected in (("due", 7), ("later", 14), ("completed", 7)):
        seen, pages = walk_keyset(
            client, URL, rows="rows", key=lambda row: row.plan.pk, params={"stage": stage}
        )
        assert len(seen) == len(set(seen)) == expected, stage
        assert pages[0].total == expected


@time_machine.travel(TODAY)
@pytest.mark.parametrize("filters", [{}, {"overdue": "1"}, {"school": "river", "overdue": "1"}])
def test_the_total_shown_is_the_rows_paging_reaches_at_every_stage(
    client, plans, monkeypatch, filters
):
    """The page's total is read from the stage counts (not counted again): at every stage, with
    and without the late filter, it is the number of rows the pages reach and the printed list
    has."""
    add_plans(plans, 4, start=3)
    monkeypatch.setattr(pipeline_views, "PAGE_SIZE", 3)
    client.force_login(plans.caseworker)
    totals = {}
    for stage in pipeline_views.pipeline.STAGES:
        params = {"stage": stage.code, **filters}
        seen, pages = walk_keyset(
            client, URL, rows="rows", key=lambda row: row.plan.pk, params=params
        )
        printed = client.get(f"{URL}print/", params).context["rows"]
        assert len(seen) == len(set(seen)) == len(printed), params
        assert {page.total for page in pages} == {len(seen)}, params
        totals[stage.code] = len(seen)
    assert any(totals.values()), totals


@time_machine.travel(TODAY)
def test_the_printed_list_has_every_row_of_the_filtered_stage(client, plans, monkeypatch):
    add_plans(plans, 4, start=3)
    monkeypatch.setattr(pipeline_views, "PAGE_SIZE", 3)
    client.force_login(plans.caseworker)
    response = client.get(f"{URL}print/", {"stage": "arranged", "overdue": "1"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 7
    body = response.content.decode()
    assert "app-print-list" in body and "late only" in body
    assert AccessEvent.objects.filter(what="print").exists()


def queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


PAGES = [
    ("caseworker", URL),
    ("caseworker", f"{URL}?stage=arrange"),
    ("manager", f"{URL}print/?stage=arrange"),
    ("caseworker", f"{URL}?stage=arranged"),
    ("caseworker", f"{URL}?stage=completed&school=river"),
    ("caseworker", f"{URL}?stage=later&overdue=1&transfer_year=2027&term=2027-spring"),
    ("manager", f"{URL}?stage=amending"),
    ("caseworker", f"{URL}print/?stage=report"),
    ("manager", f"{URL}figures/?year=2026"),
]


def start_reviews(cast, count: int, start: int = 0) -> None:
    """``count`` reviews started through the flow: each has its task to arrange the meeting."""
    from workflows import services as wf

    for n in range(start, start + count):
        plan = plan_for(
            cast.council,
            next_review_due_on=days(50 + n % 30),
            caseworker=cast.caseworker,
            school=cast.school if n % 2 else None,
            protected=n % 3 == 0,
            first_name=f"Started{n}",
        )
        wf.review_start(ehc_plan=plan, kind="ANNUAL", by=cast.caseworker, today=TODAY)


@time_machine.travel(TODAY)
def test_the_pages_run_the_same_number_of_queries_at_two_sizes(client, cast):
    add_plans(cast, 3)  # every page has rows (an empty page asks for no tasks)
    start_reviews(cast, 3)
    small = {url: queries(client, getattr(cast, who), url) for who, url in PAGES}
    add_plans(cast, 40, start=3)
    start_reviews(cast, 20, start=3)
    large = {url: queries(client, getattr(cast, who), url) for who, url in PAGES}
    assert small == large


# -- the DfE figures ------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_managers_see_the_figures_for_any_year(client, plans):
    client.force_login(plans.manager)
    response = client.get(f"{URL}figures/", {"year": "2026"})
    assert response.status_code == 200
    figures = response.context["figures"]
    # Due in 2026: the plans due in 10-12 days (never started), the reviews with their report
    # in (due 20 December), those amending (decided within 4 weeks) and those completed (due
    # 14 November, maintained within 4 weeks of the meeting). Not the reviews whose meeting is
    # arranged (due 18 February 2027).
    assert (figures.year, figures.expected, figures.completed) == (2026, 12, 6)
    assert (figures.not_completed_past_due, figures.not_completed_not_yet_due) == (0, 6)
    assert (figures.maintained, figures.amended, figures.ceased) == (3, 3, 0)
    assert (figures.decided_within_4_weeks, figures.decided_later) == (6, 0)
    body = response.content.decode()
    assert "Annual review figures for 2026" in body
    assert "Within 4 weeks of the meeting" in body


@time_machine.travel(TODAY)
def test_a_year_out_of_range_is_an_error_and_this_year_is_shown(client, plans):
    client.force_login(plans.manager)
    response = client.get(f"{URL}figures/", {"year": "1999"})
    assert response.status_code == 200
    assert "Enter a year from 2014 to 2026" in response.content.decode()
    assert response.context["year"] == 2026
    response = client.get(f"{URL}figures/", {"year": "twenty"})
    assert "Enter a year from 2014 to 2026" in response.content.decode()


@time_machine.travel(TODAY)
def test_caseworkers_do_not_see_the_figures(client, plans):
    client.force_login(plans.caseworker)
    assert client.get(f"{URL}figures/").status_code == 403


@time_machine.travel(TODAY)
def test_each_row_links_to_the_reviews_next_task(client, cast):
    from workflows import services as wf
    from workflows.models import CaseTask

    at_school = plan_for(
        cast.council, next_review_due_on=days(60), school=cast.school, first_name="School"
    )
    at_home = plan_for(
        cast.council, next_review_due_on=days(61), caseworker=cast.caseworker, first_name="Home"
    )
    for plan in (at_school, at_home):
        wf.review_start(ehc_plan=plan, kind="ANNUAL", by=cast.caseworker, today=TODAY)
    client.force_login(cast.caseworker)
    response = client.get(URL, {"stage": "arrange"})
    rows = {row.child.first_name: row for row in response.context["rows"]}
    body = response.content.decode()
    for name, queue in (("School", cast.school.name), ("Home", cast.council.name)):
        task = CaseTask.objects.human().open().get(review__child__first_name=name)
        assert rows[name].next_task == task and rows[name].task_queue == queue
        assert f'href="/tasks/{task.public_id}/"' in body
    assert "Arrange the review meeting" in body
    for review in Review.objects.all():
        assert f'href="/reviews/{review.public_id}/"' in body  # the review's own page
