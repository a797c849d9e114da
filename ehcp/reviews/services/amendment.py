"""Amending the plan after a review (SEND Regulations 2014, reg 22; s.44 CFA 2014).

The review's working copy of the plan (`review_plan_seed`) is seeded from the version in force
once the report is in, so the caseworker prepares the proposed amendments before deciding. The
decision to amend goes with the amendment notice (`amendment_notice_issue`): no decision to amend
without the proposed amendments (R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)), so it is
refused when the working copy proposes nothing. The notice lists the amendments (compared with
the version in force, `ehcp.plans.rules.plan_compare`), the evidence, the right to ask for a
school or college, the 15 days for comments and the offer of a meeting (reg 22(2)(a)-(d)), and
encloses the proposed amended plan, a new version of the child's plan. The family's comments
are recorded (`amendment_comments_record`); once the 15 days have run (or the family has said in
writing that they have nothing more to add) the final amended plan is issued
(`amended_plan_issue`), within 8 weeks of the notice (reg 22(3)), naming the new setting before a
phase transfer (reg 18). It is the plan's next version, with its covering letter and the right
to appeal; the plan's next review runs from the decision.

Each service owns its transaction, locks the review row, changes its status only through its FSM
transitions and records who, when and why.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django_fsm import TransitionNotAllowed

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind
from ehcp.assessments.rules import deadlines
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.plans.models import DocumentKind, EhcPlan, EhcPlanStatus, Plan
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.rules.plan_checks import Stage
from ehcp.plans.selectors import VersionInForce, plan_amendments, plan_in_force
from ehcp.plans.services import (
    document_queue,
    letter_queue,
    letter_served_on,
    plan_issue_content,
    plan_seed,
)
from ehcp.reviews.models import Review, ReviewStatus

#: What a family may appeal against in the amended plan (s.51(2)(c) CFA 2014).
AMENDED_PLAN_APPEAL = (
    "the special educational needs in section B, the special educational provision in section F "
    "or the school or setting named in section I of the amended plan"
)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _check_council(review: Review, by, *, what: str) -> None:
    if review.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError(f"Only the council's SEN team can {what}")


def _lock(review: Review) -> Review:
    """The review row, locked for the rest of the transaction, as it is now."""
    return (
        Review.objects.select_related("child", "ehc_plan", "next_setting")
        .select_for_update(of=("self",))
        .get(pk=review.pk)
    )


def _stage_refusal(review: Review, what: str) -> CaseRuleError:
    return CaseRuleError(
        f"This review is at the stage \u201c{review.get_status_display()}\u201d, so {what}"
    )


def _in_force(review: Review) -> VersionInForce:
    in_force = plan_in_force(review.ehc_plan_id, before=review)
    if in_force is None:
        raise CaseRuleError(
            "The child's plan has no final version issued through this service, so there is no "
            "version in force to amend"
        )
    return in_force


def _transition(review: Review, verb: str, **kwargs) -> None:
    try:
        getattr(review, verb)(**kwargs)
    except TransitionNotAllowed as error:
        raise _stage_refusal(review, "this cannot be done now") from error


# -- the review's working copy --------------------------------------------------------------------


def review_plan_seed(*, review: Review, by) -> Plan:
    """The review's working copy of the plan, seeded from the version in force: the working copy
    of the episode that issued the plan's latest final version (sections A, I and J, and every
    need, outcome and provision in it, with their links). Idempotent. Only once the review report
    is in (the proposed amendments are prepared before the decision) and while amending."""
    _check_council(review, by, what="change the plan")
    if review.status not in (ReviewStatus.REPORTED, ReviewStatus.AMENDING):
        raise _stage_refusal(
            review,
            "its working copy of the plan cannot be prepared: it is prepared once the review "
            "report is in, and while the plan is amended",
        )
    return plan_seed(episode=review, by=by)


# -- the decision to amend, with the amendment notice -----------------------------------------------


def _evidence(review: Review) -> list[str]:
    """The evidence the amendments are based on, as the notice lists it (reg 22(2)(a))."""
    items = []
    if review.report_received_on:
        items.append(f"The review report, received on {review.report_received_on:%-d %B %Y}")
    if review.meeting_held_on:
        views = " and the views given there" if review.family_views.strip() else ""
        items.append(
            f"The record of the review meeting on {review.meeting_held_on:%-d %B %Y}{views}"
        )
    if review.advice_circulated_on:
        items.append(
            "The advice and information gathered for the review and circulated on "
            f"{review.advice_circulated_on:%-d %B %Y}"
        )
    return items


def amendment_notice_issue(
    *,
    review: Review,
    decided_on: date,
    reasons: str,
    by,
    today: date,
    sent: LetterSent | None = None,
) -> Review:
    """Decide to amend the plan and send the amendment notice with it (reg 22(2); Devon [2022]).

    The review's working copy is the proposed amended plan: it must pass the checks before issue
    (regs 11, 12 apply, reg 22(1)) and differ from the version in force, or there is nothing to
    propose and no decision to amend. It is frozen as the plan's next version (a draft of this
    review) and sent with the notice, which lists every amendment section by section, the
    evidence, the right to ask for a school or college, the 15 days for comments, the offer of a
    meeting and where to find information about schools and colleges.

    With `sent`, the notice's sending is recorded now: the 15 days run from the day it was
    served (reg 22(2)(c)) and the final amended plan is due within 8 weeks of the day it was sent
    (reg 22(3)). Otherwise, until the sending is recorded on the documents page, the dates run
    from the decision and the notice states the rule, not a date."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise CaseRuleError("Enter why the council decided to amend the plan")
    _check_council(review, by, what="decide the outcome of a review")
    with transaction.atomic():
        review = _lock(review)
        if review.status != ReviewStatus.REPORTED:
            raise _stage_refusal(review, "the council cannot decide to amend the plan now")
        date_check(
            decided_on, today=today, not_before=review.report_received_on, what="of the decision"
        )
        if sent is not None:
            date_check(
                sent.sent_on,
                today=today,
                not_before=decided_on,
                what="the amendment notice was sent",
            )
        in_force = _in_force(review)
        if not Plan.objects.filter(review=review).exists():
            raise CaseRuleError(
                "Prepare the proposed amendments in the review's working copy of the plan first: "
                "the amendment notice must list the changes proposed (reg 22(2)(a))"
            )
        content = plan_issue_content(
            episode=review,
            stage=Stage.PROPOSED,
            issued_on=decided_on,
            placement=in_force.placement,
        )
        amendments = plan_amendments(in_force.content, content)
        if not amendments:
            raise CaseRuleError(
                "The working copy is the same as the plan in force (version "
                f"{in_force.version}): propose at least one amendment before deciding to amend. "
                "The amendment notice must go with the decision and list the changes proposed "
                "(reg 22(2)(a); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin))"
            )
        served = letter_served_on(sent) if sent is not None else None
        _transition(
            review,
            "amend",
            on=decided_on,
            reasons=reasons,
            notice_on=sent.sent_on if sent is not None else decided_on,
            served_on=served,
        )
        history_save(
            review,
            f"Decided to amend the plan: amendment notice with {len(amendments)} proposed "
            f"amendment{'s' if len(amendments) != 1 else ''}",
            by,
        )
        plan_render = document_queue(
            episode=review,
            kind=DocumentKind.DRAFT_PLAN,
            content=content,
            issued_on=decided_on,
            by=by,
        )
        letter_queue(
            episode=review,
            kind=DocumentKind.AMENDMENT_NOTICE,
            issued_on=decided_on,
            by=by,
            plan_version=plan_render.version,
            sent=sent,
            enclosure=plan_render,
            today=today,
            facts={
                "reasons": reasons,
                "decided_on": _day(decided_on),
                "review_meeting_on": _day(review.meeting_held_on),
                "report_received_on": _day(review.report_received_on),
                "amendments": [a.as_dict() for a in amendments],
                "evidence": _evidence(review),
                "in_force_version": in_force.version,
                "in_force_issued_on": _day(in_force.issued_on),
                "setting_in_force": in_force.name,
                # From the sending only: a date from the decision might be wrong.
                "amended_plan_due_on": _day(review.amended_plan_due_on if sent else None),
                "transfer_year": review.transfer_year,
                "phase_transfer_due_on": _day(review.phase_transfer_due_on),
            },
        )
    return review


# -- the family's comments ---------------------------------------------------------------------------


def amendment_comments_record(
    *,
    review: Review,
    received_on: date,
    summary: str,
    by,
    today: date,
    no_further_comments: bool = False,
) -> Review:
    """Record the family's comments on the proposed amendments (reg 22(2)(c)): each one is
    added, with its date, to what was recorded before. `no_further_comments`: the parent or
    young person said in writing that they have nothing more to add, which alone lets the final
    amended plan come before the 15 days end."""
    summary = (summary or "").strip()
    if not summary and not no_further_comments:
        raise CaseRuleError("Enter a summary of the comments on the proposed amendments")
    _check_council(review, by, what="record comments on the proposed amendments")
    with transaction.atomic():
        review = _lock(review)
        if review.status != ReviewStatus.AMENDING:
            raise _stage_refusal(review, "comments on proposed amendments cannot be recorded")
        date_check(
            received_on,
            today=today,
            not_before=review.decided_on,
            what="the comments were received",
        )
        if summary:
            entry = f"{received_on:%-d %B %Y}: {summary}"
            review.comments_summary = "\n\n".join(filter(None, [review.comments_summary, entry]))
        if review.comments_received_on is None or received_on > review.comments_received_on:
            review.comments_received_on = received_on
        reason = "Comments on the proposed amendments recorded"
        if no_further_comments:
            if review.no_further_comments_on is None:
                review.no_further_comments_on = received_on
            reason += ": nothing more to add"
        history_save(review, reason, by)
    return review


# -- the final amended plan ------------------------------------------------------------------------


def _comments_closed_refusal(review: Review, issued_on: date) -> CaseRuleError | None:
    if review.amendment_served_on is None or review.amendment_comments_due_on is None:
        return CaseRuleError(
            "The final amended plan cannot be issued until the amendment notice is recorded as "
            "sent: the 15 days for comments begin with the day it was served (reg 22(2)(c))"
        )
    if not deadlines.representations_closed(
        comments_due_on=review.amendment_comments_due_on,
        no_further_comments_on=review.no_further_comments_on,
        on=issued_on,
    ):
        return CaseRuleError(
            "The final amended plan cannot be issued until "
            f"{review.amendment_comments_due_on + timedelta(days=1):%-d %B %Y}: the family has at "
            "least 15 days to comment on the proposed amendments (reg 22(2)(c)), even if they have "
            "already commented, unless they say in writing that they have nothing more to add"
        )
    return None


def amended_plan_issue(
    *,
    review: Review,
    issued_on: date,
    named_setting: Agency | None = None,
    named_setting_type: str = "",
    by,
    today: date,
    sent: LetterSent | None = None,
) -> Review:
    """Issue the final amended plan (reg 22(3)): the next version of the child's plan, made by
    this review. The review is complete; the plan's next review runs from the decision
    (`EhcPlan.last_reviewed_on`, `next_review_due_on`).

    Refused until the 15 days for comments have run from the day the notice was served (or the
    family said in writing they have nothing more to add), and unless the plan passes the checks
    before issue and still differs from the version in force. Section I names `named_setting`,
    or a type of setting (`named_setting_type`, s.40(2) CFA 2014), or else the setting the
    version in force names; before a phase transfer it must name where the child goes next
    (reg 18(1): by default the review's next setting)."""
    named_setting_type = (named_setting_type or "").strip()
    _check_council(review, by, what="issue the amended plan")
    if named_setting is not None and named_setting.kind != AgencyKind.SCHOOL:
        raise CaseRuleError("Choose a school, college or early years setting to name in section I")
    if named_setting is not None and named_setting_type:
        raise CaseRuleError("Name a school or setting, or a type of setting, not both")
    with transaction.atomic():
        review = _lock(review)
        if review.status != ReviewStatus.AMENDING:
            raise _stage_refusal(review, "the amended plan cannot be issued")
        date_check(
            issued_on,
            today=today,
            not_before=max(d for d in (review.decided_on, review.comments_received_on) if d),
            what="the amended plan was issued",
        )
        refusal = _comments_closed_refusal(review, issued_on)
        if refusal is not None:
            raise refusal
        if review.is_phase_transfer and named_setting is None and not named_setting_type:
            named_setting = review.next_setting
            if named_setting is None:
                raise CaseRuleError(
                    f"Name the school or college {review.child.first_name} will attend after the "
                    f"phase transfer in {review.transfer_year}: the amended plan must name it "
                    "(reg 18(1))"
                )
        ehc_plan = EhcPlan.objects.select_for_update().get(pk=review.ehc_plan_id)
        if ehc_plan.status != EhcPlanStatus.IN_FORCE:
            raise CaseRuleError(
                f"The plan is {ehc_plan.get_status_display().lower()}, so it cannot be amended"
            )
        in_force = _in_force(review)
        content = plan_issue_content(
            episode=review,
            stage=Stage.FINAL,
            issued_on=issued_on,
            named_setting=named_setting,
            named_setting_type=named_setting_type,
            placement=in_force.placement,
        )
        amendments = plan_amendments(in_force.content, content)
        if not amendments:
            raise CaseRuleError(
                "The amended plan would be the same as the plan in force (version "
                f"{in_force.version}): change the working copy as decided before issuing it"
            )
        _transition(review, "issue_amended_plan", on=issued_on)
        review.named_setting = named_setting
        review.named_setting_type = named_setting_type if named_setting is None else ""
        if review.is_phase_transfer and named_setting is not None:
            review.next_setting = named_setting
        history_save(review, "Final amended plan issued", by)
        next_review_on = deadlines.next_review_due(
            review.decided_on, date_of_birth=review.child.date_of_birth
        )
        plan_render = document_queue(
            episode=review,
            kind=DocumentKind.FINAL_PLAN,
            content=content,
            issued_on=issued_on,
            by=by,
        )
        ehc_plan.last_reviewed_on = review.decided_on
        ehc_plan.next_review_due_on = next_review_on
        history_save(
            ehc_plan,
            f"Amended by {review.reference}: version {plan_render.version} issued; next review "
            f"due by {next_review_on:%-d %B %Y}",
            by,
        )
        letter_queue(
            episode=review,
            kind=DocumentKind.AMENDED_PLAN_LETTER,
            issued_on=issued_on,
            by=by,
            plan_version=plan_render.version,
            sent=sent,
            enclosure=plan_render,
            today=today,
            appeal_decision=AMENDED_PLAN_APPEAL,
            facts={
                "named_setting": content["sections"]["I"]["name"],
                "decided_on": _day(review.decided_on),
                "review_meeting_on": _day(review.meeting_held_on),
                "amendments": [a.as_dict() for a in amendments],
                "in_force_version": in_force.version,
                "in_force_issued_on": _day(in_force.issued_on),
                "next_review_due_on": _day(next_review_on),
                "comments_summary": review.comments_summary,
            },
        )
    return review
