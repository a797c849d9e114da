"""Partial indexes that match the lists of open steps, each in its list's order (due date, id):
the inbox's unclaimed queue (by agency) and "claimed by you" (by owner), the team's list (by
agency); and the timers that have fallen due. They replace the (agency, status, due_on) and
(owner, status, due_on) indexes, which could not give the list's order (issue 12)."""

from django.db import migrations, models

OPEN_HUMAN = models.Q(("flow_task_type", "HUMAN"), ("status__in", ("NEW", "ASSIGNED", "STARTED")))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0009_funding_requests")]

    operations = [
        migrations.RemoveIndex(model_name="casetask", name="workflows_c_agency__756bf6_idx"),
        migrations.RemoveIndex(model_name="casetask", name="workflows_c_owner_i_d26f89_idx"),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=models.Q(
                    ("flow_task_type", "HUMAN"),
                    ("status__in", ("NEW", "ASSIGNED", "STARTED")),
                    ("owner__isnull", True),
                ),
                fields=["agency", "due_on", "id"],
                name="casetask_queue_due",
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=OPEN_HUMAN, fields=["agency", "due_on", "id"], name="casetask_team_due"
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=OPEN_HUMAN, fields=["owner", "due_on", "id"], name="casetask_mine_due"
            ),
        ),
        migrations.AddIndex(
            model_name="casetask",
            index=models.Index(
                condition=models.Q(("flow_task_type", "TIMER"), ("status", "SCHEDULED")),
                fields=["scheduled"],
                name="casetask_timer_due",
            ),
        ),
    ]
