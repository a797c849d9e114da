"""Ceasing to maintain an EHC plan (CFA 2014 s.45; SEND Regulations 2014, regs 29-31, 44(2)(a)).

The two letters of reg 31, then the appeal window:

1. `cease_propose`: after a review the council proposes to cease. It tells the family (the
   reg 31(1) letter) and consults them and the school or college named in the plan. A child under
   18 not in education or training is never a reason (reg 29); a young person of 18 or over who
   stopped attending only after a review that found they do not wish to return, or that it would
   not be appropriate (reg 30).
2. `cease_consultation_record`: the replies to the consultation.
3. `cease_notice_issue`: the decision (reg 31(2)-(3)) with the right to appeal, its time limit,
   mediation, disagreement resolution and advice services. The plan is "proposed to cease"; it
   stays in force until the time to appeal has passed or an appeal is decided. The window ends
   2 months after the notice was sent (1 month after a mediation certificate if later:
   `cease_mediation_certificate_record`).
4. `cease_appeal_record`, `cease_appeal_decide`: an appeal keeps the plan in force; the Tribunal
   dismissing it ceases the plan at once (reg 44(2)(a)); upholding it keeps the plan.
5. `cease_carry_out`: nobody appealed: the plan ceases the day after the window.

`cease_without_review` starts a cease where the law leaves nothing to review (reaching 25,
moving away, death): a "ceasing without a review" episode. A transfer to another council in
England and a death cease the plan on the day; reaching 25 and moving out of England follow
reg 31 from step 2.

Each service is one transaction, locks the review (and the plan when it changes it), changes the
status only through FSM transitions, records who, when and why, and queues its letters (the
documents outbox). A broken rule raises `CaseRuleError`; nothing changes.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from agencies.access import actor_for
from ehcp.assessments.rules import deadlines
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.common.signals import episode_dates_changed
from ehcp.plans.models import DocumentKind, DocumentRender, EhcPlan, EhcPlanStatus, LetterSending
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.services import letter_addressees, letter_queue, letter_sending_record
from ehcp.reviews.models import (
    ArrangedUnder,
    Review,
    ReviewKind,
    ReviewStatus,
)
from ehcp.reviews.rules import cease as cease_rules
from ehcp.reviews.selectors import cease_notice_sending, named_institution
from ehcp.reviews.services.letters import review_decision_letter_queue

#: The decision the notice gives the right to appeal against (the letters' appeal rights).
APPEAL_DECISION = "our decision to cease to maintain the EHC plan"


# -- guards ----------------------------------------------------------------------------------


def _check_officer(council_id: int, by) -> None:
    if council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can decide to cease a plan")


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().select_related("child", "ehc_plan").get(pk=review.pk)


def _locked_plan(review: Review) -> EhcPlan:
    return EhcPlan.objects.select_for_update().get(pk=review.ehc_plan_id)


def _ceasing(review: Review) -> None:
    """The review is proposing to cease the plan (its status is CEASING)."""
    if review.status != ReviewStatus.CEASING:
        raise CaseRuleError(
            f"{review.reference} is not proposing to cease the plan: it is "
            f"{review.get_status_display().lower()}"
        )


def _noticed(review: Review) -> None:
    _ceasing(review)
    if review.cease_notice_on is None:
        raise CaseRuleError("The notice of the decision to cease has not been sent yet")


def _transition(review_or_plan, verb: str, **kwargs) -> None:
    try:
        getattr(review_or_plan, verb)(**kwargs)
    except TransitionNotAllowed as error:
        raise CaseRuleError(
            f"This cannot be done now: the record is {review_or_plan.get_status_display().lower()}"
        ) from error


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _sync_window(review: Review, by) -> None:
    """The notice's sending may have been recorded (or corrected) on the review's documents
    page: the stored appeal window follows the newest record."""
    sending = cease_notice_sending(review)
    sent_on = sending.sent_on if sending is not None else None
    if sent_on is not None and sent_on != review.cease_notice_sent_on:
        review.cease_notice_sent_on = sent_on
        review.set_appeal_window()
        history_save(
            review,
            f"Cease notice sent on {_day(sent_on)}: the time to appeal ends on "
            f"{_day(review.appeal_window_ends_on)}",
            by,
        )
        episode_dates_changed.send(sender=Review, episode=review)


# -- the letters -----------------------------------------------------------------------------


def _setting_name(review: Review) -> str:
    """The school or college consulted, as a letter names it: never by name where the child's
    whereabouts are protected (the letter may be read by people who may not know them)."""
    setting = review.cease_consulted_setting
    if setting is None:
        return ""
    if review.child.protected_whereabouts:
        return "the school or college named in the plan"
    return setting.name


def _letter_facts(review: Review, *, on: date) -> dict:
    """What both cease letters state; the reason in words to whoever the letter is to (the young
    person, or the parents: `letter_addressees`)."""
    reason = cease_rules.Reason(review.cease_reason)
    party = letter_addressees(review, on)["party"]
    return {
        "reasons": review.decision_reasons,
        "cease_reason": reason.value,
        "cease_reason_label": cease_rules.REASON_LABELS[reason],
        "cease_reason_words": cease_rules.reason_words(
            reason,
            first_name=review.child.first_name,
            to_young_person=party == young_person_rules.Party.YOUNG_PERSON,
        ),
        "with_review": not review.is_cease_only,
        "review_meeting_on": review.meeting_held_on.isoformat() if review.meeting_held_on else None,
        "consulted_on": review.cease_consulted_on.isoformat()
        if review.cease_consulted_on
        else None,
        "consulted_setting": _setting_name(review),
    }


def _consultation_letter(review: Review, *, on: date, by, today: date, sent) -> DocumentRender:
    return letter_queue(
        episode=review,
        kind=DocumentKind.CEASE_CONSULT_LETTER,
        issued_on=on,
        by=by,
        sent=sent,
        today=today,
        facts=_letter_facts(review, on=on),
    )


# -- 1. proposing to cease after a review (reg 31(1)) ------------------------------------------


def cease_propose(
    *,
    review: Review,
    decided_on: date,
    reason: str,
    reasons: str,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
    return_finding: str = "",
) -> Review:
    """After the review, the council proposes to cease the plan (s.45): it tells the family and
    consults them and the school or college named in the plan (reg 31(1)); the letter goes to the
    parent or the young person. `reason` is the SEN2 cease reason; `return_finding` what the
    review found about a young person of 18 or over who stopped attending (reg 30). The review's
    decision is made: the next review runs 12 months from it while the plan is in force."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    reasons = (reasons or "").strip()
    with transaction.atomic():
        review = _locked(review)
        if review.status != ReviewStatus.REPORTED:
            raise CaseRuleError(
                f"{review.reference} is not waiting for the council's decision: it is "
                f"{review.get_status_display().lower()}"
            )
        date_check(
            decided_on,
            today=today,
            not_before=review.report_received_on or review.meeting_held_on,
            what="of the decision",
        )
        if sent is not None:
            date_check(sent.sent_on, today=today, not_before=decided_on, what="the letter was sent")
        if not reasons:
            raise CaseRuleError("Enter the reasons for proposing to cease the plan")
        child = review.child
        problems = cease_rules.cease_problems(
            reason=reason,
            date_of_birth=child.date_of_birth,
            on=decided_on,
            with_review=True,
            return_finding=return_finding,
            first_name=child.first_name,
        )
        if problems:
            raise CaseRuleError(*problems)
        finding = return_finding if reason == cease_rules.Reason.NOT_ENGAGING else ""
        _transition(
            review,
            "propose_cease",
            on=decided_on,
            reason=reason,
            reasons=reasons,
            return_finding=finding,
        )
        review.cease_consulted_setting = named_institution(review.ehc_plan)
        history_save(
            review,
            "Proposed to cease: family told and consulted, with the named school or college "
            "(reg 31(1))",
            by,
        )
        plan = _locked_plan(review)
        plan.last_reviewed_on = decided_on
        plan.next_review_due_on = deadlines.next_review_due(
            decided_on, date_of_birth=child.date_of_birth
        )
        history_save(plan, f"Reviewed by {review.reference}: the council proposes to cease it", by)
        _consultation_letter(review, on=decided_on, by=by, today=today, sent=sent)
    return review


# -- 2. the replies to the consultation -------------------------------------------------------


def cease_consultation_record(
    *, review: Review, replied_on: date, reply: str, by, today: date | None = None
) -> Review:
    """The replies of the family and of the school or college to the consultation (reg 31(1)),
    before the council decides. Recording them again, before the notice, replaces them (the
    history keeps the earlier record)."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    reply = (reply or "").strip()
    with transaction.atomic():
        review = _locked(review)
        _ceasing(review)
        if review.cease_notice_on is not None:
            raise CaseRuleError(
                f"The notice of the decision was sent on {_day(review.cease_notice_on)}: the "
                "consultation is closed"
            )
        if review.cease_consulted_on is None:
            raise CaseRuleError("The family has not been told that ceasing is being considered")
        if not reply:
            raise CaseRuleError(
                "Enter what the family and the school or college said (or that they did not reply)"
            )
        date_check(
            replied_on, today=today, not_before=review.cease_consulted_on, what="of the replies"
        )
        review.cease_replied_on = replied_on
        review.cease_consultation_reply = reply
        history_save(review, "Replies to the consultation about ceasing recorded (reg 31(1))", by)
    return review


# -- 3. the notice of the decision (reg 31(2)-(3)) ---------------------------------------------


def cease_notice_issue(
    *,
    review: Review,
    issued_on: date,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Review:
    """Having consulted, the council decides to cease: the notice to the family, copied to the
    school or college and the health body (reg 31(2)), with the right to appeal, its time limit,
    mediation, disagreement resolution and information and advice services (reg 31(3)). The
    plan is proposed to cease and stays in force until the time to appeal has passed (known once
    the notice's sending is recorded: `sent` here, or later) or an appeal is decided."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _ceasing(review)
        if review.cease_notice_on is not None:
            raise CaseRuleError(
                f"The notice of the decision to cease was issued on {_day(review.cease_notice_on)}"
            )
        if review.cease_replied_on is None:
            raise CaseRuleError(
                "Record the replies to the consultation first: the council decides to cease only "
                "after consulting the family and the school or college (reg 31(2))"
            )
        date_check(issued_on, today=today, not_before=review.cease_replied_on, what="of the notice")
        if sent is not None:
            date_check(sent.sent_on, today=today, not_before=issued_on, what="the notice was sent")
        plan = _locked_plan(review)
        _transition(plan, "propose_cease")
        history_save(
            plan,
            f"Notice to cease sent ({review.reference}): in force until the appeal window or an "
            "appeal ends",
            by,
        )
        review.cease_notice_on = issued_on
        if sent is not None:
            review.cease_notice_sent_on = sent.sent_on
            review.set_appeal_window()
        history_save(review, "Notice of the decision to cease sent (reg 31(2)-(3))", by)
        facts = _letter_facts(review, on=issued_on)
        facts["replied_on"] = review.cease_replied_on.isoformat()
        facts["copies_to"] = [
            name
            for name in (facts["consulted_setting"], "the health body responsible for the plan")
            if name
        ]
        if sent is not None:
            facts["cease_on"] = cease_rules.cease_on_without_appeal(
                review.appeal_window_ends_on
            ).isoformat()
        letter_queue(
            episode=review,
            kind=DocumentKind.CEASE_NOTICE,
            issued_on=issued_on,
            by=by,
            sent=sent,
            today=today,
            facts=facts,
            appeal_decision=APPEAL_DECISION,
        )
    return review


def cease_withdraw(
    *,
    review: Review,
    decided_on: date,
    reasons: str,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Review:
    """Having consulted the family and the school or college (reg 31(1)), the council decides not
    to cease the plan, before any notice: the plan stays in force as it is and the episode is
    complete. The family is told, as the consultation letter promised: after a review, by the
    review's decision letter (keeping the plan as it is, with the right to appeal); without a
    review, by a letter saying the plan will not cease."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    reasons = (reasons or "").strip()
    with transaction.atomic():
        review = _locked(review)
        _ceasing(review)
        if review.cease_notice_on is not None:
            raise CaseRuleError(
                f"The notice of the decision to cease was issued on {_day(review.cease_notice_on)}: "
                "the plan now ceases unless an appeal keeps it"
            )
        if review.cease_replied_on is None:
            raise CaseRuleError(
                "Record the replies to the consultation first: the council decides after "
                "consulting the family and the school or college (reg 31(1))"
            )
        if not reasons:
            raise CaseRuleError("Enter why the plan will not cease")
        date_check(
            decided_on, today=today, not_before=review.cease_replied_on, what="of the decision"
        )
        if sent is not None:
            date_check(sent.sent_on, today=today, not_before=decided_on, what="the letter was sent")
        _transition(review, "withdraw_cease", on=decided_on, reasons=reasons)
        history_save(
            review,
            "Decided not to cease the plan after consulting (reg 31(1)): it stays as it is",
            by,
        )
        if review.is_cease_only:
            facts = _letter_facts(review, on=decided_on)
            facts["cease_withdrawn_on"] = decided_on.isoformat()
            facts["withdrawn_reasons"] = reasons
            letter_queue(
                episode=review,
                kind=DocumentKind.CEASE_WITHDRAWN_LETTER,
                issued_on=decided_on,
                by=by,
                sent=sent,
                today=today,
                facts=facts,
            )
        else:
            review_decision_letter_queue(review=review, by=by, today=today, sent=sent)
    return review


def cease_decide(
    *,
    review: Review,
    cease: bool,
    decided_on: date,
    by,
    reasons: str = "",
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Review:
    """The council's decision having consulted (reg 31): to cease (`cease_notice_issue`) or not
    (`cease_withdraw`). The review's step and the page of a cease without a review both call it."""
    if cease:
        return cease_notice_issue(
            review=review, issued_on=decided_on, by=by, today=today, sent=sent
        )
    return cease_withdraw(
        review=review, decided_on=decided_on, reasons=reasons, by=by, today=today, sent=sent
    )


def cease_notice_sent_record(
    *, review: Review, sent: LetterSent, by, reason: str = "", today: date | None = None
) -> LetterSending:
    """How and when the cease notice was sent, recorded after the decision (or corrected, with the
    reason): the time to appeal runs from the day it was sent."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _noticed(review)
        if review.appeal_lodged_on is not None:
            raise CaseRuleError(
                f"An appeal was lodged on {_day(review.appeal_lodged_on)}: the notice's sending "
                "can no longer be changed"
            )
        notice = (
            DocumentRender.objects.filter(review=review, kind=DocumentKind.CEASE_NOTICE)
            .order_by("-version")
            .first()
        )
        sending = letter_sending_record(letter=notice, sent=sent, by=by, reason=reason, today=today)
        _sync_window(review, by)
    return sending


def cease_mediation_certificate_record(
    *, review: Review, issued_on: date, by, today: date | None = None
) -> Review:
    """A mediation certificate was issued: the appeal may be made up to 1 month after it, if that
    is later than 2 months after the notice was sent (r.20(1)(c)), and the plan stays in force
    until then."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _noticed(review)
        _sync_window(review, by)
        if review.cease_notice_sent_on is None:
            raise CaseRuleError(
                "Record how the cease notice was sent first: the time to appeal runs from the day "
                "it was sent"
            )
        if review.appeal_lodged_on is not None:
            raise CaseRuleError(f"An appeal was lodged on {_day(review.appeal_lodged_on)}")
        date_check(
            issued_on,
            today=today,
            not_before=review.cease_notice_sent_on,
            what="of the certificate",
        )
        review.mediation_certificate_on = issued_on
        review.set_appeal_window()
        history_save(
            review,
            f"Mediation certificate issued on {_day(issued_on)}: the time to appeal ends on "
            f"{_day(review.appeal_window_ends_on)}",
            by,
        )
        episode_dates_changed.send(sender=Review, episode=review)
    return review


# -- 4. an appeal to the SEND Tribunal --------------------------------------------------------


def cease_appeal_record(
    *, review: Review, lodged_on: date, by, today: date | None = None, late_admitted: bool = False
) -> Review:
    """The family appealed to the SEND Tribunal: the plan stays in force until it decides. An
    appeal after the window is recorded only if the Tribunal allowed it late (`late_admitted`)."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _noticed(review)
        if review.appeal_lodged_on is not None:
            raise CaseRuleError(
                f"An appeal was already recorded, lodged on {_day(review.appeal_lodged_on)}"
            )
        _sync_window(review, by)
        problems = cease_rules.appeal_lodged_problems(
            lodged_on=lodged_on,
            notice_sent_on=review.cease_notice_sent_on,
            window_ends_on=review.appeal_window_ends_on,
            late_admitted=late_admitted,
        )
        if problems:
            raise CaseRuleError(*problems)
        date_check(lodged_on, today=today, what="the appeal was lodged")
        review.appeal_lodged_on = lodged_on
        review.appeal_late_admitted = lodged_on > review.appeal_window_ends_on
        history_save(
            review,
            "Appeal to the SEND Tribunal lodged: the plan stays in force until it decides",
            by,
        )
    return review


def cease_appeal_decide(
    *, review: Review, decided_on: date, upheld: bool, by, today: date | None = None
) -> Review:
    """The Tribunal's decision. Upheld: the plan stays in force and the cease ends here.
    Dismissed: the plan ceases at once, on the day of the decision (reg 44(2)(a))."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _noticed(review)
        if review.appeal_lodged_on is None:
            raise CaseRuleError("No appeal against the cease is recorded")
        if review.appeal_decided_on is not None:
            raise CaseRuleError(
                f"The Tribunal's decision was recorded, made on {_day(review.appeal_decided_on)}"
            )
        date_check(
            decided_on,
            today=today,
            not_before=review.appeal_lodged_on,
            what="of the Tribunal's decision",
        )
        plan = _locked_plan(review)
        review.appeal_decided_on = decided_on
        review.appeal_upheld = upheld
        if upheld:
            _transition(plan, "keep_in_force")
            history_save(
                plan,
                f"The SEND Tribunal upheld the appeal ({review.reference}): the plan stays in force",
                by,
            )
            _transition(review, "close_cease", on=decided_on)
            history_save(review, "The SEND Tribunal upheld the appeal: the plan is kept", by)
        else:
            ceases_on = cease_rules.cease_on_appeal_dismissed(decided_on)
            _cease(
                review,
                plan,
                on=ceases_on,
                by=by,
                why="the Tribunal dismissed the appeal (reg 44(2)(a))",
            )
    return review


def _cease(review: Review, plan: EhcPlan, *, on: date, by, why: str) -> None:
    _transition(plan, "cease", on=on, reason=review.cease_reason)
    history_save(plan, f"Ceased on {_day(on)} ({review.reference}): {why}", by)
    review.ceased_on = on
    _transition(review, "close_cease", on=on)
    history_save(review, f"The plan ceased on {_day(on)}: {why}", by)


# -- 5. nobody appealed ------------------------------------------------------------------------


def cease_carry_out(*, review: Review, on: date, by, today: date | None = None) -> Review:
    """Nobody appealed within the time allowed: the plan ceases on `on`, at the earliest the day
    after the appeal window ends (it stays in force until then)."""
    today = today or timezone.localdate()
    _check_officer(review.council_id, by)
    with transaction.atomic():
        review = _locked(review)
        _noticed(review)
        _sync_window(review, by)
        if review.appeal_window_ends_on is None:
            raise CaseRuleError(
                "Record how the cease notice was sent first: the plan stays in force until 2 "
                "months after the day it was sent"
            )
        if review.appeal_lodged_on is not None:
            raise CaseRuleError(
                f"An appeal was lodged on {_day(review.appeal_lodged_on)}: the plan stays in force "
                "until the Tribunal decides"
            )
        earliest = cease_rules.cease_on_without_appeal(review.appeal_window_ends_on)
        if on < earliest:
            raise CaseRuleError(
                f"The plan stays in force until the time to appeal has passed on "
                f"{_day(review.appeal_window_ends_on)}: it can cease from {_day(earliest)}"
            )
        date_check(on, today=today, what="the plan ceases")
        plan = _locked_plan(review)
        _cease(review, plan, on=on, by=by, why="nobody appealed within the time allowed")
    return review


# -- without a review --------------------------------------------------------------------------


def cease_without_review(
    *,
    ehc_plan: EhcPlan,
    reason: str,
    reasons: str,
    on: date,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Review:
    """Cease the plan without a review, only where the law leaves nothing to review
    (`ehcp.reviews.rules.cease.WITHOUT_REVIEW`): the young person has reached 25, the family has
    moved away, or the child has died. Any other reason is refused: the council reviews first.

    A move to another council in England (whose plan it becomes, regs 15-17) or a death ends the
    plan on `on`. Reaching 25 or a move out of England follows reg 31: the family is told and
    consulted with the school or college (the letter, with its sending if `sent`), then the
    notice with the right to appeal. Returns the "ceasing without a review" episode."""
    today = today or timezone.localdate()
    _check_officer(ehc_plan.council_id, by)
    reasons = (reasons or "").strip()
    with transaction.atomic():
        plan = EhcPlan.objects.select_for_update().select_related("child").get(pk=ehc_plan.pk)
        child = plan.child
        if plan.status == EhcPlanStatus.CEASED:
            raise CaseRuleError(f"{child.first_name}'s plan has already ceased")
        if plan.status == EhcPlanStatus.CEASING:
            raise CaseRuleError(f"{child.first_name}'s plan is already proposed to cease")
        current = Review.objects.open().filter(ehc_plan=plan).first()
        if current is not None:
            raise CaseRuleError(
                f"{child.first_name}'s plan has an open review ({current.reference}): decide to "
                "cease the plan at that review, or cancel it first"
            )
        date_check(on, today=today, not_before=plan.first_issued_on, what="of the decision")
        if sent is not None and not cease_rules.ceases_at_once(reason):
            date_check(sent.sent_on, today=today, not_before=on, what="the letter was sent")
        problems = cease_rules.cease_problems(
            reason=reason,
            date_of_birth=child.date_of_birth,
            on=on,
            with_review=False,
            first_name=child.first_name,
        )
        if problems:
            raise CaseRuleError(*problems)
        if not reasons:
            raise CaseRuleError("Enter the reasons for ceasing the plan")
        start = plan.last_reviewed_on or plan.first_issued_on
        review = Review(
            ehc_plan=plan,
            child=child,
            council_id=plan.council_id,
            caseworker=by,
            kind=ReviewKind.CEASE_ONLY,
            started_on=on,
            started_by=by,
            reason=reasons,
            period_starts_on=start,
            under_five=deadlines.under_five_on(child.date_of_birth, start),
            arranged_under=ArrangedUnder.COUNCIL,
            arranged_by_id=plan.council_id,
        )
        review.set_statutory_dates()
        _transition(review, "propose_cease_only", on=on, reason=reason, reasons=reasons)
        if cease_rules.ceases_at_once(reason):
            history_save(review, "Ceasing the plan without a review", by)
            _cease(
                review,
                plan,
                on=on,
                by=by,
                why="without a review ("
                + cease_rules.REASON_LABELS[cease_rules.Reason(reason)].lower()
                + ")",
            )
            return review
        review.cease_consulted_on = on
        review.cease_consulted_setting = named_institution(plan)
        history_save(
            review,
            "Ceasing without a review: family told and consulted with the school or college "
            "(reg 31(1))",
            by,
        )
        _consultation_letter(review, on=on, by=by, today=today, sent=sent)
    return review
