"""A plan keeps its child's date of birth (issue 12): the review pipeline counts a council's plans
whose child makes a phase transfer next September from the plans alone, instead of joining every
child in the database (at half of England, hashing 500,000 children for one council's counts).

The column is added empty and filled from the children here; 0012 makes it required (PostgreSQL
refuses to alter a table with pending trigger events in the transaction that updated it)."""

from django.db import migrations, models

FILL = """
UPDATE ehcp_ehcplan SET child_date_of_birth = (
    SELECT ehcp_child.date_of_birth FROM ehcp_child WHERE ehcp_child.id = ehcp_ehcplan.child_id
)
"""


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_pipeline_plan_index"), ("children", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="ehcplan",
            name="child_date_of_birth",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=False),
    ]
