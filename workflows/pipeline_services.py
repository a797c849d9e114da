"""Work on many reviews at once: start the reviews of the plans a caseworker chose on the pipeline,
record a batch of invitations sent, and the daily sweep that starts every review falling due.

Each goes through the same workflow services as a single step (`services.review_start`,
`services.task_complete` with the step's own service), so every rule, history row, task and
notification is the same as when the work is done one review at a time. A caseworker's batch is
all or nothing: if one review is refused, none changes, and the report says which and why. The
sweep is the other way round: one plan that cannot start never stops the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import COUNCIL_CASEWORK_ROLES, Membership, Role
from ehcp.assessments.rules.deadlines import format_date
from ehcp.common.services import CaseRuleError
from ehcp.plans.models import EhcPlan
from ehcp.reviews import pipeline
from ehcp.reviews.models import Review, ReviewKind
from ehcp.reviews.rules import phase

from . import services
from .flows.review import ReviewFlow
from .models import CaseTask
from .steps import step_for

logger = logging.getLogger(__name__)


@dataclass
class BulkReport:
    """What a batch did: a line per row done, and per row refused the reasons. A batch that
    refused any row changed nothing (``done`` then says what would have been done)."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def _label(plan: EhcPlan) -> str:
    return f"{plan.child.full_name} ({plan.reference})"


def _transfer(plan: EhcPlan, today: date) -> dict:
    """The phase transfer the child is within 12 months of (reg 18), for the review to record."""
    transfer = phase.transfer_within_12_months(
        plan.child.date_of_birth, today, infant_school=pipeline.attends_infant_school(plan.child)
    )
    if transfer is None:
        return {}
    return {"transfer_year": transfer.year, "transfer_post16": transfer.post16}


def _review_start(plan: EhcPlan, *, by, today: date, reason: str) -> Review:
    return services.review_start(
        ehc_plan=plan,
        kind=ReviewKind.ANNUAL,
        reason=reason,
        by=by,
        today=today,
        **_transfer(plan, today),
    )


def reviews_start(*, plans, by, today: date) -> BulkReport:
    """Start the annual review of each plan (`services.review_start`: each school or setting gets
    its task to arrange the meeting, or the council for a child in none). All or nothing: if any
    plan is refused (a review already open, a plan no longer in force), no review starts and the
    report says which plans and why."""
    report = BulkReport()
    with transaction.atomic():
        for plan in plans:
            try:
                with transaction.atomic():
                    review = _review_start(plan, by=by, today=today, reason="")
            except CaseRuleError as error:
                report.refused.append((_label(plan), list(error.messages)))
            except services.TaskConflict as conflict:
                report.refused.append((_label(plan), [conflict.message]))
            else:
                report.done.append(
                    f"{_label(plan)}: review {review.reference} started, due by "
                    f"{format_date(review.review_due_on)}"
                )
        if report.refused:
            transaction.set_rollback(True)
    return report


# -- invitations -----------------------------------------------------------------------------


def invitation_task(review: Review, tasks) -> CaseTask | None:
    """The review's open "send the invitations" task among ``tasks`` (its open tasks)."""
    for task in tasks:
        if task.review_id == review.pk and task.flow_task == ReviewFlow.send_invitations:
            return task
    return None


def invitations_send(
    *, reviews, sent_on: date, late_reason: str = "", by, today: date
) -> BulkReport:
    """Record that the invitations to each review's meeting were sent on ``sent_on``, at each
    review's "send the invitations" step: the task is claimed for ``by`` if nobody holds it, then
    completed through `services.task_complete` with the step's own service (which records who was
    invited, and refuses a late batch without the reason). All or nothing: if any review is
    refused, nothing is recorded for any, and the report says which and why."""
    reviews = list(reviews)
    tasks = list(
        CaseTask.objects.human()
        .open()
        .filter(review__in=reviews)
        .select_related("agency", "owner", "process")
        .order_by("pk")
    )
    data = {"sent_on": sent_on, "others": (), "late_reason": late_reason}
    report = BulkReport()
    with transaction.atomic():
        for review in reviews:
            label = f"{review.child.full_name} ({review.reference})"
            task = invitation_task(review, tasks)
            if task is None:
                report.refused.append((label, ["The invitations are not the next step"]))
                continue
            try:
                with transaction.atomic():
                    if task.owner_id is None:
                        services.task_claim(task=task, user=by)
                    step = step_for(task)
                    services.task_complete(
                        task=task,
                        user=by,
                        perform=lambda episode, task=task, step=step: step.perform(
                            episode, task, data, by, today
                        ),
                    )
            except CaseRuleError as error:
                report.refused.append((label, list(error.messages)))
            except services.TaskConflict as conflict:
                report.refused.append((label, [conflict.message]))
            else:
                report.done.append(f"{label}: invitations sent on {format_date(sent_on)}")
        if report.refused:
            transaction.set_rollback(True)
    return report


# -- the daily sweep -------------------------------------------------------------------------


@dataclass
class SweepReport:
    started: list[Review] = field(default_factory=list)
    skipped: list[tuple[EhcPlan, str]] = field(default_factory=list)


SWEEP_REASON = "Started by the daily sweep: the review is due by {due}"


def _starters(council_ids) -> tuple[dict[int, set[int]], dict[int, int]]:
    """Who may start a council's reviews: everyone doing casework for it, and the one the sweep
    starts a review as when the plan's caseworker no longer does (an SEN manager first)."""
    casework: dict[int, set[int]] = {}
    fallback: dict[int, int] = {}
    rows = (
        Membership.objects.active()
        .filter(agency_id__in=council_ids, role__in=COUNCIL_CASEWORK_ROLES)
        .values_list("agency_id", "user_id", "role")
        .order_by("agency_id", "pk")
    )
    managers: dict[int, int] = {}
    for council_id, user_id, role in rows:
        casework.setdefault(council_id, set()).add(user_id)
        if role == Role.SEN_MANAGER:
            managers.setdefault(council_id, user_id)
        fallback.setdefault(council_id, user_id)
    fallback.update(managers)
    return casework, fallback


def reviews_start_due(*, today: date, weeks_ahead: int | None = None) -> SweepReport:
    """Start the annual review of every plan in force with no review open whose review is due
    within ``weeks_ahead`` weeks (default: the REVIEW_START_WEEKS_AHEAD setting; negative: the
    sweep is off), the reg 18 date
    counting for a child within 12 months of a phase transfer. Each review is started as the
    plan's caseworker while they still do casework for its council, or else as the council's
    SEN manager (a caseworker if it has none), with the reason saying the sweep started it.
    Each plan in its own transaction: one that is refused is logged and skipped."""
    if weeks_ahead is None:
        weeks_ahead = settings.REVIEW_START_WEEKS_AHEAD
    report = SweepReport()
    if weeks_ahead < 0:  # the sweep is off: reviews are started from the pipeline
        return report
    plans = list(pipeline.plans_due_to_start(today=today, weeks_ahead=weeks_ahead))
    if not plans:
        return report
    casework, fallback = _starters({plan.council_id for plan in plans})
    people = get_user_model().objects.in_bulk(
        ({plan.plan_caseworker_id for plan in plans} | set(fallback.values())) - {None}
    )
    for plan in plans:
        council_people = casework.get(plan.council_id, set())
        starter_id = (
            plan.plan_caseworker_id
            if plan.plan_caseworker_id in council_people
            else fallback.get(plan.council_id)
        )
        if starter_id is None:
            logger.warning("No one does casework for the council of %s: not started", plan)
            report.skipped.append((plan, "no one does casework for the council"))
            continue
        due = phase.effective_review_due(
            plan.next_review_due_on,
            phase.transfer_within_12_months(
                plan.child.date_of_birth,
                today,
                infant_school=pipeline.attends_infant_school(plan.child),
            ),
        )
        reason = SWEEP_REASON.format(due=format_date(due)) if due else "Started by the daily sweep"
        try:
            review = _review_start(plan, by=people[starter_id], today=today, reason=reason)
        except (CaseRuleError, services.TaskConflict) as error:
            message = "; ".join(getattr(error, "messages", None) or [str(error)])
            logger.info("Review of %s not started: %s", plan, message)
            report.skipped.append((plan, message))
        except Exception:  # one broken plan must not stop the sweep
            logger.exception("Review of %s failed to start", plan)
            report.skipped.append((plan, "failed"))
        else:
            report.started.append(review)
    return report
