"""The flows became a package: StatutoryAssessmentFlow moved from workflows/flows.py to
workflows/flows/assessment.py. viewflow stores the flow class on each process and the node on
each task as strings by module path, so the stored references move with it and flows already
running keep running (their tasks are found by node again, joins meet, timers fire).

    workflows/flows.StatutoryAssessmentFlow.decide_to_assess
 -> workflows/flows.assessment.StatutoryAssessmentFlow.decide_to_assess
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

# old reference -> new reference, for each flow class moved
MOVES = {
    "workflows/flows.StatutoryAssessmentFlow": "workflows/flows.assessment.StatutoryAssessmentFlow",
}


def rewrite(apps, moves: dict[str, str]) -> None:
    """One UPDATE per table and flow: the process's class, and each task's node (the class
    reference followed by "." and the node name)."""
    process = apps.get_model("workflows", "CaseProcess")
    task = apps.get_model("workflows", "CaseTask")
    for old, new in moves.items():
        process.objects.filter(flow_class=old).update(flow_class=new)
        task.objects.filter(flow_task__startswith=f"{old}.").update(
            flow_task=Replace(F("flow_task"), Value(f"{old}."), Value(f"{new}."))
        )


def forwards(apps, schema_editor):
    rewrite(apps, MOVES)


def backwards(apps, schema_editor):
    rewrite(apps, {new: old for old, new in MOVES.items()})


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_task_reassignment")]

    operations = [migrations.RunPython(forwards, backwards)]
