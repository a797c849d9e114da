"""Reading reviews: the review's page (its statutory dates with their sources, the people invited,
its documents and letters, what ceasing the plan has come to), and the school or college a plan
names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.common.display import agency_label
from ehcp.governance.access import withhold_names
from ehcp.plans.models import DocumentKind, DocumentRender, EhcPlan, LetterSending, PlanDocument
from ehcp.reviews.models import Review, ReviewInvitee, ReviewStatus
from ehcp.reviews.rules import cease as cease_rules


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
                review.phase_transfer_period,
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


# -- ceasing ---------------------------------------------------------------------------------


def named_institution(ehc_plan: EhcPlan) -> Agency | None:
    """The school or college named in section I of the plan in force: the one the latest
    episode that issued a final plan named (an amended plan naming the next setting of a phase
    transfer, or the assessment's final plan). None when the plan names only a type of setting."""
    amended = (
        Review.objects.filter(
            ehc_plan=ehc_plan, amended_plan_issued_on__isnull=False, next_setting__isnull=False
        )
        .select_related("next_setting")
        .order_by("-amended_plan_issued_on", "-pk")
        .first()
    )
    final = (
        Assessment.objects.filter(ehc_plan=ehc_plan, final_issued_on__isnull=False)
        .select_related("named_setting")
        .order_by("-final_issued_on", "-pk")
        .first()
    )
    if amended is not None and (
        final is None or amended.amended_plan_issued_on >= final.final_issued_on
    ):
        return amended.next_setting
    return final.named_setting if final is not None else None


def cease_notice_sending(review: Review) -> LetterSending | None:
    """How the cease notice was sent: the newest record of its sending (a correction replaces
    the earlier record), or None."""
    return (
        LetterSending.objects.filter(review=review, letter__kind=DocumentKind.CEASE_NOTICE)
        .order_by("-recorded_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class DatedFact:
    on: date
    source: str


@dataclass(frozen=True)
class CeaseSummary:
    """What the review's page shows about ceasing the plan (`ehcp/reviews/_cease.html`)."""

    reason_code: str
    reason_label: str
    reason_words: str
    reasons: str
    return_finding: str
    with_review: bool
    decided_on: date | None
    consulted_on: date | None
    consulted_setting: str
    replied_on: date | None
    reply: str
    notice_on: date | None
    notice_sent_on: date | None
    mediation_certificate_on: date | None
    window: DatedFact | None
    ceases: DatedFact | None
    appeal_lodged_on: date | None
    appeal_late_admitted: bool
    appeal_decided_on: date | None
    appeal_upheld: bool | None
    ceased_on: date | None
    kept: bool
    withdrawn_on: date | None
    """Having consulted, the council decided not to cease: the plan stays as it is."""
    withdrawn_reasons: str
    academic_year_ends_on: date
    """CoP 9.207 (guidance, not enforced): the end of the academic year the cease falls in."""
    maximum_age_ends_on: date | None
    """s.46: for a young person of 25, the end of the academic year in which they turned 25."""
    may_record_mediation: bool
    may_record_appeal: bool
    may_record_appeal_decision: bool
    # A cease without a review has no flow: its officer records these steps on the review's page.
    may_record_replies: bool
    may_send_notice: bool
    may_confirm_ceased: bool


def review_cease(review: Review, *, today: date, whereabouts: bool) -> CeaseSummary | None:
    """The cease facts and dates of a review that decided to cease the plan (None otherwise).
    `whereabouts`: whether the reader may see the child's school named (protected whereabouts)."""
    if not review.cease_reason:
        return None
    reason = cease_rules.Reason(review.cease_reason)
    sending = cease_notice_sending(review) if review.cease_notice_on else None
    sent_on = sending.sent_on if sending is not None else review.cease_notice_sent_on
    dates = cease_rules.cease_dates(
        notice_sent_on=sent_on,
        mediation_certificate_on=review.mediation_certificate_on,
        appeal_lodged_on=review.appeal_lodged_on,
        appeal_decided_on=review.appeal_decided_on,
        appeal_upheld=review.appeal_upheld,
    )
    ceases = None
    if review.ceased_on:
        ceases = DatedFact(review.ceased_on, _cease_source(review))
    elif dates.ceases_on:
        ceases = DatedFact(dates.ceases_on, _cease_source(review))
    setting = review.cease_consulted_setting
    hidden = {} if whereabouts else review_schools(review)
    open_ceasing = review.status == ReviewStatus.CEASING
    noticed = open_ceasing and review.cease_notice_on is not None
    child = review.child
    return CeaseSummary(
        reason_code=reason.value,
        reason_label=cease_rules.REASON_LABELS[reason],
        reason_words=cease_rules.reason_words(
            reason, first_name=review.child.first_name, to_young_person=False
        ),
        reasons=withhold_names(review.decision_reasons, hidden),
        return_finding=review.get_cease_return_finding_display(),
        with_review=not review.is_cease_only,
        decided_on=review.decided_on,
        consulted_on=review.cease_consulted_on,
        consulted_setting=(
            agency_label(setting, whereabouts=whereabouts, child=child) if setting else ""
        ),
        replied_on=review.cease_replied_on,
        reply=withhold_names(review.cease_consultation_reply, hidden),
        notice_on=review.cease_notice_on,
        notice_sent_on=sent_on,
        mediation_certificate_on=review.mediation_certificate_on,
        window=DatedFact(dates.window_ends_on, cease_rules.WINDOW_SOURCE)
        if dates.window_ends_on
        else None,
        ceases=ceases,
        appeal_lodged_on=review.appeal_lodged_on,
        appeal_late_admitted=review.appeal_late_admitted,
        appeal_decided_on=review.appeal_decided_on,
        appeal_upheld=review.appeal_upheld,
        ceased_on=review.ceased_on,
        kept=dates.kept,
        withdrawn_on=review.cease_withdrawn_on,
        withdrawn_reasons=withhold_names(review.cease_withdrawn_reasons, hidden),
        academic_year_ends_on=cease_rules.academic_year_end(
            ceases.on if ceases else (review.decided_on or today)
        ),
        maximum_age_ends_on=cease_rules.maximum_age_end(child.date_of_birth)
        if reason == cease_rules.Reason.MAX_AGE
        else None,
        may_record_mediation=noticed and sent_on is not None and review.appeal_lodged_on is None,
        may_record_appeal=noticed and sent_on is not None and review.appeal_lodged_on is None,
        may_record_appeal_decision=noticed
        and review.appeal_lodged_on is not None
        and review.appeal_decided_on is None,
        may_record_replies=open_ceasing
        and review.cease_consulted_on is not None
        and review.cease_notice_on is None,
        may_send_notice=open_ceasing
        and review.cease_replied_on is not None
        and review.cease_notice_on is None,
        may_confirm_ceased=noticed
        and review.appeal_lodged_on is None
        and dates.ceases_on is not None
        and today >= dates.ceases_on,
    )


def review_schools(review: Review) -> dict[str, str]:
    """The schools and settings a review involves (the child's own, the one arranging the
    meeting, the one consulted about ceasing, the next one of a phase transfer), each with the
    words that stand in for it where whereabouts are protected: for withholding their names from
    free text (`withhold_names`)."""
    child = review.child
    ids = {
        review.arranged_by_id,
        review.cease_consulted_setting_id,
        review.next_setting_id,
        child.current_setting_id,
    } - {None}
    schools = Agency.objects.filter(pk__in=ids, kind="SCHOOL")
    found = {a.name: agency_label(a, whereabouts=False, child=child) for a in schools}
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def _cease_source(review: Review) -> str:
    if review.appeal_lodged_on is not None:
        return cease_rules.DISMISSED_SOURCE
    if review.is_cease_only and cease_rules.ceases_at_once(review.cease_reason):
        return "Children and Families Act 2014, s.45(1)(a)"
    return cease_rules.CEASE_SOURCE


def review_for_officer(*, public_id, user_council_ids) -> Review | None:
    """A review of one of the person's councils (None: not theirs, or no such review)."""
    return (
        Review.objects.select_related(
            "child", "council", "ehc_plan", "cease_consulted_setting", "caseworker"
        )
        .filter(public_id=public_id, council_id__in=user_council_ids)
        .first()
    )
