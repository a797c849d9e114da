"""Funding requests: raise one from the child's plan, complete its evidence, send it to a panel,
answer a deferral, withdraw it.

The council raises a request (its caseworkers and SEN managers). It is gated by consent for its
purpose (high-needs funding, or continuing care) covering every partner agency the panel's papers
go to, or by an SEN manager's recorded, justified override. It is ready for a panel once its
evidence is complete (`panel.rules.requests.evidence_missing`, the same list the page shows).
"""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import Agency
from ehcp.children.models import ConsentRecord
from ehcp.children.rules import consent as consent_rules
from ehcp.common.services import CaseRuleError, history_save
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.plans.selectors import plan_in_force
from panel.models import (
    OPEN_REQUEST_STATUSES,
    FundingKind,
    FundingRequest,
    Panel,
    RequestStatus,
    consent_purpose,
)
from panel.rules import requests as request_rules
from panel.rules.money import FUNDERS, Funder, share_errors
from panel.selectors import panel_partner_agency_ids, request_facts, request_version

TEXT_MAX = 5000
#: Plan sections whose entries a request can pay for (and section I, the placement: PLACEMENT_KEY).
FUNDED_SECTIONS = ("F", "G", "H1", "H2")
STEP_FOR_PURPOSE = {
    purpose: step
    for step, purpose in consent_rules.REQUIRED_PURPOSE.items()
    if step != consent_rules.Step.REQUEST_ADVICE
}


def _text(value: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseRuleError(required)
    if len(value) > TEXT_MAX:
        raise CaseRuleError(f"Keep the text under {TEXT_MAX:,} characters")
    return value


def check_council(council_id: int, by, *, what: str) -> None:
    if council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError(f"Only the council's SEN team can {what}")


def _step(kind: str) -> consent_rules.Step:
    return STEP_FOR_PURPOSE[consent_purpose(kind)]


def consent_gate(
    *, child, kind: str, panel: Panel, on: date
) -> tuple[ConsentRecord | None, str | None]:
    """The consent the request goes ahead under, or the message saying what is missing."""
    step = _step(kind)
    purpose = consent_rules.REQUIRED_PURPOSE[step]
    records = list(
        ConsentRecord.objects.filter(child=child, purpose=purpose)
        .prefetch_related("agencies")
        .order_by("-given_on", "-pk")
    )
    partners = panel_partner_agency_ids(panel)
    who = child.who_consents()
    missing = consent_rules.missing_consent(
        step, [r.as_fact() for r in records], agency_ids=partners, on=on, who=who
    )
    if missing is not None:
        names = dict(Agency.objects.filter(pk__in=missing.agency_ids).values_list("pk", "name"))
        return None, consent_rules.gate_message(
            missing, names, first_name=child.first_name, step=step
        )
    counting = [r for r in records if consent_rules.consent_counts(r.as_fact(), on, who)]
    covering = [r for r in counting if partners & {a.pk for a in r.agencies.all()}]
    return (covering or counting or [None])[0], None


def _version_links(
    ehc_plan: EhcPlan, entry_keys: Iterable[str], advice_keys: Iterable[str]
) -> tuple[int | None, list[dict], list[dict]]:
    """The version in force, and the entries and advice of it the request names (frozen)."""
    entry_keys, advice_keys = list(entry_keys), list(advice_keys)
    version = plan_in_force(ehc_plan.pk)
    if version is None:
        if entry_keys or advice_keys:
            raise CaseRuleError("This plan has no version issued through the service to link to")
        return None, [], []
    sections = version.content["sections"]
    entries = {}
    for section in FUNDED_SECTIONS:
        for row in sections.get(section, []):
            entries[row["key"]] = {
                "key": row["key"],
                "section": section,
                "ref": row["ref"],
                "what": row["what"],
                "who": row.get("who", ""),
                "frequency": row.get("frequency", ""),
            }
    placement = placement_entry(
        sections.get("I") or {}, protected=ehc_plan.child.protected_whereabouts
    )
    if placement is not None:
        entries[placement["key"]] = placement
    advice = {
        row["key"]: {
            "key": row["key"],
            "ref": row["ref"],
            "kind": row["kind"],
            "title": row["title"],
            "agency": row["agency"],
            "received_on": row.get("received_on"),
            "summary": row.get("summary", ""),
        }
        for row in sections.get("K", [])
    }
    unknown = [k for k in entry_keys if k not in entries] + [
        k for k in advice_keys if k not in advice
    ]
    if unknown:
        raise CaseRuleError(
            "Choose entries and advice of the plan in force: the plan has changed since the page "
            "was loaded"
        )
    return (
        version.version,
        [entries[k] for k in dict.fromkeys(entry_keys)],
        [advice[k] for k in dict.fromkeys(advice_keys)],
    )


#: The key a request uses for section I of the version it serves (the placement).
PLACEMENT_KEY = "section-I"


def placement_entry(section_i: dict, *, protected: bool) -> dict | None:
    """Section I of a version (the type of setting, and the setting named) as an entry a request
    can pay for: a placement. A child whose whereabouts are protected: the setting is not named
    in the request (its papers go to partners)."""
    kind, name = section_i.get("type", ""), section_i.get("name", "")
    if not kind and not name:
        return None
    if name and protected:
        name = "the school or setting named in the plan (whereabouts protected)"
    return {
        "key": PLACEMENT_KEY,
        "section": "I",
        "ref": "I",
        "what": ": ".join(part for part in (kind, name) if part),
        "who": "",
        "frequency": "",
    }


def _check_details(
    *,
    kind: str,
    proposed_cost: Decimal | None,
    starts_on: date | None,
    ends_on: date | None,
    shares: Mapping[str, Decimal | None],
) -> dict[str, Decimal | None]:
    if kind not in FundingKind.values:
        raise CaseRuleError("Choose the kind of funding")
    if proposed_cost is not None and proposed_cost < 0:
        raise CaseRuleError("Enter a cost of 0 or more")
    if starts_on and ends_on and ends_on <= starts_on:
        raise CaseRuleError("The proposed end date must be after the start date")
    values = {f: shares.get(f) for f in FUNDERS}
    for funder, value in values.items():
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise CaseRuleError(f"Enter a share of 0 to 100% for {funder.label.lower()}")
    if all(value is not None for value in values.values()):
        # A share left empty may be filled in later; three shares must make exactly 100%.
        errors = share_errors(values)
        if errors:
            raise CaseRuleError(*errors)
    return values


def _set_details(
    request: FundingRequest,
    *,
    provider,
    provider_name: str,
    links: tuple,
    evidence_notes: str,
    options_tried: str,
    proposed_cost,
    starts_on,
    ends_on,
    shares: Mapping[str, Decimal | None],
) -> None:
    """Set what a request asks for and on what evidence (raising it, or changing it)."""
    request.provider = provider
    request.provider_name = "" if provider else _text(provider_name)
    request.plan_version, request.plan_entries, request.evidence_advice = links
    request.evidence_notes = _text(evidence_notes)
    request.options_tried = _text(options_tried)
    request.proposed_cost = proposed_cost
    request.starts_on = starts_on
    request.ends_on = ends_on
    request.education_share = shares[Funder.EDUCATION]
    request.health_share = shares[Funder.HEALTH]
    request.social_care_share = shares[Funder.SOCIAL_CARE]


def request_raise(
    *,
    ehc_plan: EhcPlan,
    panel: Panel,
    kind: str,
    summary: str,
    by,
    today: date,
    provider: Agency | None = None,
    provider_name: str = "",
    plan_entry_keys: Iterable[str] = (),
    advice_keys: Iterable[str] = (),
    evidence_notes: str = "",
    options_tried: str = "",
    proposed_cost: Decimal | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    shares: Mapping[str, Decimal | None] | None = None,
    raised_from_case=None,
    raised_from_review=None,
    override_justification: str = "",
) -> FundingRequest:
    """Raise a funding request from the child's plan. Consent for its purpose must cover the
    partners on the panel, or an SEN manager records why it goes ahead without (DPA 2018 Sch 1
    para 18). It starts with its evidence to complete, unless everything is already there."""
    check_council(ehc_plan.council_id, by, what="raise a funding request")
    summary = _text(summary, required="Describe the provision or placement the funding pays for")
    shares = _check_details(
        kind=kind,
        proposed_cost=proposed_cost,
        starts_on=starts_on,
        ends_on=ends_on,
        shares=shares or {},
    )
    override_justification = _text(override_justification)
    if panel.council_id != ehc_plan.council_id or not panel.is_active:
        raise CaseRuleError("Choose one of the council's panels")
    with transaction.atomic():
        plan = (
            EhcPlan.objects.select_for_update(of=("self",))
            .select_related("child")
            .get(pk=ehc_plan.pk)
        )
        if plan.status == EhcPlanStatus.CEASED:
            raise CaseRuleError("This EHC plan has ceased: no funding can be requested for it")
        consent, gate = consent_gate(child=plan.child, kind=kind, panel=panel, on=today)
        if consent is None:
            if not override_justification:
                raise CaseRuleError(gate)
            if not actor_for(by).may_override_consent(plan.council_id):
                raise CaseRuleError(
                    "Only an SEN manager can send a request to the panel without consent"
                )
        version, entries, advice = _version_links(plan, plan_entry_keys, advice_keys)
        request = FundingRequest(
            ehc_plan=plan,
            child=plan.child,
            council_id=plan.council_id,
            panel=panel,
            raised_from_case=raised_from_case,
            raised_from_review=raised_from_review,
            kind=kind,
            summary=summary,
            consent=consent,
            raised_on=today,
            raised_by=by,
        )
        _set_details(
            request,
            provider=provider,
            provider_name=provider_name,
            links=(version, entries, advice),
            evidence_notes=evidence_notes,
            options_tried=options_tried,
            proposed_cost=proposed_cost,
            starts_on=starts_on,
            ends_on=ends_on,
            shares=shares,
        )
        if consent is None:
            request.override_justification = override_justification
            request.override_legal_condition = (
                "DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)"
            )
            request.overridden_by = by
            request.overridden_at = timezone.now()
        history_save(request, "Funding request raised", by)
        if not request_rules.evidence_missing(request_facts(request)):
            request.mark_ready()
            history_save(request, "Evidence complete: ready for the panel", by)
    return request


def _locked(request: FundingRequest) -> FundingRequest:
    return (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("child", "panel", "ehc_plan")
        .get(pk=request.pk)
    )


def request_update(
    *,
    request: FundingRequest,
    by,
    summary: str,
    provider: Agency | None = None,
    provider_name: str = "",
    plan_entry_keys: Iterable[str] = (),
    advice_keys: Iterable[str] = (),
    evidence_notes: str = "",
    options_tried: str = "",
    proposed_cost: Decimal | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    shares: Mapping[str, Decimal | None] | None = None,
    information_provided: str = "",
    seen: str | None = None,
) -> FundingRequest:
    """Change the request's details while it is not yet on an agenda (or is deferred back).

    `seen` is the version of the request the person was shown (`panel.selectors.request_version`):
    if someone changed it since (two officers editing the cost split at once), nothing is saved
    and they are asked to look at the change first, rather than one silently undoing the other."""
    check_council(request.council_id, by, what="change a funding request")
    summary = _text(summary, required="Describe the provision or placement the funding pays for")
    with transaction.atomic():
        request = _locked(request)
        if request.status not in (RequestStatus.DRAFT, RequestStatus.READY, RequestStatus.DEFERRED):
            raise CaseRuleError(
                f"This request is {request.get_status_display().lower()}: it cannot be changed"
            )
        if seen is not None and request_version(request) != seen:
            raise CaseRuleError(
                "Someone else changed this request while you were editing it: nothing you "
                "entered is saved. Reload the request, check their changes, then make yours again"
            )
        values = _check_details(
            kind=request.kind,
            proposed_cost=proposed_cost,
            starts_on=starts_on,
            ends_on=ends_on,
            shares=shares or {},
        )
        version, entries, advice = _version_links(request.ehc_plan, plan_entry_keys, advice_keys)
        request.summary = summary
        _set_details(
            request,
            provider=provider,
            provider_name=provider_name,
            links=(version, entries, advice),
            evidence_notes=evidence_notes,
            options_tried=options_tried,
            proposed_cost=proposed_cost,
            starts_on=starts_on,
            ends_on=ends_on,
            shares=values,
        )
        if request.status == RequestStatus.DEFERRED:
            request.information_provided = _text(information_provided)
        if request.status == RequestStatus.READY and request_rules.evidence_missing(
            request_facts(request)
        ):
            request.reopen()
        history_save(request, "Funding request changed", by)
    return request


def request_ready(*, request: FundingRequest, by) -> FundingRequest:
    """The evidence is complete: the request can be listed on a meeting's agenda."""
    check_council(request.council_id, by, what="send a funding request to the panel")
    with transaction.atomic():
        request = _locked(request)
        if request.status not in (RequestStatus.DRAFT, RequestStatus.DEFERRED):
            raise CaseRuleError(
                f"This request is {request.get_status_display().lower()}: it is not waiting for "
                "its evidence"
            )
        missing = request_rules.evidence_missing(request_facts(request))
        if missing:
            raise CaseRuleError(*missing)
        request.mark_ready()
        history_save(request, "Evidence complete: ready for the panel", by)
    return request


def request_withdraw(*, request: FundingRequest, by, reason: str) -> FundingRequest:
    """The council no longer asks the panel (the need changed, the family moved away)."""
    check_council(request.council_id, by, what="withdraw a funding request")
    reason = _text(reason, required="Enter why the request is withdrawn")
    with transaction.atomic():
        request = _locked(request)
        if request.status not in OPEN_REQUEST_STATUSES or request.status == RequestStatus.LISTED:
            raise CaseRuleError(
                f"This request is {request.get_status_display().lower()}: take it off the "
                "agenda first"
                if request.status == RequestStatus.LISTED
                else f"This request is {request.get_status_display().lower()}: it cannot be "
                "withdrawn"
            )
        request.withdraw(reason=reason)
        history_save(request, "Funding request withdrawn", by)
    return request
