"""Fill `Assessment.breaches_on` for the cases already there: the earliest date each open case
is working towards or owes (`ehcp.assessments.rules.breaches`, the pure rule the services use);
closed cases keep NULL. Going back, the column simply goes."""

from collections import defaultdict

from django.db import migrations

from ehcp.assessments.rules import breaches as rules

BATCH = 2000


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AdviceRequest = apps.get_model("assessments", "AdviceRequest")
    open_cases = Assessment.objects.filter(status__in=sorted(rules.OPEN)).order_by("pk")
    last = 0
    while True:
        cases = list(
            open_cases.filter(pk__gt=last).only(
                "pk",
                "status",
                "decision_to_assess_due_on",
                "decision_not_to_issue_due_on",
                "final_plan_due_on",
            )[:BATCH]
        )
        if not cases:
            return
        advice = defaultdict(list)
        for case_id, due_on, received_on, status, proceeded_on in AdviceRequest.objects.filter(
            case_id__in=[case.pk for case in cases]
        ).values_list("case_id", "due_on", "received_on", "status", "proceeded_without_on"):
            advice[case_id].append(
                rules.AdviceOwedFact(
                    due_on=due_on,
                    received_on=received_on,
                    cancelled=status == "CANCELLED",
                    proceeded_without_on=proceeded_on,
                )
            )
        for case in cases:
            case.breaches_on = rules.breaches_on(
                case.status,
                decision_to_assess_due_on=case.decision_to_assess_due_on,
                decision_not_to_issue_due_on=case.decision_not_to_issue_due_on,
                final_plan_due_on=case.final_plan_due_on,
                advice=advice[case.pk],
            )
        Assessment.objects.bulk_update(cases, ["breaches_on"])
        last = cases[-1].pk


class Migration(migrations.Migration):
    dependencies = [("assessments", "0013_assessment_breaches_on")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
