"""The date an open case next breaches (`ehcp.assessments.rules.breaches`), stored so that the
caseload's overdue filter is one indexed comparison; filled by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0012_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="breaches_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("status__in", ('REQUESTED', 'ASSESSING', 'DRAFTING', 'DRAFT_ISSUED', 'CONSULTING'))),
                fields=["council", "breaches_on"],
                name="case_open_council_breach",
            ),
        ),
    ]
