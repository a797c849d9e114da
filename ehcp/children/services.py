"""Consent: recording it, its withdrawal, and an SEN manager's justified decision to let a
consent-gated step go ahead without it. Each service owns its transaction and saves with a
history reason; a broken rule raises `CaseRuleError` and changes nothing."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.children.models import Child, ConsentGiver, ConsentOverride, ConsentRecord
from ehcp.children.rules import consent as consent_rules
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
    """Record consent to share information for a purpose with the named agencies."""
    today = today or timezone.localdate()
    agencies = list(agencies)
    errors = []
    if not agencies:
        errors.append("Select the agencies the consent covers")
    if given_on > today:
        errors.append("The date consent was given must be today or in the past")
    if given_by == ConsentGiver.YOUNG_PERSON and not consent_rules.young_person_may_consent(
        child.date_of_birth, given_on
    ):
        errors.append(
            f"A young person can give consent themselves from the age of "
            f"{consent_rules.YOUNG_PERSON_CONSENT_AGE}; record consent from a parent or carer"
        )
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
