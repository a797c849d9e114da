"""The assessment's remaining links, constraints and indexes (state only, as 0001)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agencies', '0005_sharing_agreements'),
        ('assessments', '0002_initial'),
        ('plans', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.AddField(
            model_name='assessment',
            name='ehc_plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='plans.ehcplan'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='named_setting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='requested_setting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency'),
        ),
        migrations.AddField(
            model_name='advicerequest',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='advice_requests', to='assessments.assessment'),
        ),
        migrations.AddField(
            model_name='settingconsultation',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consultations', to='assessments.assessment'),
        ),
        migrations.AddField(
            model_name='settingconsultation',
            name='replied_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='settingconsultation',
            name='setting',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consultations', to='agencies.agency'),
        ),
        migrations.AddField(
            model_name='statutoryexception',
            name='advice_request',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='assessments.advicerequest'),
        ),
        migrations.AddField(
            model_name='statutoryexception',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='assessments.assessment'),
        ),
        migrations.AddField(
            model_name='statutoryexception',
            name='recorded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='adviceextensionrequest',
            name='exception',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assessments.statutoryexception'),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(fields=['status', 'final_plan_due_on'], name='ehcp_case_status_c92268_idx'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('REQUESTED', 'ASSESSING', 'DRAFTING', 'DRAFT_ISSUED', 'CONSULTING'))), fields=('child',), name='one_open_request_per_child'),
        ),
        migrations.AddConstraint(
            model_name='advicerequest',
            constraint=models.UniqueConstraint(fields=('case', 'kind'), name='one_advice_request_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='adviceextensionrequest',
            constraint=models.UniqueConstraint(condition=models.Q(('decision', 'PENDING')), fields=('advice_request',), name='one_pending_extension_per_advice'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
