"""A funding decision's council is required, and the commitments' index starts with it
(issue 12; filled by 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("panel", "0004_decision_council")]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="council",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.RemoveIndex(model_name="decision", name="decision_funded_review"),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", False),
                    ("outcome__in", ["APPROVE", "APPROVE_WITH_CHANGES"]),
                ),
                fields=["council", "review_on", "id"],
                name="decision_funded_review",
            ),
        ),
    ]
