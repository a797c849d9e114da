"""Work on many reviews at once from the pipeline: start the reviews of the plans chosen (each
school or setting gets its task), record a batch of invitations sent (all or nothing, with a
report), and the page posts only the rows it showed."""

import re
from datetime import date, timedelta

import pytest
import time_machine

from ehcp.reviews.models import ArrangedUnder, Review, ReviewStatus
from ehcp.reviews.services import review as review_services
from tests.ehcp.reviews.pipeline_data import plan_for
from workflows import pipeline_services
from workflows import services as wf
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
URL = "/tasks/reviews/"
Y6 = date(2015, 12, 1)  # Year 7 from September 2027


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def due(cast):
    """Three plans due in the next 3 months: two at the school, one in none (a Year 6 child)."""
    return [
        plan_for(
            cast.council,
            next_review_due_on=days(60 + n),
            caseworker=cast.caseworker,
            school=None if n == 2 else cast.school,
            date_of_birth=Y6 if n == 2 else date(2018, 3, 3),
            first_name=f"Due{n}",
        )
        for n in range(3)
    ]


def open_tasks(review):
    return list(CaseTask.objects.human().open().filter(review=review))


def test_starting_the_reviews_of_the_chosen_plans(cast, due):
    report = pipeline_services.reviews_start(plans=due, by=cast.caseworker, today=TODAY)
    assert report.ok and len(report.done) == 3
    reviews = {r.child.first_name: r for r in Review.objects.filter(ehc_plan__in=due)}
    assert {r.status for r in reviews.values()} == {ReviewStatus.DUE}
    # Each school gets its task to arrange the meeting; the council for a child in none.
    for name in ("Due0", "Due1"):
        (task,) = open_tasks(reviews[name])
        assert task.flow_task.name == "arrange_meeting" and task.agency == cast.school
    (task,) = open_tasks(reviews["Due2"])
    assert task.agency == cast.council and task.owner == cast.caseworker
    # The Year 6 child's review records the phase transfer (reg 18: plan by 14 February 2027).
    assert (reviews["Due2"].transfer_year, reviews["Due2"].transfer_post16) == (2027, False)
    assert reviews["Due2"].phase_transfer_due_on == date(2027, 2, 14)
    assert reviews["Due0"].transfer_year is None
    assert reviews["Due0"].caseworker == cast.caseworker


def test_a_batch_with_one_refused_plan_starts_none(cast, due):
    wf.review_start(ehc_plan=due[1], kind="ANNUAL", by=cast.caseworker, today=TODAY)
    report = pipeline_services.reviews_start(plans=due, by=cast.caseworker, today=TODAY)
    assert not report.ok
    ((label, reasons),) = report.refused
    assert "Due1" in label and "already has a review in progress" in reasons[0]
    assert len(report.done) == 2
    assert Review.objects.filter(ehc_plan__in=due).count() == 1  # only the one started before
    assert not CaseTask.objects.filter(review__ehc_plan__in=[due[0], due[2]]).exists()


def shown_and_rows(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.context["shown"], response.context["rows"], response


@time_machine.travel(TODAY)
def test_start_every_review_shown_from_the_page(client, cast, due):
    client.force_login(cast.caseworker)
    shown, rows, response = shown_and_rows(client)
    assert len(rows) == 3 and all(row.selectable for row in rows)
    body = response.content.decode()
    assert "Start all 3 reviews shown" in body
    response = client.post(f"{URL}start/", {"shown": shown, "all": "1", "next": f"{URL}?stage=due"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?stage=due"
    assert Review.objects.filter(ehc_plan__in=due).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 reviews started" in page
    counts = {c.stage.code: c.total for c, _q in client.get(URL).context["counts"]}
    assert counts["due"] == 0 and counts["arrange"] == 3


@time_machine.travel(TODAY)
def test_start_the_ticked_reviews(client, cast, due):
    client.force_login(cast.caseworker)
    shown, rows, _ = shown_and_rows(client)
    chosen = str(due[0].public_id)
    response = client.post(f"{URL}start/", {"shown": shown, "row": [chosen]})
    assert response.status_code == 302
    assert list(Review.objects.values_list("ehc_plan", flat=True)) == [due[0].pk]


@time_machine.travel(TODAY)
def test_the_page_posts_only_the_rows_it_showed(client, cast, due):
    """A plan not on the page (one posted by hand, another council's), a token for another
    person or another action, or no token: refused, nothing changes."""
    client.force_login(cast.caseworker)
    shown, _rows, _ = shown_and_rows(client)
    later = plan_for(cast.council, next_review_due_on=days(300), first_name="Later")
    for data in (
        {"shown": shown, "row": [str(later.public_id)]},
        {"row": [str(due[0].public_id)]},
        {"shown": "forged", "all": "1"},
        {"shown": shown},
    ):
        response = client.post(f"{URL}start/", data)
        assert response.status_code == 200
        assert "No review was started" in response.content.decode()
    client.force_login(cast.manager)
    response = client.post(f"{URL}start/", {"shown": shown, "all": "1"})
    assert "Choose from the list on the page" in response.content.decode()
    assert not Review.objects.exists()


@time_machine.travel(TODAY)
def test_a_refused_batch_says_which_plan_and_why(client, cast, due):
    client.force_login(cast.caseworker)
    shown, _rows, _ = shown_and_rows(client)
    wf.review_start(ehc_plan=due[2], kind="ANNUAL", by=cast.manager, today=TODAY)
    response = client.post(f"{URL}start/", {"shown": shown, "all": "1"})
    body = response.content.decode()
    assert response.status_code == 200 and "Nothing was changed" in body
    assert "Due2" in body and "already has a review in progress" in body
    assert "1 of the 3 chosen could not be done" in body
    assert Review.objects.count() == 1


@pytest.mark.parametrize("who", ["senco", "health_adviser"])
def test_partners_cannot_post_a_batch(client, cast, due, who):
    client.force_login(getattr(cast, who))
    assert client.post(f"{URL}start/", {"all": "1"}).status_code == 403
    assert client.post(f"{URL}invitations/", {"all": "1"}).status_code == 403


# -- a batch of invitations ----------------------------------------------------------------------


def arranged(cast, plans, *, meeting_on):
    """Start each plan's review and arrange its meeting through the flow."""
    reviews = []
    for plan in plans:
        review = wf.review_start(ehc_plan=plan, kind="ANNUAL", by=cast.caseworker, today=TODAY)
        (task,) = open_tasks(review)
        user = cast.senco if task.agency == cast.school else cast.caseworker
        if task.owner_id is None:
            wf.task_claim(task=task, user=user)
        wf.task_complete(
            task=task,
            user=user,
            perform=lambda r, user=user: review_services.review_meeting_arrange(
                review=r, meeting_on=meeting_on, by=user, today=TODAY
            ),
        )
        review.refresh_from_db()
        reviews.append(review)
    return reviews


@pytest.fixture
def council_arranged(cast):
    """Three reviews of children in no school (the council arranges them, reg 21), meeting on
    18 December 2026 (invitations due by 4 December)."""
    plans = [
        plan_for(
            cast.council,
            next_review_due_on=days(70),
            caseworker=cast.caseworker,
            first_name=f"Home{n}",
        )
        for n in range(3)
    ]
    return arranged(cast, plans, meeting_on=days(28))


def test_a_batch_of_invitations_moves_each_review_on(cast, council_arranged):
    report = pipeline_services.invitations_send(
        reviews=council_arranged, sent_on=TODAY, by=cast.caseworker, today=TODAY
    )
    assert report.ok, report.refused
    for review in council_arranged:
        review.refresh_from_db()
        assert review.status == ReviewStatus.INVITED and review.invitations_sent_on == TODAY
        assert all(invitee.invited_on == TODAY for invitee in review.invitees.all())
        (task,) = open_tasks(review)
        assert task.flow_task.name == "circulate_advice"


def test_a_batch_of_invitations_is_all_or_nothing(cast, council_arranged):
    """One review's meeting moved to next week: its invitations are late, and no reason was
    given, so none of the three is recorded."""
    late = council_arranged[1]
    Review.objects.filter(pk=late.pk).update(meeting_on=days(7))
    report = pipeline_services.invitations_send(
        reviews=council_arranged, sent_on=TODAY, by=cast.caseworker, today=TODAY
    )
    assert not report.ok
    ((label, reasons),) = report.refused
    assert "Home1" in label and "enter why they are late" in reasons[0]
    for review in council_arranged:
        review.refresh_from_db()
        assert review.status == ReviewStatus.ARRANGED and review.invitations_sent_on is None
        assert [t.flow_task.name for t in open_tasks(review)] == ["send_invitations"]
    # With the reason, all three go.
    report = pipeline_services.invitations_send(
        reviews=council_arranged,
        sent_on=TODAY,
        late_reason="The family asked to move the meeting",
        by=cast.caseworker,
        today=TODAY,
    )
    assert report.ok
    late.refresh_from_db()
    assert late.invitations_late_reason == "The family asked to move the meeting"


def test_a_schools_invitations_are_the_schools_to_record(cast):
    (review,) = arranged(
        cast,
        [plan_for(cast.council, next_review_due_on=days(70), school=cast.school)],
        meeting_on=days(28),
    )
    assert review.arranged_under == ArrangedUnder.SETTING
    report = pipeline_services.invitations_send(
        reviews=[review], sent_on=TODAY, by=cast.caseworker, today=TODAY
    )
    assert not report.ok and "cannot claim tasks from this queue" in report.refused[0][1][0]
    review.refresh_from_db()
    assert review.status == ReviewStatus.ARRANGED


@time_machine.travel(TODAY)
def test_record_invitations_from_the_page(client, cast, council_arranged):
    school_review = arranged(
        cast,
        [plan_for(cast.council, next_review_due_on=days(70), school=cast.school)],
        meeting_on=days(28),
    )[0]
    client.force_login(cast.caseworker)
    shown, rows, response = shown_and_rows(client, stage="arranged")
    selectable = {row.review.pk: row.selectable for row in rows}
    assert selectable == {**{r.pk: True for r in council_arranged}, school_review.pk: False}
    body = response.content.decode()
    assert "Recorded by Riverside Primary" in body
    assert "Record invitations for all 3 reviews that can be chosen" in body
    # A bad date: refused, nothing recorded.
    response = client.post(
        f"{URL}invitations/",
        {"shown": shown, "all": "1", "sent_on_0": "31", "sent_on_1": "2", "sent_on_2": "2026"},
    )
    assert "Date the invitations were sent must be a real date" in response.content.decode()
    # A review the page could not choose (the school's) is refused too.
    response = client.post(
        f"{URL}invitations/",
        {
            "shown": shown,
            "row": [str(school_review.public_id)],
            "sent_on_0": "20",
            "sent_on_1": "11",
            "sent_on_2": "2026",
        },
    )
    assert "Choose only from the rows on the page" in response.content.decode()
    assert not Review.objects.filter(status=ReviewStatus.INVITED).exists()
    response = client.post(
        f"{URL}invitations/",
        {"shown": shown, "all": "1", "sent_on_0": "20", "sent_on_1": "11", "sent_on_2": "2026"},
    )
    assert response.status_code == 302
    assert Review.objects.filter(status=ReviewStatus.INVITED).count() == 3
    assert re.search(
        r"Invitations recorded as sent for 3 reviews", client.get(URL).content.decode()
    )
