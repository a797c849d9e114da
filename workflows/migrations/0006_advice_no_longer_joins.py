"""The advice no longer joins before the decision whether to issue a plan (issue 9: advice that
does not come must not block the council). The split after the decision to assess now opens the
decision at once, and each advice branch ends on its own; the join `advice_gathered` is gone.

A process that was waiting at the join (some advice still missing, no decision task yet) gets its
"Decide whether to issue a plan" task now, in the council's queue, due at 16 weeks and chased when
late, as the new split would have created it; the waiting join is closed (cancelled, finished), so
the process can still end. Its advice tasks carry on: they find their request by their subject.

The decision task is made by the running flow (viewflow needs the live node to route it and arm
its chaser); a database with no waiting join (every new one) runs nothing here.
"""

from django.db import migrations
from django.utils import timezone

JOIN = "advice_gathered"
FLOW = "workflows/flows.assessment.StatutoryAssessmentFlow"


def forwards(apps, schema_editor):
    task_model = apps.get_model("workflows", "CaseTask")
    waiting = list(
        task_model.objects.filter(flow_task=f"{FLOW}.{JOIN}", finished__isnull=True)
        .order_by("pk")
        .values_list("pk", "process_id")
    )
    if not waiting:
        return
    from ehcp.assessments.models import AssessmentStatus
    from workflows.flows.assessment import StatutoryAssessmentFlow
    from workflows.models import CaseProcess, CaseTask

    flow = StatutoryAssessmentFlow.instance
    now = timezone.now()
    for join_pk, process_pk in waiting:
        task_model.objects.filter(pk=join_pk).update(status="CANCELED", finished=now)
        process = CaseProcess.objects.select_related("case").get(pk=process_pk)
        if process.case.status != AssessmentStatus.ASSESSING:
            continue
        decision = flow.node("decide_to_issue")
        if CaseTask.objects.filter(process=process, flow_task=decision).exists():
            continue
        split = (
            CaseTask.objects.filter(process=process, flow_task=flow.node("request_advice"))
            .order_by("-pk")
            .first()
        )
        if split is None:  # pragma: no cover - a join is only reached through the split
            continue
        decision._create(prev_activation=split.flow_task.activation_class(split), token=split.token)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_advice_cancel_and_proceed_without"),
        ("workflows", "0005_case_is_an_assessment"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
