"""A Joint Agency Panel meeting in a real browser, only by clicking and typing.

The council's caseworker raises a request for joint funding from the child's page (the provision
in the plan it pays for, the advice that is the evidence, what was tried locally, the proposed
cost and shares); it is ready for the panel. As the panel's clerk she lists it on the agenda of
the meeting, after another child's request, sends the papers, opens the meeting and records the
four members as present. The council's education member declares an interest in the other
child's item (and takes no part in it), reads the papers of the second item (the provision from
the plan is in them) and records the panel's decision: approve, £54,000.00 a year, shares
60/25/15. The chair closes the meeting and confirms its decisions; the caseworker sees the
decision on the request's page, downloads the decision letter to the family (a PDF naming the
child, the decision, the cost and the reasons), and finds the package in the commitments for the
financial year it starts in. axe-core checks every page the browser lands on (tests/e2e/axe.py).

Only the starting state is made with the services: the panel and its four members
(tests/panel/world.py), a child's plan issued by a real assessment with consent for high-needs
funding covering health and social care, another child's request already raised and the meeting
in the diary with that request listed. The other item's decision (deferred, recorded by the
health member) is made with the service, as a second member's browser would add nothing. The
whole test runs on the meeting day (time_machine, ticking).
"""

import io
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from ehcp.plans.selectors import plan_in_force as version_in_force
from panel.models import (
    AttendanceStatus,
    ConflictOfInterest,
    Decision,
    FundingRequest,
    MeetingStatus,
    PanelDocument,
    PanelDocumentKind,
    RequestStatus,
)
from panel.services import meetings
from tests.ehcp.reviews.cease_world import plan_in_force
from tests.panel.world import (
    MEETS_ON,
    funding_consent,
    meeting_with,
    panel_world,
    raise_ready,
)

from .conftest import axe_context
from .test_review_amendment import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
TODAY = MEETS_ON  # 20 September 2027: the meeting day, in financial year 2027-28
STARTS_ON = date(2027, 10, 1)
REVIEW_ON = date(2028, 9, 30)

SUMMARY = "A joint placement at a specialist centre with speech and language therapy on site"
PROVIDER = "Riverbend Specialist Centre"
OPTIONS_TRIED = "Outreach from the local special school for two terms"
INTEREST = "My sister is a governor of the provider named in this request"
REASONS = "Local options are exhausted and the advice shows the need for therapy on site"
DEFERRED = "The provider's costing of the residential element, broken down by week"


def renamed(user, username, first_name, last_name):
    user.username, user.first_name, user.last_name = username, first_name, last_name
    user.save(update_fields=["username", "first_name", "last_name"])
    return user


def panel_waiting_for_a_request(cast):
    """The panel and its members, the child's plan in force with consent for high-needs funding,
    and the meeting in the diary with another child's request listed."""
    world = panel_world(cast)
    renamed(world.member, "panelmember", "Nia", "Evans")
    renamed(world.chair, "panelchair", "Charles", "Okoro")
    renamed(world.health_member, "healthmember", "Hana", "Okafor")
    renamed(world.social_care_member, "socialcaremember", "Sade", "Adeyemi")
    plan = plan_in_force(cast)
    funding_consent(cast, plan.child)
    other = raise_ready(world)
    assert other.status == RequestStatus.READY
    meeting = meeting_with(world, other)
    assert meeting.meets_on == TODAY and meeting.status == MeetingStatus.PLANNED
    return world, plan, other, meeting


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


class Clerk(Person):
    def menu(self, name):
        self.link(name, exact=True, within=self.page.get_by_role("navigation", name="Menu"))

    def the_meeting(self):
        """The Panel menu, then the meeting by its date (to come, or past once confirmed)."""
        self.menu("Panel")
        self.link(f"{TODAY:%-d %B %Y}", exact=True)
        assert self.heading() == f"Meeting on {TODAY:%-d %B %Y}"

    def item(self, position, funding):
        """The agenda's link to an item: its request's reference, then (for a screen reader, in
        a visually hidden span, which the accessible name separates with a space) the item."""
        name = re.compile(rf"^{re.escape(funding.reference)}\s*, item {position}$")
        self._follow(self.page.locator("#agenda").get_by_role("link", name=name))
        assert self.heading() == f"Item {position}: {funding.reference}"

    def status(self) -> str:
        return self.page.locator("main .govuk-tag").first.inner_text()


def test_a_panel_meeting_from_request_to_letter_by_clicking_and_typing(live_server, chromium, cast):
    with time_machine.travel(datetime.combine(TODAY, time(9, 0), tzinfo=LONDON), tick=True):
        world, plan, other, meeting = panel_waiting_for_a_request(cast)
        child = plan.child
        sections = version_in_force(plan.pk).content["sections"]
        entry, advice = sections["F"][0], sections["K"][0]
        members = [world.chair, world.member, world.health_member, world.social_care_member]
        seats = {user.pk: world.seat(user) for user in members}

        context = axe_context(chromium)
        me = Clerk(context, live_server.url)
        pages_checked = me.axe.pages
        try:
            # -- the caseworker raises the request from the child's page ----------------------
            me.sign_in(cast.caseworker)
            me.menu("Reviews")
            me.link("Next review more than 3 months away", exact=True)
            me.link(child.full_name, exact=True)
            assert me.heading() == child.full_name
            me.see(f"No funding has been asked of the panel for {child.first_name}")
            me.link(f"Request funding from the panel for {child.first_name}", exact=True)
            assert me.heading() == "Request funding from the panel"
            me.choose("Joint-funded placement", exact=True)
            me.select("Which panel?", world.panel.name)
            me.fill("What will the funding pay for?", SUMMARY)
            me.fill("Or another provider's name", PROVIDER)
            me.tick(f"{entry['ref']}: {entry['what']}", exact=True)
            me.tick(f"{advice['ref']}: {advice['title']}, {advice['agency']}", exact=True)
            me.fill("What was tried or considered locally first?", OPTIONS_TRIED)
            me.fill("Proposed cost a year (£)", "54,000")
            me.date("Proposed start date", STARTS_ON)
            for funder, share in (("education", "60"), ("health", "25"), ("social care", "15")):
                me.fill(f"Proposed share for {funder} (%)", share, exact=True)
            me.button("Raise the request")
            funding = FundingRequest.objects.get(child=child)
            assert me.heading() == f"Joint-funded placement for {child.full_name}"
            me.see(f"Funding request {funding.reference} raised: it is ready for the panel")
            assert me.status() == "Ready for panel"
            me.see(f"{entry['ref']}: {entry['what']}")

            # -- as the clerk: the agenda, the papers, the meeting opened, the attendance -------
            me.the_meeting()
            me.select(
                "Which request?",
                f"{funding.reference}: {child.full_name}, Joint-funded placement",
            )
            me.button("List the request")
            me.see(f"{funding.reference} is on the agenda")
            agenda = me.page.locator("#agenda tbody tr")
            assert agenda.count() == 2, me.main()
            assert other.reference in agenda.nth(0).inner_text()
            assert funding.reference in agenda.nth(1).inner_text()
            me.button("Send the papers")
            me.see("The papers are sent: each member has their own pack")
            me.button("Open the meeting")
            me.see("The meeting is in session")
            for user in members:
                seat = seats[user.pk]
                me.select("Member", f"{seat.name}, {seat.get_role_display()}, {seat.agency.name}")
                me.choose("Present (arriving now)", exact=True)
                me.button("Record attendance")
                me.see(f"{seat.name}: present")
            me.see("4 members in the meeting now")
            me.sign_out()

            # -- the education member: an interest in item 1, the decision on item 2 ----------
            me.sign_in(world.member)
            me.the_meeting()
            me.see("You sit on the panel as member for Northshire Council SEN team (education)")
            me.item(1, other)
            assert me.heading() == f"Item 1: {other.reference}"
            me.page.get_by_text("Declare an interest in this item", exact=True).click()
            me.fill("What is your interest in this item?", INTEREST)
            me.button("Declare the interest")
            me.see("Your interest is recorded: you take no part in this item")
            me.see(f"Nia Evans: {INTEREST}. Takes no part in this item.")
            me.see("You have declared an interest in this item: you take no part in its decision")
            assert not me.page.get_by_role("button", name="Record the decision").count()
            me.link(f"The meeting on {TODAY:%-d %B %Y}", exact=True)
            me.item(2, funding)
            assert me.heading() == f"Item 2: {funding.reference}"
            papers = me.page.locator("#item-papers").inner_text()
            assert child.full_name in papers and SUMMARY in papers and PROVIDER in papers
            assert "£54,000.00" in papers and OPTIONS_TRIED in papers
            provision = me.page.locator("#item-plan-entries").inner_text()
            assert provision == f"{entry['ref']}: {entry['what']} ({entry['frequency']})", provision
            me.see(f"{advice['ref']}: {advice['title']}, {advice['agency']}")
            me.see("4 members can take part in this item.")
            me.choose("Approve", exact=True)
            me.fill("Reasons", REASONS, exact=True)
            me.fill("Agreed cost a year (£)", "54,000.00")
            for funder, share in (("education", "60"), ("health", "25"), ("social care", "15")):
                me.fill(f"Share paid by {funder} (%)", share, exact=True)
            me.date("Funding starts on (approve)", STARTS_ON)
            me.date("Funding reviewed by (approve)", REVIEW_ON)
            me.button("Record the decision")
            me.see("The decision is recorded")
            decided = me.page.locator("#decision").inner_text()
            assert "Approve" in decided and "Not confirmed yet" in decided, decided
            assert "£54,000.00" in decided and REASONS in decided
            me.sign_out()

            # -- item 1: the health member defers it (the service, as their browser would) ------
            item1 = meeting.items.get(position=1)
            meetings.decision_record(
                item=item1,
                by=world.health_member,
                now=timezone.now(),
                outcome="DEFER",
                reasons="The panel needs the provider's costing before it can decide",
                information_requested=DEFERRED,
            )

            # -- the chair closes the meeting and confirms its decisions ----------------------
            me.sign_in(world.chair)
            me.the_meeting()
            me.button("Close the meeting")
            me.see("The meeting is closed: the chair confirms its decisions")
            me.button("Confirm the decisions")
            me.see("The decisions are confirmed: the minutes and letters are issued")
            assert me.status() == "Decisions confirmed"
            me.sign_out()

            # -- the caseworker: the decision, the family's letter, the commitments -------------
            me.sign_in(cast.caseworker)
            me.menu("Panel")
            me.link("Funding requests", exact=True)
            me.link(funding.reference, exact=True)
            assert me.status() == "Decided"
            decision_card = me.page.locator(".govuk-summary-card").first.inner_text()
            assert decision_card.startswith(f"Approve: {TODAY:%-d %B %Y}"), decision_card
            assert "In force" in decision_card and REASONS in decision_card
            # (The request's page shows the cost unformatted, "£54000.00": either is accepted.)
            assert re.search(r"£54,?000\.00 a year from 1 October 2027", decision_card)
            assert "review by 30 September 2028" in decision_card, decision_card
            letter_link = me.page.get_by_role("link", name="Decision letter to the family")
            with me.page.expect_download() as download:
                letter_link.click()
            letter = pdf_text(Path(download.value.path()).read_bytes())
            for text in (child.full_name, "Approve", "£54,000.00", REASONS):
                assert text in letter, (text, letter)
            me.menu("Panel")
            me.link("Commitments: the packages agreed and what they cost")
            assert me.heading() == "Commitments in 2027-28"
            packages = me.page.locator("#packages tbody tr")
            assert packages.count() == 1, me.main()
            row = packages.first.inner_text()
            assert child.full_name in row and funding.reference in row, row
            # A year, then each funder's share of it: 60%, 25% and 15%.
            for amount in ("£54,000.00", "£32,400.00", "£13,500.00", "£8,100.00"):
                assert amount in row, (amount, row)
            me.axe.assert_all_checked()
        finally:
            context.close()

    # What the pages did, as the services recorded it.
    funding.refresh_from_db()
    assert funding.status == RequestStatus.DECIDED
    assert funding.proposed_cost == Decimal("54000.00")
    assert funding.provider_name == PROVIDER and funding.consent is not None
    assert [e["ref"] for e in funding.plan_entries] == [entry["ref"]]
    assert [a["ref"] for a in funding.evidence_advice] == [advice["ref"]]
    assert funding.shares() == {
        "EDUCATION": Decimal("60"),
        "HEALTH": Decimal("25"),
        "SOCIAL_CARE": Decimal("15"),
    }
    approved = Decision.objects.get(request=funding)
    assert (approved.outcome, approved.agreed_cost) == ("APPROVE", Decimal("54000.00"))
    assert (approved.starts_on, approved.review_on) == (STARTS_ON, REVIEW_ON)
    assert approved.recorded_by == world.member and approved.confirmed_by == world.chair
    other.refresh_from_db()
    assert other.status == RequestStatus.DEFERRED and other.information_requested == DEFERRED
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.item, conflict.member, conflict.interest) == (
        item1,
        seats[world.member.pk],
        INTEREST,
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONFIRMED
    assert sorted(meeting.attendance.values_list("member_id", "status")) == sorted(
        (seat.pk, AttendanceStatus.PRESENT) for seat in seats.values()
    )
    kinds = list(PanelDocument.objects.filter(meeting=meeting).values_list("kind", flat=True))
    assert (
        kinds.count(PanelDocumentKind.PAPERS) == 4 and kinds.count(PanelDocumentKind.MINUTES) == 1
    )
    print(f"axe-core checked {len(pages_checked)} pages ({len(set(pages_checked))} addresses)")
