"""The panel's pages, as the people who use them: raising a request from the child's page, a
member's papers (only what their agency may see), declaring an interest, recording a decision
(bad input: a message and nothing saved), the chair's confirmation, the letters and the
commitments; and a page's queries do not grow with its rows."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panel.models import ConflictOfInterest, Decision, FundingRequest, PanelDocument, RequestStatus
from panel.services import meetings, requests
from tests.ehcp.reviews.cease_world import plan_in_force

from .world import (
    TODAY,
    approve,
    at,
    complete_details,
    funding_consent,
    in_session,
    meeting_with,
    panel_world,
    raise_ready,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return panel_world(cast)


def _share_fields(education, health, social_care, prefix="") -> dict:
    return {
        f"{prefix}education_share": education,
        f"{prefix}health_share": health,
        f"{prefix}social_care_share": social_care,
    }


@time_machine.travel(date(2027, 9, 6))
def test_a_caseworker_raises_a_request_from_the_childs_page(client, world, cast):
    plan = plan_in_force(cast)
    funding_consent(cast, plan.child)
    client.force_login(cast.caseworker)
    child_page = client.get(f"/children/{plan.child.public_id}/").content.decode()
    assert "No funding has been asked of the panel" in child_page
    assert f"/panel/requests/new/{plan.public_id}/" in child_page
    page = client.get(f"/panel/requests/new/{plan.public_id}/").content.decode()
    assert 'name="plan_entries"' in page and 'name="advice"' in page
    from ehcp.plans.selectors import plan_in_force as version_in_force

    sections = version_in_force(plan.pk).content["sections"]
    entry, advice = sections["F"][0], sections["K"][0]
    form = {
        "kind": "JOINT_PLACEMENT",
        "panel": str(world.panel.public_id),
        "summary": "A joint placement with therapy on site",
        "provider_name": "Riverbend Specialist Centre",
        "plan_entries": [entry["key"]],
        "advice": [advice["key"]],
        "options_tried": "Outreach for a term",
        "proposed_cost": "£54,000",
        "starts_on_0": "1",
        "starts_on_1": "10",
        "starts_on_2": "2027",
    }
    # Shares that make 99%: a message, and nothing saved.
    response = client.post(
        f"/panel/requests/new/{plan.public_id}/", {**form, **_share_fields("60", "25", "14")}
    )
    assert "The shares must add up to exactly 100%: they add up to 99%" in response.content.decode()
    assert not FundingRequest.objects.exists()
    response = client.post(
        f"/panel/requests/new/{plan.public_id}/", {**form, **_share_fields("60", "25", "15")}
    )
    funding = FundingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/panel/requests/{funding.public_id}/"
    assert funding.status == RequestStatus.READY
    assert funding.proposed_cost == Decimal("54000.00")
    assert [e["ref"] for e in funding.plan_entries] == [entry["ref"]]
    assert funding.consent is not None
    detail = client.get(response["Location"]).content.decode()
    assert "Ready for panel" in detail and "Riverbend Specialist Centre" in detail
    assert funding.reference in client.get(f"/children/{plan.child.public_id}/").content.decode()


def test_a_request_without_consent_is_refused_on_the_page(client, world, cast):
    plan = plan_in_force(cast)
    client.force_login(cast.caseworker)
    response = client.post(
        f"/panel/requests/new/{plan.public_id}/",
        {
            "kind": "SHORT_BREAKS",
            "panel": str(world.panel.public_id),
            "summary": "Overnight short breaks",
        },
    )
    assert "Record consent for high-needs funding" in response.content.decode()
    assert not FundingRequest.objects.exists()


def _item_with_evidence(world):
    funding = raise_ready(world)
    funding.plan_entries = [
        {
            "key": "g",
            "section": "G",
            "ref": "G1",
            "what": "Night-time seizure monitoring",
            "who": "",
            "frequency": "",
        },
        {
            "key": "h",
            "section": "H2",
            "ref": "H2.1",
            "what": "Residential short breaks",
            "who": "",
            "frequency": "",
        },
    ]
    funding.evidence_advice = [
        {
            "key": "a1",
            "ref": "K1",
            "kind": "HEALTH",
            "title": "Medical advice",
            "agency": "Trust",
            "summary": "Nocturnal seizures",
        },
        {
            "key": "a2",
            "ref": "K2",
            "kind": "SOCIAL_CARE",
            "title": "Social care advice",
            "agency": "CSC",
            "summary": "Carer breakdown risk",
        },
    ]
    funding.save()
    return funding


def test_each_member_reads_only_what_their_agency_may_see(client, world):
    funding = _item_with_evidence(world)
    meeting = in_session(world, meeting_with(world, funding))
    item = meeting.items.get()
    client.force_login(world.health_member)
    page = client.get(f"/panel/items/{item.public_id}/").content.decode()
    assert "Night-time seizure monitoring" in page and "Nocturnal seizures" in page
    assert "Residential short breaks" not in page and "Carer breakdown risk" not in page
    assert "does not let your agency see" in page
    client.force_login(world.social_care_member)
    page = client.get(f"/panel/items/{item.public_id}/").content.decode()
    assert "Carer breakdown risk" in page and "Nocturnal seizures" not in page
    client.force_login(world.member)
    page = client.get(f"/panel/items/{item.public_id}/").content.decode()
    assert "Carer breakdown risk" in page and "Nocturnal seizures" in page
    # Their own papers pack, and nobody else's.
    packs = {p.member.user_id: p for p in PanelDocument.objects.filter(kind="PAPERS")}
    client.force_login(world.health_member)
    assert (
        client.get(f"/panel/documents/{packs[world.health_member.pk].public_id}/").status_code
        == 200
    )
    assert (
        client.get(f"/panel/documents/{packs[world.social_care_member.pk].public_id}/").status_code
        == 404
    )


def test_a_member_of_another_councils_panel_sees_nothing(client, world, cast):
    other = panel_world(cast, name="Southshire panel")
    other.panel.council = cast.outsider.memberships.get().agency
    other.panel.save()
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    item = meeting.items.get()
    client.force_login(other.health_member)
    for url in (
        f"/panel/meetings/{meeting.public_id}/",
        f"/panel/items/{item.public_id}/",
        f"/panel/documents/{meeting.documents.first().public_id}/",
        f"/panel/panels/{world.panel.public_id}/meetings/new/",
    ):
        assert client.get(url).status_code == 404, url


def test_declaring_an_interest_and_recording_a_decision_on_the_page(client, world):
    first, second = raise_ready(world), raise_ready(world)
    meeting = in_session(world, meeting_with(world, first, second))
    item1, item2 = meeting.items.order_by("position")
    client.force_login(world.member)
    response = client.post(
        f"/panel/items/{item1.public_id}/",
        {"action": "interest", "interest": "I am a governor of the provider"},
    )
    assert response.status_code == 302
    assert ConflictOfInterest.objects.get().member == world.seat(world.member)
    page = client.get(f"/panel/items/{item1.public_id}/").content.decode()
    assert "You have declared an interest in this item" in page
    assert 'value="decision"' not in page  # no decision form for them
    decision = {
        "action": "decision",
        "outcome": "APPROVE",
        "reasons": "Evidence of need is clear",
        "agreed_cost": "120,000.00",
        "starts_on_0": "1",
        "starts_on_1": "10",
        "starts_on_2": "2027",
        "review_on_0": "30",
        "review_on_1": "9",
        "review_on_2": "2028",
    }
    response = client.post(
        f"/panel/items/{item2.public_id}/", {**decision, **_share_fields("50", "30", "30")}
    )
    assert "The shares must add up to exactly 100%" in response.content.decode()
    assert not Decision.objects.exists()
    response = client.post(
        f"/panel/items/{item2.public_id}/", {**decision, **_share_fields("50", "30", "20")}
    )
    assert response.status_code == 302
    saved = Decision.objects.get()
    assert saved.agreed_cost == Decimal("120000.00") and saved.recorded_by == world.member
    # A conflicted member posting a decision anyway: refused, nothing saved.
    response = client.post(
        f"/panel/items/{item1.public_id}/", {**decision, **_share_fields("50", "30", "20")}
    )
    assert response.status_code == 404
    assert Decision.objects.count() == 1


@time_machine.travel(date(2027, 10, 2))
def test_the_chair_confirms_and_the_letters_and_commitments_show_it(client, world, cast):
    funding = raise_ready(world)
    meeting = in_session(world, meeting_with(world, funding))
    approve(world, meeting.items.get())
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    client.force_login(world.member)
    assert client.post(f"/panel/meetings/{meeting.public_id}/confirm/").status_code == 404
    client.force_login(world.chair)
    page = client.get(f"/panel/meetings/{meeting.public_id}/").content.decode()
    assert 'id="confirm-meeting"' in page
    response = client.post(f"/panel/meetings/{meeting.public_id}/confirm/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "CONFIRMED"
    client.force_login(cast.caseworker)
    detail = client.get(f"/panel/requests/{funding.public_id}/").content.decode()
    assert "Decision letter to the family" in detail
    letter = PanelDocument.objects.get(kind="FAMILY_LETTER")
    response = client.get(f"/panel/documents/{letter.public_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = client.get("/panel/commitments/?year=2027-28").content.decode()
    assert "£120,000.00" in page
    assert funding.child.full_name in page


def _decided_packages(world, count):
    fundings = [raise_ready(world) for _ in range(count)]
    meeting = in_session(world, meeting_with(world, *fundings))
    for item in meeting.items.all():
        approve(world, item)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    return meeting


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@time_machine.travel(date(2027, 10, 2))
def test_panel_pages_cost_the_same_queries_however_many_rows(client, world, cast):
    one = _decided_packages(world, 1)
    client.force_login(cast.caseworker)
    urls = [
        f"/panel/meetings/{one.public_id}/",
        "/panel/commitments/?year=2027-28",
        "/panel/requests/",
        "/panel/",
    ]
    before = {url: _queries(client, url) for url in urls}
    many = _decided_packages(world, 6)
    urls[0] = f"/panel/meetings/{many.public_id}/"
    after = {url: _queries(client, url) for url in urls}
    assert list(before.values()) == list(after.values()), (before, after)


def test_unused_today_is_the_worlds(world):
    assert TODAY.year == 2027


@time_machine.travel(date(2027, 10, 2))
def test_the_review_of_the_plan_lists_the_funding_in_force(client, world, cast):
    from workflows import services as workflow_services

    funding = raise_ready(world)
    meeting = in_session(world, meeting_with(world, funding))
    approve(world, meeting.items.get())
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    review = workflow_services.review_start(
        ehc_plan=funding.ehc_plan, kind="ANNUAL", by=cast.caseworker, today=date(2027, 10, 2)
    )
    client.force_login(cast.caseworker)
    page = client.get(f"/reviews/{review.public_id}/").content.decode()
    assert "Funding agreed by the Joint Agency Panel" in page
    assert funding.reference in page and "30 September 2028" in page
    client.force_login(cast.senco)  # the school arranging the review: not the panel's business
    page = client.get(f"/reviews/{review.public_id}/").content.decode()
    assert "Funding agreed by the Joint Agency Panel" not in page


def test_a_panel_member_of_a_council_with_no_panel_is_told_so(client, cast):
    from agencies.models import Role
    from tests import factories

    member = factories.member(cast.council, Role.PANEL_MEMBER, username="nopanel")
    client.force_login(member)
    assert "You do not sit on a Joint Agency Panel yet" in client.get("/panel/").content.decode()
    client.force_login(cast.caseworker)
    assert (
        "The council has no Joint Agency Panel set up yet" in client.get("/panel/").content.decode()
    )
    client.force_login(cast.health_adviser)  # a partner adviser: no panel business at all
    assert client.get("/panel/").status_code == 404


def test_a_request_pays_for_the_placement_in_section_i_without_naming_a_protected_setting(
    world, cast
):
    from panel.services.requests import PLACEMENT_KEY, request_raise

    for protected in (False, True):
        plan = plan_in_force(cast, protected=protected)
        funding_consent(cast, plan.child)
        funding = request_raise(
            ehc_plan=plan,
            panel=world.panel,
            kind="JOINT_PLACEMENT",
            by=cast.caseworker,
            today=TODAY,
            summary="The placement named in section I",
            plan_entry_keys=[PLACEMENT_KEY],
        )
        (entry,) = funding.plan_entries
        assert entry["section"] == "I"
        assert (cast.school.name in entry["what"]) is not protected
        if protected:
            assert "whereabouts protected" in entry["what"]
        plan.cease(on=TODAY, reason="9")
        plan.save()


def _hidden_seen(page: str) -> str:
    match = re.search(r'<input type="hidden" name="seen" value="([^"]*)"', page)
    assert match, "the form carries the version it was shown"
    return match.group(1)


def test_a_decision_recorded_over_one_not_yet_read_is_refused_on_the_page(client, world):
    """Two members with the item open: the first records the decision; the second's form still
    says there was none, so it is refused and names who recorded it (tests/panel/
    test_concurrency.py races the same on PostgreSQL)."""
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    item = meeting.items.get()
    url = f"/panel/items/{item.public_id}/"
    client.force_login(world.health_member)
    stale = _hidden_seen(client.get(url).content.decode())
    assert stale == "none"
    approve(world, item, by=world.member)
    response = client.post(
        url,
        {
            "action": "decision",
            "seen": stale,
            "outcome": "DECLINE",
            "reasons": "The local offer has not been tried",
        },
    )
    assert response.status_code == 200
    assert "recorded this item&#x27;s decision while you were recording yours" in (
        response.content.decode()
    )
    assert Decision.objects.get().outcome == "APPROVE"
    fresh = _hidden_seen(client.get(url).content.decode())
    response = client.post(
        url,
        {
            "action": "decision",
            "seen": fresh,
            "outcome": "DECLINE",
            "reasons": "The local offer has not been tried",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "DECLINE"


def test_a_change_made_over_a_colleagues_change_is_refused_on_the_page(client, world, cast):
    funding = raise_ready(world)
    url = f"/panel/requests/{funding.public_id}/change/"
    client.force_login(cast.caseworker)
    stale = _hidden_seen(client.get(url).content.decode())
    requests.request_update(
        request=funding,
        by=cast.caseworker,
        **complete_details(proposed_cost=Decimal("99000.00")),
    )
    form = {
        "seen": stale,
        "summary": "A residential placement",
        "provider_name": "Hillside Residential School",
        "evidence_notes": "EP report",
        "options_tried": "Enhanced support",
        "proposed_cost": "150,000.00",
        **_share_fields("40", "40", "20"),
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Someone else changed this request while you were editing it" in (
        response.content.decode()
    )
    funding.refresh_from_db()
    assert funding.proposed_cost == Decimal("99000.00")
    form["seen"] = _hidden_seen(client.get(url).content.decode())
    assert client.post(url, form).status_code == 302
    funding.refresh_from_db()
    assert funding.proposed_cost == Decimal("150000.00")
