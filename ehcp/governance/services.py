"""Sharing, break-glass access and security incidents: the services that change governance records.

- `disclosure_record` shares a case's information with a partner agency and logs it. The payload
  is built only from the fields the access table allows that agency for the purpose (DM-01); the
  share needs current consent covering the agency, a recorded override (DPA 2018 Sch 1 para 18),
  or a named statutory duty; the log row holds the lawful basis, the fields, and a hash of the
  values as sent (LB-01, LB-02, LB-04, LB-05, AU-04).
- `case_pack_share` is what deciding to assess sends each partner asked for advice.
- `break_glass_request` and `break_glass_review`: time-limited access outside a person's
  relationship to a case, and the information governance lead's review of it (AC-07).
- `incident_record` and `incident_decision_record`: the security incident register (AU-08).

Every refusal raises `CaseRuleError` with messages fit to show, and nothing is written.
"""

import logging
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import agreements
from agencies.access import actor_for, data_types_by_kind, data_types_for
from agencies.models import Agency, Membership, Role, SharingAgreement
from ehcp.assessments.models import AdviceKind, AdviceRequest, Assessment
from ehcp.children.models import Child, ConsentRecord
from ehcp.children.rules import consent as consent_rules
from ehcp.common.formats import govuk_datetime, govuk_time
from ehcp.common.services import CaseRuleError
from ehcp.governance.access import case_access
from ehcp.governance.audit import access_event_write
from ehcp.governance.models import (
    AccessWhat,
    BreakGlassAttempt,
    BreakGlassGrant,
    BreakGlassOutcome,
    BreakGlassReason,
    Channel,
    DecisionNotToShare,
    Disclosure,
    NotifyDecision,
    SecurityIncident,
)
from ehcp.governance.rules import break_glass as break_glass_rules
from ehcp.governance.rules import disclosure as rules
from ehcp.governance.rules import incidents as incident_rules
from ehcp.plans.models import DocumentKind, PlanDocument
from notifications.models import NotificationKind
from notifications.services import notification_queue

# -- the payload: only allowlisted fields, read one by one -------------------------------------

_ADVICE_FIELD_KIND = {
    "advice_parent_views": AdviceKind.PARENT_VIEWS,
    "advice_educational": AdviceKind.EDUCATIONAL,
    "advice_psychological": AdviceKind.PSYCHOLOGICAL,
    "advice_other": AdviceKind.OTHER,
    "advice_health": AdviceKind.HEALTH,
    "advice_social_care": AdviceKind.SOCIAL_CARE,
}


def _parents(child: Child) -> list[dict]:
    return [
        {
            "name": p.name,
            "relationship": p.relationship,
            "has_parental_responsibility": p.has_parental_responsibility,
            "email": p.email,
            "phone": p.phone,
            "address": p.address,
        }
        for p in child.parents.order_by("pk")
    ]


_CHILD_FIELDS = {
    "first_name": lambda child: child.first_name,
    "last_name": lambda child: child.last_name,
    "date_of_birth": lambda child: child.date_of_birth,
    "upn": lambda child: child.upn,
    "nhs_number": lambda child: child.nhs_number,
    "address": lambda child: child.address,
    "postcode": lambda child: child.postcode,
    "parents": _parents,
    "current_setting": lambda child: child.current_setting.name if child.current_setting_id else "",
    "primary_need": lambda child: child.primary_need,
    "secondary_need": lambda child: child.secondary_need,
}


def case_pack_values(case: Assessment, fields: Iterable[str]) -> dict:
    """The values of exactly these fields, each read by its own allowlisted getter (never a
    serialisation of the whole record)."""
    fields = list(fields)
    advice = {}
    if any(name in _ADVICE_FIELD_KIND for name in fields):
        advice = dict(
            AdviceRequest.objects.filter(case=case, received_on__isnull=False).values_list(
                "kind", "summary"
            )
        )
    child = case.child
    payload = {}
    for name in fields:
        if name in _CHILD_FIELDS:
            payload[name] = _CHILD_FIELDS[name](child)
        elif name == "request_reasons":
            payload[name] = case.request_reasons
        elif name in _ADVICE_FIELD_KIND:
            payload[name] = advice.get(_ADVICE_FIELD_KIND[name], "")
        else:  # a field in rules.CASE_PACK_FIELDS with no getter here: refuse rather than guess
            raise CaseRuleError(f"The field {name} cannot be shared")
    return payload


def case_pack(
    case: Assessment,
    agency: Agency,
    purpose: str = consent_rules.Purpose.STATUTORY_ASSESSMENT,
    *,
    allowed: frozenset[str] | None = None,
):
    """What `agency` may be sent about this case for `purpose`: (data types, fields, values).

    Only fields with a value go: an agency is not told that a field is empty. `allowed`: what the
    access table lets the agency's kind have for the purpose, when the caller has just read it."""
    if allowed is None:
        allowed = data_types_for([agency.kind], purpose)
    candidates = rules.case_pack_fields(
        allowed, whereabouts_protected=case.child.protected_whereabouts
    )
    values = {
        name: value
        for name, value in case_pack_values(case, candidates).items()
        if value not in ("", None, [])
    }
    fields = [name for name in candidates if name in values]
    data_types = sorted({rules.FIELD_DATA_TYPE[name] for name in fields})
    return data_types, fields, values


# -- consent ------------------------------------------------------------------------------------

_STEP_FOR_PURPOSE = {purpose: step for step, purpose in consent_rules.REQUIRED_PURPOSE.items()}


def _consent_for_share(
    case: Assessment, recipient: Agency, purpose: str, on: date
) -> ConsentRecord | None:
    """The current consent of this purpose covering the recipient, or None. A parent's consent
    given for a child does not cover a share once the child is a young person
    (`consent_rules.consent_counts`). One read of the consents: the gate's facts and the record
    returned come from the same rows."""
    records = list(case.consent_records())
    facts = [record.as_fact() for record in records]
    who = case.child.who_consents()
    step = _STEP_FOR_PURPOSE.get(purpose)
    if step is not None:
        covered = (
            consent_rules.missing_consent(step, facts, agency_ids=[recipient.pk], on=on, who=who)
            is None
        )
    else:
        covered = any(
            f.purpose == purpose
            and consent_rules.consent_counts(f, on, who)
            and recipient.pk in f.agency_ids
            for f in facts
        )
    if not covered:
        return None
    counting = [
        record
        for record, fact in zip(records, facts, strict=True)
        if fact.purpose == purpose
        and recipient.pk in fact.agency_ids
        and consent_rules.consent_counts(fact, on, who)
    ]
    return max(counting, key=lambda record: (record.given_on, record.pk), default=None)


def _override_for_share(case: Assessment, purpose: str):
    step = _STEP_FOR_PURPOSE.get(purpose)
    if step is None:
        return None
    return case.consent_overrides.filter(step=step).order_by("-authorised_at", "-pk").first()


def _check_council_officer(case: Assessment, by, what: str) -> None:
    if case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError(f"Only the council's SEN team can {what} on this case")


# -- disclosures --------------------------------------------------------------------------------


def disclosure_record(
    *,
    case: Assessment,
    recipient: Agency,
    purpose: str,
    data_types: Iterable[str],
    fields: Iterable[str],
    documents: Iterable = (),
    channel: str,
    by,
    today: date | None = None,
    recipient_person=None,
    duty: rules.StatutoryDuty | None = None,
    now: datetime | None = None,
    allowed: frozenset[str] | None = None,
) -> Disclosure:
    """Share these fields (and documents) of the case with `recipient`, and log the share.

    - data_types and fields must be inside what the access table allows the recipient's kind for
      the purpose; each field must belong to one of the data types.
    - documents: issued documents (anything with `public_id` and `sha256`, e.g. `PlanDocument`);
      a plan counts as PLAN data and as special category (it has health and care sections).
    - The share needs current consent of the purpose covering the recipient; otherwise a named
      statutory `duty`, or a recorded consent override (then DPA 2018 Sch 1 para 18 with its
      justification). Withdrawn consent stops consent-based shares from the withdrawal date.
    - allowed: what the access table lets the recipient's kind have for the purpose, when the
      caller has read it in this call (`case_pack_share`); otherwise it is read here.

    Returns the `Disclosure`, with the values sent on `disclosure.payload` (not stored).
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    data_types, fields, documents = sorted(set(data_types)), list(fields), list(documents)
    if recipient is None:
        raise CaseRuleError("Select the agency to share with")
    _check_council_officer(case, by, "share information")
    errors = []
    if recipient.pk == case.council_id:
        errors.append("The council that holds the case is not a recipient: nothing is shared")
    if not recipient.is_active:
        errors.append(f"{recipient.name} is no longer a party to the information sharing agreement")
    if (
        recipient_person is not None
        and not Membership.objects.active().filter(user=recipient_person, agency=recipient).exists()
    ):
        errors.append(f"Choose someone who works for {recipient.name}")
    if channel and channel not in Channel.values:
        errors.append("Select how the information is sent")
    if allowed is None:
        allowed = data_types_for([recipient.kind], purpose)
    errors += rules.share_errors(
        purpose=purpose,
        data_types=data_types,
        fields=fields,
        allowed=allowed,
        whereabouts_protected=case.child.protected_whereabouts,
        isa_reference=settings.ISA_REFERENCE,
        channel=channel,
        document_count=len(documents),
    )
    if errors:
        raise CaseRuleError(*errors)

    consent = _consent_for_share(case, recipient, purpose, today)
    override, justification = None, ""
    if consent is None:
        if duty is not None:
            justification = duty.justification
        else:
            override = _override_for_share(case, purpose)
            if override is None:
                phrase = consent_rules.PURPOSE_PHRASES.get(purpose, "this purpose")
                raise CaseRuleError(
                    f"Record consent for {phrase} that covers {recipient.name}, or a decision to share "
                    "without consent, before you share information"
                )
            justification = override.justification
    basis = rules.lawful_basis(
        special_category=rules.is_special_category(data_types, document_count=len(documents)),
        override_condition=(override.legal_condition or rules.SCH1_SAFEGUARDING)
        if override
        else "",
    )
    payload = case_pack_values(case, fields)
    shared_documents = [(str(d.public_id), d.sha256) for d in documents]
    disclosure = Disclosure.objects.create(
        case=case,
        child_id=case.child_id,
        recipient=recipient,
        recipient_person=recipient_person,
        purpose=purpose,
        data_types=data_types,
        fields=fields,
        document_ids=[document_id for document_id, _ in shared_documents],
        content_sha256=rules.content_sha256(payload, shared_documents),
        art6_basis=basis.art6_basis,
        statutory_power=duty.statutory_power
        if duty is not None
        else rules.STATUTORY_POWER[purpose],
        art9_condition=basis.art9_condition,
        dpa_schedule1_condition=basis.dpa_schedule1_condition,
        isa_reference=settings.ISA_REFERENCE,
        consent=consent,
        override=override,
        justification=justification,
        channel=channel,
        shared_by=by,
        shared_at=now,
    )
    disclosure.payload = payload
    return disclosure


def child_disclosure_record(
    *,
    child: Child,
    recipient: Agency,
    recipient_person,
    purpose: str,
    data_types: Iterable[str],
    fields: Iterable[str],
    payload: dict,
    consent: ConsentRecord | None,
    justification: str = "",
    override_condition: str = "",
    channel: str,
    by,
    now: datetime,
) -> Disclosure:
    """Log a share about a child made outside an assessment (a panel member's papers), with its
    lawful basis, exactly as `disclosure_record` logs a case's. The caller has checked the consent
    gate (or its recorded override, whose justification and condition it passes) and has built
    the payload from what the access table lets the recipient see; this only refuses a share the
    agreement could not allow."""
    data_types, fields = sorted(set(data_types)), list(fields)
    errors = rules.share_errors(
        purpose=purpose,
        data_types=data_types,
        fields=fields,
        allowed=data_types_for([recipient.kind], purpose),
        whereabouts_protected=child.protected_whereabouts,
        isa_reference=settings.ISA_REFERENCE,
        channel=channel,
        document_count=0,
        check_fields=False,
    )
    if consent is None and not justification:
        errors.append("A share without consent needs a recorded, justified override")
    if errors:
        raise CaseRuleError(*errors)
    basis = rules.lawful_basis(
        special_category=rules.is_special_category(data_types),
        override_condition=(override_condition or rules.SCH1_SAFEGUARDING)
        if consent is None
        else "",
    )
    return Disclosure.objects.create(
        case=None,
        child=child,
        recipient=recipient,
        recipient_person=recipient_person,
        purpose=purpose,
        data_types=data_types,
        fields=fields,
        document_ids=[],
        content_sha256=rules.content_sha256(payload),
        art6_basis=basis.art6_basis,
        statutory_power=rules.STATUTORY_POWER[purpose],
        art9_condition=basis.art9_condition,
        dpa_schedule1_condition=basis.dpa_schedule1_condition,
        isa_reference=settings.ISA_REFERENCE,
        consent=consent,
        override=None,
        justification="" if consent is not None else justification,
        channel=channel,
        shared_by=by,
        shared_at=now,
    )


def case_pack_share(
    *,
    case: Assessment,
    recipients: Iterable[Agency],
    by,
    today: date | None = None,
    duty: rules.StatutoryDuty | None = None,
    documents: Iterable = (),
    channel: str = "PORTAL",
) -> list[Disclosure]:
    """Send each recipient the case pack its kind may have for the statutory assessment.

    An agency the access table lets receive nothing is sent nothing (and no row is written): it
    sees nothing of the case either (`ehcp.governance.access.case_access` reads the same table,
    here once for every recipient)."""
    purpose = consent_rules.Purpose.STATUTORY_ASSESSMENT
    documents = list(documents)
    # the council does not share with itself
    recipients = [agency for agency in recipients if agency.pk != case.council_id]
    allowed = data_types_by_kind({agency.kind for agency in recipients}, purpose)
    shared = []
    for agency in recipients:
        data_types, fields, _ = case_pack(case, agency, purpose, allowed=allowed[agency.kind])
        if documents:
            data_types = sorted(set(data_types) | {"PLAN"})
        if not fields and not documents:
            continue  # the access table lets this agency receive nothing: nothing is sent or logged
        shared.append(
            disclosure_record(
                case=case,
                recipient=agency,
                purpose=purpose,
                data_types=data_types,
                fields=fields,
                documents=documents,
                channel=channel,
                by=by,
                today=today,
                duty=duty,
                allowed=allowed[agency.kind],
            )
        )
    return shared


def case_pack_share_with_advisers(
    *, case: Assessment, advice: Iterable[AdviceRequest], by, today: date | None = None
) -> list[Disclosure]:
    """Deciding to assess: each partner agency asked for advice receives its case pack, in the
    order of the agencies' ids. `advice`: every advice request of the case, with its agency (the
    decision has just made them, so neither is read again)."""
    agencies = {item.agency_id: item.agency for item in advice}
    return case_pack_share(
        case=case, recipients=[agencies[pk] for pk in sorted(agencies)], by=by, today=today
    )


def draft_plan_share_with_setting(
    *, case: Assessment, setting: Agency, by, today: date | None = None
) -> list[Disclosure]:
    """Consulting a setting: it receives the draft plan (the latest issued draft, if rendered, and
    its case pack) under the statutory duty to consult, whatever the consent position."""
    documents = list(
        PlanDocument.objects.filter(case=case, kind=DocumentKind.DRAFT_PLAN).order_by("-version")[
            :1
        ]
    )
    return case_pack_share(
        case=case,
        recipients=[setting],
        by=by,
        today=today,
        duty=rules.SETTING_CONSULTATION,
        documents=documents,
    )


def decision_not_to_share_record(
    *, case: Assessment, agency: Agency, purpose: str, reason: str, by, now=None
):
    """Record a decision not to share with an agency, and why. Nothing is shared."""
    now = now or timezone.now()
    _check_council_officer(case, by, "record a decision about sharing")
    errors = []
    if purpose not in rules.STATUTORY_POWER:
        errors.append("Select the purpose the request to share was for")
    if not reason.strip():
        errors.append("Enter why the information will not be shared")
    if agency.pk == case.council_id:
        errors.append("Choose the agency that asked for the information")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        return DecisionNotToShare.objects.create(
            case=case,
            agency=agency,
            purpose=purpose,
            reason=reason.strip(),
            decided_by=by,
            decided_at=now,
        )


# -- break-glass (AC-07) -----------------------------------------------------------------------

NO_SUCH_CASE = "No case with that reference"
BREAK_GLASS_MIN_JUSTIFICATION = 20
_REFERENCE = re.compile(r"EHC(\d{1,12})")


def case_by_reference(reference: str) -> Assessment | None:
    """The case with this reference (EHC000123), or None."""
    match = _REFERENCE.fullmatch((reference or "").strip().upper().replace(" ", ""))
    if match is None:
        return None
    return (
        Assessment.objects.select_related("child", "council").filter(pk=int(match.group(1))).first()
    )


NOT_ALLOWED = (
    "Your role or agency cannot use emergency access. Only educational psychologists, health "
    "advisers and social care advisers of agencies that are parties to the council's information "
    "sharing agreement can. Ask the council's SEN team for the information you need"
)
_attempt_log = logging.getLogger("ehcp.break_glass")


def break_glass_limit() -> break_glass_rules.RateLimit:
    return break_glass_rules.RateLimit(
        grants=settings.BREAK_GLASS_MAX_GRANTS,
        failures=settings.BREAK_GLASS_MAX_FAILED_ATTEMPTS,
        period=timedelta(hours=settings.BREAK_GLASS_LIMIT_HOURS),
    )


def _limit_message(reached: break_glass_rules.LimitReached) -> str:
    when = govuk_datetime(reached.retry_at)
    if reached.reason == "grants":
        return (
            f"You have had emergency access {settings.BREAK_GLASS_MAX_GRANTS} times in the last "
            f"{settings.BREAK_GLASS_LIMIT_HOURS} hours, which is the most allowed. You can ask "
            f"again after {when}, or ask the council's information governance lead"
        )
    return (
        "You have entered details that did not match a case "
        f"{settings.BREAK_GLASS_MAX_FAILED_ATTEMPTS} times in the last "
        f"{settings.BREAK_GLASS_LIMIT_HOURS} hours. You can try again after {when}, "
        "or ask the council's SEN team"
    )


class BreakGlassRefused(CaseRuleError):
    """Emergency access refused; `outcome` says why (the page gives a 403 for NOT_ALLOWED)."""

    def __init__(self, outcome: str, *messages: str):
        super().__init__(*messages)
        self.outcome = outcome


def _attempt_record(*, user, outcome, now, reference, case, request_id, ip, grant=None):
    attempt = BreakGlassAttempt.objects.create(
        user=user,
        attempted_at=now,
        outcome=outcome,
        reference_entered=(reference or "").strip().upper()[:20],
        case=case,
        grant=grant,
        request_id=request_id or "",
        ip=ip,
    )
    log = _attempt_log.info if outcome == BreakGlassOutcome.GRANTED else _attempt_log.warning
    log(
        "Break-glass %s: user %s, case %s, request %s, from %s",
        outcome,
        user.pk,
        case.reference if case is not None else "-",
        request_id or "-",
        ip or "unknown address",
    )
    return attempt


def break_glass_alert(*, grant: BreakGlassGrant) -> None:
    """Tell every information governance lead of the council that holds the case, at once, that
    emergency access was granted (an outbox row in the caller's transaction, sent after commit;
    no personal details, only a link to the review page). With no IG lead, the council's shared
    mailbox is told instead."""
    link = reverse("governance:break-glass-review", kwargs={"public_id": grant.public_id})
    key = f"break-glass:{grant.public_id}"
    ig_leads = _ig_lead_ids([grant.case.council_id])
    council = grant.case.council
    for user_id in ig_leads or [None]:
        notification_queue(
            kind=NotificationKind.BREAK_GLASS_GRANTED,
            agency=council,
            user_id=user_id,
            link=link,
            key=key,
        )


def _ig_lead_ids(council_ids) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(agency_id__in=council_ids, role=Role.IG_LEAD)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def break_glass_stopped_alert(*, attempt: BreakGlassAttempt, actor, today: date) -> None:
    """Tell the IG leads at once when someone is stopped for too many failed attempts: the
    councils whose agreements their agencies are parties to, and the council of the case the
    reference pointed at. No personal details, only a link to the attempts page."""
    councils = set(
        SharingAgreement.objects.in_force(today)
        .filter(parties__in=actor.agency_ids)
        .values_list("council_id", flat=True)
    )
    if attempt.case is not None:
        councils.add(attempt.case.council_id)
    link = reverse("governance:break-glass-attempts")
    key = f"break-glass-stopped:{attempt.pk}"
    for user_id in _ig_lead_ids(councils):
        notification_queue(
            kind=NotificationKind.BREAK_GLASS_STOPPED, user_id=user_id, link=link, key=key
        )


def break_glass_request(
    *,
    case_reference: str,
    date_of_birth: date | None,
    child_identifier: str,
    user,
    reason: str,
    justification: str,
    now: datetime | None = None,
    request_id: str,
    ip: str | None = None,
) -> BreakGlassGrant:
    """Grant this person time-limited access to a case they have no relationship with (AC-07).

    Only the roles in `agencies.models.BREAK_GLASS_ROLES`, through an agency that is a party to
    an information sharing agreement in force with the council that holds the case. The person
    must identify the child by more than the reference: the reference, the date of birth, and
    the last name or NHS number, all matching; a mismatch gets one message whichever detail was
    wrong, and counts as a failed attempt. At most BREAK_GLASS_MAX_GRANTS grants and
    BREAK_GLASS_MAX_FAILED_ATTEMPTS failed attempts per person in any BREAK_GLASS_LIMIT_HOURS.

    A grant needs a reason code and a written justification; lasts BREAK_GLASS_MINUTES; writes a
    high-severity access event; alerts the council's IG leads at once, and waits in their review
    queue. It never shows protected whereabouts (`ehcp.governance.access.case_access`). Every attempt,
    granted or refused, is recorded (`BreakGlassAttempt`) and logged."""
    actor = actor_for(user)
    errors = []
    if reason not in BreakGlassReason.values:
        errors.append("Select why you need access")
    if len((justification or "").strip()) < BREAK_GLASS_MIN_JUSTIFICATION:
        errors.append(
            f"Explain why you need access now (at least {BREAK_GLASS_MIN_JUSTIFICATION} characters)"
        )
    refusal = None
    grant = None
    with transaction.atomic():
        # One request at a time per person, so two at once cannot both slip under the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        # The clock is read after the lock, so a grant the other request wrote is in the past.
        now = now or timezone.now()
        today = timezone.localdate(now)
        context = dict(user=user, now=now, reference=case_reference, request_id=request_id, ip=ip)
        if not agreements.break_glass_agency_ids(actor, today=today):
            _attempt_record(outcome=BreakGlassOutcome.NOT_ALLOWED, case=None, **context)
            refusal = BreakGlassRefused(BreakGlassOutcome.NOT_ALLOWED, NOT_ALLOWED)
        elif errors:
            pass  # nothing was tried yet: the form is not complete
        else:
            since = now - timedelta(hours=settings.BREAK_GLASS_LIMIT_HOURS)
            recent = list(
                BreakGlassAttempt.objects.filter(
                    user=user,
                    attempted_at__gt=since,
                    outcome__in=[BreakGlassOutcome.GRANTED, BreakGlassOutcome.NOT_MATCHED],
                ).values_list("outcome", "attempted_at")
            )
            failures_at = [at for outcome, at in recent if outcome == BreakGlassOutcome.NOT_MATCHED]
            reached = break_glass_rules.limit_reached(
                grants_at=[at for outcome, at in recent if outcome == BreakGlassOutcome.GRANTED],
                failures_at=failures_at,
                limit=break_glass_limit(),
                now=now,
            )
            case = case_by_reference(case_reference)
            if reached is not None:
                _attempt_record(outcome=BreakGlassOutcome.LIMITED, case=case, **context)
                refusal = BreakGlassRefused(BreakGlassOutcome.LIMITED, _limit_message(reached))
            elif not _identifies(actor, case, today, date_of_birth, child_identifier):
                outcome = BreakGlassOutcome.NOT_MATCHED
                attempt = _attempt_record(outcome=outcome, case=case, **context)
                refusal = BreakGlassRefused(outcome, break_glass_rules.NO_MATCH)
                if len(failures_at) + 1 == settings.BREAK_GLASS_MAX_FAILED_ATTEMPTS:
                    break_glass_stopped_alert(attempt=attempt, actor=actor, today=today)
            else:
                existing = case_access(actor, case, now=now)
                if existing is not None and existing.break_glass is not None:
                    until = govuk_time(existing.break_glass.expires_at)
                    refusal = CaseRuleError(
                        f"You already have emergency access to {case.reference} until {until}"
                    )
                elif existing is not None:
                    refusal = CaseRuleError(
                        f"You can already see {case.reference}: open it from your cases or tasks"
                    )
                else:
                    grant = _grant(user, case, reason, justification, now, context)
                    access = case_access(actor, case, now=now)
                    access_event_write(
                        user=user,
                        what=AccessWhat.BREAK_GLASS,
                        case=case,
                        access=access,
                        break_glass=grant,
                        now=now,
                        request_id=request_id,
                        ip=ip,
                    )
                    break_glass_alert(grant=grant)
    if refusal is not None:
        raise refusal
    if errors:
        raise CaseRuleError(*errors)
    return grant


def _identifies(actor, case, today, date_of_birth, child_identifier) -> bool:
    """The case exists, the person's agency is a party to an agreement in force with the council
    that holds it, and the child's details match. One answer for all three, on purpose."""
    if case is None:
        return False
    if not agreements.break_glass_agency_ids(actor, today=today, council_id=case.council_id):
        return False
    return break_glass_rules.identifies_child(
        last_name=case.child.last_name,
        date_of_birth=case.child.date_of_birth,
        nhs_number=case.child.nhs_number,
        given_date_of_birth=date_of_birth,
        given_name_or_nhs_number=child_identifier,
    )


def _grant(user, case, reason, justification, now, context) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.create(
        case=case,
        user=user,
        reason=reason,
        justification=justification.strip(),
        granted_at=now,
        expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    _attempt_record(outcome=BreakGlassOutcome.GRANTED, case=case, grant=grant, **context)
    return grant


REVIEW_OUTCOMES = ("APPROPRIATE", "INAPPROPRIATE")


def break_glass_review(
    *, grant: BreakGlassGrant, outcome: str, notes: str, by, now: datetime | None = None
):
    """The information governance lead decides whether a break-glass access was appropriate."""
    now = now or timezone.now()
    if not actor_for(by).is_ig_lead:
        raise CaseRuleError("Only the information governance lead can review emergency access")
    errors = []
    if grant.user_id == by.pk:
        errors.append("You cannot review your own emergency access: ask another IG lead")
    if outcome not in REVIEW_OUTCOMES:
        errors.append("Select whether the access was appropriate")
    if outcome == "INAPPROPRIATE" and not notes.strip():
        errors.append("Enter what was wrong with the access and what happens next")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.reviewed_at is not None:
            raise CaseRuleError("This access has already been reviewed")
        grant.review_outcome = outcome
        grant.review_notes = notes.strip()
        grant.reviewed_by = by
        grant.reviewed_at = now
        grant.save(update_fields=["review_outcome", "review_notes", "reviewed_by", "reviewed_at"])
    return grant


# -- the security incident register (AU-08) ---------------------------------------------------


def _check_ig_lead(by) -> None:
    if not actor_for(by).is_ig_lead:
        raise CaseRuleError("Only the information governance lead can record security incidents")


def incident_record(
    *,
    kind: str,
    description: str,
    aware_at: datetime,
    affected_children: Iterable[Child] = (),
    partners_to_notify: Iterable[Agency] = (),
    actions: str = "",
    by,
    now: datetime | None = None,
) -> SecurityIncident:
    """Record a security incident. The ICO deadline is 72 hours after the council became aware."""
    now = now or timezone.now()
    _check_ig_lead(by)
    errors = []
    if not description.strip():
        errors.append("Describe what happened")
    if aware_at > now:
        errors.append("The time the council became aware must be now or in the past")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        incident = SecurityIncident(
            kind=kind,
            description=description.strip(),
            aware_at=aware_at,
            ico_deadline=incident_rules.ico_deadline(aware_at),
            actions=actions.strip(),
            recorded_by=by,
            recorded_at=now,
        )
        incident._change_reason = "Security incident recorded"
        incident._history_user = by
        incident.save()
        incident.affected_children.set(list(affected_children))
        incident.partners_to_notify.set(list(partners_to_notify))
    return incident


def incident_decision_record(
    *,
    incident: SecurityIncident,
    decision: str,
    reasons: str,
    notified_ico_at: datetime | None = None,
    actions: str | None = None,
    by,
    now: datetime | None = None,
) -> SecurityIncident:
    """Record whether the breach is reported to the ICO (reasons are required for not reporting)."""
    now = now or timezone.now()
    _check_ig_lead(by)
    errors = incident_rules.decision_errors(
        decision, reasons, aware_at=incident.aware_at, notified_ico_at=notified_ico_at, now=now
    )
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        incident = SecurityIncident.objects.select_for_update().get(pk=incident.pk)
        incident.decision = decision
        incident.decision_reasons = reasons.strip()
        incident.notified_ico_at = notified_ico_at if decision == NotifyDecision.NOTIFY else None
        incident.decided_by = by
        incident.decided_at = now
        if actions is not None:
            incident.actions = actions.strip()
        incident._change_reason = f"Notification decision: {incident.get_decision_display()}"
        incident._history_user = by
        incident.save()
    return incident
