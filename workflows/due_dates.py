"""An open step's due date follows its episode's dates (`ehcp.common.signals.episode_dates_changed`).

A step is routed, with its due date, when it opens (`nodes.AgencyTaskActivation`). When a fact
recorded later moves the date it is due by (a mediation certificate extends the time to appeal
against a cease, so "Confirm the cease or record an appeal" is due later), the step is routed
again for its due date (and the rule it is due under) only, and its chaser's timer, if it has not fired yet, moves to the
morning after the new date. The agency and the holder stay as they are. A chaser that has already
gone out is not taken back; the step shows its new due date.
"""

from viewflow.workflow.status import STATUS

from .flows.nodes import AgencyTask, chase_moment
from .models import CaseTask


def episode_due_dates_follow(sender, episode, **kwargs) -> int:
    """Move the due dates (and chasers) of the episode's open steps that now fall due on another
    day; how many moved. Runs inside the caller's transaction."""
    episode_field = "review" if episode._meta.model_name == "review" else "case"
    moved = 0
    steps = (
        CaseTask.objects.human()
        .open()
        .filter(**{episode_field: episode})
        .select_related("process")
        .order_by("pk")
    )
    for step in steps:
        node = step.flow_task
        if not isinstance(node, AgencyTask):
            continue
        routing = node.route(node.activation_class(step))
        due_on = routing.due_on
        if (due_on, routing.rule_code) == (step.due_on, step.rule_code):
            continue
        step.due_on, step.rule_code = due_on, routing.rule_code
        step.save(update_fields=["due_on", "rule_code"])
        if due_on is not None:
            CaseTask.objects.filter(
                previous=step, flow_task_type="TIMER", status=STATUS.SCHEDULED
            ).update(scheduled=chase_moment(due_on))
        moved += 1
    return moved
