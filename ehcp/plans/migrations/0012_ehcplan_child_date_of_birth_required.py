"""Every plan has its child's date of birth (filled by 0011)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0011_ehcplan_child_date_of_birth")]

    operations = [
        migrations.AlterField(
            model_name="ehcplan",
            name="child_date_of_birth",
            field=models.DateField(
                editable=False,
                help_text=(
                    "The child's date of birth, kept equal to it by Child.save: the review "
                    "pipeline finds a council's plans whose child makes a phase transfer without "
                    "reading every child in the database"
                ),
            ),
        ),
    ]
