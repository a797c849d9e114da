"""Indexes for the commitments page at scale (issue 12): the funded, confirmed decisions in the
order they are reviewed (a page is read from the start of the order, not sorted from all of
them), and a council's requests with their kind (the year's totals by kind read them from the
index alone)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("panel", "0002_list_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", False),
                    ("outcome__in", ["APPROVE", "APPROVE_WITH_CHANGES"]),
                ),
                fields=["review_on", "id"],
                name="decision_funded_review",
            ),
        ),
        migrations.AddIndex(
            model_name="fundingrequest",
            index=models.Index(fields=["council", "kind", "id"], name="funding_council_kind"),
        ),
    ]
