"""The assessment's links to the child (state only, as 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0005_sharing_agreements'),
        ('assessments', '0001_initial'),
        ('children', '0001_initial'),
    ]

    state_operations = [
        migrations.AddField(
            model_name='assessment',
            name='child',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='children.child'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='council',
            field=models.ForeignKey(limit_choices_to={'kind': 'SEN_TEAM'}, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='agencies.agency'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
