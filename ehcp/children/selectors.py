"""The child's page: the plan in force, the episodes the reader may see, consents, documents and
one timeline across episodes, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.http import Http404

from agencies.access import actor_for
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.models import Child, ConsentRecord
from ehcp.governance.access import CaseAccess, case_access, case_list_for_user, shows_consents
from ehcp.plans.models import DocumentKind, EhcPlan, EhcPlanStatus, LetterSending
from ehcp.reviews.models import Review, ReviewStatus
from ehcp.reviews.rules import cease as cease_rules

# -- the child's page: the plan for life and the episodes that made and changed it ---------------


@dataclass(frozen=True)
class Episode:
    """One episode of the child's plan for life, as the child's page lists it."""

    kind: str
    case: Assessment
    reference: str
    status_label: str
    status_code: str
    opened_on: date
    closed_on: date | None
    due_on: date | None
    is_open: bool
    documents: int


@dataclass(frozen=True)
class ChildEvent:
    on: date
    episode: str
    what: str


def child_get_with_access(*, public_id, user) -> tuple[Child, list[Assessment], CaseAccess]:
    """The child, the episodes this person may see (newest first), and how they may see the
    child: as on their most recent episode. A 404 when they may see none of the child's cases."""
    cases = list(
        case_list_for_user(user)
        .filter(child__public_id=public_id)
        .select_related("child", "child__current_setting", "council", "named_setting")
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("-request_received_on", "-pk")
    )
    access = case_access(actor_for(user), cases[0]) if cases else None
    if access is None:
        raise Http404("No such child")
    return cases[0].child, cases, access


def child_consents(child: Child, *, access: CaseAccess) -> list[ConsentRecord]:
    """Every consent recorded for the child, newest first, for whichever episode; none for a
    reader who may not see consent records (`shows_consents`)."""
    if not shows_consents(access):
        return []
    return list(
        child.consents.select_related("recorded_by", "withdrawn_by")
        .prefetch_related("agencies")
        .order_by("-given_on", "-pk")
    )


def child_episodes(cases: list[Assessment]) -> list[Episode]:
    return [
        Episode(
            kind="Statutory assessment",
            case=case,
            reference=case.reference,
            status_label=case.get_status_display(),
            status_code=case.status,
            opened_on=case.request_received_on,
            closed_on=case.closed_on,
            due_on=case.final_plan_due_on if case.is_open else None,
            is_open=case.is_open,
            documents=case.document_count,
        )
        for case in cases
    ]


def child_plans(child: Child) -> list[EhcPlan]:
    """The child's EHC plans, the live one first (at most one is live)."""
    plans = list(EhcPlan.objects.filter(child=child))
    return sorted(plans, key=lambda plan: (not plan.is_live, -plan.first_issued_on.toordinal()))


@dataclass(frozen=True)
class PlanCeasing:
    """A plan proposed to cease, as the child's page says it: the reason, and until when it
    stays in force (the time to appeal, or an appeal the Tribunal has not decided)."""

    review: Review
    reason_label: str
    notice_sent_on: date | None
    window_ends_on: date | None
    ceases_on: date | None
    appeal_lodged_on: date | None


def plan_ceasing(plan: EhcPlan | None) -> PlanCeasing | None:
    """For a plan proposed to cease, its review's cease facts (two queries); None otherwise. The
    time to appeal runs from the newest record of the notice's sending."""
    if plan is None or plan.status != EhcPlanStatus.CEASING:
        return None
    review = (
        Review.objects.filter(ehc_plan=plan, status=ReviewStatus.CEASING).order_by("-pk").first()
    )
    if review is None:
        return None
    sending = (
        LetterSending.objects.filter(review=review, letter__kind=DocumentKind.CEASE_NOTICE)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    sent_on = sending.sent_on if sending is not None else review.cease_notice_sent_on
    dates = cease_rules.cease_dates(
        notice_sent_on=sent_on,
        mediation_certificate_on=review.mediation_certificate_on,
        appeal_lodged_on=review.appeal_lodged_on,
    )
    return PlanCeasing(
        review=review,
        reason_label=cease_rules.REASON_LABELS[cease_rules.Reason(review.cease_reason)],
        notice_sent_on=sent_on,
        window_ends_on=dates.window_ends_on,
        ceases_on=dates.ceases_on,
        appeal_lodged_on=review.appeal_lodged_on,
    )


def child_timeline(cases: list[Assessment], plans: list[EhcPlan]) -> list[ChildEvent]:
    """One timeline across the episodes, newest first: each episode's decisions and documents,
    and the plan's own milestones. Built from the rows already loaded (no queries)."""
    events: list[ChildEvent] = []
    for case in cases:
        ref = case.reference
        steps = [
            (case.request_received_on, "Request for an EHC needs assessment received"),
            (
                case.assessment_decided_on,
                "Decided not to assess"
                if case.status == AssessmentStatus.REFUSED
                else "Decided to assess; advice requested",
            ),
            (
                case.issue_decided_on,
                "Decided not to issue a plan"
                if case.status == AssessmentStatus.NOT_ISSUED
                else "Decided to issue a plan",
            ),
            (case.draft_issued_on, "Draft plan sent to the family"),
            (case.comments_received_on, "The family's comments on the draft received"),
            (case.final_issued_on, "Final plan issued"),
            (
                case.withdrawn_on,
                f"Request withdrawn by the {case.get_withdrawn_by_whom_display().lower()}",
            ),
        ]
        events += [ChildEvent(on, ref, what) for on, what in steps if on]
    for plan in plans:
        events.append(ChildEvent(plan.first_issued_on, plan.reference, "EHC plan in force"))
        if plan.ceased_on:
            what = "EHC plan ceased"
            if plan.cease_reason_label:
                what += f": {plan.cease_reason_label.lower()}"
            events.append(ChildEvent(plan.ceased_on, plan.reference, what))
    # Newest first; on one day, the later step of the process first.
    ranked = sorted(enumerate(events), key=lambda pair: (pair[1].on, pair[0]), reverse=True)
    return [event for _, event in ranked]
