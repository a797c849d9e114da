"""A funding decision keeps its request's council (issue 12): a council's commitments are read
from its own decisions, first in the index, instead of every council's decisions found through
the requests (at 20 councils the page read 7,168 decisions to show 26). Filled from the
requests (the history rows the same way); 0005 makes it required. Two migrations: on
PostgreSQL a table whose rows were just updated under a deferred foreign key cannot be altered
in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_councils(apps, schema_editor):
    FundingRequest = apps.get_model("panel", "FundingRequest")
    council_of_request = Subquery(
        FundingRequest.objects.filter(pk=OuterRef("request_id")).values("council_id")[:1]
    )
    for name in ("Decision", "HistoricalDecision"):
        apps.get_model("panel", name).objects.update(council_id=council_of_request)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("panel", "0003_commitments_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="council",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="council",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agencies.agency",
            ),
        ),
        migrations.RunPython(fill_councils, migrations.RunPython.noop, elidable=True),
    ]
