"""Advice received before the portal existed was final when it arrived: mark it accepted."""

from django.db import migrations


def accepted_when_received(apps, schema_editor):
    AdviceRequest = apps.get_model("ehcp", "AdviceRequest")
    AdviceRequest.objects.filter(received_on__isnull=False, status="DRAFT").update(status="ACCEPTED")


class Migration(migrations.Migration):
    dependencies = [("ehcp", "0006_advice_portal")]

    operations = [migrations.RunPython(accepted_when_received, migrations.RunPython.noop)]
