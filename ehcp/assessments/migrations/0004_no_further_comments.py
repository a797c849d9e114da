"""The day the parent or young person said in writing that they have nothing more to add on the
draft (reg 13(1))."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='assessment',
            name='no_further_comments_on',
            field=models.DateField(blank=True, null=True),
        ),
    ]
