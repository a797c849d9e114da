"""What follows a confirmed funded decision of the panel (workflows/flows/funding.py): a payment
task in each paying funder's queue, due the day the funding starts, and the funding review in
the council's queue, due by the review date; done through the task pages."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from panel.models import FundingRequest, PaymentSetup, RequestStatus
from panel.rules.money import Funder
from panel.services import meetings
from tests.panel.world import approve, at, in_session, meeting_with, panel_world, raise_ready
from workflows import services as workflow_services
from workflows.models import CaseTask
from workflows.steps import step_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return panel_world(cast)


def _confirmed(world, **decision):
    funding = raise_ready(world)
    meeting = in_session(world, meeting_with(world, funding))
    approve(world, meeting.items.get(), **decision)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    return funding


def test_each_paying_funder_gets_a_payment_task_and_the_council_the_review(world, cast):
    funding = _confirmed(world)
    tasks = CaseTask.objects.human().open().filter(funding_request=funding)
    payments = {t.agency_id: t for t in tasks if t.flow_task.name == "set_up_payment"}
    assert set(payments) == {cast.council.pk, cast.health.pk, cast.social_care.pk}
    assert {t.due_on for t in payments.values()} == {date(2027, 10, 1)}
    assert payments[cast.health.pk].data["funder"] == "HEALTH"
    (review,) = [t for t in tasks if t.flow_task.name == "review_funding"]
    assert review.agency == cast.council and review.due_on == date(2028, 9, 30)
    assert review.owner == cast.caseworker  # who raised the request


def test_a_funder_with_no_share_gets_no_task_and_a_decline_starts_nothing(world, cast):
    shares = {
        Funder.EDUCATION: Decimal("0"),
        Funder.HEALTH: Decimal("0"),
        Funder.SOCIAL_CARE: Decimal("100"),
    }
    funding = _confirmed(world, shares=shares)
    payments = CaseTask.objects.human().filter(
        funding_request=funding, flow_task="workflows/flows.funding.FundingFlow.set_up_payment"
    )
    assert [t.agency_id for t in payments] == [cast.social_care.pk]
    declined = raise_ready(world)
    meeting = in_session(world, meeting_with(world, declined, meets_on=date(2027, 9, 27)))
    meetings.decision_record(
        item=meeting.items.get(),
        by=world.member,
        now=at(10, 30, date(2027, 9, 27)),
        outcome="DECLINE",
        reasons="Not needed",
    )
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11, day=date(2027, 9, 27)))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12, day=date(2027, 9, 27)))
    assert not CaseTask.objects.filter(funding_request=declined).exists()


@time_machine.travel(date(2027, 10, 3))
def test_the_health_funder_sets_up_its_payment_on_its_task_page(client, world, cast):
    funding = _confirmed(world)
    task = CaseTask.objects.human().open().get(funding_request=funding, agency=cast.health)
    client.force_login(cast.health_adviser)
    page = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert "Set up the payment of the agreed share" in page and "30.00%" in page
    client.post(f"/tasks/{task.public_id}/claim/")
    response = client.post(
        f"/tasks/{task.public_id}/",
        {"set_up_on_0": "2", "set_up_on_1": "10", "set_up_on_2": "2027", "reference": "PO-4471"},
    )
    assert response.status_code == 302
    payment = PaymentSetup.objects.get()
    assert (payment.funder, payment.agency, payment.reference) == ("HEALTH", cast.health, "PO-4471")
    task.refresh_from_db()
    assert not task.is_open
    # The social care adviser sees nothing of the health funder's task.
    client.force_login(cast.social_worker)
    assert client.get(f"/tasks/{task.public_id}/").status_code == 404


def test_the_funding_review_raises_a_request_that_follows_the_decision(world, cast):
    funding = _confirmed(world)
    review = (
        CaseTask.objects.human()
        .open()
        .get(
            funding_request=funding, flow_task="workflows/flows.funding.FundingFlow.review_funding"
        )
    )
    step = step_for(review)
    workflow_services.task_complete(
        task=review,
        user=cast.caseworker,
        perform=lambda episode: step.perform(
            episode, review, {"note": "Needs have grown"}, cast.caseworker, date(2028, 9, 1)
        ),
    )
    follow_up = FundingRequest.objects.get(follows=funding)
    assert follow_up.status == RequestStatus.DRAFT  # options tried to bring up to date
    assert follow_up.proposed_cost == Decimal("120000.00")
    assert follow_up.evidence_notes == "Needs have grown"
    with pytest.raises(Exception):  # noqa: B017 - the task is done: a second review is refused
        workflow_services.task_complete(
            task=review, user=cast.caseworker, perform=lambda episode: None
        )


def test_an_approval_the_plan_does_not_provide_for_is_carried_into_the_plan(world, cast):
    from panel.services import funding as funding_services

    funding = _confirmed(world)  # names no provision of the plan (the plan has no version)
    task = (
        CaseTask.objects.human()
        .open()
        .get(funding_request=funding, flow_task="workflows/flows.funding.FundingFlow.update_plan")
    )
    assert task.agency == cast.council and task.due_on == date(2027, 10, 1)
    step = step_for(task)
    from ehcp.common.services import CaseRuleError

    with pytest.raises(CaseRuleError, match="No review of the plan is open"):
        workflow_services.task_complete(
            task=task,
            user=cast.caseworker,
            perform=lambda episode: step.perform(
                episode, task, {"how": "AMENDING", "note": ""}, cast.caseworker, date(2027, 10, 2)
            ),
        )
    workflow_services.review_start(
        ehc_plan=funding.ehc_plan,
        kind="EARLY",
        reason="The panel's decision changes the provision",
        by=cast.caseworker,
        today=date(2027, 10, 2),
    )
    workflow_services.task_complete(
        task=task,
        user=cast.caseworker,
        perform=lambda episode: step.perform(
            episode,
            task,
            {"how": "AMENDING", "note": "Section F"},
            cast.caseworker,
            date(2027, 10, 2),
        ),
    )
    funding.refresh_from_db()
    assert funding.plan_update == "AMENDING" and funding.plan_updated_on == date(2027, 10, 2)
    assert funding_services  # the service the step calls


def test_an_approval_of_provision_in_the_plan_needs_no_plan_update(world, cast):
    funding = raise_ready(world)
    funding.plan_entries = [
        {
            "key": "f1",
            "section": "F",
            "ref": "F1",
            "what": "1:1 support",
            "who": "",
            "frequency": "",
        }
    ]
    funding.save()
    meeting = in_session(world, meeting_with(world, funding))
    approve(world, meeting.items.get())
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    names = {t.flow_task.name for t in CaseTask.objects.human().filter(funding_request=funding)}
    assert names == {"set_up_payment", "review_funding"}
