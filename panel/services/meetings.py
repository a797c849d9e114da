"""A panel meeting from agenda to confirmed decisions.

- The council's SEN team (or the panel's chair) schedules a meeting, lists ready requests on its
  agenda and sends the papers: each member receives a pack of only what their agency may see
  (`panel.rules.papers`), and every pack sent to a partner is logged as a disclosure with its
  lawful basis (`ehcp.governance.services.child_disclosure_record`).
- On the day, attendance is recorded (present or apologies; a member may leave and come back).
  Members declare conflicts of interest per item: a conflicted member takes no part in the item
  and does not count towards its quorum.
- A member in the room records the panel's decision on an item, and only while the meeting is
  quorate for that item at that moment (`panel.rules.quorum`). Until the chair confirms the
  meeting a decision may be recorded again (its history keeps each version).
- The chair confirms the meeting: its decisions become final (never edited, only superseded by a
  later decision), deferred requests go back to the council for the information asked for, and
  the minutes and the letters to the family and the provider are issued
  (`panel.services.documents`). The flow (`workflows`) then sets the funders' payment tasks and
  the funding reviews going.
"""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction

from agencies.access import actor_for
from ehcp.common.services import CaseRuleError, history_save
from panel.models import (
    AGENDA_OPEN_STATUSES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ConflictOfInterest,
    Decision,
    FundingRequest,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMember,
    RequestStatus,
)
from panel.rules import decisions as decision_rules
from panel.rules import quorum as quorum_rules
from panel.rules.money import Funder
from panel.selectors import (
    current_seat,
    decision_in_force_for,
    decision_version,
    in_the_room,
    item_conflicted_member_ids,
)
from panel.services import documents
from panel.services.requests import TEXT_MAX, check_council
from panel.signals import decisions_confirmed


def _text(value: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseRuleError(required)
    if len(value) > TEXT_MAX:
        raise CaseRuleError(f"Keep the text under {TEXT_MAX:,} characters")
    return value


def _is_clerk(panel: Panel, by) -> bool:
    """The council's SEN team, which clerks its panels."""
    return panel.council_id in actor_for(by).council_agency_ids


def _check_clerk_or_chair(panel: Panel, by, *, what: str) -> None:
    seat = current_seat(panel.pk, by)
    if _is_clerk(panel, by) or (seat is not None and seat.chairs):
        return
    raise CaseRuleError(f"Only the council's SEN team or the panel's chair can {what}")


def _locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("panel").get(pk=meeting.pk)
    )


def meeting_schedule(
    *,
    panel: Panel,
    meets_on: date,
    by,
    today: date,
    starts_at: time | None = None,
    location: str = "",
) -> Meeting:
    """Put a meeting of the panel in the diary."""
    _check_clerk_or_chair(panel, by, what="schedule a meeting")
    if not panel.is_active:
        raise CaseRuleError("This panel no longer meets")
    if meets_on < today:
        raise CaseRuleError("A new meeting must be today or later")
    meeting = Meeting(
        panel=panel,
        meets_on=meets_on,
        starts_at=starts_at,
        location=_text(location)[:200],
        scheduled_by=by,
    )
    with transaction.atomic():
        history_save(meeting, "Meeting scheduled", by)
    return meeting


def agenda_add(*, meeting: Meeting, request: FundingRequest, by) -> AgendaItem:
    """List a ready request on the meeting's agenda (the next item)."""
    check_council(meeting.panel.council_id, by, what="set a panel's agenda")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if meeting.status not in AGENDA_OPEN_STATUSES:
            raise CaseRuleError(
                f"This meeting is {meeting.get_status_display().lower()}: its agenda is closed"
            )
        if request.panel_id != meeting.panel_id:
            raise CaseRuleError(f"{request.reference} is for another panel")
        if request.status == RequestStatus.LISTED:
            # Someone listed it a moment ago (two officers setting the agenda at once).
            listed = (
                AgendaItem.objects.filter(request=request)
                .select_related("meeting__panel")
                .latest("pk")
                .meeting
            )
            raise CaseRuleError(
                f"{request.reference} is already on this meeting's agenda"
                if listed.pk == meeting.pk
                else f"{request.reference} is already on the agenda of {listed.reference}"
            )
        if request.status != RequestStatus.READY:
            raise CaseRuleError(
                f"{request.reference} is {request.get_status_display().lower()}: only a request "
                "whose evidence is complete can be listed"
            )
        position = max(meeting.items.values_list("position", flat=True), default=0) + 1
        item = AgendaItem(meeting=meeting, request=request, position=position, added_by=by)
        history_save(item, "Listed on the agenda", by)
        request.list_on_agenda()
        history_save(request, f"Listed for {meeting.reference}", by)
    return item


def agenda_remove(*, item: AgendaItem, by, reason: str) -> FundingRequest:
    """Take a request off an agenda before the papers go (or before the meeting): it is ready
    for another meeting. The item's history keeps that it was listed, and why it came off."""
    reason = _text(reason, required="Enter why the request comes off the agenda")
    meeting = item.meeting
    check_council(meeting.panel.council_id, by, what="set a panel's agenda")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status not in AGENDA_OPEN_STATUSES:
            raise CaseRuleError(
                f"This meeting is {meeting.get_status_display().lower()}: its agenda is closed"
            )
        request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=item.request_id)
        item = AgendaItem.objects.get(pk=item.pk)
        if ConflictOfInterest.objects.filter(item=item).exists():
            raise CaseRuleError(
                "A member has declared an interest in this item: it stays on the agenda for the "
                "minutes; the panel can defer it"
            )
        item._change_reason = reason[:100]
        item._history_user = by
        item.delete()
        request.unlist()
        history_save(request, f"Taken off the agenda: {reason}", by)
    return request


def papers_send(*, meeting: Meeting, by, now: datetime) -> list:
    """Send each current member their papers: the items on the agenda, as their agency may see
    them. Logs a disclosure for every child in every pack that goes to a partner agency."""
    _check_clerk_or_chair(meeting.panel, by, what="send a meeting's papers")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.PLANNED:
            raise CaseRuleError(
                f"This meeting is {meeting.get_status_display().lower()}: its papers have gone"
            )
        if not meeting.items.exists():
            raise CaseRuleError("List at least one request on the agenda before sending the papers")
        packs = documents.papers_issue(meeting=meeting, by=by, now=now)
        meeting.send_papers(at=now, by=by)
        history_save(meeting, "Papers sent", by)
    return packs


def meeting_open(*, meeting: Meeting, by, now: datetime) -> Meeting:
    _check_clerk_or_chair(meeting.panel, by, what="open a meeting")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.PAPERS_SENT:
            raise CaseRuleError(
                "Send the papers before the meeting opens"
                if meeting.status == MeetingStatus.PLANNED
                else f"This meeting is {meeting.get_status_display().lower()}"
            )
        meeting.open(at=now)
        history_save(meeting, "Meeting opened", by)
    return meeting


def _check_in_session(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.IN_SESSION:
        raise CaseRuleError(
            f"This meeting is {meeting.get_status_display().lower()}: it is not in session"
        )


def attendance_record(
    *, meeting: Meeting, member: PanelMember, status: str, by, now: datetime
) -> Attendance:
    """Record a member as present (arriving now) or as having sent apologies."""
    _check_clerk_or_chair(meeting.panel, by, what="record who attends")
    if status not in AttendanceStatus.values:
        raise CaseRuleError("Choose present or apologies")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status not in (MeetingStatus.PAPERS_SENT, MeetingStatus.IN_SESSION):
            raise CaseRuleError(
                f"This meeting is {meeting.get_status_display().lower()}: attendance is recorded "
                "on the day"
            )
        if member.panel_id != meeting.panel_id or member.left_on is not None:
            raise CaseRuleError(f"{member.name} is not a member of this panel")
        attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
        if attendance is None:
            attendance = Attendance(meeting=meeting, member=member, recorded_by=by)
        attendance.status = status
        attendance.recorded_by = by
        if status == AttendanceStatus.PRESENT:
            attendance.arrived_at = now
            attendance.left_at = None
        else:
            attendance.arrived_at = None
            attendance.left_at = None
        history_save(
            attendance, "Present" if status == AttendanceStatus.PRESENT else "Apologies", by
        )
    return attendance


def attendance_leave(*, meeting: Meeting, member: PanelMember, by, now: datetime) -> Attendance:
    """A member leaves the room: from now they do not count towards the quorum. Coming back is
    `attendance_record(status=PRESENT)` again."""
    _check_clerk_or_chair(meeting.panel, by, what="record who attends")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_in_session(meeting)
        attendance = Attendance.objects.filter(
            meeting=meeting, member=member, status=AttendanceStatus.PRESENT, left_at__isnull=True
        ).first()
        if attendance is None:
            raise CaseRuleError(f"{member.name} is not in the meeting")
        attendance.left_at = now
        attendance.recorded_by = by
        history_save(attendance, "Left the meeting", by)
    return attendance


def conflict_declare(*, item: AgendaItem, by, interest: str, now: datetime) -> ConflictOfInterest:
    """A member declares their own interest in an item. From then they cannot record or take
    part in its decision; the minutes say so. A declaration is never withdrawn."""
    interest = _text(interest, required="Describe the interest you are declaring")
    meeting = item.meeting
    seat = current_seat(meeting.panel_id, by)
    if seat is None:
        raise CaseRuleError("Only a member of this panel can declare an interest in its business")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status in (MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED):
            raise CaseRuleError(f"This meeting is {meeting.get_status_display().lower()}")
        if Decision.objects.filter(item=item, recorded_by_member=seat).exists():
            raise CaseRuleError(
                "You recorded this item's decision: ask another member to record it again "
                "before you declare an interest"
            )
        try:
            with transaction.atomic():
                conflict = ConflictOfInterest.objects.create(
                    item=item, member=seat, interest=interest, declared_at=now, declared_by=by
                )
        except IntegrityError as exc:
            raise CaseRuleError("You have already declared an interest in this item") from exc
    return conflict


def quorum_now(item: AgendaItem) -> tuple[list[PanelMember], list[str]]:
    """Who can take part in the item now, and what the quorum lacks (empty: quorate)."""
    panel = item.meeting.panel
    conflicted = item_conflicted_member_ids(item)
    room = in_the_room(item.meeting)
    shortfall = quorum_rules.quorum_shortfall(
        panel.quorum_rule, [m.seat for m in room], conflicted=conflicted
    )
    return [m for m in room if m.pk not in conflicted], shortfall


def decision_record(
    *,
    item: AgendaItem,
    by,
    now: datetime,
    outcome: str,
    reasons: str,
    changes: str = "",
    information_requested: str = "",
    agreed_cost=None,
    shares: dict | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    review_on: date | None = None,
    seen: str | None = None,
) -> Decision:
    """Record the panel's decision on an item. The person recording it sits on the panel, is in
    the room and has no declared interest in the item, and the meeting is quorate for the item
    at this moment. A decision already recorded (not yet confirmed) is replaced; its history
    keeps the earlier version.

    `seen` is the version of the item's decision the person was shown
    (`panel.selectors.decision_version`; "none" if there was none): if another member recorded
    the decision since, nothing is recorded and they are told who, so two members recording at
    once record one decision, not one silently over the other. The meeting's row lock serialises
    this with attendance and declarations, so the quorum checked is the quorum when it is saved."""
    seat = current_seat(item.meeting.panel_id, by)
    if seat is None:
        raise CaseRuleError("Only a member of this panel can record its decisions")
    shares = {Funder(k): v for k, v in (shares or {}).items()}
    facts = decision_rules.DecisionFacts(
        outcome=outcome,
        reasons=(reasons or "").strip(),
        agreed_cost=agreed_cost,
        shares=shares or None,
        starts_on=starts_on,
        ends_on=ends_on,
        review_on=review_on,
        information_requested=(information_requested or "").strip(),
        changes=(changes or "").strip(),
    )
    errors = decision_rules.decision_errors(facts)
    if errors:
        raise CaseRuleError(*errors.values())
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        _check_in_session(meeting)
        item = AgendaItem.objects.select_related("request", "meeting__panel").get(pk=item.pk)
        if seat.pk in item_conflicted_member_ids(item):
            raise CaseRuleError(
                "You have declared an interest in this item: you cannot take part in its decision"
            )
        taking_part, shortfall = quorum_now(item)
        if seat.pk not in {m.pk for m in taking_part}:
            raise CaseRuleError("Only a member in the meeting can record its decisions")
        if shortfall:
            raise CaseRuleError("The meeting is not quorate for this item", *shortfall)
        decision = (
            Decision.objects.filter(item=item).select_related("recorded_by_member__user").first()
        )
        if seen is not None and decision_version(decision) != seen:
            raise CaseRuleError(
                f"{decision.recorded_by_member.name} recorded this item's decision while you "
                "were recording yours: read their decision, and record it again only if the "
                "panel decided otherwise"
                if decision is not None
                else "The decision you were changing has been taken off: reload the item"
            )
        decision = decision or Decision(
            item=item, request=item.request, council_id=item.request.council_id
        )
        funded = outcome in decision_rules.FUNDED_OUTCOMES
        decision.outcome = outcome
        decision.reasons = _text(facts.reasons)
        decision.changes = (
            _text(facts.changes) if outcome == decision_rules.Outcome.APPROVE_WITH_CHANGES else ""
        )
        decision.information_requested = (
            _text(facts.information_requested) if outcome == decision_rules.Outcome.DEFER else ""
        )
        decision.agreed_cost = agreed_cost if funded else None
        decision.education_share = shares.get(Funder.EDUCATION) if funded else None
        decision.health_share = shares.get(Funder.HEALTH) if funded else None
        decision.social_care_share = shares.get(Funder.SOCIAL_CARE) if funded else None
        decision.starts_on = starts_on if funded else None
        decision.ends_on = ends_on if funded else None
        decision.review_on = review_on if funded else None
        decision.supersedes = decision_in_force_for(item.request)
        decision.recorded_by_member = seat
        decision.recorded_by = by
        decision.recorded_at = now
        decision.quorum_members = sorted(m.pk for m in taking_part)
        history_save(decision, f"Decision recorded: {decision.get_outcome_display()}", by)
    return decision


def meeting_close(*, meeting: Meeting, by, now: datetime) -> Meeting:
    """The meeting ends: every item has a decision (defer one the panel could not decide)."""
    _check_clerk_or_chair(meeting.panel, by, what="close a meeting")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _check_in_session(meeting)
        undecided = [
            i.request.reference
            for i in meeting.items.select_related("request").filter(decision__isnull=True)
        ]
        if undecided:
            raise CaseRuleError(
                "Record a decision on every item before the meeting closes (defer an item the "
                "panel could not decide): " + ", ".join(undecided)
            )
        meeting.close(at=now)
        history_save(meeting, "Meeting closed", by)
    return meeting


def meeting_reopen(*, meeting: Meeting, by) -> Meeting:
    _check_clerk_or_chair(meeting.panel, by, what="reopen a meeting")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.CLOSED:
            raise CaseRuleError(f"This meeting is {meeting.get_status_display().lower()}")
        meeting.reopen()
        history_save(meeting, "Meeting back in session", by)
    return meeting


def meeting_confirm(*, meeting: Meeting, by, now: datetime) -> list[Decision]:
    """The chair (or a vice-chair) confirms the meeting's decisions: each becomes final, its
    request is decided (or deferred back to the council), and the minutes and letters are
    issued. Returns the decisions confirmed."""
    seat = current_seat(meeting.panel_id, by)
    if seat is None or not seat.chairs:
        raise CaseRuleError("Only the panel's chair or a vice-chair can confirm its decisions")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status != MeetingStatus.CLOSED:
            raise CaseRuleError(
                "Close the meeting before confirming its decisions"
                if meeting.status == MeetingStatus.IN_SESSION
                else f"This meeting is {meeting.get_status_display().lower()}"
            )
        decisions = list(
            Decision.objects.filter(item__meeting=meeting)
            .select_related("request__child", "request__provider", "item")
            .order_by("item__position")
        )
        for decision in decisions:
            decision.confirmed_at = now
            decision.confirmed_by = by
            history_save(decision, "Decision confirmed by the chair", by)
            request = FundingRequest.objects.select_for_update(of=("self",)).get(
                pk=decision.request_id
            )
            if decision.outcome == decision_rules.Outcome.DEFER:
                request.defer(information_requested=decision.information_requested)
                history_save(request, "Deferred: information asked for", by)
            else:
                request.decide()
                history_save(request, f"Decided: {decision.get_outcome_display()}", by)
        meeting.confirm(at=now, by=by)
        history_save(meeting, "Decisions confirmed by the chair", by)
        documents.minutes_issue(meeting=meeting, by=by, now=now)
        for decision in decisions:
            documents.decision_letters_issue(decision=decision, by=by, now=now)
        decisions_confirmed.send(sender=Meeting, meeting=meeting, decisions=decisions, by=by)
    return decisions


def meeting_cancel(*, meeting: Meeting, by, reason: str) -> Meeting:
    """Cancel a meeting before it opens: its requests go back to ready for another meeting."""
    reason = _text(reason, required="Enter why the meeting is cancelled")
    _check_clerk_or_chair(meeting.panel, by, what="cancel a meeting")
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if meeting.status not in AGENDA_OPEN_STATUSES:
            raise CaseRuleError(f"This meeting is {meeting.get_status_display().lower()}")
        for item in meeting.items.select_related("request"):
            request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=item.request_id)
            request.unlist()
            history_save(request, f"Meeting cancelled: {reason}"[:100], by)
        meeting.cancel(reason=reason)
        history_save(meeting, "Meeting cancelled", by)
    return meeting
