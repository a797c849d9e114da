"""Notices to partners about a request (SEND Regulations 2014, regs 4(2), 5(2) and 10(2)).

`notice_record` records that the council told the health body, social care and the child's
school or setting (or some of them) of the request, of its decision whether to assess, or of its
decision not to issue a plan. A notice to an agency in the system tells it who the child is: the
same transaction logs that disclosure (name and date of birth only, the minimum a notice needs)
under the council's statutory duty, with the lawful basis the information sharing agreement
names (`ehcp.governance.services.disclosure_record`).

No in-app notification is queued: the notice itself goes by the method recorded (e-mail, post,
portal, by hand), and an outbox row to the agency's members would add a second channel that
says nothing the notice does not, to people who may not need to know (minimum necessary
sharing). The record is the council's evidence that it told them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind
from ehcp.assessments.models import (
    NOTICE_METHOD_CHANNEL,
    Assessment,
    NoticeMethod,
    StatutoryNotice,
)
from ehcp.assessments.rules import notices as rules
from ehcp.assessments.selectors import notice_facts
from ehcp.children.rules.consent import Purpose
from ehcp.common.services import CaseRuleError
from ehcp.governance.services import disclosure_record

#: What a notice tells the agency about the child: who they are, nothing more.
NOTICE_DATA_TYPES = ("IDENTITY",)
NOTICE_FIELDS = ("first_name", "last_name", "date_of_birth")

#: The kind of agency that can stand for each recipient.
RECIPIENT_AGENCY_KIND = {
    rules.Recipient.HEALTH: AgencyKind.HEALTH,
    rules.Recipient.SOCIAL_CARE: AgencyKind.SOCIAL_CARE,
    rules.Recipient.HEAD_TEACHER: AgencyKind.SCHOOL,
    rules.Recipient.EARLY_YEARS: AgencyKind.SCHOOL,
    rules.Recipient.PRINCIPAL: AgencyKind.SCHOOL,
}


@dataclass(frozen=True)
class NoticeTo:
    """One recipient of a notice: who (the limb), the agency if it is in the system, and the
    name of the agency or person told (needed when it is not in the system)."""

    recipient: str
    agency: Agency | None = None
    name: str = ""


def _recipient_errors(case: Assessment, to: NoticeTo) -> list[str]:
    label = rules.RECIPIENT_LABELS.get(to.recipient, to.recipient)
    label = label[0].lower() + label[1:]
    if to.agency is None:
        return [] if to.name.strip() else [f"Enter the name of {label}, or choose the agency"]
    errors = []
    if to.agency.pk == case.council_id:
        errors.append("The council that holds the case is not told by a notice")
    elif to.agency.kind != RECIPIENT_AGENCY_KIND.get(to.recipient):
        errors.append(f"{to.agency.name} cannot receive the notice for {label}")
    return errors


def notice_record(
    *,
    case: Assessment,
    regulation: str,
    recipients: Iterable[NoticeTo],
    sent_on: date | None,
    method: str,
    by,
    today: date | None = None,
    now: datetime | None = None,
    corrects: StatutoryNotice | None = None,
    correction_reason: str = "",
) -> list[StatutoryNotice]:
    """Record the notices sent to these recipients under `regulation`, one row each, and log the
    disclosure to each agency in the system. All or nothing: a refused recipient records none.

    `corrects`: a notice this one replaces (it no longer counts), with the reason."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    recipients = list(recipients)
    if case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can record notices on this case")
    errors = rules.notice_errors(
        notice_facts(case),
        regulation=regulation,
        recipients=[to.recipient for to in recipients],
        sent_on=sent_on,
        today=today,
    )
    if method not in NoticeMethod.values:
        errors.append("Select how the notice was sent")
    for to in recipients:
        errors += _recipient_errors(case, to)
    if corrects is not None:
        if corrects.case_id != case.pk:
            errors.append("Choose a notice recorded on this case to correct")
        elif corrects.corrections.exists():
            errors.append("That notice has already been corrected")
        if len(recipients) != 1:
            errors.append("A correction replaces one notice: select one recipient")
        if not correction_reason.strip():
            errors.append("Enter why the notice is being corrected")
    if errors:
        raise CaseRuleError(*errors)
    duty = rules.NOTICE_DUTIES[regulation]
    recorded = []
    with transaction.atomic():
        for to in recipients:
            disclosure = None
            if to.agency is not None:
                disclosure = disclosure_record(
                    case=case,
                    recipient=to.agency,
                    purpose=Purpose.STATUTORY_ASSESSMENT,
                    data_types=NOTICE_DATA_TYPES,
                    fields=NOTICE_FIELDS,
                    channel=NOTICE_METHOD_CHANNEL[method],
                    by=by,
                    today=today,
                    duty=duty,
                    now=now,
                )
            recorded.append(
                StatutoryNotice.objects.create(
                    case=case,
                    regulation=regulation,
                    recipient=to.recipient,
                    agency=to.agency,
                    recipient_name=to.agency.name if to.agency is not None else to.name.strip(),
                    sent_on=sent_on,
                    method=method,
                    disclosure=disclosure,
                    corrects=corrects,
                    correction_reason=correction_reason.strip() if corrects is not None else "",
                    recorded_by=by,
                    recorded_at=now,
                )
            )
    return recorded
