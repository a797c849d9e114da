"""The same field on the assessment's history (the history models live in this app)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ehcp', '0012_models_moved_to_rooms'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalassessment',
            name='no_further_comments_on',
            field=models.DateField(blank=True, null=True),
        ),
    ]
