"""One small partial index for each stage of the reviews pipeline, in the stage's order (issue 12)."""

from django.db import migrations, models

COMPLETED = "review_stage_completed"


def completed_index_create(apps, schema_editor):
    """The completed stage, newest first with no date last: keyset paging's order. PostgreSQL
    only: SQLite has no NULLS LAST in an index (and its lists are small)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{COMPLETED}" ON "ehcp_review" '
            '("council_id", "completed_on" DESC NULLS LAST, "id" DESC) '
            "WHERE \"status\" = 'COMPLETE'"
        )


def completed_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{COMPLETED}"')


def stage(name, key, status):
    return migrations.AddIndex(
        model_name="review",
        index=models.Index(
            condition=models.Q(("status", status)), fields=["council", key, "id"], name=name
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_review_post16_move")]

    operations = [
        stage("review_stage_arrange", "latest_meeting_on", "DUE"),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("status__in", ["ARRANGED", "INVITED", "ADVICE_CIRCULATED"])),
                fields=["council", "status", "meeting_on", "id"],
                name="review_stage_meeting",
            ),
        ),
        stage("review_stage_held", "report_due_on", "MEETING_HELD"),
        stage("review_stage_reported", "decision_due_on", "REPORTED"),
        stage("review_stage_amending", "amended_plan_due_on", "AMENDING"),
        stage("review_stage_ceasing", "appeal_window_ends_on", "CEASING"),
        migrations.RunPython(completed_index_create, completed_index_drop),
    ]
