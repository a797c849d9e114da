"""Every plan in force gets the date its next review must be complete by (issue 10): 12 months
less a day from the latest review decision or, with none, from the day the plan was first issued
(6 months for a child under 5 on that day, CoP 9.178). Computed with the same pure rule the
product uses (`review_deadlines`), so an upgraded plan and a new one agree."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ehcp.assessments.rules.deadlines import next_review_due

    EhcPlan = apps.get_model("plans", "EhcPlan")
    plans = EhcPlan.objects.filter(
        status__in=("IN_FORCE", "CEASING"), next_review_due_on__isnull=True
    ).select_related("child")
    for plan in plans.iterator(chunk_size=2000):
        start = plan.last_reviewed_on or plan.first_issued_on
        plan.next_review_due_on = next_review_due(start, date_of_birth=plan.child.date_of_birth)
        plan.save(update_fields=["next_review_due_on"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_review_episodes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
