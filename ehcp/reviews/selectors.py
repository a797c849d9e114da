"""Reading reviews: the review's page (its statutory dates with their sources, the people invited,
its documents and letters), and the school or college a plan names."""

from dataclasses import dataclass
from datetime import date

from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.plans.models import DocumentRender, LetterSending, PlanDocument
from ehcp.reviews.models import Review, ReviewInvitee


def review_named_setting(review: Review) -> Agency | None:
    """The school or college the plan in force names (section I): named by the latest final plan
    of an assessment of the plan; a child whose plan names none, their current school."""
    case = (
        Assessment.objects.filter(
            ehc_plan_id=review.ehc_plan_id,
            final_issued_on__isnull=False,
            named_setting__isnull=False,
        )
        .select_related("named_setting")
        .order_by("-final_issued_on", "-pk")
        .first()
    )
    if case is not None:
        return case.named_setting
    return review.child.current_setting


@dataclass(frozen=True)
class ReviewDate:
    """One statutory date of the review, with the period (rule, duty and source) it comes from
    and whether it was met."""

    label: str
    due_on: date
    period: deadlines.StatutoryPeriod
    done_on: date | None = None

    @property
    def source(self) -> str:
        return self.period.source


def review_dates(review: Review) -> list[ReviewDate]:
    """Every statutory date of the review so far, in the order they fall due. Pure (from the
    review's own row)."""
    complete = deadlines.REVIEW_UNDER_FIVE if review.under_five else deadlines.REVIEW_COMPLETE
    rows = [
        ReviewDate(
            "Latest date for the meeting",
            review.latest_meeting_on,
            deadlines.REVIEW_MEETING,
            review.meeting_held_on,
        ),
        ReviewDate(
            "Invitations sent by",
            review.invitations_due_on,
            deadlines.REVIEW_INVITATIONS,
            review.invitations_sent_on,
        ),
        ReviewDate(
            "Advice circulated by",
            review.invitations_due_on,
            deadlines.REVIEW_INVITATIONS,
            review.advice_circulated_on,
        ),
    ]
    if review.report_due_on:
        rows.append(
            ReviewDate(
                "Review report by",
                review.report_due_on,
                deadlines.REVIEW_REPORT,
                review.report_received_on,
            )
        )
    if review.decision_due_on:
        rows.append(
            ReviewDate(
                "Council's decision by",
                review.decision_due_on,
                deadlines.REVIEW_DECISION,
                review.decided_on,
            )
        )
    if review.amendment_comments_due_on:
        rows.append(
            ReviewDate(
                "Comments on the proposed amendments until",
                review.amendment_comments_due_on,
                deadlines.AMEND_COMMENTS,
                review.comments_received_on,
            )
        )
    if review.amended_plan_due_on:
        rows.append(
            ReviewDate(
                "Final amended plan by",
                review.amended_plan_due_on,
                deadlines.AMEND_FINAL,
                review.amended_plan_issued_on,
            )
        )
    if review.phase_transfer_due_on:
        rows.append(
            ReviewDate(
                "Phase transfer: amended plan by",
                review.phase_transfer_due_on,
                deadlines.PHASE_TRANSFER_POST16
                if review.transfer_post16
                else deadlines.PHASE_TRANSFER_SCHOOL,
                review.amended_plan_issued_on or review.completed_on,
            )
        )
    if review.appeal_window_ends_on:
        rows.append(
            ReviewDate(
                "Appeal against ceasing until",
                review.appeal_window_ends_on,
                deadlines.APPEAL,
                review.appeal_lodged_on,
            )
        )
    rows.append(
        ReviewDate("Review complete by", review.review_due_on, complete, review.completed_on)
    )
    return sorted(rows, key=lambda row: row.due_on)


def review_invitees(review: Review) -> list[ReviewInvitee]:
    return list(review.invitees.select_related("agency").order_by("pk"))


def review_documents(review: Review) -> list[PlanDocument]:
    return list(review.documents.select_related("issued_by").order_by("issued_at", "pk"))


def review_pending_documents(review: Review) -> list[DocumentRender]:
    return list(review.document_renders.filter(document__isnull=True).order_by("pk"))


def review_letter_sendings(review: Review) -> list[LetterSending]:
    return list(
        LetterSending.objects.filter(review=review)
        .select_related("letter", "recorded_by")
        .order_by("recorded_at", "pk")
    )
