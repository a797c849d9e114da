"""Indexes that match the panel's request lists in their order (issue 12)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("panel", "0001_initial")]

    operations = [
        migrations.RemoveIndex(
            model_name="fundingrequest",
            name="panel_fundi_panel_i_7de2bd_idx",
        ),
        migrations.AddIndex(
            model_name="fundingrequest",
            index=models.Index(
                fields=["council", "-raised_on", "-id"], name="funding_council_raised"
            ),
        ),
        migrations.AddIndex(
            model_name="fundingrequest",
            index=models.Index(
                fields=["panel", "status", "raised_on", "id"], name="funding_panel_ready"
            ),
        ),
    ]
