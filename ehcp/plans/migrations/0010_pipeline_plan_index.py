"""The review pipeline's plan stages at scale (issue 12): a council's live plans in the order
their reviews are due, so that a page of the "due" (or "later") stage is read from the start of
the index instead of sorting every live plan of the council."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0009_cease_withdrawn")]

    operations = [
        migrations.AddIndex(
            model_name="ehcplan",
            index=models.Index(
                condition=models.Q(("status__in", ("IN_FORCE", "CEASING"))),
                fields=["council", "next_review_due_on", "id"],
                name="plan_live_review_due",
            ),
        ),
    ]
