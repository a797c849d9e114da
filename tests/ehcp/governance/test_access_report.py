"""The IG lead's access report at real volume: one row per person per day with human labels,
paged, a heading that names the last day asked for, and a CSV of every record whose download is
itself recorded."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ehcp.governance import selectors
from ehcp.governance.audit import access_event_write
from ehcp.governance.models import AccessEvent
from tests.workflows.test_task_views import d

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2027, 3, 10, 9, 0))


def seed(user, case, when, what="case", **kwargs):
    with time_machine.travel(when):
        return access_event_write(user=user, what=what, case=case, request_id="seed", **kwargs)


def by_child(client, case, start=date(2027, 3, 1), end=date(2027, 3, 31), **extra):
    return client.post(
        "/governance/access/child/",
        {"case_reference": case.reference, **d(start, "from_date"), **d(end, "to_date"), **extra},
    )


def by_person(client, user, start=date(2027, 3, 1), end=date(2027, 3, 31), **extra):
    return client.post(
        "/governance/access/person/",
        {"person": user.pk, **d(start, "from_date"), **d(end, "to_date"), **extra},
    )


def test_the_heading_names_the_last_day_asked_for_not_the_day_after(
    client, cast, ig_lead, requested_case
):
    client.force_login(ig_lead)
    body = by_child(client, requested_case, date(2026, 11, 1), date(2026, 11, 30)).content.decode()
    assert "1 November 2026 to 30 November 2026" in body and "1 Dec 2026" not in body
    body = by_person(
        client, cast.caseworker, date(2026, 11, 1), date(2026, 11, 30)
    ).content.decode()
    assert "1 November 2026 to 30 November 2026" in body and "1 Dec 2026" not in body


def test_one_sign_in_of_many_clicks_is_one_row_with_counts_times_and_labels(
    client, cast, ig_lead, requested_case
):
    for n in range(154):
        seed(
            cast.health_adviser,
            requested_case,
            NOW + timedelta(minutes=n),
            data_types=["HEALTH", "IDENTITY"],
        )
    client.force_login(ig_lead)
    response = by_child(client, requested_case)
    assert len(response.context["events"]) == 154
    [(day, _)] = response.context["rows"]
    assert (day.user, day.day, day.count) == (cast.health_adviser, date(2027, 3, 10), 154)
    assert (timezone.localtime(day.first_at).time(), timezone.localtime(day.last_at).time()) == (
        datetime(2027, 1, 1, 9, 0).time(),
        datetime(2027, 1, 1, 11, 33).time(),
    )
    body = response.content.decode()
    assert (
        "Health adviser" in body
        and "Relevant health information" in body
        and "Name and date of birth" in body
    )
    assert "HEALTH_ADVISER" not in body and ">HEALTH<" not in body
    assert "09:00 to 11:33" in body and "154 records of access, on 1 person-day" in body


def test_rows_are_per_person_per_day(client, cast, ig_lead, requested_case):
    seed(cast.caseworker, requested_case, NOW)
    seed(cast.caseworker, requested_case, NOW + timedelta(hours=2))
    seed(cast.caseworker, requested_case, NOW + timedelta(days=1))
    seed(cast.health_adviser, requested_case, NOW + timedelta(minutes=5))
    client.force_login(ig_lead)
    rows = by_child(client, requested_case).context["rows"]
    assert [(day.user.username, day.day.day, day.count) for day, _ in rows] == [
        ("caseworker", 10, 2),
        (cast.health_adviser.username, 10, 1),
        ("caseworker", 11, 1),
    ]


def test_every_person_day_is_reachable_through_the_pages(client, cast, ig_lead, requested_case):
    people = [cast.caseworker, cast.health_adviser, cast.psychologist]
    for n in range(30):  # 30 days x 3 people = 90 rows, 25 a page
        for person in people:
            seed(person, requested_case, timezone.make_aware(datetime(2027, 3, 1 + n, 10, 0)))
    client.force_login(ig_lead)
    seen, page_number = [], None
    while True:
        response = by_child(
            client, requested_case, **({"page": page_number} if page_number else {})
        )
        page = response.context["page"]
        assert page.paginator.count == 90
        seen += [(day.user.pk, day.day) for day, _ in response.context["rows"]]
        if not page.has_next():
            break
        assert f'name="page" value="{page.next_page_number()}"' in response.content.decode()
        page_number = page.next_page_number()
    assert len(seen) == len(set(seen)) == 90
    # the page buttons re-send the report's choices, never in the URL
    assert f'name="case_reference" value="{requested_case.reference}"' in response.content.decode()


def test_csv_download_has_every_record_labelled_and_is_itself_recorded(
    client, cast, ig_lead, requested_case
):
    for n in range(40):
        seed(cast.health_adviser, requested_case, NOW + timedelta(minutes=n), data_types=["HEALTH"])
    client.force_login(ig_lead)
    response = by_child(client, requested_case, download="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert requested_case.reference not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "When (UK time)" and len(rows) == 41
    assert rows[1][3] == "Health adviser" and rows[1][10] == "Relevant health information"
    assert rows[1][6] == requested_case.reference
    export = AccessEvent.objects.get(what="export")
    assert (export.user, export.case, export.relationship) == (ig_lead, requested_case, "ig")
    assert not AccessEvent.objects.filter(what="report").exists()


def test_csv_of_a_persons_access_names_the_children_listed_and_is_recorded(
    client, cast, ig_lead, requested_case
):
    seed(cast.caseworker, None, NOW, what="list", child_ids=[requested_case.child_id])
    client.force_login(ig_lead)
    response = by_person(client, cast.caseworker, download="csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (
        len(rows) == 2
        and rows[1][8] == requested_case.child.full_name
        and rows[1][5] == "List of cases"
    )
    export = AccessEvent.objects.get(what="export")
    assert export.child_ids == [requested_case.child_id]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, cast, ig_lead, requested_case):
    cast.caseworker.first_name = '=HYPERLINK("http://evil")'
    cast.caseworker.save()
    seed(cast.caseworker, requested_case, NOW)
    client.force_login(ig_lead)
    rows = list(
        csv.reader(
            io.StringIO(
                by_child(client, requested_case, download="csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][1].startswith("'=")


def test_a_download_with_bad_dates_shows_the_form_and_records_nothing(
    client, cast, ig_lead, requested_case
):
    client.force_login(ig_lead)
    response = by_child(client, requested_case, date(2027, 3, 31), date(2027, 3, 1), download="csv")
    assert response["Content-Type"].startswith("text/html")
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert not AccessEvent.objects.exists()


def copies(event, times):
    """Copies of `event` at each of `times` (one insert), as a busy period of access writes them."""
    fields = {
        f.attname: getattr(event, f.attname)
        for f in AccessEvent._meta.concrete_fields
        if not f.primary_key and f.attname != "occurred_at"
    }
    AccessEvent.objects.bulk_create(AccessEvent(**fields, occurred_at=when) for when in times)


def busy_period(cast, case, first_day: date, days: int):
    """Two people each reading the child's record three times a day (09:00, 14:00 and 23:30 UTC)
    for `days` days, and listing the child once a day. In British Summer Time 23:30 UTC is
    00:30 the next local day: the rows are local days."""
    for person in (cast.caseworker, cast.health_adviser):
        times = [
            datetime.combine(first_day + timedelta(days=n), time(hour, minute), tzinfo=UTC)
            for n in range(days)
            for hour, minute in ((9, 0), (14, 0), (23, 30))
        ]
        copies(seed(person, case, times[0]), times[1:])
        lists = [when + timedelta(minutes=1) for when in times[::3]]
        copies(seed(person, None, lists[0], what="list", child_ids=[case.child_id]), lists[1:])


def as_rows(days):
    return [
        (day.user.pk, day.day, day.count, day.first_at, day.last_at, sorted(day.listed))
        for day in days
    ]


@pytest.mark.parametrize("report", ["child", "person"])
def test_a_busy_period_is_paged_in_the_same_queries_whatever_its_size(
    client, cast, ig_lead, requested_case, report, monkeypatch
):
    """The page's person-days are read grouped in SQL and only their events loaded: every page
    of a period of 30 days or 80 costs the same queries, and shows the rows that grouping every
    event of the period shows, in the same order."""
    client.force_login(ig_lead)
    grouped = []
    group = selectors.access_by_person_and_day

    def counted(events):
        grouped.append(len(events))
        return group(events)

    monkeypatch.setattr(selectors, "access_by_person_and_day", counted)
    counts = {}
    for first_day, last_day, days in (
        (date(2027, 3, 1), date(2027, 3, 31), 30),  # British Summer Time from 28 March
        (date(2027, 5, 1), date(2027, 7, 31), 80),
    ):
        busy_period(cast, requested_case, first_day, days)
        start = timezone.make_aware(datetime.combine(first_day, time.min))
        end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        if report == "child":
            events = selectors.access_events_for_child(requested_case.child, start=start, end=end)
        else:
            events = selectors.access_events_by_user(cast.health_adviser, start=start, end=end)
        # what the report showed when it grouped every event of the period in Python
        expected = as_rows(group(list(events)))
        total = events.count()
        # the last day's 23:30 UTC is the next day's 00:30 BST: one day more than was seeded
        assert len(expected) == (days + 1) * (2 if report == "child" else 1)

        def run(first_day=first_day, last_day=last_day, **page):
            if report == "child":
                return by_child(client, requested_case, first_day, last_day, **page)
            return by_person(client, cast.health_adviser, first_day, last_day, **page)

        run()  # warm up (sessions, content types)
        counts[days], seen, page_number = set(), [], None
        while True:
            with CaptureQueriesContext(connection) as queries:
                response = run(**({"page": page_number} if page_number else {}))
            counts[days].add(len(queries))
            page = response.context["page"]
            # only the page's events were loaded and grouped
            assert grouped.pop() == sum(day.count for day, _ in response.context["rows"])
            assert page.paginator.count == len(expected)
            assert f"{total} records of access, on {len(expected)} person-days" in (
                response.content.decode()
            )
            offset = (page.number - 1) * 25
            assert (
                as_rows(day for day, _ in response.context["rows"])
                == expected[offset : offset + 25]
            )
            if page.number == 2 and report == "person":
                assert [day.day for day, _ in response.context["rows"]][0] == (
                    first_day + timedelta(days=25)
                )
            seen += as_rows(day for day, _ in response.context["rows"])
            if not page.has_next():
                break
            page_number = page.next_page_number()
        assert seen == expected and page.number > 1
    assert len(counts[30]) == 1 and counts[30] == counts[80]
