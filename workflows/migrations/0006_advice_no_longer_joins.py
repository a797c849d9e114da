"""The advice no longer joins before the decision whether to issue a plan (issue 9: advice that
does not come must not block the council). The split after the decision to assess now opens the
decision at once, and each advice branch ends on its own; the join `advice_gathered` is gone.

A process that was waiting at the join (some advice still missing, no decision task yet) gets its
"Decide whether to issue a plan" task now, in the council's queue, due at 16 weeks and chased when
late, as the new split would have created it; the waiting join is closed (cancelled, finished), so
the process can still end. Its advice tasks carry on: they find their request by their subject.

The decision task is made by the running flow (viewflow needs the live node to route it and arm
its chaser); a database with no waiting join (every new one) runs nothing here.

The repair itself now runs after `migrate`, once the whole schema is current, in
`workflows.repairs.advice_no_longer_joins`: a data migration that drives the live flow broke
when a later migration added a column to the live models. This one is kept, empty, for the
history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_advice_cancel_and_proceed_without"),
        ("workflows", "0005_case_is_an_assessment"),
    ]

    operations = []
