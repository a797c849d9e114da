"""Every child whose assessment issued a final plan gets the long-lived `EhcPlan` it made.

A child with more than one assessment that issued a final plan (a re-assessment) has one plan:
first issued on the earliest final, and every such assessment points at it. The plan's history
starts with one row written by whoever issued the first final plan, at that time, with the
reason below. Reversing removes the plans and the links; the assessments are untouched."""

from django.db import migrations

REASON = "EHC plan carried over from the assessment that issued its final plan"


def forwards(apps, schema_editor):
    Case = apps.get_model("ehcp", "Case")
    EhcPlan = apps.get_model("ehcp", "EhcPlan")
    HistoricalEhcPlan = apps.get_model("ehcp", "HistoricalEhcPlan")
    HistoricalCase = apps.get_model("ehcp", "HistoricalCase")
    finals = (
        Case.objects.filter(status="FINAL_ISSUED", ehc_plan__isnull=True)
        .order_by("child_id", "final_issued_on", "pk")
        .values("pk", "child_id", "council_id", "final_issued_on")
    )
    plan_by_child: dict[int, int] = {}
    for case in finals.iterator(chunk_size=2000):
        plan_id = plan_by_child.get(case["child_id"])
        if plan_id is None:
            issued = (
                HistoricalCase.objects.filter(
                    id=case["pk"], history_change_reason="Final plan issued"
                )
                .order_by("history_date")
                .values("history_user_id", "history_date")
                .first()
            )
            plan = EhcPlan.objects.create(
                child_id=case["child_id"],
                council_id=case["council_id"],
                status="IN_FORCE",
                first_issued_on=case["final_issued_on"],
            )
            HistoricalEhcPlan.objects.create(
                id=plan.pk,
                public_id=plan.public_id,
                child_id=plan.child_id,
                council_id=plan.council_id,
                status=plan.status,
                first_issued_on=plan.first_issued_on,
                ceased_on=None,
                created_at=plan.created_at,
                history_date=issued["history_date"] if issued else plan.created_at,
                history_user_id=issued["history_user_id"] if issued else None,
                history_type="+",
                history_change_reason=REASON,
            )
            plan_id = plan_by_child[case["child_id"]] = plan.pk
        Case.objects.filter(pk=case["pk"]).update(ehc_plan_id=plan_id)


def backwards(apps, schema_editor):
    Case = apps.get_model("ehcp", "Case")
    EhcPlan = apps.get_model("ehcp", "EhcPlan")
    HistoricalEhcPlan = apps.get_model("ehcp", "HistoricalEhcPlan")
    Case.objects.filter(ehc_plan__isnull=False).update(ehc_plan=None)
    HistoricalEhcPlan.objects.all().delete()
    EhcPlan.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ehcp", "0010_ehc_plan_for_life")]

    operations = [migrations.RunPython(forwards, backwards)]
