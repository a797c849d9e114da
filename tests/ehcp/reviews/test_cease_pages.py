"""The cease pages: a review's mediation certificate, appeal and Tribunal decision (council
officers), ceasing a plan without a review from the child's page, and what the child's page says
about a plan proposed to cease or ceased. Bad input: a GOV.UK message, nothing changed."""

from datetime import date, timedelta

import pytest
import time_machine

from ehcp.plans.models import EhcPlanStatus
from ehcp.reviews.models import Review, ReviewKind, ReviewStatus
from ehcp.reviews.rules.cease import Reason
from ehcp.reviews.services import cease
from tests.factories import db_state

from .cease_world import DECIDED_ON, emailed, plan_in_force, review_reported

pytestmark = pytest.mark.django_db

REPLIED_ON = DECIDED_ON + timedelta(days=14)
NOTICE_ON = DECIDED_ON + timedelta(days=17)  # 7 July 2028: the time to appeal ends 7 September
LATER = date(2028, 8, 1)


def casework() -> dict:
    """Every row but the read audit (each page shown writes one access event)."""
    state = db_state()
    state.pop("governance.AccessEvent")
    return state


@pytest.fixture
def plan(cast):
    return plan_in_force(cast)


@pytest.fixture
def noticed(cast, plan):
    """A review that has sent its notice to cease, e-mailed on the day."""
    review = review_reported(cast, plan)
    cease.cease_propose(
        review=review,
        decided_on=DECIDED_ON,
        reason=Reason.NEEDS_MET,
        reasons="Outcomes achieved",
        by=cast.caseworker,
        today=DECIDED_ON,
        sent=emailed(DECIDED_ON),
    )
    cease.cease_consultation_record(
        review=review, replied_on=REPLIED_ON, reply="Agreed", by=cast.caseworker, today=REPLIED_ON
    )
    return cease.cease_notice_issue(
        review=review,
        issued_on=NOTICE_ON,
        by=cast.caseworker,
        today=NOTICE_ON,
        sent=emailed(NOTICE_ON),
    )


def url(name: str, review: Review) -> str:
    return {
        "mediation": f"/reviews/{review.public_id}/cease/mediation/",
        "appeal": f"/reviews/{review.public_id}/cease/appeal/",
        "decision": f"/reviews/{review.public_id}/cease/appeal/decision/",
        "replies": f"/reviews/{review.public_id}/cease/replies/",
        "notice": f"/reviews/{review.public_id}/cease/notice/",
        "ceased": f"/reviews/{review.public_id}/cease/ceased/",
    }[name]


def day(prefix: str, d: date) -> dict:
    return {f"{prefix}_0": d.day, f"{prefix}_1": d.month, f"{prefix}_2": d.year}


def child_page(client, plan) -> str:
    response = client.get(f"/children/{plan.child.public_id}/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# -- a review's cease ----------------------------------------------------------------------------


@time_machine.travel(LATER)
def test_the_appeal_page_shows_the_cease_and_records_the_appeal(client, cast, plan, noticed):
    client.force_login(cast.caseworker)
    page = client.get(url("appeal", noticed)).content.decode()
    assert "Record an appeal to the SEND Tribunal" in page
    assert "Time to appeal ends" in page and "7 September 2028" in page
    assert "Tribunal Procedure (First-tier Tribunal)" in page  # the date's source
    assert "8 September 2028 if nobody appeals" in page
    assert "SEND Code of Practice, para 9.207" in page
    assert "Needs met without a plan" in page
    assert "cease-actions" not in page  # the step's own page offers no other actions

    response = client.post(url("appeal", noticed), day("lodged_on", date(2028, 7, 20)))
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/{noticed.public_id}/"
    noticed.refresh_from_db()
    assert noticed.appeal_lodged_on == date(2028, 7, 20)
    text = child_page(client, plan)
    assert "Proposed to cease (needs met without a plan" in text
    assert "An appeal to the SEND Tribunal was lodged on 20 July 2028" in text


@time_machine.travel(LATER)
def test_bad_input_on_the_appeal_page_changes_nothing(client, cast, noticed):
    client.force_login(cast.caseworker)
    before = casework()
    response = client.post(url("appeal", noticed), {})
    assert response.status_code == 200
    assert "Enter the date the appeal was lodged with the Tribunal" in response.content.decode()
    response = client.post(url("appeal", noticed), day("lodged_on", date(2028, 7, 1)))
    assert "The appeal cannot be before the notice was sent on 7 July 2028" in (
        response.content.decode()
    )
    response = client.post(url("appeal", noticed), day("lodged_on", date(2028, 8, 2)))
    assert "must be today or in the past" in response.content.decode()
    assert casework() == before


@time_machine.travel(date(2028, 9, 10))
def test_a_late_appeal_needs_the_tribunals_permission(client, cast, noticed):
    client.force_login(cast.caseworker)
    response = client.post(url("appeal", noticed), day("lodged_on", date(2028, 9, 9)))
    assert "The time to appeal ended on 7 September 2028" in response.content.decode()
    response = client.post(
        url("appeal", noticed), {**day("lodged_on", date(2028, 9, 9)), "late_admitted": "on"}
    )
    assert response.status_code == 302
    noticed.refresh_from_db()
    assert noticed.appeal_late_admitted


@time_machine.travel(date(2029, 2, 20))
def test_the_tribunal_dismissed_the_appeal_the_plan_ceases_at_once(client, cast, plan, noticed):
    cease.cease_appeal_record(
        review=noticed, lodged_on=date(2028, 7, 20), by=cast.caseworker, today=LATER
    )
    client.force_login(cast.manager)
    page = client.get(url("decision", noticed)).content.decode()
    assert "Lodged 20 July 2028" in page and "stays in force until the Tribunal decides" in page
    before = casework()
    response = client.post(url("decision", noticed), day("decided_on", date(2029, 2, 14)))
    assert "Select what the Tribunal decided" in response.content.decode()
    assert casework() == before
    response = client.post(
        url("decision", noticed), {**day("decided_on", date(2029, 2, 14)), "outcome": "DISMISSED"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.ceased_on == date(2029, 2, 14)
    text = child_page(client, plan)
    assert "EHC plan has ceased (14 February 2029): needs met without a plan" in text
    assert "EHC plan ceased: needs met without a plan" in text  # the timeline


@time_machine.travel(date(2029, 2, 20))
def test_the_tribunal_upheld_the_appeal_the_plan_stays_in_force(client, cast, plan, noticed):
    cease.cease_appeal_record(
        review=noticed, lodged_on=date(2028, 7, 20), by=cast.caseworker, today=LATER
    )
    client.force_login(cast.caseworker)
    response = client.post(
        url("decision", noticed), {**day("decided_on", date(2029, 2, 14)), "outcome": "UPHELD"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    noticed.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE and noticed.status == ReviewStatus.COMPLETE
    page = client.get(url("decision", noticed)).content.decode()
    assert "Kept in force: the Tribunal upheld the appeal" in page


@time_machine.travel(LATER)
def test_a_mediation_certificate_moves_the_end_of_the_time_to_appeal(client, cast, plan, noticed):
    client.force_login(cast.caseworker)
    response = client.post(url("mediation", noticed), day("issued_on", date(2028, 8, 1)))
    assert response.status_code == 302
    noticed.refresh_from_db()
    assert noticed.appeal_window_ends_on == date(2028, 9, 7)  # 1 September is earlier
    text = child_page(client, plan)
    assert "The appeal window ends 7 September 2028" in text
    assert "ceases on 8 September 2028 if nobody appeals" in text


@time_machine.travel(LATER)
@pytest.mark.parametrize("name", ["mediation", "appeal", "decision"])
def test_only_the_councils_officers_may_use_a_reviews_cease_pages(client, cast, noticed, name):
    for user, status in [(cast.senco, 403), (cast.health_adviser, 403), (cast.outsider, 404)]:
        client.force_login(user)
        assert client.get(url(name, noticed)).status_code == status, user
        assert client.post(url(name, noticed), {}).status_code == status, user
    client.force_login(cast.manager)
    assert client.get(url(name, noticed)).status_code == 200


@time_machine.travel(LATER)
def test_the_childs_page_offers_no_cease_without_review_while_ceasing(client, cast, plan, noticed):
    client.force_login(cast.caseworker)
    text = child_page(client, plan)
    assert "Proposed to cease" in text
    assert "cease-without-review-link" not in text


# -- without a review -----------------------------------------------------------------------------


def cease_url(plan) -> str:
    return f"/reviews/cease-without-review/{plan.public_id}/"


@time_machine.travel(date(2028, 3, 20))
def test_the_childs_page_links_to_cease_without_review_for_the_council_only(client, cast, plan):
    client.force_login(cast.caseworker)
    assert cease_url(plan) in child_page(client, plan)
    client.force_login(cast.senco)
    assert cease_url(plan) not in child_page(client, plan)


@time_machine.travel(date(2028, 3, 20))
def test_cease_without_review_offers_only_the_lawful_reasons(client, cast, plan):
    client.force_login(cast.caseworker)
    page = client.get(cease_url(plan)).content.decode()
    for label in (
        "Reached the maximum age",
        "Moved to another council in England",
        "Moved outside England",
        "Died",
    ):
        assert label in page
    assert 'value="2"' not in page and "Needs met without a plan" not in page
    assert "turns 25 on 1 September 2036" in page
    before = casework()
    response = client.post(
        cease_url(plan),
        {"reason": "2", "reasons": "Needs met", **day("on", date(2028, 3, 20))},
    )
    assert "Select a valid choice" in response.content.decode()
    assert casework() == before


@time_machine.travel(date(2028, 3, 20))
def test_cease_without_review_after_a_move_to_another_english_council(client, cast, plan):
    client.force_login(cast.caseworker)
    response = client.post(
        cease_url(plan),
        {
            "reason": Reason.TRANSFERRED_LA,
            "reasons": "Moved to Southshire; the plan transferred on 14 March",
            **day("on", date(2028, 3, 14)),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.ceased_on == date(2028, 3, 14)
    review = Review.objects.get(ehc_plan=plan)
    assert review.kind == ReviewKind.CEASE_ONLY and review.status == ReviewStatus.COMPLETE
    text = child_page(client, plan)
    assert "has ceased (14 March 2028): moved to another council in england" in text


@time_machine.travel(date(2028, 3, 20))
def test_cease_without_review_at_25_is_refused_before_the_birthday(client, cast, plan):
    client.force_login(cast.caseworker)
    before = casework()
    response = client.post(
        cease_url(plan),
        {
            "reason": Reason.MAX_AGE,
            "reasons": "Turning 25",
            "letter_sent_how": "EMAIL",
            **day("on", date(2028, 3, 20)),
        },
    )
    assert response.status_code == 200
    assert "Zephyrine reaches 25 on 1 September 2036" in response.content.decode()
    assert casework() == before


@time_machine.travel(date(2028, 3, 20))
def test_cease_without_review_asks_how_the_letter_went_when_there_is_one(client, cast, plan):
    client.force_login(cast.caseworker)
    before = casework()
    response = client.post(
        cease_url(plan),
        {"reason": Reason.MOVED_OUT, "reasons": "Moved to Wales", **day("on", date(2028, 3, 20))},
    )
    assert "Select how the letter was sent" in response.content.decode()
    assert casework() == before
    response = client.post(
        cease_url(plan),
        {
            "reason": Reason.MOVED_OUT,
            "reasons": "Moved to Wales",
            "letter_sent_how": "EMAIL",
            **day("on", date(2028, 3, 20)),
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(ehc_plan=plan)
    assert review.status == ReviewStatus.CEASING and review.cease_consulted_on == date(2028, 3, 20)
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE


@time_machine.travel(date(2028, 3, 20))
def test_only_the_councils_officers_may_cease_without_review(client, cast, plan):
    for user, status in [(cast.senco, 403), (cast.psychologist, 403), (cast.outsider, 404)]:
        client.force_login(user)
        assert client.get(cease_url(plan)).status_code == status, user
        response = client.post(
            cease_url(plan),
            {"reason": Reason.DECEASED, "reasons": "x", **day("on", date(2028, 3, 20))},
        )
        assert response.status_code == status, user
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE


@time_machine.travel(LATER)
def test_the_reviews_cease_section_offers_the_next_actions_to_the_council(cast, noticed):
    """`ehcp/reviews/_cease.html`, as the review's page includes it: the actions that fit the
    stage, for an officer of the review's council only."""
    from django.template.loader import render_to_string

    from ehcp.reviews.selectors import review_cease

    summary = review_cease(noticed, today=LATER, whereabouts=True)

    def section(may_act):
        html = render_to_string(
            "ehcp/reviews/_cease.html", {"cease": summary, "review": noticed, "may_act": may_act}
        )
        return " ".join(html.split())

    html = section(True)
    assert url("appeal", noticed) in html and url("mediation", noticed) in html
    assert url("decision", noticed) not in html
    assert "Family told and consulted" in html and cast.school.name in html
    assert url("appeal", noticed) not in section(False)
    cease.cease_appeal_record(review=noticed, lodged_on=LATER, by=cast.caseworker, today=LATER)
    noticed.refresh_from_db()
    summary = review_cease(noticed, today=LATER, whereabouts=True)
    html = section(True)
    assert url("decision", noticed) in html and "Record an appeal" not in html
    assert render_to_string("ehcp/reviews/_cease.html", {"cease": None}).strip() == ""


def test_a_protected_childs_school_is_not_named_in_the_cease_section(cast):
    plan = plan_in_force(cast, protected=True)
    review = cease.cease_propose(
        review=review_reported(cast, plan),
        decided_on=DECIDED_ON,
        reason=Reason.NEEDS_MET,
        reasons=f"{cast.school.name} meets the needs at SEN support",
        by=cast.caseworker,
        today=DECIDED_ON,
    )
    from ehcp.reviews.selectors import review_cease

    hidden = review_cease(review, today=DECIDED_ON, whereabouts=False)
    assert (
        cast.school.name not in hidden.reasons and cast.school.name not in hidden.consulted_setting
    )
    shown = review_cease(review, today=DECIDED_ON, whereabouts=True)
    assert shown.consulted_setting == cast.school.name and cast.school.name in shown.reasons


# -- a cease without a review, step by step on its review's page ----------------------------


def review_page(client, review) -> str:
    response = client.get(f"/reviews/{review.public_id}/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_cease_without_review_is_carried_through_on_its_reviews_page(client, cast, plan):
    """Moved out of England (reg 31): told and consulted, the replies, the notice with how it was
    sent, then, the time to appeal over and nobody appealing, the plan ceases. Each step is a
    link on the review's page, offered only when it fits; each returns to the page."""
    with time_machine.travel(date(2028, 3, 20)):
        client.force_login(cast.caseworker)  # sessions end when idle: sign in on each day
        response = client.post(
            cease_url(plan),
            {
                "reason": Reason.MOVED_OUT,
                "reasons": "Moved to Wales",
                "letter_sent_how": "EMAIL",
                **day("on", date(2028, 3, 20)),
            },
        )
        review = Review.objects.get(ehc_plan=plan)
        assert response["Location"] == f"/reviews/{review.public_id}/"
        page = review_page(client, review)
        assert "Record the replies to the consultation" in page
        assert "Decide whether to cease the plan" not in page
        assert "Cease the plan: nobody appealed" not in page

    with time_machine.travel(date(2028, 4, 3)):
        client.force_login(cast.caseworker)
        assert (
            "SEND Regulations 2014, reg 31(1)"
            in client.get(url("replies", review)).content.decode()
        )
        before = casework()
        response = client.post(url("replies", review), day("replied_on", date(2028, 4, 2)))
        assert "Enter what the family and the school or college said" in response.content.decode()
        response = client.post(
            url("replies", review), {"reply": "x", **day("replied_on", date(2028, 3, 1))}
        )
        assert response.status_code == 200
        assert casework() == before
        response = client.post(
            url("replies", review),
            {
                "reply": "The family agree; the school did not reply",
                **day("replied_on", date(2028, 4, 2)),
            },
        )
        assert response["Location"] == f"/reviews/{review.public_id}/"
        page = review_page(client, review)
        assert "The family agree; the school did not reply" in page
        assert "Decide whether to cease the plan" in page

        before = casework()
        response = client.post(url("notice", review), day("issued_on", date(2028, 4, 3)))
        assert "Select whether the council has decided to cease the plan" in (
            response.content.decode()
        )
        assert "Select how the letter was sent" in response.content.decode()
        assert casework() == before
        response = client.post(
            url("notice", review),
            {**day("issued_on", date(2028, 4, 3)), "outcome": "NOTICE", "letter_sent_how": "EMAIL"},
        )
        assert response["Location"] == f"/reviews/{review.public_id}/"
        review.refresh_from_db()
        assert review.cease_notice_on == date(2028, 4, 3)
        assert review.appeal_window_ends_on == date(2028, 6, 3)
        page = review_page(client, review)
        assert "Record the replies to the consultation" not in page
        assert "Record an appeal to the SEND Tribunal" in page
        assert "Cease the plan: nobody appealed" not in page  # the time to appeal is still open
        response = client.post(url("ceased", review), day("on", date(2028, 4, 3)))
        assert "it can cease from 4 June 2028" in response.content.decode()
        plan.refresh_from_db()
        assert plan.status == EhcPlanStatus.CEASING

    with time_machine.travel(date(2028, 6, 5)):
        client.force_login(cast.caseworker)
        assert "Cease the plan: nobody appealed" in review_page(client, review)
        response = client.post(url("ceased", review), day("on", date(2028, 6, 4)))
        assert response["Location"] == f"/reviews/{review.public_id}/"
    plan.refresh_from_db()
    review.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.ceased_on == date(2028, 6, 4)
    assert review.status == ReviewStatus.COMPLETE


@time_machine.travel(LATER)
@pytest.mark.parametrize("name", ["replies", "notice", "ceased"])
def test_a_reviews_own_cease_steps_are_its_tasks_not_pages(client, cast, noticed, name):
    """A review with a flow records the replies, the notice and the cease in its tasks: the
    pages for a cease without a review do not exist for it, and other people may not use them."""
    client.force_login(cast.caseworker)
    assert client.get(url(name, noticed)).status_code == 404
    assert client.post(url(name, noticed), {}).status_code == 404
    for user, status in [(cast.senco, 403), (cast.health_adviser, 403), (cast.outsider, 404)]:
        client.force_login(user)
        assert client.get(url(name, noticed)).status_code == status, user


def test_a_cease_without_review_the_council_decides_not_to_make(client, cast, plan):
    """Having consulted, the council decides not to cease: the plan stays in force, the episode
    is complete, and the family gets a letter saying so (no right of appeal: nothing changed)."""
    from ehcp.plans.models import DocumentKind, DocumentRender

    with time_machine.travel(date(2028, 3, 20)):
        client.force_login(cast.caseworker)
        client.post(
            cease_url(plan),
            {
                "reason": Reason.MOVED_OUT,
                "reasons": "Moved to Wales",
                "letter_sent_how": "EMAIL",
                **day("on", date(2028, 3, 20)),
            },
        )
        review = Review.objects.get(ehc_plan=plan)
        client.post(
            url("replies", review),
            {
                "reply": "The family have not moved after all",
                **day("replied_on", date(2028, 3, 20)),
            },
        )
        before = casework()
        response = client.post(
            url("notice", review),
            {
                **day("issued_on", date(2028, 3, 20)),
                "outcome": "NOT_CEASING",
                "letter_sent_how": "EMAIL",
            },
        )
        assert "Enter why the plan will not cease" in response.content.decode()
        assert casework() == before
        response = client.post(
            url("notice", review),
            {
                **day("issued_on", date(2028, 3, 20)),
                "outcome": "NOT_CEASING",
                "withdrawn_reasons": "The family still live in the county",
                "letter_sent_how": "EMAIL",
            },
        )
        assert response["Location"] == f"/reviews/{review.public_id}/"
        page = review_page(client, review)
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETE and review.cease_withdrawn_on == date(2028, 3, 20)
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert "Decided not to cease" in page and "The family still live in the county" in page
    assert "Kept in force as it is: the council decided not to cease it" in page
    assert "cease-actions" not in page
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.CEASE_WITHDRAWN_LETTER)
    assert letter.content["withdrawn_reasons"] == "The family still live in the county"
