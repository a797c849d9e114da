"""The child's EHC plan, plan versions, entries and documents move here from `ehcp`. State only:
the tables keep their names and rows; issued files are untouched."""

import django.db.models.deletion
import django_fsm
import ehcp.plans.models
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
            name='Plan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('views', models.TextField(blank=True, verbose_name='Section A: views, interests and aspirations')),
                ('placement_type', models.CharField(blank=True, max_length=200, verbose_name='Section I: type of school or setting')),
                ('personal_budget', models.TextField(blank=True, verbose_name='Section J: personal budget')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='plan', to='assessments.assessment')),
            ],
            options={
                'db_table': 'ehcp_plan',
            },
        ),
        migrations.CreateModel(
            name='PlanDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('DRAFT_PLAN', 'Draft EHC plan'), ('FINAL_PLAN', 'Final EHC plan'), ('REFUSAL_LETTER', 'Letter: decision not to carry out an assessment'), ('NOT_ISSUING_LETTER', 'Letter: decision not to issue an EHC plan'), ('DRAFT_LETTER', 'Letter: sending the draft plan'), ('FINAL_LETTER', 'Letter: sending the final plan')], max_length=20)),
                ('version', models.PositiveIntegerField()),
                ('content', models.JSONField(help_text='The frozen content the PDF was rendered from')),
                ('file', models.FileField(max_length=200, upload_to=ehcp.plans.models.document_path)),
                ('sha256', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('issued_on', models.DateField()),
                ('issued_at', models.DateTimeField(help_text='When the content was frozen')),
                ('rendered_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='assessments.assessment')),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_plandocument',
                'ordering': ['issued_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='DocumentRender',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('DRAFT_PLAN', 'Draft EHC plan'), ('FINAL_PLAN', 'Final EHC plan'), ('REFUSAL_LETTER', 'Letter: decision not to carry out an assessment'), ('NOT_ISSUING_LETTER', 'Letter: decision not to issue an EHC plan'), ('DRAFT_LETTER', 'Letter: sending the draft plan'), ('FINAL_LETTER', 'Letter: sending the final plan')], max_length=20)),
                ('version', models.PositiveIntegerField()),
                ('content', models.JSONField()),
                ('issued_on', models.DateField()),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('status', models.CharField(choices=[('PENDING', 'Waiting to be rendered'), ('RENDERING', 'Rendering'), ('DONE', 'Rendered'), ('FAILED', 'Failed')], db_index=True, default='PENDING', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.CharField(blank=True, max_length=200)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='document_renders', to='assessments.assessment')),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('document', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='render', to='plans.plandocument')),
            ],
            options={
                'db_table': 'ehcp_documentrender',
                'ordering': ['requested_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='DocumentDownload',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('downloaded_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='downloads', to='plans.plandocument')),
            ],
            options={
                'db_table': 'ehcp_documentdownload',
                'ordering': ['-downloaded_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PlanNeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('status', models.CharField(choices=[('SUGGESTED', 'Suggested from the advice'), ('ACCEPTED', 'In the plan'), ('DROPPED', 'Suggestion dropped'), ('REMOVED', 'Removed from the plan')], default='ACCEPTED', max_length=12)),
                ('order', models.PositiveIntegerField(default=0)),
                ('source_key', models.CharField(blank=True, help_text='Which part of which advice a suggestion was made from', max_length=80)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('section', models.CharField(choices=[('B', 'B: special educational needs'), ('C', 'C: health care needs'), ('D', 'D: social care needs')], default='B', max_length=2)),
                ('text', models.TextField()),
                ('need_code', models.CharField(blank=True, choices=[('SPLD', 'Specific learning difficulty'), ('MLD', 'Moderate learning difficulty'), ('SLD', 'Severe learning difficulty'), ('PMLD', 'Profound and multiple learning difficulty'), ('SEMH', 'Social, emotional and mental health'), ('SLCN', 'Speech, language and communication needs'), ('HI', 'Hearing impairment'), ('VI', 'Visual impairment'), ('MSI', 'Multi-sensory impairment'), ('PD', 'Physical disability'), ('ASD', 'Autistic spectrum disorder'), ('DS', 'Down syndrome'), ('OTH', 'Other difficulty or disability')], max_length=4, verbose_name='SEN2 need type')),
                ('advice', models.ManyToManyField(blank=True, related_name='+', to='assessments.advicerequest')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='needs', to='plans.plan')),
            ],
            options={
                'db_table': 'ehcp_planneed',
                'ordering': ['order', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PlanOutcome',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('status', models.CharField(choices=[('SUGGESTED', 'Suggested from the advice'), ('ACCEPTED', 'In the plan'), ('DROPPED', 'Suggestion dropped'), ('REMOVED', 'Removed from the plan')], default='ACCEPTED', max_length=12)),
                ('order', models.PositiveIntegerField(default=0)),
                ('source_key', models.CharField(blank=True, help_text='Which part of which advice a suggestion was made from', max_length=80)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('text', models.TextField()),
                ('by_when', models.CharField(blank=True, help_text='For example, by the end of Year 6', max_length=200)),
                ('advice', models.ManyToManyField(blank=True, related_name='+', to='assessments.advicerequest')),
                ('needs', models.ManyToManyField(blank=True, related_name='outcomes', to='plans.planneed')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outcomes', to='plans.plan')),
            ],
            options={
                'db_table': 'ehcp_planoutcome',
                'ordering': ['order', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PlanProvision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('status', models.CharField(choices=[('SUGGESTED', 'Suggested from the advice'), ('ACCEPTED', 'In the plan'), ('DROPPED', 'Suggestion dropped'), ('REMOVED', 'Removed from the plan')], default='ACCEPTED', max_length=12)),
                ('order', models.PositiveIntegerField(default=0)),
                ('source_key', models.CharField(blank=True, help_text='Which part of which advice a suggestion was made from', max_length=80)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('section', models.CharField(choices=[('F', 'F: special educational provision'), ('G', 'G: health provision'), ('H1', 'H1: social care provision (s.2 CSDPA 1970)'), ('H2', 'H2: other social care provision')], default='F', max_length=2)),
                ('what', models.TextField()),
                ('who', models.CharField(blank=True, max_length=200, verbose_name='Who provides it')),
                ('frequency_count', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('frequency_period', models.CharField(blank=True, choices=[('DAY', 'a day'), ('WEEK', 'a week'), ('MONTH', 'a month'), ('TERM', 'a term'), ('YEAR', 'a year')], max_length=5)),
                ('session_minutes', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Minutes each time')),
                ('starts_on', models.DateField(blank=True, null=True)),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='End or review date')),
                ('health_agreed_on', models.DateField(blank=True, null=True)),
                ('health_agreement_source', models.CharField(blank=True, choices=[('HEALTH_BODY', 'Agreed in this service by the health body'), ('WRITTEN', 'Written agreement from the health body, recorded by the council')], max_length=12)),
                ('health_agreement_note', models.TextField(blank=True)),
                ('advice', models.ManyToManyField(blank=True, related_name='+', to='assessments.advicerequest')),
                ('health_agreed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('needs', models.ManyToManyField(blank=True, related_name='provisions', to='plans.planneed')),
                ('outcomes', models.ManyToManyField(blank=True, related_name='provisions', to='plans.planoutcome')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='provisions', to='plans.plan')),
            ],
            options={
                'db_table': 'ehcp_planprovision',
                'ordering': ['order', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='EhcPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('status', django_fsm.FSMField(choices=[('IN_FORCE', 'In force'), ('CEASING', 'Proposed to cease'), ('CEASED', 'Ceased')], default='IN_FORCE', max_length=10, protected=True)),
                ('first_issued_on', models.DateField(help_text='The day the first final plan was issued')),
                ('ceased_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ehc_plans', to='children.child')),
                ('council', models.ForeignKey(limit_choices_to={'kind': 'SEN_TEAM'}, on_delete=django.db.models.deletion.PROTECT, related_name='ehc_plans', to='agencies.agency')),
            ],
            options={
                'db_table': 'ehcp_ehcplan',
                'ordering': ['-first_issued_on', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ('IN_FORCE', 'CEASING'))), fields=('child',), name='one_live_ehc_plan_per_child')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.AddConstraint(
            model_name='plandocument',
            constraint=models.UniqueConstraint(fields=('case', 'kind', 'version'), name='one_document_per_kind_version'),
        ),
        migrations.AddConstraint(
            model_name='documentrender',
            constraint=models.UniqueConstraint(fields=('case', 'kind', 'version'), name='one_render_per_kind_version'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
