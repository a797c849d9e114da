"""Consent: recording it, its withdrawal, and an SEN manager's justified decision to let a
consent-gated step go ahead without it; and what is recorded about a young person that decides
who consents and who is written to (a lack of capacity, their agreement that their parent is sent
the letters too). Each service owns its transaction and saves with a history reason; a broken rule
raises `CaseRuleError` and changes nothing."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.children.models import (
    Child,
    ConsentOverride,
    ConsentRecord,
    YoungPersonRecord,
)
from ehcp.children.rules import consent as consent_rules
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.services import CaseRuleError, date_check, history_save


def consent_record(
    *,
    child: Child,
    case: Assessment | None,
    purpose: str,
    agencies: Iterable[Agency],
    given_by: str,
    given_by_name: str,
    given_on: date,
    method: str,
    notes: str = "",
    by,
    today: date | None = None,
) -> ConsentRecord:
    """Record consent to share information for a purpose with the named agencies.

    Consent comes from whoever is the party on the day it was given: the parent of a child, the
    young person once they are over compulsory school age (CFA 2014 s.83), or their parent where
    a lack of capacity is recorded for them (Mental Capacity Act 2005)."""
    today = today or timezone.localdate()
    agencies = list(agencies)
    errors = []
    if not agencies:
        errors.append("Select the agencies the consent covers")
    if given_on > today:
        errors.append("The date consent was given must be today or in the past")
    refusal = young_person_rules.consent_refusal(
        given_by,
        date_of_birth=child.date_of_birth,
        on=given_on,
        facts=child.young_person_facts(),
        first_name=child.first_name,
    )
    if refusal:
        errors.append(refusal)
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        record = ConsentRecord(
            child=child,
            case=case,
            purpose=purpose,
            given_by=given_by,
            given_by_name=given_by_name,
            given_on=given_on,
            method=method,
            notes=notes,
            recorded_by=by,
        )
        history_save(record, "Consent recorded", by)
        record.agencies.set(agencies)
    return record


def consent_withdraw(
    *, consent: ConsentRecord, withdrawn_on: date, reason: str, by, today: date | None = None
) -> ConsentRecord:
    """Record that consent was withdrawn. The record is kept; it stops counting from that date."""
    today = today or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise CaseRuleError("This consent has already been withdrawn")
    date_check(withdrawn_on, today=today, not_before=consent.given_on, what="consent was withdrawn")
    if not reason.strip():
        raise CaseRuleError("Enter how the withdrawal was made and anything the family said")
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise CaseRuleError("This consent has already been withdrawn")
        consent.withdrawn_on = withdrawn_on
        consent.withdrawal_reason = reason
        consent.withdrawn_by = by
        history_save(consent, "Consent withdrawn", by)
    return consent


def consent_override_record(
    *, case: Assessment, step: consent_rules.Step, justification: str, legal_condition: str = "", by
) -> ConsentOverride:
    """An SEN manager lets a step go ahead without consent, with a written justification."""
    if not actor_for(by).may_override_consent(case.council_id):
        raise CaseRuleError("Only an SEN manager can record a decision to proceed without consent")
    if len(justification.strip()) < 20:
        raise CaseRuleError(
            "Explain why the step must go ahead without consent (at least 20 characters)"
        )
    with transaction.atomic():
        override = ConsentOverride(
            case=case, step=step, justification=justification, authorised_by=by
        )
        if legal_condition:
            override.legal_condition = legal_condition
        history_save(override, "Consent gate overridden", by)
    return override


# -- the young person -----------------------------------------------------------------------------

_RECORDED = {
    young_person_rules.RecordKind.LACKS_CAPACITY: "Lack of capacity recorded (Mental Capacity Act 2005)",
    young_person_rules.RecordKind.PARENT_INCLUDED: "Young person agreed their parent is sent the letters",
}
_ENDED = {
    young_person_rules.RecordKind.LACKS_CAPACITY: "Lack of capacity ended",
    young_person_rules.RecordKind.PARENT_INCLUDED: "Young person's agreement withdrawn",
}


def young_person_record(
    *, child: Child, kind: str, from_on: date, reason: str, by, today: date | None = None
) -> YoungPersonRecord:
    """Record that a young person lacks capacity to make decisions about their assessment and
    plan (their parent or carer then acts for them: CFA 2014 s.80, SEND Regulations 2014 regs
    63-65), or that they agree their parent or carer is sent the letters too."""
    today = today or timezone.localdate()
    try:
        kind = young_person_rules.RecordKind(kind)
    except ValueError:
        raise CaseRuleError("Select what you are recording") from None
    date_check(from_on, today=today, what="of the assessment or agreement")
    errors = []
    if not young_person_rules.may_record_on(child.date_of_birth, from_on):
        errors.append(
            f"{child.first_name} was neither 16 nor a young person on that date: this can be "
            f"recorded from {young_person_rules.may_record_from(child.date_of_birth):%-d %B %Y}"
        )
    if len(reason.strip()) < 20:
        errors.append(
            "Explain who assessed capacity, for which decisions and how (at least 20 characters)"
            if kind == young_person_rules.RecordKind.LACKS_CAPACITY
            else "Enter how the young person told you that they agree (at least 20 characters)"
        )
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        # One current record of a kind at a time: the child's row is locked while checking.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        if YoungPersonRecord.objects.filter(child=child, kind=kind, ended_on__isnull=True).exists():
            raise CaseRuleError(
                f"This is already recorded for {child.first_name}: end the current record first"
            )
        record = YoungPersonRecord(
            child=child, kind=kind, from_on=from_on, reason=reason, recorded_by=by
        )
        history_save(record, _RECORDED[kind], by)
    return record


def young_person_record_end(
    *, record: YoungPersonRecord, ended_on: date, reason: str, by, today: date | None = None
) -> YoungPersonRecord:
    """Record that a young person has regained capacity, or no longer agrees that their parent is
    sent the letters. The record is kept; it stops counting from that date."""
    today = today or timezone.localdate()
    if record.ended_on is not None:
        raise CaseRuleError("This has already been ended")
    date_check(ended_on, today=today, not_before=record.from_on, what="it ended")
    if not reason.strip():
        raise CaseRuleError("Enter why it has ended, and who decided")
    with transaction.atomic():
        record = YoungPersonRecord.objects.select_for_update().get(pk=record.pk)
        if record.ended_on is not None:
            raise CaseRuleError("This has already been ended")
        record.ended_on = ended_on
        record.end_reason = reason
        record.ended_by = by
        history_save(record, _ENDED[record.kind], by)
    return record
