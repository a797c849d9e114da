"""A council's Joint Agency Panel for tests: the chair and an education member from the council,
a health member and a social care member from the partners; a child's plan in force with consent
for high-needs funding covering the partners; and helpers that drive a meeting through the
services, a step at a time."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from agencies.models import Role
from ehcp.children.models import ConsentGiver, ConsentMethod, ConsentRecord
from ehcp.children.rules.consent import Purpose
from panel.models import AttendanceStatus, FundingKind, Panel, PanelMember, PanelRole
from panel.rules.money import Funder
from panel.services import meetings, requests
from tests import factories

TODAY = date(2027, 9, 6)
MEETS_ON = date(2027, 9, 20)
SHARES = {
    Funder.EDUCATION: Decimal("50"),
    Funder.HEALTH: Decimal("30"),
    Funder.SOCIAL_CARE: Decimal("20"),
}


def at(hour: int, minute: int = 0, day: date = MEETS_ON) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class PanelWorld:
    cast: object
    panel: Panel
    chair: object  # users
    member: object
    health_member: object
    social_care_member: object
    seats: dict  # user -> PanelMember

    def seat(self, user) -> PanelMember:
        return self.seats[user.pk]


def panel_world(cast, *, name="Northshire Joint Agency Panel") -> PanelWorld:
    panel = Panel.objects.create(
        council=cast.council,
        name=name,
        remit="Joint education, health and social care funding for children with complex needs",
        health_funder=cast.health,
        social_care_funder=cast.social_care,
    )
    chair = factories.member(cast.council, Role.PANEL_CHAIR, username=f"chair{panel.pk}")
    member = factories.member(cast.council, Role.PANEL_MEMBER, username=f"edmember{panel.pk}")
    health_member = factories.member(cast.health, Role.PANEL_MEMBER, username=f"hmember{panel.pk}")
    social_care_member = factories.member(
        cast.social_care, Role.PANEL_MEMBER, username=f"scmember{panel.pk}"
    )
    seats = {}
    for user, agency, role, funder in (
        (chair, cast.council, PanelRole.CHAIR, Funder.EDUCATION),
        (member, cast.council, PanelRole.MEMBER, Funder.EDUCATION),
        (health_member, cast.health, PanelRole.MEMBER, Funder.HEALTH),
        (social_care_member, cast.social_care, PanelRole.MEMBER, Funder.SOCIAL_CARE),
    ):
        seats[user.pk] = PanelMember.objects.create(
            panel=panel, user=user, agency=agency, role=role, funder=funder, joined_on=TODAY
        )
    return PanelWorld(cast, panel, chair, member, health_member, social_care_member, seats)


def funding_consent(
    cast, child, *, purpose=Purpose.HIGH_NEEDS_FUNDING, agencies=None, given_on=TODAY
):
    consent = ConsentRecord.objects.create(
        child=child,
        purpose=purpose,
        given_by=ConsentGiver.PARENT,
        given_by_name="Morwenna Quillfeather",
        given_on=given_on,
        method=ConsentMethod.WRITTEN,
        recorded_by=cast.caseworker,
    )
    consent.agencies.set(agencies if agencies is not None else [cast.health, cast.social_care])
    return consent


def complete_details(**overrides) -> dict:
    details = {
        "summary": "A residential placement with 1:1 support in the care setting",
        "provider_name": "Hillside Residential School",
        "evidence_notes": "EP and paediatric reports of March 2027",
        "options_tried": "Enhanced support at the local special school for two terms",
        "proposed_cost": Decimal("120000.00"),
        "starts_on": date(2027, 10, 1),
        "shares": dict(SHARES),
    }
    details.update(overrides)
    return details


def plan_with_consent(cast, **plan_kwargs):
    plan = factories.plan_for_review(cast, **plan_kwargs)
    funding_consent(cast, plan.child)
    return plan


def raise_ready(
    world: PanelWorld, plan=None, *, kind=FundingKind.RESIDENTIAL_PLACEMENT, **overrides
):
    plan = plan or plan_with_consent(world.cast)
    return requests.request_raise(
        ehc_plan=plan,
        panel=world.panel,
        kind=kind,
        by=world.cast.caseworker,
        today=TODAY,
        **complete_details(**overrides),
    )


def meeting_with(world: PanelWorld, *funding_requests, meets_on=MEETS_ON):
    meeting = meetings.meeting_schedule(
        panel=world.panel, meets_on=meets_on, by=world.cast.caseworker, today=TODAY
    )
    for funding in funding_requests:
        meetings.agenda_add(meeting=meeting, request=funding, by=world.cast.caseworker)
    return meeting


def in_session(world: PanelWorld, meeting, *, present=None, apologies=()):
    """Papers sent, the meeting open, and `present` (default: everyone) arrived at 10:00."""
    meetings.papers_send(meeting=meeting, by=world.cast.caseworker, now=at(9, day=TODAY))
    meetings.meeting_open(meeting=meeting, by=world.chair, now=at(10))
    present = (
        present
        if present is not None
        else [
            world.chair,
            world.member,
            world.health_member,
            world.social_care_member,
        ]
    )
    for user in present:
        meetings.attendance_record(
            meeting=meeting,
            member=world.seat(user),
            status=AttendanceStatus.PRESENT,
            by=world.chair,
            now=at(10),
        )
    for user in apologies:
        meetings.attendance_record(
            meeting=meeting,
            member=world.seat(user),
            status=AttendanceStatus.APOLOGIES,
            by=world.chair,
            now=at(10),
        )
    meeting.refresh_from_db()
    return meeting


def approve(world: PanelWorld, item, *, by=None, now=None, **overrides):
    values = {
        "outcome": "APPROVE",
        "reasons": "Local options are exhausted; the reports show the need",
        "agreed_cost": Decimal("120000.00"),
        "shares": dict(SHARES),
        "starts_on": date(2027, 10, 1),
        "review_on": date(2028, 9, 30),
    }
    values.update(overrides)
    return meetings.decision_record(
        item=item, by=by or world.member, now=now or at(10, 30), **values
    )
