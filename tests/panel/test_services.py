"""The panel's services: the consent gate, evidence, agenda, papers per agency, quorum (with a
member leaving mid-meeting), conflicts, decisions, confirmation, immutability and supersession,
letters and commitments."""

from datetime import date
from decimal import Decimal

import pytest

from agencies.models import AgencyKind, Role
from ehcp.common.services import CaseRuleError
from ehcp.governance.models import Disclosure
from panel import documents as panel_documents
from panel import selectors
from panel.models import (
    AttendanceStatus,
    Decision,
    FundingKind,
    FundingRequest,
    ImmutableDecisionError,
    MeetingStatus,
    PanelDocument,
    PanelDocumentKind,
    RequestStatus,
)
from panel.rules import money
from panel.rules.money import Funder
from panel.services import meetings, requests
from tests import factories

from .world import (
    SHARES,
    TODAY,
    approve,
    at,
    complete_details,
    funding_consent,
    in_session,
    meeting_with,
    panel_world,
    plan_with_consent,
    raise_ready,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return panel_world(cast)


# -- the consent gate --------------------------------------------------------------------------


def test_a_request_without_consent_is_refused_and_nothing_is_saved(world, cast):
    plan = factories.plan_for_review(cast)
    with pytest.raises(CaseRuleError) as refused:
        requests.request_raise(
            ehc_plan=plan,
            panel=world.panel,
            kind=FundingKind.RESIDENTIAL_PLACEMENT,
            by=cast.caseworker,
            today=TODAY,
            **complete_details(),
        )
    assert "Record consent for high-needs funding" in refused.value.messages[0]
    assert "send the request to the panel" in refused.value.messages[0]
    assert not FundingRequest.objects.exists()


def test_consent_must_cover_every_partner_on_the_panel(world, cast):
    plan = factories.plan_for_review(cast)
    funding_consent(cast, plan.child, agencies=[cast.health])
    with pytest.raises(CaseRuleError) as refused:
        raise_ready(world, plan)
    assert cast.social_care.name in refused.value.messages[0]


def test_continuing_care_needs_consent_for_continuing_care(world, cast):
    plan = plan_with_consent(cast)  # high-needs funding only
    with pytest.raises(CaseRuleError) as refused:
        raise_ready(world, plan, kind=FundingKind.CONTINUING_CARE)
    assert "continuing care" in refused.value.messages[0]
    funding_consent(cast, plan.child, purpose="CONTINUING_CARE")
    funding = raise_ready(world, plan, kind=FundingKind.CONTINUING_CARE)
    assert funding.consent.purpose == "CONTINUING_CARE"


def test_withdrawn_consent_shuts_the_gate(world, cast):
    plan = factories.plan_for_review(cast)
    consent = funding_consent(cast, plan.child, given_on=date(2027, 1, 1))
    consent.withdrawn_on = date(2027, 6, 1)
    consent.save()
    with pytest.raises(CaseRuleError):
        raise_ready(world, plan)


def test_only_an_sen_manager_may_override_the_gate_with_a_reason(world, cast):
    plan = factories.plan_for_review(cast)
    with pytest.raises(CaseRuleError, match="Only an SEN manager"):
        requests.request_raise(
            ehc_plan=plan,
            panel=world.panel,
            kind=FundingKind.RESIDENTIAL_PLACEMENT,
            by=cast.caseworker,
            today=TODAY,
            override_justification="Placement breaking down; the child is at risk",
            **complete_details(),
        )
    funding = requests.request_raise(
        ehc_plan=plan,
        panel=world.panel,
        kind=FundingKind.RESIDENTIAL_PLACEMENT,
        by=cast.manager,
        today=TODAY,
        override_justification="Placement breaking down; the child is at risk",
        **complete_details(),
    )
    assert funding.consent is None
    assert funding.overridden_by == cast.manager
    assert "Sch 1 para 18" in funding.override_legal_condition


def test_another_council_cannot_raise_a_request(world, cast):
    plan = plan_with_consent(cast)
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        requests.request_raise(
            ehc_plan=plan,
            panel=world.panel,
            kind=FundingKind.SHORT_BREAKS,
            by=cast.outsider,
            today=TODAY,
            **complete_details(),
        )


# -- evidence ------------------------------------------------------------------------------------


def test_a_request_missing_evidence_waits_and_says_what_is_missing(world, cast):
    funding = raise_ready(world, options_tried="", proposed_cost=None)
    assert funding.status == RequestStatus.DRAFT
    with pytest.raises(CaseRuleError) as refused:
        requests.request_ready(request=funding, by=cast.caseworker)
    assert "Say what was tried or considered locally first" in refused.value.messages
    assert "Enter the proposed cost a year" in refused.value.messages
    details = complete_details()
    details.pop("shares")
    requests.request_update(request=funding, by=cast.caseworker, shares=SHARES, **details)
    funding = requests.request_ready(request=funding, by=cast.caseworker)
    assert funding.status == RequestStatus.READY


def test_shares_that_do_not_make_100_are_refused(world):
    shares = {
        Funder.EDUCATION: Decimal("50"),
        Funder.HEALTH: Decimal("30"),
        Funder.SOCIAL_CARE: Decimal("19.99"),
    }
    with pytest.raises(CaseRuleError, match="add up to exactly 100%: they add up to 99.99%"):
        raise_ready(world, shares=shares)
    assert not FundingRequest.objects.exists()


def test_a_share_left_empty_keeps_the_request_off_an_agenda(world):
    shares = {
        Funder.EDUCATION: Decimal("50"),
        Funder.HEALTH: Decimal("30"),
        Funder.SOCIAL_CARE: None,
    }
    funding = raise_ready(world, shares=shares)
    assert funding.status == RequestStatus.DRAFT


def test_the_database_refuses_shares_that_do_not_add_up(world):
    funding = raise_ready(world)
    funding.social_care_share = Decimal("19.99")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, by database
        funding.save()


def test_the_database_accepts_thirds_to_the_penny_of_a_percent(world):
    thirds = {
        Funder.EDUCATION: Decimal("33.33"),
        Funder.HEALTH: Decimal("33.33"),
        Funder.SOCIAL_CARE: Decimal("33.34"),
    }
    funding = raise_ready(world, shares=thirds)
    funding.refresh_from_db()
    assert funding.status == RequestStatus.READY
    assert funding.social_care_share == Decimal("33.34")


# -- the agenda and the papers ---------------------------------------------------------------------


def test_only_a_ready_request_of_the_panel_can_be_listed(world, cast):
    draft = raise_ready(world, options_tried="")
    meeting = meeting_with(world)
    with pytest.raises(CaseRuleError, match="only a request whose evidence is complete"):
        meetings.agenda_add(meeting=meeting, request=draft, by=cast.caseworker)
    other = panel_world(cast, name="Another panel")
    elsewhere = raise_ready(other)
    with pytest.raises(CaseRuleError, match="for another panel"):
        meetings.agenda_add(meeting=meeting, request=elsewhere, by=cast.caseworker)


def test_each_member_gets_a_pack_of_what_their_agency_may_see(world, cast):
    funding = raise_ready(world)
    funding.plan_entries = [
        {
            "key": "f1",
            "section": "F",
            "ref": "F1",
            "what": "1:1 teaching assistant",
            "who": "",
            "frequency": "",
        },
        {
            "key": "g1",
            "section": "G",
            "ref": "G1",
            "what": "Speech and language therapy",
            "who": "",
            "frequency": "",
        },
        {
            "key": "h1",
            "section": "H1",
            "ref": "H1.1",
            "what": "Overnight short breaks",
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
            "summary": "Epilepsy, nocturnal seizures",
        },
        {
            "key": "a2",
            "ref": "K2",
            "kind": "SOCIAL_CARE",
            "title": "Social care advice",
            "agency": "CSC",
            "summary": "Family under severe strain",
        },
    ]
    funding.save()
    meeting = meeting_with(world, funding)
    packs = meetings.papers_send(meeting=meeting, by=cast.caseworker, now=at(9, day=TODAY))
    by_user = {p.member.user_id: p.content["items"][0] for p in packs}
    assert len(packs) == 4
    health = by_user[world.health_member.pk]
    assert [e["ref"] for e in health["plan_entries"]] == ["F1", "G1"]
    assert [a["ref"] for a in health["advice"]] == ["K1"]
    social = by_user[world.social_care_member.pk]
    assert [e["ref"] for e in social["plan_entries"]] == ["F1", "H1.1"]
    assert [a["ref"] for a in social["advice"]] == ["K2"]
    council = by_user[world.member.pk]
    assert len(council["plan_entries"]) == 3 and len(council["advice"]) == 2
    # The PDF of the health member's pack says nothing of the social care assessment.
    health_pack = next(p for p in packs if p.member.user_id == world.health_member.pk)
    html = panel_documents.render_html(health_pack)
    assert "Epilepsy, nocturnal seizures" in html
    assert "Family under severe strain" not in html
    assert "Overnight short breaks" not in html


def test_sending_the_papers_logs_a_disclosure_per_partner_member_with_its_basis(world, cast):
    funding = raise_ready(world)
    meeting = meeting_with(world, funding)
    meetings.papers_send(meeting=meeting, by=cast.caseworker, now=at(9, day=TODAY))
    disclosures = Disclosure.objects.filter(child=funding.child).order_by("recipient__name")
    assert [(d.recipient_id, d.recipient_person_id) for d in disclosures] == sorted(
        [
            (cast.health.pk, world.health_member.pk),
            (cast.social_care.pk, world.social_care_member.pk),
        ],
        key=lambda pair: {
            cast.health.pk: cast.health.name,
            cast.social_care.pk: cast.social_care.name,
        }[pair[0]],
    )
    for disclosure in disclosures:
        assert disclosure.case is None
        assert disclosure.consent == funding.consent
        assert disclosure.purpose == "HIGH_NEEDS_FUNDING"
        assert disclosure.statutory_power
        assert disclosure.art6_basis


def test_papers_go_once(world, cast):
    meeting = meeting_with(world, raise_ready(world))
    meetings.papers_send(meeting=meeting, by=cast.caseworker, now=at(9, day=TODAY))
    with pytest.raises(CaseRuleError, match="papers have gone"):
        meetings.papers_send(meeting=meeting, by=cast.caseworker, now=at(9, day=TODAY))


def test_a_member_who_is_not_the_chair_cannot_send_papers_or_confirm(world):
    meeting = meeting_with(world, raise_ready(world))
    with pytest.raises(CaseRuleError):
        meetings.papers_send(meeting=meeting, by=world.health_member, now=at(9, day=TODAY))


# -- quorum and conflicts ------------------------------------------------------------------------


def test_a_decision_needs_quorum_at_that_moment(world):
    funding = raise_ready(world)
    meeting = in_session(
        world,
        meeting_with(world, funding),
        present=[world.chair, world.member, world.social_care_member],
        apologies=[world.health_member],
    )
    item = meeting.items.get()
    with pytest.raises(CaseRuleError) as refused:
        approve(world, item)
    assert "Nobody from health is present without a conflict of interest" in refused.value.messages
    assert not Decision.objects.exists()


def test_a_member_leaving_mid_meeting_takes_the_quorum_with_them(world):
    first, second = raise_ready(world), raise_ready(world)
    meeting = in_session(world, meeting_with(world, first, second))
    item1, item2 = meeting.items.order_by("position")
    approve(world, item1, now=at(10, 30))
    meetings.attendance_leave(
        meeting=meeting, member=world.seat(world.social_care_member), by=world.chair, now=at(11)
    )
    with pytest.raises(CaseRuleError) as refused:
        approve(world, item2, now=at(11, 5))
    assert (
        "Nobody from social care is present without a conflict of interest"
        in refused.value.messages
    )
    # Back in the room: quorate again.
    meetings.attendance_record(
        meeting=meeting,
        member=world.seat(world.social_care_member),
        status=AttendanceStatus.PRESENT,
        by=world.chair,
        now=at(11, 20),
    )
    decision = approve(world, item2, now=at(11, 25))
    assert world.seat(world.social_care_member).pk in decision.quorum_members


def test_a_conflicted_member_cannot_record_and_does_not_count(world):
    funding = raise_ready(world)
    meeting = in_session(world, meeting_with(world, funding))
    item = meeting.items.get()
    meetings.conflict_declare(
        item=item, by=world.health_member, interest="My sister works at the provider", now=at(10, 5)
    )
    with pytest.raises(CaseRuleError, match="declared an interest"):
        approve(world, item, by=world.health_member)
    # The only health member is conflicted: the item is not quorate for anyone.
    with pytest.raises(CaseRuleError) as refused:
        approve(world, item, by=world.member)
    assert "Nobody from health is present without a conflict of interest" in refused.value.messages


def test_an_interest_is_declared_once_and_only_by_a_member(world, cast):
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    item = meeting.items.get()
    meetings.conflict_declare(
        item=item, by=world.member, interest="Governor of the school", now=at(10)
    )
    with pytest.raises(CaseRuleError, match="already declared"):
        meetings.conflict_declare(item=item, by=world.member, interest="Again", now=at(10, 1))
    with pytest.raises(CaseRuleError, match="Only a member of this panel"):
        meetings.conflict_declare(item=item, by=cast.health_adviser, interest="x", now=at(10))


def test_a_member_of_another_panel_cannot_record_a_decision(world, cast):
    other = panel_world(cast, name="Southshire panel")
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    with pytest.raises(CaseRuleError, match="Only a member of this panel"):
        approve(world, meeting.items.get(), by=other.member)


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {
                "shares": {
                    Funder.EDUCATION: Decimal("50"),
                    Funder.HEALTH: Decimal("30"),
                    Funder.SOCIAL_CARE: Decimal("10"),
                }
            },
            "add up to exactly 100%",
        ),
        ({"agreed_cost": None}, "Enter the agreed cost a year"),
        ({"review_on": None}, "Enter the date the funding is reviewed"),
        ({"reasons": ""}, "Give the reasons for the decision"),
        ({"outcome": "APPROVE_WITH_CHANGES"}, "Say what the panel changed"),
    ],
)
def test_a_decision_with_bad_values_is_refused_and_nothing_is_saved(world, overrides, message):
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    with pytest.raises(CaseRuleError) as refused:
        approve(world, meeting.items.get(), **overrides)
    assert any(message in m for m in refused.value.messages)
    assert not Decision.objects.exists()


# -- confirmation, immutability, supersession -------------------------------------------------


def _decided_meeting(world, *fundings):
    meeting = in_session(world, meeting_with(world, *fundings))
    return meeting, list(meeting.items.order_by("position"))


def test_a_whole_meeting_from_agenda_to_letters(world, cast):
    approved, declined, deferred = raise_ready(world), raise_ready(world), raise_ready(world)
    meeting, (item1, item2, item3) = _decided_meeting(world, approved, declined, deferred)
    meetings.conflict_declare(
        item=item2, by=world.member, interest="Knows the family", now=at(10, 2)
    )
    approve(world, item1, by=world.member)
    meetings.decision_record(
        item=item2,
        by=world.health_member,
        now=at(10, 40),
        outcome="DECLINE",
        reasons="The need can be met locally with outreach",
    )
    meetings.decision_record(
        item=item3,
        by=world.social_care_member,
        now=at(10, 50),
        outcome="DEFER",
        reasons="The cost breakdown is missing",
        information_requested="A breakdown of the care costs by week",
    )
    with pytest.raises(CaseRuleError, match="Close the meeting"):
        meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    with pytest.raises(CaseRuleError, match="chair"):
        meetings.meeting_confirm(meeting=meeting, by=world.member, now=at(12))
    confirmed = meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    assert len(confirmed) == 3
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONFIRMED
    for funding, status in ((approved, "DECIDED"), (declined, "DECIDED"), (deferred, "DEFERRED")):
        funding.refresh_from_db()
        assert funding.status == status
    deferred.refresh_from_db()
    assert deferred.information_requested == "A breakdown of the care costs by week"
    minutes = PanelDocument.objects.get(meeting=meeting, kind=PanelDocumentKind.MINUTES)
    html = panel_documents.render_html(minutes)
    assert "declared an interest (Knows the family) and took no part" in html
    assert "The need can be met locally with outreach" in html
    family = PanelDocument.objects.filter(kind=PanelDocumentKind.FAMILY_LETTER)
    assert family.count() == 3
    providers = PanelDocument.objects.filter(kind=PanelDocumentKind.PROVIDER_LETTER)
    assert [p.request_id for p in providers] == [approved.pk]
    letter = panel_documents.render_html(family.get(request=approved))
    assert "£120,000.00" in letter and "£60,000.00" in letter and "£36,000.00" in letter
    assert "30 September 2028" in letter
    declined_letter = panel_documents.render_html(family.get(request=declined))
    assert "First-tier Tribunal" in declined_letter  # a declined placement is appealable
    pdf = panel_documents.render_document(family.get(request=approved))
    assert pdf.startswith(b"%PDF")


def test_a_confirmed_decision_is_never_edited(world):
    meeting, (item,) = _decided_meeting(world, raise_ready(world))
    decision = approve(world, item)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    decision.refresh_from_db()
    decision.reasons = "Changed afterwards"
    with pytest.raises(ImmutableDecisionError):
        decision.save()
    with pytest.raises(ImmutableDecisionError):
        decision.delete()
    with pytest.raises(CaseRuleError, match="not in session"):
        approve(world, item)
    assert Decision.objects.get().reasons != "Changed afterwards"


def test_a_decision_can_be_recorded_again_before_confirmation_and_history_keeps_both(world):
    meeting, (item,) = _decided_meeting(world, raise_ready(world))
    approve(world, item, agreed_cost=Decimal("100000.00"))
    approve(world, item, agreed_cost=Decimal("110000.00"))
    decision = Decision.objects.get()
    assert decision.agreed_cost == Decimal("110000.00")
    assert [h.agreed_cost for h in decision.history.order_by("history_date")] == [
        Decimal("100000.00"),
        Decimal("110000.00"),
    ]


def test_a_later_decision_supersedes_the_one_in_force(world, cast):
    funding = raise_ready(world)
    meeting, (item,) = _decided_meeting(world, funding)
    first = approve(world, item)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    assert selectors.decision_in_force_for(funding) == first
    # The funding is reviewed: a request that follows the first.
    review = raise_ready(world, funding.ehc_plan)
    review.follows = funding
    review.save()
    later = date(2028, 9, 1)
    meeting2 = meetings.meeting_schedule(
        panel=world.panel, meets_on=later, by=cast.caseworker, today=TODAY
    )
    meetings.agenda_add(meeting=meeting2, request=review, by=cast.caseworker)
    meeting2 = in_session_on(world, meeting2, later)
    second = approve(
        world, meeting2.items.get(), now=at(10, 30, later), agreed_cost=Decimal("90000.00")
    )
    assert second.supersedes == first
    assert selectors.decision_in_force_for(funding) == first  # not until it is confirmed
    meetings.meeting_close(meeting=meeting2, by=world.chair, now=at(11, day=later))
    meetings.meeting_confirm(meeting=meeting2, by=world.chair, now=at(12, day=later))
    assert selectors.decision_in_force_for(review) == second
    assert list(selectors.decisions_in_force()) == [second]
    first.refresh_from_db()
    assert first.agreed_cost == Decimal("120000.00")  # untouched


def in_session_on(world, meeting, day):
    meetings.papers_send(meeting=meeting, by=world.cast.caseworker, now=at(9, day=day))
    meetings.meeting_open(meeting=meeting, by=world.chair, now=at(10, day=day))
    for user in (world.chair, world.member, world.health_member, world.social_care_member):
        meetings.attendance_record(
            meeting=meeting,
            member=world.seat(user),
            status=AttendanceStatus.PRESENT,
            by=world.chair,
            now=at(10, day=day),
        )
    meeting.refresh_from_db()
    return meeting


# -- commitments -----------------------------------------------------------------------------------


def test_commitments_split_each_package_and_total_the_year(world):
    thirds = {
        Funder.EDUCATION: Decimal("33.33"),
        Funder.HEALTH: Decimal("33.33"),
        Funder.SOCIAL_CARE: Decimal("33.34"),
    }
    a, b = raise_ready(world, kind=FundingKind.SHORT_BREAKS), raise_ready(world)
    meeting, (item1, item2) = _decided_meeting(world, a, b)
    approve(
        world,
        item1,
        agreed_cost=Decimal("10000.00"),
        shares=thirds,
        starts_on=date(2027, 4, 1),
        review_on=date(2028, 3, 31),
    )
    # Starts in October: 183 of the 366 days of 2027-28 (a leap year) fall in it.
    approve(
        world,
        item2,
        agreed_cost=Decimal("36600.00"),
        starts_on=date(2027, 10, 1),
        review_on=date(2028, 9, 30),
    )
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    year = money.financial_year(date(2027, 9, 1))
    rows = [
        selectors.commitment(d, year)
        for d in selectors.commitments_in_year([world.cast.council.pk], year)
    ]
    by_request = {row.decision.request_id: row for row in rows}
    assert by_request[a.pk].annual == {
        Funder.EDUCATION: Decimal("3333.00"),
        Funder.HEALTH: Decimal("3333.00"),
        Funder.SOCIAL_CARE: Decimal("3334.00"),
    }
    assert by_request[a.pk].in_year == Decimal("10000.00")
    assert by_request[b.pk].in_year == Decimal("18300.00")
    totals = selectors.commitment_totals([world.cast.council.pk], year)
    assert totals.packages == 2
    assert totals.total == Decimal("28300.00")
    assert sum(totals.by_funder.values()) == totals.total
    assert totals.by_kind["SHORT_BREAKS"] == Decimal("10000.00")
    assert totals.by_kind["RESIDENTIAL_PLACEMENT"] == Decimal("18300.00")
    # Another council sees none of it.
    other = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM, name="Eastshire SEN")
    assert selectors.commitment_totals([other.pk], year).packages == 0


def test_a_declined_or_deferred_decision_commits_nothing(world):
    meeting, (item,) = _decided_meeting(world, raise_ready(world))
    meetings.decision_record(
        item=item, by=world.member, now=at(10, 30), outcome="DECLINE", reasons="Not needed"
    )
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    year = money.financial_year(date(2027, 9, 1))
    assert selectors.commitment_totals([world.cast.council.pk], year).packages == 0


def test_unused_role_constant_is_a_panel_role():
    assert Role.PANEL_CHAIR in Role.values


# -- taking things back: the agenda, a meeting, a request ------------------------------------------


def test_a_request_comes_off_the_agenda_with_a_reason_and_is_ready_again(world, cast):
    funding = raise_ready(world)
    meeting = meeting_with(world, funding)
    item = meeting.items.get()
    with pytest.raises(CaseRuleError, match="Enter why"):
        meetings.agenda_remove(item=item, by=cast.caseworker, reason="")
    meetings.agenda_remove(item=item, by=cast.caseworker, reason="The family asked to wait")
    funding.refresh_from_db()
    assert funding.status == RequestStatus.READY
    assert not meeting.items.exists()
    assert item.history.latest().history_change_reason == "The family asked to wait"


def test_an_item_with_a_declared_interest_stays_on_the_agenda(world, cast):
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    item = meeting.items.get()
    meetings.conflict_declare(item=item, by=world.member, interest="Governor", now=at(10))
    with pytest.raises(CaseRuleError):
        meetings.agenda_remove(item=item, by=cast.caseworker, reason="x")


def test_a_cancelled_meeting_sends_its_requests_back_to_ready(world, cast):
    funding = raise_ready(world)
    meeting = meeting_with(world, funding)
    meetings.meeting_cancel(meeting=meeting, by=cast.caseworker, reason="Not quorate on the day")
    meeting.refresh_from_db()
    funding.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert funding.status == RequestStatus.READY


def test_a_closed_meeting_can_go_back_into_session_before_confirmation(world):
    meeting, (item,) = _decided_meeting(world, raise_ready(world))
    approve(world, item)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_reopen(meeting=meeting, by=world.chair)
    approve(world, item, agreed_cost=Decimal("99000.00"), now=at(11, 10))
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11, 15))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    with pytest.raises(CaseRuleError):
        meetings.meeting_reopen(meeting=meeting, by=world.chair)
    assert Decision.objects.get().agreed_cost == Decimal("99000.00")


def test_a_request_is_withdrawn_with_a_reason_but_not_once_listed(world, cast):
    listed = raise_ready(world)
    meeting_with(world, listed)
    with pytest.raises(CaseRuleError, match="take it off the agenda first"):
        requests.request_withdraw(request=listed, by=cast.caseworker, reason="Moved away")
    draft = raise_ready(world, options_tried="")
    requests.request_withdraw(request=draft, by=cast.caseworker, reason="Moved away")
    draft.refresh_from_db()
    assert draft.status == RequestStatus.WITHDRAWN and draft.withdrawn_reason == "Moved away"


def test_only_the_funder_records_its_payment_and_only_once(world, cast):
    from panel.models import PaymentSetup
    from panel.services import funding as funding_services

    meeting, (item,) = _decided_meeting(world, raise_ready(world))
    decision = approve(world, item)
    with pytest.raises(CaseRuleError, match="confirmed approval"):
        funding_services.payment_setup_record(
            decision=decision,
            funder="HEALTH",
            set_up_on=TODAY,
            reference="",
            by=cast.health_adviser,
            today=TODAY,
        )
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))
    decision.refresh_from_db()
    with pytest.raises(CaseRuleError, match="Only the agency that pays"):
        funding_services.payment_setup_record(
            decision=decision,
            funder="HEALTH",
            set_up_on=TODAY,
            reference="",
            by=cast.social_worker,
            today=TODAY,
        )
    funding_services.payment_setup_record(
        decision=decision,
        funder="HEALTH",
        set_up_on=TODAY,
        reference="PO-1",
        by=cast.health_adviser,
        today=TODAY,
    )
    with pytest.raises(CaseRuleError, match="already recorded"):
        funding_services.payment_setup_record(
            decision=decision,
            funder="HEALTH",
            set_up_on=TODAY,
            reference="PO-2",
            by=cast.health_adviser,
            today=TODAY,
        )
    assert PaymentSetup.objects.get().reference == "PO-1"
