"""Repairs of processes an older version of a flow left behind, run after every `migrate`.

When a flow changes shape, a process already under way may wait at a node that no longer exists
or lack a task the new shape would have made. Making that task needs the *running* flow (viewflow
routes it and arms its chaser through the live node and the live models), and a data migration
that uses live models breaks the day a later migration adds a column to them: an old database
migrating forward meets the live model before its column exists (issue 10: `review_id`).

So each repair lives here and runs once the whole schema is current: on `post_migrate`, when no
migration is left to apply. Each is idempotent (it finds what is still wrong, mends it and finds
nothing the next time) and costs one small query on a database with nothing to mend, which is
every new one. A partial `migrate <app> <target>` runs none; the next full one does.

- `advice_no_longer_joins` (issue 9, was workflows/migrations/0006): the advice no longer joins
  before the decision whether to issue a plan. A process waiting at the old join
  `advice_gathered` has the join closed (cancelled, finished) and, if its assessment is still
  assessing, gets its "Decide whether to issue a plan" task in the council's queue, due at 16
  weeks and chased when late. Its advice tasks carry on.
- `consulting_without_final_plan_task` (issue 9, was workflows/migrations/0007): a setting that
  does not reply no longer holds back the final plan. A process still consulting, with no final
  plan task, gets "Issue the final plan" after its comments step, due at 20 weeks and chased.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FLOW = "workflows/flows.assessment.StatutoryAssessmentFlow"
OLD_ADVICE_JOIN = f"{FLOW}.advice_gathered"


def advice_no_longer_joins() -> int:
    """Close every waiting `advice_gathered` join; give its process the decision task it lacks."""
    from workflows.models import CaseTask

    waiting = list(
        CaseTask.objects.filter(flow_task=OLD_ADVICE_JOIN, finished__isnull=True)
        .order_by("pk")
        .values_list("pk", "process_id")
    )
    if not waiting:
        return 0
    from ehcp.assessments.models import AssessmentStatus
    from workflows.flows.assessment import StatutoryAssessmentFlow
    from workflows.models import CaseProcess

    flow = StatutoryAssessmentFlow.instance
    decision = flow.node("decide_to_issue")
    mended = 0
    for join_pk, process_pk in waiting:
        with transaction.atomic():
            CaseTask.objects.filter(pk=join_pk).update(status="CANCELED", finished=timezone.now())
            process = CaseProcess.objects.select_related("case").get(pk=process_pk)
            if process.case.status != AssessmentStatus.ASSESSING:
                continue
            if CaseTask.objects.filter(process=process, flow_task=decision).exists():
                continue
            split = (
                CaseTask.objects.filter(process=process, flow_task=flow.node("request_advice"))
                .order_by("-pk")
                .first()
            )
            if split is None:  # pragma: no cover - a join is only reached through the split
                continue
            decision._create(
                prev_activation=split.flow_task.activation_class(split), token=split.token
            )
            mended += 1
    return mended


def consulting_without_final_plan_task() -> int:
    """Give every process still consulting, with no final plan task, its "Issue the final plan"."""
    from workflows.models import CaseTask

    waiting = set(
        CaseTask.objects.filter(
            flow_task=f"{FLOW}.reply_to_consultation",
            finished__isnull=True,
            case__status="CONSULTING",
        ).values_list("process_id", flat=True)
    )
    waiting -= set(
        CaseTask.objects.filter(
            flow_task=f"{FLOW}.issue_final", process_id__in=waiting
        ).values_list("process_id", flat=True)
    )
    if not waiting:
        return 0
    from workflows.flows.assessment import StatutoryAssessmentFlow

    flow = StatutoryAssessmentFlow.instance
    mended = 0
    for process_pk in sorted(waiting):
        comments = (
            CaseTask.objects.filter(process_id=process_pk, flow_task=flow.node("record_comments"))
            .order_by("-pk")
            .first()
        )
        if comments is None:  # pragma: no cover - a reply task is only reached through it
            continue
        with transaction.atomic():
            flow.node("issue_final")._create(
                prev_activation=comments.flow_task.activation_class(comments),
                token=comments.token,
            )
        mended += 1
    return mended


REPAIRS = (advice_no_longer_joins, consulting_without_final_plan_task)


def schema_is_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when every migration of every app has been applied to the database."""
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def run_repairs() -> dict[str, int]:
    """Run every repair; how many processes each mended."""
    return {repair.__name__: repair() for repair in REPAIRS}


def repair_after_migrate(sender, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """`post_migrate` receiver (connected once, for the workflows app)."""
    if using != DEFAULT_DB_ALIAS or not schema_is_current(using):
        return
    mended = {name: count for name, count in run_repairs().items() if count}
    if mended and verbosity and stdout is not None:
        for name, count in mended.items():
            stdout.write(f"  Repaired {count} process(es) left by an older flow: {name}\n")
