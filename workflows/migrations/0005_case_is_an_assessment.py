"""Processes and tasks point at `assessments.Assessment` (the same table). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0001_initial'),
        ('workflows', '0004_flows_package_references'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='caseprocess',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='processes', to='assessments.assessment'),
        ),
        migrations.AlterField(
            model_name='casetask',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='assessments.assessment'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
