"""What follows a confirmed funded decision: each funding agency sets up the payment of its share,
and the funding is reviewed by its review date (a new request that follows the first, which the
panel decides and which supersedes it once confirmed). The flow (`workflows/flows/funding.py`)
gives these steps to the right queues; these services are what the steps do.
"""

from datetime import date

from django.db import IntegrityError, transaction

from agencies.access import actor_for
from agencies.models import QUEUE_ROLES
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.reviews.models import Review
from panel.models import Decision, FundingRequest, PaymentSetup, PlanUpdate
from panel.rules.money import Funder
from panel.selectors import decision_in_force_for
from panel.services.requests import check_council, consent_gate


def payment_setup_record(
    *,
    decision: Decision,
    funder: str,
    set_up_on: date,
    reference: str,
    by,
    today: date,
) -> PaymentSetup:
    """The funder's queue records that its share's payment is set up, and when."""
    funder = Funder(funder)
    panel = decision.request.panel
    agency_id = panel.funder_agency_ids()[funder]
    if agency_id is None:
        raise CaseRuleError(f"The panel names no agency that pays the {funder.label.lower()} share")
    actor = actor_for(by)
    kinds = {kind for a, kind, _ in actor.memberships if a == agency_id}
    if not any(agency_id in actor.agency_ids_with_role(*QUEUE_ROLES.get(k, ())) for k in kinds):
        raise CaseRuleError(f"Only the agency that pays the {funder.label.lower()} share can")
    if not decision.is_confirmed or not decision.is_funded:
        raise CaseRuleError("Only a confirmed approval is paid")
    date_check(set_up_on, today=today, what="the payment was set up")
    payment = PaymentSetup(
        decision=decision,
        funder=funder,
        agency_id=agency_id,
        set_up_on=set_up_on,
        reference=(reference or "").strip()[:100],
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            history_save(payment, "Payment set up", by)
    except IntegrityError as exc:
        raise CaseRuleError(f"The {funder.label.lower()} payment is already recorded") from exc
    return payment


def funding_review_raise(*, decision: Decision, by, today: date, note: str = "") -> FundingRequest:
    """Bring agreed funding back to the panel for its review: a new request that follows the one
    decided, with the same provision, provider, costs and shares, the evidence to bring up to date
    (it starts with its evidence to complete). Its decision, once confirmed, supersedes this one."""
    check_council(decision.request.council_id, by, what="bring funding back to the panel")
    with transaction.atomic():
        # The decided request's row lock: two people raising its review at once raise one.
        request = (
            FundingRequest.objects.select_for_update(of=("self",))
            .select_related("child", "panel")
            .get(pk=decision.request_id)
        )
        if decision_in_force_for(request) != decision:
            raise CaseRuleError("This decision is no longer in force: nothing to review")
        if FundingRequest.objects.filter(
            follows=request, status__in=["DRAFT", "READY", "LISTED", "DEFERRED"]
        ).exists():
            raise CaseRuleError("A review of this funding is already on its way to the panel")
        consent, gate = consent_gate(
            child=request.child, kind=request.kind, panel=request.panel, on=today
        )
        if consent is None and not request.override_justification:
            raise CaseRuleError(gate)
        review = FundingRequest(
            ehc_plan=request.ehc_plan,
            child=request.child,
            council_id=request.council_id,
            panel=request.panel,
            follows=request,
            kind=request.kind,
            summary=request.summary,
            provider=request.provider,
            provider_name=request.provider_name,
            plan_version=request.plan_version,
            plan_entries=request.plan_entries,
            evidence_advice=request.evidence_advice,
            evidence_notes=(note or "").strip(),
            options_tried="",
            proposed_cost=decision.agreed_cost,
            starts_on=decision.review_on,
            ends_on=decision.ends_on,
            education_share=decision.education_share,
            health_share=decision.health_share,
            social_care_share=decision.social_care_share,
            consent=consent,
            override_justification="" if consent else request.override_justification,
            override_legal_condition="" if consent else request.override_legal_condition,
            overridden_by=None if consent else request.overridden_by,
            overridden_at=None if consent else request.overridden_at,
            raised_on=today,
            raised_by=by,
        )
        history_save(review, f"Review of the funding agreed for {request.reference}", by)
    return review


def plan_update_record(
    *, request: FundingRequest, how: str, note: str, by, today: date
) -> FundingRequest:
    """The council records how the plan was brought into line with an approval that changes the
    provision: through the plan editor of a review of the plan that is open (early or interim,
    amending the plan), or the plan already provides for it (with why)."""
    check_council(request.council_id, by, what="record how the plan was updated")
    note = (note or "").strip()
    if how not in PlanUpdate.values:
        raise CaseRuleError("Choose how the plan is updated")
    if how == PlanUpdate.IN_PLAN and not note:
        raise CaseRuleError("Say where the plan already provides for it")
    if (
        how == PlanUpdate.AMENDING
        and not Review.objects.open().filter(ehc_plan_id=request.ehc_plan_id).exists()
    ):
        raise CaseRuleError(
            "No review of the plan is open: start an early or interim review to amend the plan "
            "first, and make the change in its plan editor"
        )
    with transaction.atomic():
        request = FundingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        request.plan_update = how
        request.plan_update_note = note[:5000]
        request.plan_updated_on = today
        history_save(request, "How the plan follows the decision recorded", by)
    return request
