"""The review of a child's EHC plan, step by step: start it, arrange the meeting, send the
invitations, circulate the advice, hold the meeting, record the report, and the council's decision
(s.44 CFA 2014; SEND Regulations 2014, regs 18-22).

Each service locks the review row, checks the rules, changes the status only through the review's
FSM transitions and records who, when and why. Who does the steps before the decision follows the
regulations: the school or setting the child attends arranges the meeting and writes the report
(reg 20), the council otherwise (reg 21); the council's officers may always act. The council
decides. A decision to amend or to cease goes on to `amendment.amendment_notice_issue` or
`cease.cease_propose`.

The law wants at least 2 weeks' notice of the meeting and the advice circulated at least 2 weeks
before it (regs 20(3)-(4), 21(3)-(4)). A step that comes too late is not refused: the people doing
it record why it is late, which is what the council must be able to show.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from agencies.access import actor_for
from agencies.models import AgencyKind
from agencies.queues import may_work_queue
from ehcp.assessments.models import AdviceKind, AdviceStatus, Assessment
from ehcp.assessments.rules import deadlines
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.common.signals import episode_dates_changed
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.plans.rules.letters import LetterSent
from ehcp.reviews.models import (
    ArrangedUnder,
    InviteeRole,
    Recommendation,
    Review,
    ReviewDecision,
    ReviewInvitee,
    ReviewKind,
    ReviewStatus,
)
from ehcp.reviews.services import amendment, cease
from ehcp.reviews.services.letters import review_decision_letter_queue

#: Reviews the council starts by hand, at any time, with a reason.
REASONED_KINDS = (ReviewKind.EARLY, ReviewKind.INTERIM)
#: Kinds `review_start` starts (a cease without a review is `cease.cease_without_review`).
STARTABLE_KINDS = (ReviewKind.ANNUAL, *REASONED_KINDS)
#: How much free text a step keeps.
TEXT_MAX = 5000


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


# -- guards --------------------------------------------------------------------------------------


def _check_council(council_id: int, by, *, what: str) -> None:
    if council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError(f"Only the council's SEN team can {what}")


def _check_arranger(review: Review, by, *, what: str) -> None:
    """The school or setting that arranges the meeting (its SENCo), or the council's officers."""
    actor = actor_for(by)
    if review.council_id in actor.council_agency_ids:
        return
    arranger = review.arranged_by
    if review.arranged_under == ArrangedUnder.SETTING and may_work_queue(
        actor, arranger.pk, arranger.kind
    ):
        return
    raise CaseRuleError(
        f"Only {arranger.name}, which arranges this review, or the council's SEN team can {what}"
    )


def review_lock(review: Review) -> Review:
    """The review as it is now, its row locked until the end of the caller's transaction."""
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("child", "council", "arranged_by", "ehc_plan")
        .get(pk=review.pk)
    )


def stage_message(review: Review) -> str:
    return (
        f"This review is at the stage \u201c{review.get_status_display()}\u201d, so this step "
        "cannot be taken now"
    )


def _require(review: Review, *statuses: str) -> None:
    """Refuse, before any other check, a step the review is not at the stage for."""
    if review.status not in statuses:
        raise CaseRuleError(stage_message(review))


def _transition(review: Review, verb: str, **kwargs) -> None:
    try:
        getattr(review, verb)(**kwargs)
    except TransitionNotAllowed as exc:
        raise CaseRuleError(stage_message(review)) from exc


def _text(value: str, *, required: str = "") -> str:
    """Trimmed free text; `required` is the message when it must not be empty."""
    value = (value or "").strip()
    if required and not value:
        raise CaseRuleError(required)
    if len(value) > TEXT_MAX:
        raise CaseRuleError(f"Keep each answer to {TEXT_MAX} characters or fewer")
    return value


# -- starting a review ---------------------------------------------------------------------------


def _previous_caseworker(ehc_plan: EhcPlan):
    review = (
        Review.objects.filter(ehc_plan=ehc_plan, caseworker__isnull=False)
        .select_related("caseworker")
        .order_by("-started_on", "-pk")
        .first()
    )
    if review is not None:
        return review.caseworker
    case = (
        Assessment.objects.filter(ehc_plan=ehc_plan, caseworker__isnull=False)
        .select_related("caseworker")
        .order_by("-final_issued_on", "-pk")
        .first()
    )
    return case.caseworker if case is not None else None


def _advisers(ehc_plan: EhcPlan) -> dict[str, object]:
    """The health body and social care agency that last gave advice for the plan: the review
    invites them (reg 20(2)(d)-(e), 21(2)(c)-(d))."""
    found = {}
    requests = (
        ehc_plan.assessments.all()
        .values_list("advice_requests__kind", "advice_requests__agency_id")
        .filter(
            advice_requests__kind__in=[AdviceKind.HEALTH, AdviceKind.SOCIAL_CARE],
            advice_requests__agency__kind__in=[AgencyKind.HEALTH, AgencyKind.SOCIAL_CARE],
        )
        .exclude(advice_requests__status=AdviceStatus.CANCELLED)
        .order_by("advice_requests__requested_on", "advice_requests__pk")
    )
    for kind, agency_id in requests:
        found[kind] = agency_id  # the latest wins
    return found


def _default_invitees(review: Review, *, caseworker, today: date) -> list[ReviewInvitee]:
    """Everyone regs 20(2) and 21(2) say must be invited."""
    child = review.child
    if child.is_young_person(today):
        family = f"{child.full_name} (the young person)"
    else:
        family = ", ".join(p.name for p in child.parents.all() if p.has_parental_responsibility)
    advisers = _advisers(review.ehc_plan)
    invitees = [ReviewInvitee(review=review, role=InviteeRole.FAMILY, name=family)]
    if review.arranged_under == ArrangedUnder.SETTING:
        invitees.append(
            ReviewInvitee(review=review, role=InviteeRole.SETTING, agency=review.arranged_by)
        )
    invitees += [
        ReviewInvitee(
            review=review,
            role=InviteeRole.SEN_OFFICER,
            agency=review.council,
            name=(caseworker.get_full_name() or caseworker.username) if caseworker else "",
        ),
        ReviewInvitee(
            review=review,
            role=InviteeRole.HEALTH,
            agency_id=advisers.get(AdviceKind.HEALTH),
        ),
        ReviewInvitee(
            review=review,
            role=InviteeRole.SOCIAL_CARE,
            agency_id=advisers.get(AdviceKind.SOCIAL_CARE),
        ),
    ]
    return invitees


def review_start(
    *,
    ehc_plan: EhcPlan,
    kind: str,
    reason: str = "",
    by,
    today: date,
    started_on: date | None = None,
    transfer_year: int | None = None,
    transfer_post16: bool = False,
) -> Review:
    """Start a review of the plan: the annual review, or an early or interim review with a reason.

    The 12 months run from the plan's issue or its last review decision (6 months for a child
    under 5 on that day, CoP 9.178). The child's school or setting arranges the meeting (reg 20);
    a child in none has it arranged by the council (reg 21). Everyone the regulation says must be
    invited is on the list from the start. A plan has one open review at a time."""
    started_on = started_on or today
    if kind not in STARTABLE_KINDS:
        raise CaseRuleError("Choose an annual, early or interim review")
    reason = _text(
        reason,
        required="Enter why the council is reviewing the plan now"
        if kind in REASONED_KINDS
        else "",
    )
    _check_council(ehc_plan.council_id, by, what="start a review of an EHC plan")
    if transfer_year is not None and not 1900 <= transfer_year <= 2099:
        raise CaseRuleError("Enter the year of the phase transfer as 4 digits, like 2028")
    with transaction.atomic():
        plan = (
            EhcPlan.objects.select_for_update(of=("self",))
            .select_related("child", "child__current_setting", "council")
            .get(pk=ehc_plan.pk)
        )
        if plan.status != EhcPlanStatus.IN_FORCE:
            raise CaseRuleError(
                f"This EHC plan is {plan.get_status_display().lower()}: it cannot be reviewed"
            )
        period_starts_on = plan.last_reviewed_on or plan.first_issued_on
        date_check(
            started_on,
            today=today,
            not_before=period_starts_on,
            what="the review was started",
        )
        if Review.objects.open().filter(ehc_plan=plan).exists():
            raise CaseRuleError(
                f"{plan.child.full_name}'s plan already has a review in progress: finish or "
                "cancel it before starting another"
            )
        child = plan.child
        setting = child.current_setting
        in_setting = setting is not None and setting.kind == AgencyKind.SCHOOL
        caseworker = _previous_caseworker(plan)
        if caseworker is None and plan.council_id in actor_for(by).council_agency_ids:
            caseworker = by
        review = Review(
            ehc_plan=plan,
            child=child,
            council=plan.council,
            caseworker=caseworker,
            kind=kind,
            started_on=started_on,
            started_by=by,
            reason=reason,
            period_starts_on=period_starts_on,
            under_five=deadlines.under_five_on(child.date_of_birth, period_starts_on),
            transfer_year=transfer_year,
            transfer_post16=bool(transfer_post16) and transfer_year is not None,
            arranged_under=ArrangedUnder.SETTING if in_setting else ArrangedUnder.COUNCIL,
            arranged_by=setting if in_setting else plan.council,
        )
        review.set_statutory_dates()
        history_save(review, f"{review.get_kind_display()} started", by)
        for invitee in _default_invitees(review, caseworker=caseworker, today=started_on):
            history_save(invitee, "Must be invited to the review meeting", by)
    return review


def review_post16_move_record(
    *, review: Review, move_on: date, by, today: date | None = None
) -> Review:
    """A move from one post-16 institution to another at a time other than the reg 18(1)
    transfers: the review, and any amended plan naming the new institution, must be finished at
    least 5 months before it (reg 18(2)). Recorded on an open review; recording it again
    replaces the date (the history keeps both). The open steps' due dates follow."""
    today = today or timezone.localdate()
    _check_council(review.council_id, by, what="record a move between post-16 institutions")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("child").get(pk=review.pk)
        if not review.is_open:
            raise CaseRuleError(
                f"{review.reference} is {review.get_status_display().lower()}: record the move "
                "on the plan's next review"
            )
        if review.amended_plan_issued_on is not None:
            raise CaseRuleError("The amended plan has been issued: the move cannot change it")
        if move_on <= today:
            raise CaseRuleError("The date of the move must be in the future")
        review.transfer_on = move_on
        review.transfer_year = move_on.year
        review.transfer_post16 = True
        review.set_statutory_dates()
        history_save(
            review,
            f"Move between post-16 institutions on {_day(move_on)}: any amended plan by "
            f"{_day(review.phase_transfer_due_on)} (reg 18(2))",
            by,
        )
        episode_dates_changed.send(sender=Review, episode=review)
    return review


# -- the meeting and what leads to it ------------------------------------------------------------


def review_meeting_arrange(
    *, review: Review, meeting_on: date, by, today: date, arranged_on: date | None = None
) -> Review:
    """Fix the date of the review meeting. An annual review's meeting is held by the latest date
    that leaves 4 weeks for the council's decision inside the 12 months; an early or interim
    review's may be later. A meeting is never arranged for a day already gone."""
    arranged_on = arranged_on or today
    with transaction.atomic():
        review = review_lock(review)
        _check_arranger(review, by, what="arrange the review meeting")
        _require(review, ReviewStatus.DUE)
        date_check(
            arranged_on,
            today=today,
            not_before=review.started_on,
            what="the meeting was arranged",
        )
        if meeting_on < arranged_on:
            raise CaseRuleError(
                f"The meeting must be on or after the day it is arranged ({_day(arranged_on)})"
            )
        note = ""
        if meeting_on > review.latest_meeting_on and review.kind not in REASONED_KINDS:
            if review.latest_meeting_on >= arranged_on:
                raise CaseRuleError(
                    f"Hold the meeting on or before {_day(review.latest_meeting_on)}, so that the "
                    "council can decide within 4 weeks and inside the 12 months "
                    f"({deadlines.REVIEW_MEETING.source})"
                )
            note = f"; the latest date for it, {_day(review.latest_meeting_on)}, had passed"
        _transition(review, "arrange", meeting_on=meeting_on, on=arranged_on)
        history_save(review, f"Review meeting arranged for {_day(meeting_on)}{note}", by)
    return review


def _late_reason(reason: str, *, late: bool, message: str) -> str:
    reason = _text(reason)
    if late and not reason:
        raise CaseRuleError(message)
    return reason if late else ""


def review_invitations_send(
    *,
    review: Review,
    sent_on: date,
    by,
    today: date,
    late_reason: str = "",
    others: Iterable[str] = (),
) -> Review:
    """Record that everyone on the list was invited (and anyone else named in `others`). The law
    wants at least 2 weeks' notice (regs 20(3), 21(3)): invitations sent later are recorded with
    the reason they are late."""
    with transaction.atomic():
        review = review_lock(review)
        _check_arranger(review, by, what="send the invitations")
        _require(review, ReviewStatus.ARRANGED)
        date_check(
            sent_on, today=today, not_before=review.meeting_arranged_on, what="they were sent"
        )
        if sent_on > review.meeting_on:
            raise CaseRuleError(
                f"The invitations must be sent before the meeting on {_day(review.meeting_on)}"
            )
        due = review.invitations_due_on
        reason = _late_reason(
            late_reason,
            late=sent_on > due,
            message=(
                f"The invitations give less than 2 weeks' notice of the meeting on "
                f"{_day(review.meeting_on)} (they were due by {_day(due)}): enter why they are late"
            ),
        )
        names = [_text(name) for name in others]
        for name in filter(None, names):
            history_save(
                ReviewInvitee(review=review, role=InviteeRole.OTHER, name=name[:200]),
                "Also invited to the review meeting",
                by,
            )
        for invitee in review.invitees.filter(invited_on__isnull=True):
            invitee.invited_on = sent_on
            history_save(invitee, "Invited to the review meeting", by)
        _transition(review, "send_invitations", on=sent_on, late_reason=reason)
        late = f", {(sent_on - due).days} days late (the reason is recorded)" if reason else ""
        history_save(review, f"Invitations sent{late}", by)
    return review


def _invitees_of(review: Review, ids: Iterable) -> list[ReviewInvitee]:
    wanted = {int(pk) for pk in ids}
    found = [i for i in review.invitees.all() if i.pk in wanted]
    if len(found) != len(wanted):
        raise CaseRuleError("Choose only people invited to this review")
    return found


def review_advice_circulate(
    *,
    review: Review,
    circulated_on: date,
    by,
    today: date,
    received: Iterable = (),
    late_reason: str = "",
) -> Review:
    """Record that the advice and information gathered from the invitees (`received`: the ids
    of those whose advice came) went to everyone invited. The law wants it at least 2 weeks
    before the meeting (regs 20(4), 21(4)): later, it is recorded with the reason."""
    with transaction.atomic():
        review = review_lock(review)
        _check_arranger(review, by, what="circulate the advice")
        _require(review, ReviewStatus.INVITED)
        date_check(
            circulated_on,
            today=today,
            not_before=review.invitations_sent_on,
            what="the advice was circulated",
        )
        if circulated_on > review.meeting_on:
            raise CaseRuleError(
                f"The advice must be circulated before the meeting on {_day(review.meeting_on)}"
            )
        due = review.invitations_due_on
        reason = _late_reason(
            late_reason,
            late=circulated_on > due,
            message=(
                "The advice goes out less than 2 weeks before the meeting on "
                f"{_day(review.meeting_on)} (it was due by {_day(due)}): enter why it is late"
            ),
        )
        for invitee in _invitees_of(review, received):
            if invitee.advice_received_on is None:
                invitee.advice_received_on = circulated_on
                history_save(invitee, "Advice for the review received", by)
        _transition(review, "circulate_advice", on=circulated_on, late_reason=reason)
        late = (
            f", {(circulated_on - due).days} days late (the reason is recorded)" if reason else ""
        )
        history_save(review, f"Advice and information circulated{late}", by)
    return review


def review_meeting_hold(
    *,
    review: Review,
    held_on: date,
    attended: Iterable,
    family_views: str,
    by,
    today: date,
) -> Review:
    """Record the review meeting: the day it was held, who of those invited attended
    (`attended`: their ids) and the views of the child and family. The report and the decision
    are due 2 and 4 weeks after the day it was held."""
    family_views = _text(
        family_views,
        required="Enter the views, wishes and feelings of the child and family",
    )
    with transaction.atomic():
        review = review_lock(review)
        _check_arranger(review, by, what="record the review meeting")
        _require(
            review, ReviewStatus.ARRANGED, ReviewStatus.INVITED, ReviewStatus.ADVICE_CIRCULATED
        )
        date_check(
            held_on,
            today=today,
            not_before=review.advice_circulated_on
            or review.invitations_sent_on
            or review.meeting_arranged_on,
            what="the meeting was held",
        )
        present = {i.pk for i in _invitees_of(review, attended)}
        if not present:
            raise CaseRuleError("Select who attended the meeting")
        names = []
        for invitee in review.invitees.select_related("agency").order_by("pk"):
            came = invitee.pk in present
            if came:
                names.append(str(invitee))
            if invitee.attended != came:
                invitee.attended = came
                history_save(invitee, "Attendance at the review meeting", by)
        _transition(
            review,
            "hold_meeting",
            on=held_on,
            attendance="\n".join(names),
            family_views=family_views,
        )
        history_save(review, f"Review meeting held on {_day(held_on)}", by)
    return review


def review_report_record(
    *,
    review: Review,
    received_on: date,
    recommendation: str,
    summary: str,
    by,
    today: date,
    differences: str = "",
) -> Review:
    """The review report, sent to everyone invited within 2 weeks of the meeting: what it
    recommends (keep, amend or cease the plan), in summary, and any differences of opinion. A
    report later than that is recorded, and shows as late."""
    if recommendation not in Recommendation.values:
        raise CaseRuleError("Choose what the report recommends")
    summary = _text(summary, required="Enter a summary of the report")
    differences = _text(differences)
    with transaction.atomic():
        review = review_lock(review)
        _check_arranger(review, by, what="record the review report")
        _require(review, ReviewStatus.MEETING_HELD)
        date_check(
            received_on,
            today=today,
            not_before=review.meeting_held_on,
            what="the report was sent",
        )
        _transition(
            review,
            "report",
            on=received_on,
            recommendation=recommendation,
            summary=summary,
            differences=differences,
        )
        late = (
            f", {(received_on - review.report_due_on).days} days late (due "
            f"{_day(review.report_due_on)})"
            if review.report_late
            else ""
        )
        history_save(review, f"Review report received{late}", by)
    return review


# -- the council's decision ----------------------------------------------------------------------

KEEP_DECISIONS = (ReviewDecision.MAINTAIN, ReviewDecision.NOT_AMEND)


def _keep_reasons(review: Review, decision: str, reasons: str) -> str:
    """The reasons a keep decision needs: a decision not to amend says why the amendments
    recommended (or asked for) were not made. Returns the trimmed reasons."""
    if decision == ReviewDecision.NOT_AMEND:
        if review.recommendation != Recommendation.AMEND and not review.differences_of_opinion:
            raise CaseRuleError(
                "Nobody recommended or asked for amendments: decide to keep the plan as it is"
            )
        return _text(reasons, required="Enter why the amendments recommended are not being made")
    return _text(reasons)


def _keep(
    *, review: Review, decision: str, decided_on: date, reasons: str, by, today: date
) -> Review:
    """Keep the plan as it is, or decide not to amend it: the review is complete, the plan was
    reviewed on `decided_on`, and its next review is due within 12 months of that (6 for a child
    under 5). In the caller's transaction, on the locked review."""
    reasons = _keep_reasons(review, decision, reasons)
    _transition(review, "keep", on=decided_on, decision=decision, reasons=reasons)
    late = (
        f", {(decided_on - review.decision_due_on).days} days after the 4 weeks"
        if review.decision_late
        else ""
    )
    history_save(review, f"Decision: {review.get_decision_display().lower()}{late}", by)
    plan = EhcPlan.objects.select_for_update().get(pk=review.ehc_plan_id)
    plan.last_reviewed_on = decided_on
    plan.next_review_due_on = deadlines.next_review_due(
        decided_on, date_of_birth=review.child.date_of_birth
    )
    history_save(
        plan,
        f"Reviewed ({review.reference}): next review due by {_day(plan.next_review_due_on)}",
        by,
    )
    review.ehc_plan = plan
    return review


def review_decide(
    *,
    review: Review,
    decision: str,
    decided_on: date,
    reasons: str,
    by,
    today: date,
    sent: LetterSent | None = None,
    cease_reason: str = "",
    return_finding: str = "",
) -> Review:
    """The council's decision after the review meeting, due within 4 weeks of it (regs 20, 21):

    - keep the plan as it is, or not amend it: the review is complete, the plan was reviewed on
      `decided_on` and its next review is due within 12 months (6 for a child under 5); the
      decision letter gives the right to appeal (and, not amending, why);
    - amend it: the amendment notice with the proposed amended plan goes with the decision
      (`amendment.amendment_notice_issue`; reg 22(2); Devon [2022]);
    - cease it: the family is told and consulted, with the school or college named in the plan
      (`cease.cease_propose`, with the SEN2 `cease_reason` and, for a young person of 18 or over
      who stopped attending, what the review found: `return_finding`, reg 30).

    `sent`: how the letter was sent, when that is known now. All of it, or nothing."""
    if decision not in ReviewDecision.values:
        raise CaseRuleError("Choose the council's decision")
    _check_council(review.council_id, by, what="decide the outcome of a review")
    with transaction.atomic():
        review = review_lock(review)
        _require(review, ReviewStatus.REPORTED)
        date_check(
            decided_on,
            today=today,
            not_before=review.report_received_on,
            what="of the decision",
        )
        if decision == ReviewDecision.AMEND:
            review = amendment.amendment_notice_issue(
                review=review,
                decided_on=decided_on,
                reasons=reasons,
                by=by,
                today=today,
                sent=sent,
            )
        elif decision == ReviewDecision.CEASE:
            if not cease_reason:
                raise CaseRuleError("Choose why the plan is to cease")
            review = cease.cease_propose(
                review=review,
                decided_on=decided_on,
                reason=cease_reason,
                reasons=reasons,
                by=by,
                today=today,
                sent=sent,
                return_finding=return_finding,
            )
        else:
            review = _keep(
                review=review,
                decision=decision,
                decided_on=decided_on,
                reasons=reasons,
                by=by,
                today=today,
            )
            review_decision_letter_queue(review=review, by=by, today=today, sent=sent)
    return review
