"""The review's page, its documents, starting an early or interim review from the child's page,
and the review's task pages as the school's SENCo does them: who sees what (the council, the
school arranging the meeting, the agencies invited; everyone else a 404), the statutory dates
with their sources, protected whereabouts withheld."""

from datetime import date

import pytest
import time_machine

from agencies.models import AgencyKind, Role
from ehcp.governance.models import AccessEvent
from ehcp.plans import rendering
from ehcp.plans.models import PlanDocument
from ehcp.reviews.models import InviteeRole, Review, ReviewStatus
from tests import factories
from tests.factories import ReviewWalk, plan_for_review
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

TODAY = date(2028, 4, 20)


@pytest.fixture
def walk(cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.start()
    return walk


def page(walk):
    return f"/reviews/{walk.review.public_id}/"


@time_machine.travel(TODAY)
def test_the_council_sees_every_statutory_date_with_its_source(client, cast, walk):
    client.force_login(cast.caseworker)
    response = client.get(page(walk))
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    for text in (
        walk.review.reference,
        "Meeting to arrange",
        "Latest date for the meeting",
        "20 June 2028",
        "REVIEW-MEETING",
        "Invitations sent by",
        "6 June 2028",
        "SEND Regulations 2014, regs 20(3)-(4) and 21(3)-(4)",
        "Review complete by",
        "18 July 2028",
        "Children and Families Act 2014, s.44",
        "The parent, or the young person: Morwenna Quillfeather",
        "Riverside Primary",  # the school arranging the meeting (no protected whereabouts)
        "The school or setting (reg 20)",
        "Tasks for this review",
    ):
        assert text in body, text
    event = AccessEvent.objects.filter(user=cast.caseworker).latest("pk")
    assert event.child_id == walk.review.child_id and event.relationship == "council"


@time_machine.travel(TODAY)
def test_the_arranging_school_and_agencies_invited_see_the_review_and_nobody_else(
    client, cast, walk
):
    health = walk.review.invitees.get(role=InviteeRole.HEALTH)
    health.agency = cast.health
    health.save()
    other_school = factories.AgencyFactory(kind=AgencyKind.SCHOOL)
    others = {
        "another school's SENCo": factories.member(other_school, Role.SENCO),
        "the council's panel member": factories.member(cast.council, Role.PANEL_MEMBER),
        "another council": cast.outsider,
        "a psychologist not invited": cast.psychologist,
        "social care, invited without an agency": cast.social_worker,
    }
    for user in (cast.senco, cast.health_adviser, cast.manager):
        client.force_login(user)
        assert client.get(page(walk)).status_code == 200, user
    for who, user in others.items():
        client.force_login(user)
        assert client.get(page(walk)).status_code == 404, who


@time_machine.travel(TODAY)
def test_a_protected_childs_school_is_named_only_to_those_who_may_see_it(client, cast):
    child = factories.ChildFactory(current_setting=cast.school, protected_whereabouts=True)
    plan = factories.EhcPlanFactory(child=child, council=cast.council)
    walk = ReviewWalk(cast, plan)
    walk.start()
    client.force_login(cast.caseworker)
    body = client.get(page(walk)).content.decode()
    assert "Riverside Primary" not in body
    assert "name withheld" in body
    client.force_login(cast.senco)  # works there
    assert "Riverside Primary" in client.get(page(walk)).content.decode()


def test_the_decision_letter_is_on_the_review_page_and_downloads(client, cast):
    walk = ReviewWalk(cast, plan_for_review(cast))
    walk.to_report()
    walk.decide(reasons="Outcomes on track")
    rendering.document_render_pending()
    letter = PlanDocument.objects.get(review=walk.review)
    with time_machine.travel(date(2028, 7, 4)):
        client.force_login(cast.caseworker)
        body = client.get(page(walk)).content.decode()
        assert "Letter: the decision after a review" in body
        assert "by e-mail on 3 July 2028" in body
        url = f"{page(walk)}documents/{letter.public_id}/"
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        client.force_login(cast.psychologist)
        assert client.get(url).status_code == 404


@time_machine.travel(TODAY)
def test_the_senco_does_the_schools_step_on_the_task_page(client, cast, walk):
    task = CaseTask.objects.human().open().get(review=walk.review)
    url = f"/tasks/{task.public_id}/"
    client.force_login(cast.senco)
    response = client.get(url)
    assert response.status_code == 200
    assert "Arrange the review meeting" in response.content.decode()
    client.post(f"{url}claim/")
    response = client.get(url)
    assert "Date of the review meeting" in response.content.decode()
    # A meeting after the latest date: the rule's message, nothing changes.
    response = client.post(url, {"meeting_on_0": "1", "meeting_on_1": "7", "meeting_on_2": "2028"})
    assert response.status_code == 200
    assert "on or before 20 June 2028" in response.content.decode()
    response = client.post(url, {"meeting_on_0": "12", "meeting_on_1": "6", "meeting_on_2": "2028"})
    assert response.status_code == 302 and response["Location"] == page(walk)
    walk.refresh()
    assert walk.review.status == ReviewStatus.ARRANGED and walk.review.meeting_on == date(
        2028, 6, 12
    )
    # The next step is the school's too; other agencies do not see the task at all.
    nxt = CaseTask.objects.human().open().get(review=walk.review)
    for user in (cast.health_adviser, cast.outsider, cast.psychologist):
        client.force_login(user)
        assert client.get(f"/tasks/{nxt.public_id}/").status_code == 404


@time_machine.travel(TODAY)
def test_the_inbox_lists_review_tasks_and_filters_by_review(client, cast, walk):
    client.force_login(cast.senco)
    body = client.get("/tasks/").content.decode()
    assert "Arrange the review meeting" in body and walk.review.reference in body
    body = client.get(f"/tasks/?review={walk.review.public_id}").content.decode()
    assert f"Tasks for {walk.review.reference}" in body
    client.force_login(cast.psychologist)
    assert client.get(f"/tasks/?review={walk.review.public_id}").status_code == 404


@time_machine.travel(TODAY)
def test_the_council_starts_an_early_review_from_the_childs_page(client, cast):
    plan = plan_for_review(cast)
    factories.CaseFactory(child=plan.child, council=cast.council)  # how the council knows them
    child_page = f"/children/{plan.child.public_id}/"
    client.force_login(cast.caseworker)
    body = client.get(child_page).content.decode()
    start = f"/tasks/plans/{plan.public_id}/review/"
    assert start in body and "Start an early or interim review" in body

    response = client.post(start, {"kind": "EARLY", "reason": ""})
    assert response.status_code == 200
    assert "Enter why the council is reviewing the plan now" in response.content.decode()
    assert not Review.objects.exists()

    response = client.post(start, {"kind": "EARLY", "reason": "Excluded for 3 days"})
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.public_id}/"
    assert review.kind == "EARLY" and review.reason == "Excluded for 3 days"
    assert review.started_on == TODAY and review.started_by == cast.caseworker
    task = CaseTask.objects.human().open().get(review=review)
    assert task.flow_task.name == "arrange_meeting" and task.agency == cast.school

    body = client.get(child_page).content.decode()
    assert review.reference in body and "Early review" in body
    assert "Start an early or interim review" not in body  # one open review at a time


@time_machine.travel(TODAY)
def test_only_the_councils_officers_start_a_review(client, cast):
    plan = plan_for_review(cast)
    start = f"/tasks/plans/{plan.public_id}/review/"
    for user, status in ((cast.senco, 403), (cast.health_adviser, 403), (cast.outsider, 404)):
        client.force_login(user)
        assert client.get(start).status_code == status, user
        assert client.post(start, {"kind": "EARLY", "reason": "x"}).status_code == status
    assert not Review.objects.exists()
