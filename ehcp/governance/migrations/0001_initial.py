"""Audit, disclosures, break-glass and incidents move here from `ehcp`. State only: the tables
keep their names, rows and PostgreSQL append-only triggers."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0005_sharing_agreements'),
        ('assessments', '0002_initial'),
        ('children', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='BreakGlassGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('reason', models.CharField(choices=[('SAFEGUARDING', 'A safeguarding concern needs action now'), ('URGENT_CARE', 'Urgent health or care need'), ('COVER', 'Covering for an absent colleague'), ('TRIBUNAL', 'A tribunal or complaint deadline')], max_length=20)),
                ('justification', models.TextField()),
                ('granted_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('review_outcome', models.CharField(blank=True, choices=[('APPROPRIATE', 'Access was appropriate'), ('INAPPROPRIATE', 'Access was not appropriate')], max_length=20)),
                ('review_notes', models.TextField(blank=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='break_glass_grants', to='assessments.assessment')),
                ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='break_glass_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_breakglassgrant',
                'ordering': ['-granted_at'],
            },
        ),
        migrations.CreateModel(
            name='BreakGlassAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attempted_at', models.DateTimeField()),
                ('outcome', models.CharField(choices=[('GRANTED', 'Access granted'), ('NOT_MATCHED', 'Refused: the details did not match a case they may ask for'), ('NOT_ALLOWED', 'Refused: their role or agency may not use emergency access'), ('LIMITED', 'Refused: too many requests')], max_length=20)),
                ('reference_entered', models.CharField(blank=True, max_length=20)),
                ('request_id', models.CharField(blank=True, max_length=64)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessments.assessment')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('grant', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attempt', to='governance.breakglassgrant')),
            ],
            options={
                'db_table': 'ehcp_breakglassattempt',
                'ordering': ['-attempted_at'],
            },
        ),
        migrations.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('roles', models.JSONField(default=list, help_text="The person's roles at the time")),
                ('what', models.CharField(choices=[('case', 'Case record'), ('task', 'Task page'), ('document', 'Document'), ('list', 'List of cases'), ('report', 'Governance report'), ('export', 'Export'), ('print', 'Print'), ('break-glass', 'Break-glass access granted')], max_length=20)),
                ('data_types', models.JSONField(default=list, help_text='The data types shown (never the values)')),
                ('relationship', models.CharField(choices=[('council', 'Council that holds the case'), ('partner', 'Partner agency working on the case'), ('break-glass', 'Break-glass'), ('ig', 'Information governance'), ('support', 'Support site (administrator)')], max_length=20)),
                ('child_ids', models.JSONField(blank=True, default=list, help_text='List pages: the children listed')),
                ('severity', models.CharField(choices=[('NORMAL', 'Normal'), ('HIGH', 'High')], default='NORMAL', max_length=10)),
                ('occurred_at', models.DateTimeField(db_index=True)),
                ('request_id', models.CharField(max_length=64)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessments.assessment')),
                ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='children.child')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to=settings.AUTH_USER_MODEL)),
                ('break_glass', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to='governance.breakglassgrant')),
            ],
            options={
                'db_table': 'ehcp_accessevent',
                'ordering': ['-occurred_at', '-pk'],
                'abstract': False,
                'base_manager_name': 'objects',
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
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions_not_to_share', to='assessments.assessment')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_decisionnottoshare',
                'ordering': ['decided_at', 'pk'],
                'abstract': False,
                'base_manager_name': 'objects',
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
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='assessments.assessment')),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='children.child')),
                ('consent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='children.consentrecord')),
                ('override', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosures', to='children.consentoverride')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disclosures_received', to='agencies.agency')),
                ('recipient_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('shared_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_disclosure',
                'ordering': ['shared_at', 'pk'],
                'abstract': False,
                'base_manager_name': 'objects',
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
                ('ico_deadline', models.DateTimeField(help_text='72 hours after becoming aware (ehcp.governance.rules.incidents)')),
                ('decision', models.CharField(choices=[('PENDING', 'Not decided yet'), ('NOTIFY', 'Report to the ICO'), ('NOT_NOTIFY', 'Do not report to the ICO')], default='PENDING', max_length=20)),
                ('decision_reasons', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('notified_ico_at', models.DateTimeField(blank=True, null=True)),
                ('actions', models.TextField(blank=True, help_text='What was done to contain it and stop it happening again')),
                ('recorded_at', models.DateTimeField()),
                ('affected_children', models.ManyToManyField(blank=True, related_name='+', to='children.child')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partners_to_notify', models.ManyToManyField(blank=True, related_name='+', to='agencies.agency')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_securityincident',
                'ordering': ['-aware_at', '-pk'],
                'base_manager_name': 'objects',
            },
        ),
        migrations.AddIndex(
            model_name='breakglassgrant',
            index=models.Index(fields=['user', 'case', 'expires_at'], name='ehcp_breakg_user_id_f07757_idx'),
        ),
        migrations.AddIndex(
            model_name='breakglassattempt',
            index=models.Index(fields=['user', 'outcome', 'attempted_at'], name='ehcp_breakg_user_id_fdaa75_idx'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['child', 'occurred_at'], name='ehcp_access_child_i_759041_idx'),
        ),
        migrations.AddIndex(
            model_name='accessevent',
            index=models.Index(fields=['user', 'occurred_at'], name='ehcp_access_user_id_dcc4a8_idx'),
        ),
        migrations.AddConstraint(
            model_name='accessevent',
            constraint=models.CheckConstraint(condition=models.Q(('request_id', ''), _negated=True), name='access_event_has_request_id'),
        ),
        migrations.AddConstraint(
            model_name='decisionnottoshare',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reason', ''), _negated=True), models.Q(('purpose', ''), _negated=True)), name='decision_not_to_share_has_reason'),
        ),
        migrations.AddIndex(
            model_name='disclosure',
            index=models.Index(fields=['child', 'shared_at'], name='ehcp_disclo_child_i_dcfbf3_idx'),
        ),
        migrations.AddConstraint(
            model_name='disclosure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('art6_basis', ''), _negated=True), models.Q(('statutory_power', ''), _negated=True), models.Q(('isa_reference', ''), _negated=True), models.Q(('purpose', ''), _negated=True), models.Q(('content_sha256', ''), _negated=True), models.Q(('channel', ''), _negated=True)), name='disclosure_has_lawful_basis'),
        ),
        migrations.AddConstraint(
            model_name='disclosure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('data_types__icontains', '"HEALTH"'), ('data_types__icontains', '"SAFEGUARDING"'), ('data_types__icontains', '"SOCIAL_CARE"'), _connector='OR', _negated=True), models.Q(models.Q(('art9_condition', ''), _negated=True), models.Q(('dpa_schedule1_condition', ''), _negated=True)), _connector='OR'), name='disclosure_special_category_conditions'),
        ),
        migrations.AddConstraint(
            model_name='disclosure',
            constraint=models.CheckConstraint(condition=models.Q(('consent__isnull', False), models.Q(('justification', ''), _negated=True), _connector='OR'), name='disclosure_consent_or_justification'),
        ),
        migrations.AddConstraint(
            model_name='disclosure',
            constraint=models.CheckConstraint(condition=models.Q(('override__isnull', True), models.Q(models.Q(('justification', ''), _negated=True), models.Q(('dpa_schedule1_condition', ''), _negated=True)), _connector='OR'), name='disclosure_override_is_justified'),
        ),
        migrations.AddConstraint(
            model_name='securityincident',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'NOT_NOTIFY'), _negated=True), models.Q(('decision_reasons', ''), _negated=True), _connector='OR'), name='incident_not_notified_has_reasons'),
        ),
        migrations.AddConstraint(
            model_name='securityincident',
            constraint=models.CheckConstraint(condition=models.Q(('notified_ico_at__isnull', True), ('decision', 'NOTIFY'), _connector='OR'), name='incident_notified_only_when_decided'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
