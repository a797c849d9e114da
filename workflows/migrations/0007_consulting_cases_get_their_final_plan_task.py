"""A setting that does not reply no longer holds back the final plan (issue 9, s.39/s.40 CFA 2014,
CoP 9.83). The comments step now opens "Issue the final plan" beside each setting's reply task;
before, the final plan's task came only after the reply.

A process written before that, still consulting with no final plan task (its setting has not
replied), gets the task now, in the council's queue, due at 20 weeks and chased when late, as
the comments step would now create it (after the comments task, on its token). When the setting
does reply, its branch ends on its own (the flow's `replied` gate sees the final plan's task).

The task is made by the running flow (viewflow needs the live node to route it and arm its
chaser); a database with no such process (every new one) runs nothing here.

The repair itself now runs after `migrate`, once the whole schema is current, in
`workflows.repairs.consulting_without_final_plan_task`: a data migration that drives the live flow broke
when a later migration added a column to the live models. This one is kept, empty, for the
history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_settings_consulted_and_silence"),
        ("workflows", "0006_advice_no_longer_joins"),
    ]

    operations = []
