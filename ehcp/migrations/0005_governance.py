"""Information governance: the read audit, the disclosure log, decisions not to share and the
security incident register (AU-01 to AU-04, AU-08, LB-01, LB-02, LB-05).

On PostgreSQL a trigger refuses UPDATE and DELETE on the audit and disclosure tables, and DELETE
on security incidents, from any SQL, not only from the application (AU-03). SQLite (development
and tests) relies on the models' own refusals.
"""

import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = ("ehcp_accessevent", "ehcp_disclosure", "ehcp_decisionnottoshare")
NEVER_DELETED = ("ehcp_securityincident",)

FUNCTION = """
CREATE OR REPLACE FUNCTION ehcp_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ehcp: rows of % are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the % are PL/pgSQL placeholders, not ours
    for table in APPEND_ONLY:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ehcp_refuse_audit_change()"
        )
    for table in NEVER_DELETED:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ehcp_refuse_audit_change()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    for table in NEVER_DELETED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_never_deleted ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ehcp_refuse_audit_change()")


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_seed_data_access_rules'),
        ('ehcp', '0004_plan_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalSecurityIncident',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('public_id', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)),
                ('kind', models.CharField(choices=[('C', 'Confidentiality: information seen or sent where it should not be'), ('I', 'Integrity: information wrongly changed or corrupted'), ('A', 'Availability: information lost or unavailable')], max_length=1)),
                ('description', models.TextField()),
                ('aware_at', models.DateTimeField(help_text='When the council became aware of it')),
                ('ico_deadline', models.DateTimeField(help_text='72 hours after becoming aware (ehcp.rules.incidents)')),
                ('decision', models.CharField(choices=[('PENDING', 'Not decided yet'), ('NOTIFY', 'Report to the ICO'), ('NOT_NOTIFY', 'Do not report to the ICO')], default='PENDING', max_length=20)),
                ('decision_reasons', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('notified_ico_at', models.DateTimeField(blank=True, null=True)),
                ('actions', models.TextField(blank=True, help_text='What was done to contain it and stop it happening again')),
                ('recorded_at', models.DateTimeField()),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical security incident',
                'verbose_name_plural': 'historical security incidents',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('roles', models.JSONField(default=list, help_text="The person's roles at the time")),
                ('what', models.CharField(choices=[('case', 'Case record'), ('task', 'Task page'), ('document', 'Document'), ('list', 'List of cases'), ('report', 'Governance report'), ('export', 'Export'), ('print', 'Print'), ('break-glass', 'Break-glass access granted')], max_length=20)),
                ('data_types', models.JSONField(default=list, help_text='The data types shown (never the values)')),
                ('relationship', models.CharField(choices=[('council', 'Council that holds the case'), ('partner', 'Partner agency working on the case'), ('break-glass', 'Break-glass'), ('ig', 'Information governance')], max_length=20)),
                ('child_ids', models.JSONField(blank=True, default=list, help_text='List pages: the children listed')),
                ('severity', models.CharField(choices=[('NORMAL', 'Normal'), ('HIGH', 'High')], default='NORMAL', max_length=10)),
                ('occurred_at', models.DateTimeField(db_index=True)),
                ('request_id', models.CharField(max_length=64)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency')),
                ('break_glass', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to='ehcp.breakglassgrant')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ehcp.case')),
                ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ehcp.child')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-occurred_at', '-pk'],
                'abstract': False,
                'base_manager_name': 'objects',
                'indexes': [models.Index(fields=['child', 'occurred_at'], name='ehcp_access_child_i_759041_idx'), models.Index(fields=['user', 'occurred_at'], name='ehcp_access_user_id_dcc4a8_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('request_id', ''), _negated=True), name='access_event_has_request_id')],
            },
        ),
        migrations.CreateModel(
            name='DecisionNotToShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('purpose', models.CharField(choices=[('STATUTORY_ASSESSMENT', 'EHC needs assessment'), ('HIGH_NEEDS_FUNDING', 'High-needs funding'), ('CONTINUING_CARE', 'Continuing care'), ('CARE_TREATMENT_REVIEW', 'Care and treatment review')], max_length=30)),
                ('reason', models.TextField()),
                ('decided_at', models.DateTimeField()),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions_not_to_share', to='ehcp.case')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['decided_at', 'pk'],
                'abstract': False,
                'base_manager_name': 'objects',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('reason', ''), _negated=True), models.Q(('purpose', ''), _negated=True)), name='decision_not_to_share_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='Disclosure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('purpose', models.CharField(choices=[('STATUTORY_ASSESSMENT', 'EHC needs assessment'), ('HIGH_NEEDS_FUNDING', 'High-needs funding'), ('CONTINUING_CARE', 'Continuing care'), ('CARE_TREATMENT_REVIEW', 'Care and treatment review')], max_length=30)),
                ('data_types', models.JSONField(help_text='DataType codes shared')),
                ('fields', models.JSONField(help_text='The names of the fields actually sent')),
                ('document_ids', models.JSONField(blank=True, default=list)),
                ('content_sha256', models.CharField(max_length=64)),
                ('art6_basis', models.CharField(max_length=120, verbose_name='UK GDPR Article 6 basis')),
                ('statutory_power', models.CharField(max_length=200)),
                ('art9_condition', models.CharField(blank=True, max_length=120, verbose_name='UK GDPR Article 9 condition')),
                ('dpa_schedule1_condition', models.CharField(blank=True, max_length=120, verbose_name='DPA 2018 Schedule 1 condition')),
                ('isa_reference', models.CharField(max_length=200, verbose_name='Information sharing agreement')),
                ('justification', models.TextField(blank=True, help_text='Why the share went ahead without consent')),
                ('channel', models.CharField(choices=[('PORTAL', 'The advice portal in this service'), ('SECURE_EMAIL', 'Secure encrypted e-mail'), ('POST', 'Special delivery post, marked confidential, to a named person'), ('HAND', 'Hand delivery to a named person')], max_length=20)),
                ('shared_at', models.DateTimeField(db_index=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='ehcp.case')),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='ehcp.child')),
                ('consent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='ehcp.consentrecord')),
                ('override', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='ehcp.consentoverride')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures_received', to='agencies.agency')),
                ('recipient_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('shared_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['shared_at', 'pk'],
                'abstract': False,
                'base_manager_name': 'objects',
                'indexes': [models.Index(fields=['child', 'shared_at'], name='ehcp_disclo_child_i_dcfbf3_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('art6_basis', ''), _negated=True), models.Q(('statutory_power', ''), _negated=True), models.Q(('isa_reference', ''), _negated=True), models.Q(('purpose', ''), _negated=True), models.Q(('content_sha256', ''), _negated=True), models.Q(('channel', ''), _negated=True)), name='disclosure_has_lawful_basis'), models.CheckConstraint(condition=models.Q(models.Q(('data_types__icontains', '"HEALTH"'), ('data_types__icontains', '"SAFEGUARDING"'), ('data_types__icontains', '"SOCIAL_CARE"'), _connector='OR', _negated=True), models.Q(models.Q(('art9_condition', ''), _negated=True), models.Q(('dpa_schedule1_condition', ''), _negated=True)), _connector='OR'), name='disclosure_special_category_conditions'), models.CheckConstraint(condition=models.Q(('consent__isnull', False), models.Q(('justification', ''), _negated=True), _connector='OR'), name='disclosure_consent_or_justification'), models.CheckConstraint(condition=models.Q(('override__isnull', True), models.Q(models.Q(('justification', ''), _negated=True), models.Q(('dpa_schedule1_condition', ''), _negated=True)), _connector='OR'), name='disclosure_override_is_justified')],
            },
        ),
        migrations.CreateModel(
            name='SecurityIncident',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('C', 'Confidentiality: information seen or sent where it should not be'), ('I', 'Integrity: information wrongly changed or corrupted'), ('A', 'Availability: information lost or unavailable')], max_length=1)),
                ('description', models.TextField()),
                ('aware_at', models.DateTimeField(help_text='When the council became aware of it')),
                ('ico_deadline', models.DateTimeField(help_text='72 hours after becoming aware (ehcp.rules.incidents)')),
                ('decision', models.CharField(choices=[('PENDING', 'Not decided yet'), ('NOTIFY', 'Report to the ICO'), ('NOT_NOTIFY', 'Do not report to the ICO')], default='PENDING', max_length=20)),
                ('decision_reasons', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('notified_ico_at', models.DateTimeField(blank=True, null=True)),
                ('actions', models.TextField(blank=True, help_text='What was done to contain it and stop it happening again')),
                ('recorded_at', models.DateTimeField()),
                ('affected_children', models.ManyToManyField(blank=True, related_name='+', to='ehcp.child')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partners_to_notify', models.ManyToManyField(blank=True, related_name='+', to='agencies.agency')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-aware_at', '-pk'],
                'base_manager_name': 'objects',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('decision', 'NOT_NOTIFY'), _negated=True), models.Q(('decision_reasons', ''), _negated=True), _connector='OR'), name='incident_not_notified_has_reasons'), models.CheckConstraint(condition=models.Q(('notified_ico_at__isnull', True), ('decision', 'NOTIFY'), _connector='OR'), name='incident_notified_only_when_decided')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
