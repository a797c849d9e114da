"""The models move out of `ehcp` into the rooms (children, plans, assessments, governance).

Only the state moves: every table keeps its name and rows. The history models stay in `ehcp`
(simple-history's `app="ehcp"`), so their tables do not move either; the one real change is the
assessment's history table, renamed with its model (`HistoricalCase` -> `HistoricalAssessment`).
Content types follow the models, so admin log entries and permissions keep pointing at them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (old model in ehcp) -> (app label, model)
MOVED = {
    **{m: ("children", m) for m in ("child", "parentcarer", "consentrecord", "consentoverride")},
    "case": ("assessments", "assessment"),
    **{
        m: ("assessments", m)
        for m in (
            "advicerequest",
            "adviceentry",
            "adviceattachment",
            "adviceextensionrequest",
            "settingconsultation",
            "statutoryexception",
        )
    },
    **{
        m: ("plans", m)
        for m in (
            "ehcplan",
            "plan",
            "planneed",
            "planoutcome",
            "planprovision",
            "plandocument",
            "documentrender",
            "documentdownload",
        )
    },
    **{
        m: ("governance", m)
        for m in (
            "accessevent",
            "disclosure",
            "decisionnottoshare",
            "securityincident",
            "breakglassgrant",
            "breakglassattempt",
        )
    },
    "historicalcase": ("ehcp", "historicalassessment"),
}


def content_types_follow(apps, schema_editor):
    """Each moved model's content type takes its new name (unless the new one already exists)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, (app_label, model) in MOVED.items():
        if not ContentType.objects.using(db).filter(app_label=app_label, model=model).exists():
            ContentType.objects.using(db).filter(app_label="ehcp", model=old).update(
                app_label=app_label, model=model
            )


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, (app_label, model) in MOVED.items():
        if not ContentType.objects.using(db).filter(app_label="ehcp", model=old).exists():
            ContentType.objects.using(db).filter(app_label=app_label, model=model).update(
                app_label="ehcp", model=old
            )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('agencies', '0005_sharing_agreements'),
        ('assessments', '0003_initial'),
        ('children', '0001_initial'),
        ('ehcp', '0011_ehc_plans_from_final_plans'),
        ('plans', '0001_initial'),
        ('workflows', '0005_case_is_an_assessment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='adviceattachment',
            name='advice_request',
        ),
        migrations.RemoveField(
            model_name='adviceattachment',
            name='uploaded_by',
        ),
        migrations.RemoveField(
            model_name='adviceentry',
            name='advice_request',
        ),
        migrations.RemoveField(
            model_name='adviceentry',
            name='links',
        ),
        migrations.AlterField(
            model_name='historicaladviceentry_links',
            name='from_adviceentry',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.adviceentry'),
        ),
        migrations.AlterField(
            model_name='historicaladviceentry_links',
            name='to_adviceentry',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.adviceentry'),
        ),
        migrations.RemoveField(
            model_name='adviceextensionrequest',
            name='advice_request',
        ),
        migrations.RemoveField(
            model_name='adviceextensionrequest',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='adviceextensionrequest',
            name='exception',
        ),
        migrations.RemoveField(
            model_name='adviceextensionrequest',
            name='requested_by',
        ),
        migrations.RemoveField(
            model_name='advicerequest',
            name='accepted_by',
        ),
        migrations.RemoveField(
            model_name='advicerequest',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='advicerequest',
            name='case',
        ),
        migrations.RemoveField(
            model_name='advicerequest',
            name='returned_by',
        ),
        migrations.RemoveField(
            model_name='advicerequest',
            name='submitted_by',
        ),
        migrations.AlterField(
            model_name='historicaladviceattachment',
            name='advice_request',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.RemoveField(
            model_name='statutoryexception',
            name='advice_request',
        ),
        migrations.RemoveField(
            model_name='planoutcome',
            name='advice',
        ),
        migrations.AlterField(
            model_name='historicalplanoutcome_advice',
            name='advicerequest',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_advice',
            name='advicerequest',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.RemoveField(
            model_name='planneed',
            name='advice',
        ),
        migrations.AlterField(
            model_name='historicaladviceextensionrequest',
            name='advice_request',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.AlterField(
            model_name='historicaladviceentry',
            name='advice_request',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.AlterField(
            model_name='historicalplanneed_advice',
            name='advicerequest',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.RemoveField(
            model_name='planprovision',
            name='advice',
        ),
        migrations.AlterField(
            model_name='historicalstatutoryexception',
            name='advice_request',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.advicerequest'),
        ),
        migrations.RemoveField(
            model_name='breakglassattempt',
            name='case',
        ),
        migrations.RemoveField(
            model_name='breakglassattempt',
            name='grant',
        ),
        migrations.RemoveField(
            model_name='breakglassattempt',
            name='user',
        ),
        migrations.RemoveField(
            model_name='breakglassgrant',
            name='case',
        ),
        migrations.RemoveField(
            model_name='breakglassgrant',
            name='reviewed_by',
        ),
        migrations.RemoveField(
            model_name='breakglassgrant',
            name='user',
        ),
        migrations.RemoveField(
            model_name='case',
            name='caseworker',
        ),
        migrations.RemoveField(
            model_name='case',
            name='child',
        ),
        migrations.RemoveField(
            model_name='case',
            name='council',
        ),
        migrations.RemoveField(
            model_name='case',
            name='ehc_plan',
        ),
        migrations.RemoveField(
            model_name='case',
            name='named_setting',
        ),
        migrations.RemoveField(
            model_name='case',
            name='requested_setting',
        ),
        migrations.AlterField(
            model_name='historicalplan',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.AlterField(
            model_name='historicaladvicerequest',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.RemoveField(
            model_name='consentrecord',
            name='case',
        ),
        migrations.RemoveField(
            model_name='plan',
            name='case',
        ),
        migrations.AlterField(
            model_name='historicalconsentrecord',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.AlterField(
            model_name='historicalsettingconsultation',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.RemoveField(
            model_name='decisionnottoshare',
            name='case',
        ),
        migrations.RemoveField(
            model_name='documentrender',
            name='case',
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='case',
        ),
        migrations.RemoveField(
            model_name='plandocument',
            name='case',
        ),
        migrations.RemoveField(
            model_name='consentoverride',
            name='case',
        ),
        migrations.AlterField(
            model_name='historicalconsentoverride',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.AlterField(
            model_name='historicalstatutoryexception',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessment'),
        ),
        migrations.RemoveField(
            model_name='statutoryexception',
            name='case',
        ),
        migrations.RemoveField(
            model_name='settingconsultation',
            name='case',
        ),
        migrations.RemoveField(
            model_name='child',
            name='current_setting',
        ),
        migrations.RemoveField(
            model_name='consentrecord',
            name='child',
        ),
        migrations.AlterField(
            model_name='historicalconsentrecord',
            name='child',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='children.child'),
        ),
        migrations.RemoveField(
            model_name='ehcplan',
            name='child',
        ),
        migrations.AlterField(
            model_name='historicalehcplan',
            name='child',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='children.child'),
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='child',
        ),
        migrations.RemoveField(
            model_name='parentcarer',
            name='child',
        ),
        migrations.RemoveField(
            model_name='securityincident',
            name='affected_children',
        ),
        migrations.AlterField(
            model_name='historicalparentcarer',
            name='child',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='children.child'),
        ),
        migrations.RemoveField(
            model_name='consentoverride',
            name='authorised_by',
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='override',
        ),
        migrations.RemoveField(
            model_name='consentrecord',
            name='agencies',
        ),
        migrations.RemoveField(
            model_name='consentrecord',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='consentrecord',
            name='withdrawn_by',
        ),
        migrations.AlterField(
            model_name='historicalconsentrecord_agencies',
            name='consentrecord',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='children.consentrecord'),
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='consent',
        ),
        migrations.RemoveField(
            model_name='decisionnottoshare',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='decisionnottoshare',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='recipient',
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='recipient_person',
        ),
        migrations.RemoveField(
            model_name='disclosure',
            name='shared_by',
        ),
        migrations.RemoveField(
            model_name='documentdownload',
            name='document',
        ),
        migrations.RemoveField(
            model_name='documentdownload',
            name='user',
        ),
        migrations.RemoveField(
            model_name='documentrender',
            name='document',
        ),
        migrations.RemoveField(
            model_name='documentrender',
            name='issued_by',
        ),
        migrations.RemoveField(
            model_name='ehcplan',
            name='council',
        ),
        migrations.AlterField(
            model_name='historicalplanneed',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan'),
        ),
        migrations.AlterField(
            model_name='historicalplanprovision',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan'),
        ),
        migrations.AlterField(
            model_name='historicalplanoutcome',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan'),
        ),
        migrations.RemoveField(
            model_name='planprovision',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='planneed',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='planoutcome',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='plandocument',
            name='issued_by',
        ),
        migrations.RemoveField(
            model_name='planprovision',
            name='needs',
        ),
        migrations.AlterField(
            model_name='historicalplanneed_advice',
            name='planneed',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planneed'),
        ),
        migrations.RemoveField(
            model_name='planoutcome',
            name='needs',
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_needs',
            name='planneed',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planneed'),
        ),
        migrations.AlterField(
            model_name='historicalplanoutcome_needs',
            name='planneed',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planneed'),
        ),
        migrations.RemoveField(
            model_name='planprovision',
            name='outcomes',
        ),
        migrations.AlterField(
            model_name='historicalplanoutcome_needs',
            name='planoutcome',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planoutcome'),
        ),
        migrations.AlterField(
            model_name='historicalplanoutcome_advice',
            name='planoutcome',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planoutcome'),
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_outcomes',
            name='planoutcome',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planoutcome'),
        ),
        migrations.RemoveField(
            model_name='planprovision',
            name='health_agreed_by',
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_advice',
            name='planprovision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planprovision'),
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_needs',
            name='planprovision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planprovision'),
        ),
        migrations.AlterField(
            model_name='historicalplanprovision_outcomes',
            name='planprovision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.planprovision'),
        ),
        migrations.RemoveField(
            model_name='securityincident',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='securityincident',
            name='partners_to_notify',
        ),
        migrations.RemoveField(
            model_name='securityincident',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='settingconsultation',
            name='replied_by',
        ),
        migrations.RemoveField(
            model_name='settingconsultation',
            name='setting',
        ),
        migrations.RemoveField(
            model_name='statutoryexception',
            name='recorded_by',
        ),
        migrations.AlterField(
            model_name='historicaladviceextensionrequest',
            name='exception',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.statutoryexception'),
        ),
        migrations.AlterModelOptions(
            name='historicalassessment',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical assessment', 'verbose_name_plural': 'historical assessments'},
        ),
        migrations.AlterField(
            model_name='historicalassessment',
            name='child',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='children.child'),
        ),
        migrations.AlterField(
            model_name='historicalassessment',
            name='ehc_plan',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.ehcplan'),
        ),
        migrations.AlterField(
            model_name='historicalsecurityincident',
            name='ico_deadline',
            field=models.DateTimeField(help_text='72 hours after becoming aware (ehcp.governance.rules.incidents)'),
        ),
        migrations.DeleteModel(
            name='AccessEvent',
        ),
        migrations.DeleteModel(
            name='AdviceAttachment',
        ),
        migrations.DeleteModel(
            name='AdviceEntry',
        ),
        migrations.DeleteModel(
            name='AdviceExtensionRequest',
        ),
        migrations.DeleteModel(
            name='AdviceRequest',
        ),
        migrations.DeleteModel(
            name='BreakGlassAttempt',
        ),
        migrations.DeleteModel(
            name='BreakGlassGrant',
        ),
        migrations.DeleteModel(
            name='Case',
        ),
        migrations.DeleteModel(
            name='ParentCarer',
        ),
        migrations.DeleteModel(
            name='Child',
        ),
        migrations.DeleteModel(
            name='ConsentOverride',
        ),
        migrations.DeleteModel(
            name='ConsentRecord',
        ),
        migrations.DeleteModel(
            name='DecisionNotToShare',
        ),
        migrations.DeleteModel(
            name='Disclosure',
        ),
        migrations.DeleteModel(
            name='DocumentDownload',
        ),
        migrations.DeleteModel(
            name='DocumentRender',
        ),
        migrations.DeleteModel(
            name='EhcPlan',
        ),
        migrations.DeleteModel(
            name='Plan',
        ),
        migrations.DeleteModel(
            name='PlanDocument',
        ),
        migrations.DeleteModel(
            name='PlanNeed',
        ),
        migrations.DeleteModel(
            name='PlanOutcome',
        ),
        migrations.DeleteModel(
            name='PlanProvision',
        ),
        migrations.DeleteModel(
            name='SecurityIncident',
        ),
        migrations.DeleteModel(
            name='SettingConsultation',
        ),
        migrations.DeleteModel(
            name='StatutoryException',
        ),
    ]

    operations = [
        migrations.RenameModel(old_name="HistoricalCase", new_name="HistoricalAssessment"),
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
