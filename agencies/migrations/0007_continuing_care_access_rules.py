"""What each partner may see for continuing care, as for high-needs funding (information sharing
agreement, section 3): a Joint Agency Panel's continuing care requests send papers to its
members under this purpose. A council changes these rows in the admin; the history keeps it."""

from django.db import migrations

RULES = {
    "SEN_TEAM": ["IDENTITY", "IDENTIFIERS", "CONTACT", "EDUCATION", "HEALTH", "SOCIAL_CARE", "SAFEGUARDING", "PLAN"],
    "HEALTH": ["IDENTITY", "EDUCATION", "HEALTH", "PLAN"],
    "SOCIAL_CARE": ["IDENTITY", "EDUCATION", "SOCIAL_CARE", "PLAN"],
}


def seed(apps, schema_editor):
    Rule = apps.get_model("agencies", "DataAccessRule")
    Rule.objects.bulk_create(
        [
            Rule(agency_kind=kind, purpose="CONTINUING_CARE", data_type=data_type)
            for kind, types in RULES.items()
            for data_type in types
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("agencies", "DataAccessRule").objects.filter(purpose="CONTINUING_CARE").delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0006_infant_school")]

    operations = [migrations.RunPython(seed, unseed)]
