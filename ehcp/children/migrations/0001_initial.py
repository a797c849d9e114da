"""The child, parents and consent move here from `ehcp`. State only: the tables keep their names
and rows."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ehcp', '0011_ehc_plans_from_final_plans'),
        ('agencies', '0005_sharing_agreements'),
        ('assessments', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Child',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('first_name', models.CharField(max_length=100)),
                ('last_name', models.CharField(max_length=100)),
                ('date_of_birth', models.DateField()),
                ('upn', models.CharField(blank=True, help_text='Unique pupil number', max_length=13, verbose_name='UPN')),
                ('nhs_number', models.CharField(blank=True, max_length=10, verbose_name='NHS number')),
                ('address', models.TextField(blank=True)),
                ('postcode', models.CharField(blank=True, max_length=10)),
                ('protected_whereabouts', models.BooleanField(default=False, help_text='Address, setting and contact details are shown only to those allowed to see them.')),
                ('primary_need', models.CharField(blank=True, choices=[('SPLD', 'Specific learning difficulty'), ('MLD', 'Moderate learning difficulty'), ('SLD', 'Severe learning difficulty'), ('PMLD', 'Profound and multiple learning difficulty'), ('SEMH', 'Social, emotional and mental health'), ('SLCN', 'Speech, language and communication needs'), ('HI', 'Hearing impairment'), ('VI', 'Visual impairment'), ('MSI', 'Multi-sensory impairment'), ('PD', 'Physical disability'), ('ASD', 'Autistic spectrum disorder'), ('DS', 'Down syndrome'), ('OTH', 'Other difficulty or disability')], max_length=4)),
                ('secondary_need', models.CharField(blank=True, choices=[('SPLD', 'Specific learning difficulty'), ('MLD', 'Moderate learning difficulty'), ('SLD', 'Severe learning difficulty'), ('PMLD', 'Profound and multiple learning difficulty'), ('SEMH', 'Social, emotional and mental health'), ('SLCN', 'Speech, language and communication needs'), ('HI', 'Hearing impairment'), ('VI', 'Visual impairment'), ('MSI', 'Multi-sensory impairment'), ('PD', 'Physical disability'), ('ASD', 'Autistic spectrum disorder'), ('DS', 'Down syndrome'), ('OTH', 'Other difficulty or disability')], max_length=4)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('current_setting', models.ForeignKey(blank=True, limit_choices_to={'kind': 'SCHOOL'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pupils', to='agencies.agency')),
            ],
            options={
                'verbose_name_plural': 'children',
                'db_table': 'ehcp_child',
            },
        ),
        migrations.CreateModel(
            name='ConsentOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('step', models.CharField(choices=[('REQUEST_ADVICE', 'Request advice from agencies')], max_length=30)),
                ('legal_condition', models.CharField(default='DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)', max_length=120)),
                ('justification', models.TextField()),
                ('authorised_at', models.DateTimeField(auto_now_add=True)),
                ('authorised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_overrides', to='assessments.assessment')),
            ],
            options={
                'db_table': 'ehcp_consentoverride',
            },
        ),
        migrations.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('purpose', models.CharField(choices=[('STATUTORY_ASSESSMENT', 'EHC needs assessment'), ('HIGH_NEEDS_FUNDING', 'High-needs funding'), ('CONTINUING_CARE', 'Continuing care'), ('CARE_TREATMENT_REVIEW', 'Care and treatment review')], max_length=30)),
                ('given_by', models.CharField(choices=[('PARENT', 'Parent or carer'), ('YOUNG_PERSON', 'The young person (16 or over)')], max_length=20)),
                ('given_by_name', models.CharField(max_length=200)),
                ('given_on', models.DateField()),
                ('method', models.CharField(choices=[('WRITTEN', 'Signed form or letter'), ('EMAIL', 'E-mail'), ('PORTAL', 'Online portal'), ('VERBAL', 'Verbally, recorded by an officer')], max_length=20)),
                ('notes', models.TextField(blank=True, help_text='Capacity or competence, and anything else relevant')),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('withdrawn_on', models.DateField(blank=True, null=True)),
                ('withdrawal_reason', models.TextField(blank=True)),
                ('agencies', models.ManyToManyField(related_name='consents', to='agencies.agency')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='consents', to='assessments.assessment')),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='children.child')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_consentrecord',
                'ordering': ['-given_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ParentCarer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('relationship', models.CharField(help_text='For example mother, father, foster carer', max_length=60)),
                ('has_parental_responsibility', models.BooleanField(default=True)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('phone', models.CharField(blank=True, max_length=40)),
                ('address', models.TextField(blank=True)),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parents', to='children.child')),
            ],
            options={
                'db_table': 'ehcp_parentcarer',
            },
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['last_name', 'first_name'], name='ehcp_child_last_na_46cf16_idx'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
