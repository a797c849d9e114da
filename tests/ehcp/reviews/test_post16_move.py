"""A move between post-16 institutions at another time (reg 18(2)): recorded on the open review,
it sets the date any amended plan is due (5 months before the move), the open step's due date and
rule follow it, the pipeline plans back from it, and the review's page offers it to the council
for a young person in Year 12 or later. Bad input: a message, nothing changed."""

from datetime import date

import pytest
import time_machine

from ehcp.common.services import CaseRuleError
from ehcp.reviews.models import ReviewDecision
from ehcp.reviews.rules import phase
from ehcp.reviews.services import amendment as amendment_services
from ehcp.reviews.services import review as review_services
from tests.ehcp.reviews.amending import propose_amendments
from tests.ehcp.reviews.cease_world import plan_in_force
from tests.factories import ReviewCalendar, ReviewWalk, db_state

pytestmark = pytest.mark.django_db

# The young person (born 1 September 2011) is in Year 11 in 2027/28 and Year 12 from September
# 2028: the review runs in early 2028; the move is recorded in October 2028.
CALENDAR = ReviewCalendar(
    started_on=date(2028, 1, 10),
    arranged_on=date(2028, 1, 17),
    invited_on=date(2028, 2, 1),
    circulated_on=date(2028, 2, 15),
    meeting_on=date(2028, 3, 6),
    reported_on=date(2028, 3, 13),
    decided_on=date(2028, 3, 20),
)
RECORDED_ON = date(2028, 4, 1)
MOVE_ON = date(2028, 8, 31)  # 5 months before: 31 March 2028 (no 31 March problem)


def casework() -> dict:
    """Every row but the read audit (each page shown writes one access event)."""
    state = db_state()
    state.pop("governance.AccessEvent")
    return state


@pytest.fixture
def amending(cast):
    """An open review waiting for the final amended plan (due 8 weeks from the notice)."""
    walk = ReviewWalk(cast, plan_in_force(cast), when=CALENDAR)
    walk.to_report(recommendation="AMEND")
    propose_amendments(walk.review, cast)
    walk.decide(ReviewDecision.AMEND, reasons="A new college course")
    on = date(2028, 3, 27)
    walk.complete(
        "record_amendment_comments",
        lambda r: amendment_services.amendment_comments_record(
            review=r, received_on=on, summary="Agree", by=cast.caseworker, today=on
        ),
    )
    return walk


def test_the_move_brings_the_amended_plan_forward_and_the_open_step_follows(cast, amending):
    task = amending.task("issue_amended_plan")
    assert (task.due_on, task.rule_code) == (date(2028, 5, 15), "AMEND-FINAL-8W")

    review = review_services.review_post16_move_record(
        review=amending.review, move_on=MOVE_ON, by=cast.caseworker, today=RECORDED_ON
    )

    assert review.transfer_on == MOVE_ON and review.transfer_post16
    assert review.phase_transfer_due_on == date(2028, 3, 31)
    assert review.phase_transfer_period.code == "PHASE-TRANSFER-POST16-5M"
    task.refresh_from_db()
    assert (task.due_on, task.rule_code) == (date(2028, 3, 31), "PHASE-TRANSFER-POST16-5M")
    assert review.history.first().history_change_reason.startswith(
        "Move between post-16 institutions on 31 August 2028"
    )


def test_a_move_in_the_past_or_on_a_finished_review_is_refused(cast, amending):
    before = db_state()
    with pytest.raises(CaseRuleError, match="The date of the move must be in the future"):
        review_services.review_post16_move_record(
            review=amending.review, move_on=RECORDED_ON, by=cast.caseworker, today=RECORDED_ON
        )
    with pytest.raises(CaseRuleError, match="Only the council"):
        review_services.review_post16_move_record(
            review=amending.review, move_on=MOVE_ON, by=cast.senco, today=RECORDED_ON
        )
    assert db_state() == before


def test_the_pipeline_plans_back_from_the_move():
    move = phase.Post16Move(date(2028, 7, 31))
    assert move.due_on == date(2028, 2, 29)
    assert move.back_plan["final_amended_plan_by"] == date(2028, 2, 29)
    assert move.is_listed_on(date(2027, 7, 31)) and not move.is_listed_on(date(2027, 7, 30))
    risk = phase.transfer_risk(move, today=date(2028, 1, 20))
    assert risk.flagged  # no amendment notice, and too late for the 8 weeks


@time_machine.travel(date(2028, 10, 1))
def test_the_reviews_page_records_the_move_for_a_young_person_in_post16(client, cast, amending):
    client.force_login(cast.caseworker)
    page = client.get(f"/reviews/{amending.review.public_id}/").content.decode()
    assert "Record a move between post-16 institutions" in page
    url = f"/reviews/{amending.review.public_id}/post16-move/"
    assert "SEND Regulations 2014, reg 18(2)" in client.get(url).content.decode()
    before = casework()
    response = client.post(url, {"move_on_0": "1", "move_on_1": "9", "move_on_2": "2028"})
    assert "The date of the move must be in the future" in response.content.decode()
    response = client.post(url, {})
    assert "Enter the date of the move to the new post-16 institution" in (
        response.content.decode()
    )
    assert casework() == before
    response = client.post(url, {"move_on_0": "5", "move_on_1": "1", "move_on_2": "2029"})
    assert response["Location"] == f"/reviews/{amending.review.public_id}/"
    page = " ".join(client.get(response["Location"]).content.decode().split())
    assert "A move between post-16 institutions on 5 January 2029" in page
    assert "any amended plan by 5 August 2028" in page
    for user, status in [(cast.senco, 403), (cast.outsider, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status
