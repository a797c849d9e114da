"""A setting that does not reply no longer holds back the final plan (issue 9, s.39/s.40 CFA 2014,
CoP 9.83). The comments step now opens "Issue the final plan" beside each setting's reply task;
before, the final plan's task came only after the reply.

A process written before that, still consulting with no final plan task (its setting has not
replied), gets the task now, in the council's queue, due at 20 weeks and chased when late, as
the comments step would now create it (after the comments task, on its token). When the setting
does reply, its branch ends on its own (the flow's `replied` gate sees the final plan's task).

The task is made by the running flow (viewflow needs the live node to route it and arm its
chaser); a database with no such process (every new one) runs nothing here.
"""

from django.db import migrations

FLOW = "workflows/flows.assessment.StatutoryAssessmentFlow"


def forwards(apps, schema_editor):
    task_model = apps.get_model("workflows", "CaseTask")
    waiting = set(
        task_model.objects.filter(
            flow_task=f"{FLOW}.reply_to_consultation",
            finished__isnull=True,
            case__status="CONSULTING",
        ).values_list("process_id", flat=True)
    )
    waiting -= set(
        task_model.objects.filter(
            flow_task=f"{FLOW}.issue_final", process_id__in=waiting
        ).values_list("process_id", flat=True)
    )
    if not waiting:
        return
    from workflows.flows.assessment import StatutoryAssessmentFlow
    from workflows.models import CaseTask

    flow = StatutoryAssessmentFlow.instance
    for process_pk in sorted(waiting):
        comments = (
            CaseTask.objects.filter(process_id=process_pk, flow_task=flow.node("record_comments"))
            .order_by("-pk")
            .first()
        )
        if comments is None:  # pragma: no cover - a reply task is only reached through it
            continue
        flow.node("issue_final")._create(
            prev_activation=comments.flow_task.activation_class(comments), token=comments.token
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_settings_consulted_and_silence"),
        ("workflows", "0006_advice_no_longer_joins"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
