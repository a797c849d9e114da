"""An exception can be recorded as still going on, with the evidence (issue 9).

Existing rows keep their values: `ongoing` is false for all of them, so one recorded without
an end date stays on the case but does not count until its end date is recorded, or it is
recorded as still going on (`StatutoryException.counts`). Nothing is invented for it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_no_further_comments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='statutoryexception',
            name='ongoing',
            field=models.BooleanField(default=False, help_text='The circumstances are still going on (no end date yet)'),
        ),
        migrations.AddField(
            model_name='statutoryexception',
            name='ongoing_evidence',
            field=models.TextField(blank=True, help_text='The evidence that the circumstances are still going on'),
        ),
        migrations.AddConstraint(
            model_name='statutoryexception',
            constraint=models.CheckConstraint(condition=models.Q(('ongoing', False), ('ends_on__isnull', True), _connector='OR'), name='exception_ongoing_has_no_end_date'),
        ),
        migrations.AddConstraint(
            model_name='statutoryexception',
            constraint=models.CheckConstraint(condition=models.Q(('ongoing', False), models.Q(('ongoing_evidence', ''), _negated=True), _connector='OR'), name='exception_ongoing_has_evidence'),
        ),
    ]
