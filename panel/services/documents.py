"""Issuing a meeting's documents: each member's papers, the minutes, the decision letters.

Every document's content is frozen as JSON when it is issued (`PanelDocument`) and rendered to
PDF from that content when it is read (`panel.documents`), so the PDF a member opens is what was
sent. A pack that goes to a partner agency is logged as a disclosure per child, with its lawful
basis: the request's consent, or the override recorded when it was raised.
"""

import hashlib
import json
from datetime import datetime

from agencies.access import ALL_DATA_TYPES, data_types_for
from ehcp.governance.models import Channel
from ehcp.governance.services import child_disclosure_record
from ehcp.plans.services import letter_addressees
from panel.models import (
    AttendanceStatus,
    Decision,
    Meeting,
    PanelDocument,
    PanelDocumentKind,
    PanelMember,
)
from panel.rules import decisions as decision_rules
from panel.rules import papers as papers_rules
from panel.selectors import decision_facts, item_content, meeting_attendance


def _sha(content: dict) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _issue(**fields) -> PanelDocument:
    document = PanelDocument(**fields, sha256=_sha(fields["content"]))
    document.save()
    return document


def _meeting_facts(meeting: Meeting) -> dict:
    return {
        "panel": meeting.panel.name,
        "meets_on": meeting.meets_on.isoformat(),
        "starts_at": meeting.starts_at.strftime("%H:%M") if meeting.starts_at else "",
        "location": meeting.location,
    }


def member_data_types(member: PanelMember, purpose: str) -> frozenset[str]:
    """What a member's agency may see for the purpose: the council's own officers see it all."""
    if member.agency_id == member.panel.council_id:
        return ALL_DATA_TYPES
    return data_types_for([member.agency.kind], purpose)


def papers_issue(*, meeting: Meeting, by, now: datetime) -> list[PanelDocument]:
    """One pack per current member, and a disclosure per child for each partner's pack."""
    items = list(
        meeting.items.select_related(
            "request__child", "request__provider", "request__consent", "request__panel"
        ).order_by("position")
    )
    members = list(
        PanelMember.objects.current()
        .filter(panel=meeting.panel)
        .select_related("agency", "user", "panel")
        .order_by("role", "user__last_name", "pk")
    )
    whole = [(item, item_content(item)) for item in items]
    packs = []
    for member in members:
        member_items = []
        shares = []
        for item, content in whole:
            purpose = item.request.consent_purpose
            pack_item = papers_rules.item_for_member(content, member_data_types(member, purpose))
            member_items.append(pack_item)
            shares.append((item, purpose, pack_item))
        content = {
            "meeting": _meeting_facts(meeting),
            "member": {"name": member.name, "agency": member.agency.name, "role": member.role},
            "items": member_items,
        }
        packs.append(
            _issue(
                meeting=meeting,
                kind=PanelDocumentKind.PAPERS,
                member=member,
                content=content,
                issued_at=now,
                issued_by=by,
            )
        )
        if member.agency_id == meeting.panel.council_id:
            continue  # the council's own officers: not a share with a partner
        for item, purpose, pack_item in shares:
            data_types = papers_rules.data_types_shared(pack_item)
            if not data_types:
                continue
            request = item.request
            child_disclosure_record(
                child=request.child,
                recipient=member.agency,
                recipient_person=member.user,
                purpose=purpose,
                data_types=data_types,
                fields=papers_rules.fields_shared(pack_item),
                payload=pack_item,
                consent=request.consent,
                justification=request.override_justification,
                override_condition=request.override_legal_condition,
                channel=Channel.PORTAL,
                by=by,
                now=now,
            )
    return packs


def minutes_issue(*, meeting: Meeting, by, now: datetime) -> PanelDocument:
    """The minutes, generated from the record: who came, who sent apologies and who left when,
    each item's declared interests, decision and reasons, and the chair's confirmation."""
    attendance = meeting_attendance(meeting)
    items = []
    for item in (
        meeting.items.select_related("request__child", "decision__recorded_by_member__user")
        .prefetch_related("conflicts__member__user")
        .order_by("position")
    ):
        decision = getattr(item, "decision", None)
        items.append(
            {
                "position": item.position,
                "reference": item.request.reference,
                "child": item.request.child.full_name,
                "kind_label": item.request.get_kind_display(),
                "summary": item.request.summary,
                "conflicts": [
                    {"member": c.member.name, "interest": c.interest} for c in item.conflicts.all()
                ],
                "decision": decision_facts(decision) if decision else None,
                "recorded_by": decision.recorded_by_member.name if decision else "",
                "taking_part": len(decision.quorum_members) if decision else 0,
            }
        )
    content = {
        "meeting": _meeting_facts(meeting),
        "present": [
            {
                "name": a.member.name,
                "role": a.member.get_role_display(),
                "agency": a.member.agency.name,
                "left_at": a.left_at.isoformat() if a.left_at else None,
            }
            for a in attendance
            if a.status == AttendanceStatus.PRESENT
        ],
        "apologies": [
            {"name": a.member.name, "agency": a.member.agency.name}
            for a in attendance
            if a.status == AttendanceStatus.APOLOGIES
        ],
        "items": items,
        "confirmed_by": by.get_full_name() or by.username,
        "confirmed_at": now.isoformat(),
    }
    return _issue(
        meeting=meeting,
        kind=PanelDocumentKind.MINUTES,
        content=content,
        issued_at=now,
        issued_by=by,
    )


def decision_letters_issue(*, decision: Decision, by, now: datetime) -> list[PanelDocument]:
    """The letter to the family (every outcome), and to the provider (an approval)."""
    request = decision.request
    child = request.child
    letter_date = now.date()
    base = {
        "reference": request.reference,
        "letter_date": letter_date.isoformat(),
        "child": {
            "name": child.full_name,
            "first_name": child.first_name,
            "date_of_birth": child.date_of_birth.isoformat(),
        },
        "panel": request.panel.name,
        "meets_on": decision.item.meeting.meets_on.isoformat()
        if hasattr(decision, "item")
        else None,
        "kind_label": request.get_kind_display(),
        "summary": request.summary,
        "provider": request.provider_label,
        "decision": decision_facts(decision),
    }
    family = {
        **base,
        **letter_addressees(request, letter_date),
        "appealable": decision_rules.appealable(decision.outcome, request.kind),
    }
    letters = [
        _issue(
            meeting=decision.item.meeting,
            kind=PanelDocumentKind.FAMILY_LETTER,
            request=request,
            decision=decision,
            content=family,
            issued_at=now,
            issued_by=by,
        )
    ]
    if decision.is_funded and request.provider_label:
        letters.append(
            _issue(
                meeting=decision.item.meeting,
                kind=PanelDocumentKind.PROVIDER_LETTER,
                request=request,
                decision=decision,
                content={**base, "recipients": [request.provider_label]},
                issued_at=now,
                issued_by=by,
            )
        )
    return letters
