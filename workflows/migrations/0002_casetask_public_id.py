"""Opaque ids for tasks (DM-04), added in three steps so existing rows each get their own."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    CaseTask = apps.get_model("workflows", "CaseTask")
    for task in CaseTask.objects.filter(public_id__isnull=True).only("pk"):
        CaseTask.objects.filter(pk=task.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [
        migrations.AddField(model_name="casetask", name="public_id", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casetask",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
