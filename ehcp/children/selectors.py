"""The child's page: the plan in force, the episodes the reader may see, consents, documents and
one timeline across episodes, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.http import Http404

from agencies.access import actor_for
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.models import Child, ConsentRecord
from ehcp.governance.access import (
    CaseAccess,
    case_access,
    case_list_for_user,
    review_list_for_user,
    shows_consents,
)
from ehcp.plans.models import (
    PLAN_DOCUMENT_KINDS,
    DocumentKind,
    EhcPlan,
    EhcPlanStatus,
    LetterSending,
    PlanDocument,
)
from ehcp.reviews.models import Review, ReviewDecision, ReviewStatus
from ehcp.reviews.rules import cease as cease_rules

# -- the child's page: the plan for life and the episodes that made and changed it ---------------


@dataclass(frozen=True)
class Episode:
    """One episode of the child's plan for life, as the child's page lists it."""

    kind: str
    case: Assessment | None
    reference: str
    status_label: str
    status_code: str
    opened_on: date
    closed_on: date | None
    due_on: date | None
    is_open: bool
    documents: int
    review: Review | None = None


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


def child_reviews(child: Child, *, user) -> list[Review]:
    """The reviews of the child's plans this person may see (the council's officers all; a
    partner those its agency arranges or is invited to), newest first. One query."""
    return list(
        review_list_for_user(user)
        .filter(child=child)
        .select_related("ehc_plan")
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("-started_on", "-pk")
    )


def child_episodes(cases: list[Assessment], reviews: list[Review] = ()) -> list[Episode]:
    """The episodes, newest first: each assessment and each review of the plan."""
    episodes = [
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
    episodes += [
        Episode(
            kind=review.get_kind_display(),
            case=None,
            review=review,
            reference=review.reference,
            status_label=review.get_status_display(),
            status_code=review.status,
            opened_on=review.started_on,
            closed_on=review.completed_on or review.cancelled_on,
            due_on=review.review_due_on if review.is_open else None,
            is_open=review.is_open,
            documents=review.document_count,
        )
        for review in reviews
    ]
    ranked = sorted(enumerate(episodes), key=lambda pair: (pair[1].opened_on, -pair[0]))
    return [episode for _, episode in reversed(ranked)]


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


_REVIEW_DECIDED = {
    ReviewDecision.MAINTAIN: "Decided after the review to keep the plan as it is",
    ReviewDecision.NOT_AMEND: "Decided after the review not to amend the plan",
    ReviewDecision.AMEND: "Decided after the review to amend the plan; amendment notice sent",
    ReviewDecision.CEASE: "Decided after the review to cease the plan",
}


def _review_events(review: Review) -> list[ChildEvent]:
    ref = review.reference
    steps = [
        (review.started_on, f"{review.get_kind_display()} started"),
        (review.meeting_held_on, "Review meeting held"),
        (review.report_received_on, "Review report received"),
        (review.decided_on, _REVIEW_DECIDED.get(review.decision, "")),
        (review.amended_plan_issued_on, "Final amended plan issued"),
        (review.cease_notice_on, "Notice that the plan will cease sent"),
        (review.appeal_lodged_on, "Appeal against ceasing the plan lodged"),
        (review.appeal_decided_on, "The Tribunal decided the appeal"),
        (
            review.completed_on if review.status == ReviewStatus.COMPLETE else None,
            "Review complete",
        ),
        (review.cancelled_on, "Review cancelled"),
    ]
    return [ChildEvent(on, ref, what) for on, what in steps if on and what]


def child_timeline(
    cases: list[Assessment], plans: list[EhcPlan], reviews: list[Review] = ()
) -> list[ChildEvent]:
    """One timeline across the episodes, newest first: each episode's decisions and documents,
    and the plan's own milestones. Built from the rows already loaded (no queries)."""
    events: list[ChildEvent] = []
    for review in reviews:
        events += _review_events(review)
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


# -- the plan's versions across its episodes ------------------------------------------------------


@dataclass(frozen=True)
class PlanVersionRow:
    """One issued version of the child's plan, from whichever episode issued it."""

    document: PlanDocument
    version: int
    label: str  # "Draft EHC plan", "Final EHC plan", "Proposed amended plan", "Final amended plan"
    episode_reference: str
    episode_kind: str  # "Statutory assessment" or "Review"
    issued_on: date
    is_final: bool
    in_force: bool
    setting_named: str  # section I of a final version ("" for a draft)
    downloadable: bool  # this reader may see the episode and the plan's documents

    @property
    def is_review(self) -> bool:
        return self.document.review_id is not None


_VERSION_LABELS = {
    (DocumentKind.DRAFT_PLAN, False): "Draft EHC plan",
    (DocumentKind.FINAL_PLAN, False): "Final EHC plan",
    (DocumentKind.DRAFT_PLAN, True): "Proposed amended plan",
    (DocumentKind.FINAL_PLAN, True): "Final amended plan",
}


def child_plan_versions(
    child: Child, plans: list[EhcPlan], *, cases: list[Assessment], access: CaseAccess, user
) -> list[PlanVersionRow]:
    """Every issued version of the child's plans, newest first, each with the episode that
    issued it (the assessment that made the plan, and the reviews that amended it), the date and
    whether this reader may download its PDF (the council: all of them; a partner: those of the
    episodes their agency works on). The latest final version of a live plan is the one in force.

    None for a reader who may not see plans (the PLAN data type). Two queries at most, however
    many versions and episodes: the documents, and (for a partner) the reviews they may see."""
    if not plans or not access.sees("PLAN"):
        return []
    plan_ids = [plan.pk for plan in plans]
    live = {plan.pk for plan in plans if plan.is_live}
    documents = list(
        PlanDocument.objects.filter(
            Q(case__ehc_plan_id__in=plan_ids) | Q(review__ehc_plan_id__in=plan_ids),
            kind__in=PLAN_DOCUMENT_KINDS,
        )
        .select_related("case", "review")
        .defer("content")
        .annotate(setting_named=KT("content__sections__I__name"))
        .order_by("-issued_on", "-issued_at", "-pk")
    )
    if access.relationship == "council":
        seen_cases = seen_reviews = None
    else:
        seen_cases = {case.pk for case in cases}
        review_ids = {d.review_id for d in documents if d.review_id}
        seen_reviews = (
            set(review_list_for_user(user).filter(pk__in=review_ids).values_list("pk", flat=True))
            if review_ids
            else set()
        )
    in_force: dict[int, int] = {}  # plan id -> the document in force
    for document in documents:
        plan_id = (document.case or document.review).ehc_plan_id
        if document.kind == DocumentKind.FINAL_PLAN and plan_id in live:
            in_force.setdefault(plan_id, document.pk)
    rows = []
    for document in documents:
        episode = document.case or document.review
        amended = document.review_id is not None
        if seen_cases is None:
            downloadable = True
        elif amended:
            downloadable = document.review_id in seen_reviews
        else:
            downloadable = document.case_id in seen_cases
        final = document.kind == DocumentKind.FINAL_PLAN
        if (final or amended) and child.protected_whereabouts and not access.whereabouts:
            downloadable = False  # it names the setting (ehcp.plans.views: NAMES_SETTING)
        rows.append(
            PlanVersionRow(
                document=document,
                version=document.version,
                label=_VERSION_LABELS[(document.kind, amended)],
                episode_reference=episode.reference,
                episode_kind="Review" if amended else "Statutory assessment",
                issued_on=document.issued_on,
                is_final=final,
                in_force=in_force.get(episode.ehc_plan_id) == document.pk,
                setting_named=(document.setting_named or "") if final else "",
                downloadable=downloadable,
            )
        )
    return rows
