"""What the council requires by default: at least e-mail for the messages that must not wait for
someone to sign in. Councils change these in the support site (NotificationRequirement)."""

from django.db import migrations

# Security alerts: a locked account may mean someone is guessing its password, and emergency
# access to a case must be reviewed by the IG lead promptly; an alert seen only after signing in
# could arrive too late, or never (a locked-out owner cannot sign in to read it).
# Escalations: a statutory date about to be missed or missed, a task overdue in an agency's queue
# and a message that reached nobody are told to a manager precisely because the usual route
# failed; letting them be in-app only would let them wait unseen like the work they are about.
EMAIL_REQUIRED = [
    "SIGN_IN_LOCKED_OUT",
    "BREAK_GLASS_GRANTED",
    "BREAK_GLASS_STOPPED",
    "STATUTORY_AT_RISK",
    "STATUTORY_MISSED",
    "TASK_ESCALATED",
    "MESSAGE_UNDELIVERABLE",
]


def seed(apps, schema_editor):
    Requirement = apps.get_model("notifications", "NotificationRequirement")
    for kind in EMAIL_REQUIRED:
        Requirement.objects.update_or_create(kind=kind, defaults={"email_required": True})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_preferences_and_requirements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
