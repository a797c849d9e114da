"""Seed the access table from the SEND information sharing agreement (section 3, data types).

The council's SEN team is the controller and sees everything. Partners see what their part of
the statutory assessment (and of high-needs funding decisions) needs, and no more. A council
changes these rows in the admin; every change is kept in the history.
"""

from django.db import migrations

ALL = ["IDENTITY", "IDENTIFIERS", "CONTACT", "EDUCATION", "HEALTH", "SOCIAL_CARE", "SAFEGUARDING", "PLAN"]
BASE = ["IDENTITY", "IDENTIFIERS", "CONTACT", "EDUCATION", "PLAN"]

RULES = {
    "STATUTORY_ASSESSMENT": {
        "SEN_TEAM": ALL,
        "EP_SERVICE": BASE,
        "HEALTH": BASE + ["HEALTH"],
        "SOCIAL_CARE": BASE + ["SOCIAL_CARE", "SAFEGUARDING"],
        "SCHOOL": BASE,
        "OTHER": ["IDENTITY", "EDUCATION", "PLAN"],
    },
    "HIGH_NEEDS_FUNDING": {
        "SEN_TEAM": ALL,
        "HEALTH": ["IDENTITY", "EDUCATION", "HEALTH", "PLAN"],
        "SOCIAL_CARE": ["IDENTITY", "EDUCATION", "SOCIAL_CARE", "PLAN"],
        "SCHOOL": ["IDENTITY", "EDUCATION", "PLAN"],
    },
}


def seed(apps, schema_editor):
    Rule = apps.get_model("agencies", "DataAccessRule")
    Rule.objects.bulk_create(
        [
            Rule(agency_kind=kind, purpose=purpose, data_type=data_type)
            for purpose, kinds in RULES.items()
            for kind, types in kinds.items()
            for data_type in types
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_data_access_rules_and_whereabouts")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
