"""One small partial index for each stage of the reviews pipeline, in the stage's order (issue 12)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("reviews", "0006_review_post16_move")]

    operations = [
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status', 'DUE')), fields=['council', 'latest_meeting_on', 'id'], name='review_stage_arrange'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status__in', ['ARRANGED', 'INVITED', 'ADVICE_CIRCULATED'])), fields=['council', 'status', 'meeting_on', 'id'], name='review_stage_meeting'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status', 'MEETING_HELD')), fields=['council', 'report_due_on', 'id'], name='review_stage_held'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status', 'REPORTED')), fields=['council', 'decision_due_on', 'id'], name='review_stage_reported'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status', 'AMENDING')), fields=['council', 'amended_plan_due_on', 'id'], name='review_stage_amending'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('status', 'CEASING')), fields=['council', 'appeal_window_ends_on', 'id'], name='review_stage_ceasing'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(models.F('council'), models.OrderBy(models.F('completed_on'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('status', 'COMPLETE')), name='review_stage_completed'),
        ),
    ]
