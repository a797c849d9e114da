"""Two people acting on the same panel business at the same moment (ADR 0009).

Each contender runs in its own thread with its own connection and commits for real, so this needs
PostgreSQL: on SQLite the single writer lock serialises everything and proves nothing. A barrier
lets both go at once. What protects each case:

- the meeting's row lock (`_locked_meeting`) serialises listing, attendance, declarations and
  decisions of one meeting, so the quorum a decision checks is the quorum when it is saved;
- the request's row lock serialises changes to a request and raising its funding review;
- the version a form was shown (`seen`) turns a silent overwrite into a refusal with a message.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from ehcp.common.services import CaseRuleError
from panel import selectors
from panel.models import (
    AgendaItem,
    Attendance,
    ConflictOfInterest,
    Decision,
    FundingRequest,
    Meeting,
    RequestStatus,
)
from panel.rules.money import Funder
from panel.services import funding as funding_services
from panel.services import meetings, requests
from tests.concurrency import POSTGRES_ONLY, outcome, race

from .world import (
    SHARES,
    TODAY,
    approve,
    at,
    complete_details,
    in_session,
    meeting_with,
    panel_world,
    raise_ready,
)

pytestmark = POSTGRES_ONLY

User = get_user_model()


def messages(errors) -> list[str]:
    assert all(isinstance(error, CaseRuleError) for error in errors), errors
    return [" ".join(error.messages) for error in errors]


@pytest.fixture
def world(cast):
    return panel_world(cast)


def _user(user_id):
    return User.objects.get(pk=user_id)


# -- the agenda ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["the same meeting", "two meetings"])
def test_a_request_is_listed_once_when_two_officers_list_it_at_once(world, cast, where):
    """Protected: the meeting's and the request's row locks (and the unique constraint
    request_listed_once). The second sees the request already listed."""
    funding = raise_ready(world)
    first = meeting_with(world)
    second = first if where == "the same meeting" else meeting_with(world)

    def list_on(meeting_id):
        def prepare():
            meeting = Meeting.objects.select_related("panel").get(pk=meeting_id)
            request, by = FundingRequest.objects.get(pk=funding.pk), _user(cast.caseworker.pk)
            return lambda: meetings.agenda_add(meeting=meeting, request=request, by=by)

        return prepare

    wins, errors = outcome(race(list_on(first.pk), list_on(second.pk)))

    assert len(wins) == 1, errors
    winner = Meeting.objects.select_related("panel").get(pk=wins[0].meeting_id)
    assert messages(errors) == [
        f"{funding.reference} is already on this meeting's agenda"
        if where == "the same meeting"
        else f"{funding.reference} is already on the agenda of {winner.reference}"
    ]
    assert list(AgendaItem.objects.filter(request=funding).values_list("pk", flat=True)) == [
        wins[0].pk
    ]
    funding.refresh_from_db()
    assert funding.status == RequestStatus.LISTED
    reasons = list(funding.history.values_list("history_change_reason", flat=True))
    assert sum(reason.startswith("Listed for") for reason in reasons) == 1


def test_two_requests_listed_at_once_take_the_next_two_places(world, cast):
    """Protected: the agenda's next position is read under the meeting's row lock."""
    fundings = [raise_ready(world), raise_ready(world)]
    meeting = meeting_with(world)

    def list_request(funding_id):
        def prepare():
            fresh = Meeting.objects.select_related("panel").get(pk=meeting.pk)
            request, by = FundingRequest.objects.get(pk=funding_id), _user(cast.caseworker.pk)
            return lambda: meetings.agenda_add(meeting=fresh, request=request, by=by)

        return prepare

    wins, errors = outcome(race(*(list_request(f.pk) for f in fundings)))

    assert len(wins) == 2, errors
    assert sorted(meeting.items.values_list("position", flat=True)) == [1, 2]


# -- recording the decision ----------------------------------------------------------------------


def _meeting_in_session(world):
    meeting = in_session(world, meeting_with(world, raise_ready(world)))
    return meeting, meeting.items.get()


def test_one_decision_is_recorded_when_two_members_record_it_at_once(world):
    """Fixed: the meeting's row lock already kept one Decision row, but the second member's
    decision silently replaced the first. Each form now carries the decision it was shown, and
    the second is refused, told who recorded it."""
    meeting, item = _meeting_in_session(world)

    def record_as(user_id, **values):
        def prepare():
            fresh = AgendaItem.objects.select_related("meeting__panel").get(pk=item.pk)
            by = _user(user_id)
            seen = selectors.decision_version(Decision.objects.filter(item=fresh).first())
            return lambda: approve(world, fresh, by=by, seen=seen, **values)

        return prepare

    wins, errors = outcome(
        race(
            record_as(world.member.pk, now=at(10, 30)),
            record_as(
                world.health_member.pk,
                now=at(10, 31),
                outcome="DECLINE",
                reasons="The local offer has not been tried",
                agreed_cost=None,
                shares={},
                starts_on=None,
                review_on=None,
            ),
        )
    )

    assert len(wins) == 1, errors
    (message,) = messages(errors)
    winner = wins[0].recorded_by_member
    assert message.startswith(f"{winner.name} recorded this item's decision while you")
    decision = Decision.objects.get(item=item)
    assert (decision.pk, decision.outcome) == (wins[0].pk, wins[0].outcome)
    assert decision.recorded_by_member_id == winner.pk
    assert decision.history.count() == 1  # nothing half-written, nothing replaced


def test_a_member_cannot_both_declare_an_interest_and_record_the_decision_at_once(world):
    """Protected (write skew): each action checks the row the other writes (a declaration
    refuses a member who recorded the decision; a decision refuses a member who declared). The
    meeting's row lock makes one see the other."""
    meeting, item = _meeting_in_session(world)
    member_id = world.member.pk

    def declare():
        fresh = AgendaItem.objects.select_related("meeting__panel").get(pk=item.pk)
        by = _user(member_id)
        return lambda: meetings.conflict_declare(
            item=fresh, by=by, interest="My sister works at the school", now=at(10, 30)
        )

    def record():
        fresh = AgendaItem.objects.select_related("meeting__panel").get(pk=item.pk)
        by = _user(member_id)
        return lambda: approve(world, fresh, by=by, now=at(10, 30))

    wins, errors = outcome(race(declare, record))

    assert len(wins) == 1, errors
    (message,) = messages(errors)
    assert message in (
        "You have declared an interest in this item: you cannot take part in its decision",
        "You recorded this item's decision: ask another member to record it again before you "
        "declare an interest",
    )
    seat = world.seat(world.member)
    declared = ConflictOfInterest.objects.filter(item=item, member=seat).exists()
    recorded = Decision.objects.filter(item=item, recorded_by_member=seat).exists()
    assert declared != recorded


@pytest.mark.parametrize("how", ["leaves the room", "declares an interest"])
def test_a_decision_is_never_recorded_without_the_quorum_it_counted(world, how):
    """Protected (write skew): the health member, the only health seat, leaves (or declares an
    interest) as another member records the decision. Serialised by the meeting's row lock:
    either the decision comes first, counting them, or it is refused as not quorate. Never a
    decision that counted someone who had already gone."""
    meeting, item = _meeting_in_session(world)
    health = world.seat(world.health_member)

    def record():
        fresh = AgendaItem.objects.select_related("meeting__panel").get(pk=item.pk)
        by = _user(world.member.pk)
        return lambda: approve(world, fresh, by=by, now=at(10, 30))

    def take_out():
        fresh = AgendaItem.objects.select_related("meeting__panel").get(pk=item.pk)
        if how == "leaves the room":
            chair = _user(world.chair.pk)
            return lambda: meetings.attendance_leave(
                meeting=fresh.meeting, member=health, by=chair, now=at(10, 30)
            )
        by = _user(world.health_member.pk)
        return lambda: meetings.conflict_declare(
            item=fresh, by=by, interest="I commissioned the placement", now=at(10, 30)
        )

    for _ in range(3):  # both orders happen; each must hold
        Decision.objects.filter(item=item).delete()
        ConflictOfInterest.objects.filter(item=item).delete()
        Attendance.objects.filter(meeting=meeting, member=health).update(left_at=None)
        results = race(record, take_out)
        assert results[1][0] == "ok", results
        decided = Decision.objects.filter(item=item).first()
        if results[0][0] == "error":
            assert messages([results[0][1]])[0].startswith(
                "The meeting is not quorate for this item"
            )
            assert decided is None
        else:
            # The decision came first: it counted the health member, who was still there.
            assert health.pk in decided.quorum_members
            out = (
                Attendance.objects.get(meeting=meeting, member=health).history.latest()
                if how == "leaves the room"
                else None
            )
            if out is not None:
                assert decided.history.get().history_date < out.history_date


# -- changing a request and its cost split ---------------------------------------------------------


def test_two_officers_changing_the_cost_split_at_once_do_not_undo_each_other(world, cast):
    """Fixed: the request's row lock serialised the two saves, but the second silently wrote
    over the first (a lost update). Each form now carries the version it was shown, and the
    second is refused with nothing saved."""
    funding = raise_ready(world)
    splits = [
        {Funder.EDUCATION: Decimal("40"), Funder.HEALTH: Decimal("40"), Funder.SOCIAL_CARE: 20},
        {Funder.EDUCATION: Decimal("60"), Funder.HEALTH: Decimal("20"), Funder.SOCIAL_CARE: 20},
    ]

    def change(shares):
        def prepare():
            request, by = FundingRequest.objects.get(pk=funding.pk), _user(cast.caseworker.pk)
            seen = selectors.request_version(request)
            details = complete_details(shares={f: Decimal(v) for f, v in shares.items()})
            return lambda: requests.request_update(request=request, by=by, seen=seen, **details)

        return prepare

    wins, errors = outcome(race(*(change(s) for s in splits)))

    assert len(wins) == 1, errors
    assert messages(errors) == [
        "Someone else changed this request while you were editing it: nothing you entered is "
        "saved. Reload the request, check their changes, then make yours again"
    ]
    funding.refresh_from_db()
    assert funding.shares() == wins[0].shares()
    assert funding.shares() != dict(SHARES)
    reasons = list(funding.history.values_list("history_change_reason", flat=True))
    assert reasons.count("Funding request changed") == 1


def test_changing_a_request_as_it_is_listed_is_refused_or_seen(world, cast):
    """Protected: the request's row lock. Listed first, the change is refused (a listed request
    is not changed); changed first, the agenda lists the changed request."""
    funding = raise_ready(world)
    meeting = meeting_with(world)

    def change():
        request, by = FundingRequest.objects.get(pk=funding.pk), _user(cast.caseworker.pk)
        details = complete_details(proposed_cost=Decimal("99000.00"))
        return lambda: requests.request_update(request=request, by=by, **details)

    def list_it():
        fresh = Meeting.objects.select_related("panel").get(pk=meeting.pk)
        request, by = FundingRequest.objects.get(pk=funding.pk), _user(cast.caseworker.pk)
        return lambda: meetings.agenda_add(meeting=fresh, request=request, by=by)

    results = race(change, list_it)

    assert results[1][0] == "ok", results
    funding.refresh_from_db()
    assert funding.status == RequestStatus.LISTED
    if results[0][0] == "error":
        assert messages([results[0][1]]) == ["This request is on an agenda: it cannot be changed"]
        assert funding.proposed_cost == Decimal("120000.00")
    else:
        assert funding.proposed_cost == Decimal("99000.00")


# -- after the decision --------------------------------------------------------------------------


def test_one_funding_review_when_two_officers_raise_it_at_once(world, cast):
    """Fixed: the service checked for a review on its way without a lock (only the flow's task
    lock kept its one caller safe); it now locks the decided request first."""
    meeting, item = _meeting_in_session(world)
    decision = approve(world, item)
    meetings.meeting_close(meeting=meeting, by=world.chair, now=at(11))
    meetings.meeting_confirm(meeting=meeting, by=world.chair, now=at(12))

    def raise_review():
        fresh = Decision.objects.select_related("request__panel").get(pk=decision.pk)
        by = _user(cast.caseworker.pk)
        return lambda: funding_services.funding_review_raise(decision=fresh, by=by, today=TODAY)

    wins, errors = outcome(race(raise_review, raise_review))

    assert len(wins) == 1, errors
    assert messages(errors) == ["A review of this funding is already on its way to the panel"]
    assert list(FundingRequest.objects.filter(follows=decision.request_id)) == [wins[0]]
