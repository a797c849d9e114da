"""Indexes that match the open cases' lists and the advice list, each in its list's order, so
that a page is read from the index and the scan stops after it (issue 12)."""

from django.db import migrations, models

OPEN = models.Q(("status__in", ('REQUESTED', 'ASSESSING', 'DRAFTING', 'DRAFT_ISSUED', 'CONSULTING')))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_review_post16_move")]

    operations = [
        migrations.AddIndex(
            model_name="advicerequest",
            index=models.Index(
                condition=models.Q(("kind", "PARENT_VIEWS"), _negated=True),
                fields=["agency", "-requested_on", "-id"],
                name="advice_agency_requested",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=OPEN,
                fields=["council", "final_plan_due_on", "id"],
                name="case_open_council_due",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=OPEN,
                fields=["council", "status", "final_plan_due_on", "id"],
                name="case_open_status_due",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=OPEN,
                fields=["caseworker", "final_plan_due_on", "id"],
                name="case_open_caseworker_due",
            ),
        ),
    ]
