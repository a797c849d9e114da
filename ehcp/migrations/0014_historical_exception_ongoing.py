"""The exception's history table gains the same two fields (simple-history, `app="ehcp"`)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ehcp', '0013_assessment_history_no_further_comments'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalstatutoryexception',
            name='ongoing',
            field=models.BooleanField(default=False, help_text='The circumstances are still going on (no end date yet)'),
        ),
        migrations.AddField(
            model_name='historicalstatutoryexception',
            name='ongoing_evidence',
            field=models.TextField(blank=True, help_text='The evidence that the circumstances are still going on'),
        ),
    ]
