"""The assessment episode (the model called `Case` before) and its advice, consultations and
exceptions move here from `ehcp`. State only: the tables keep their names and rows."""

import django.db.models.deletion
import django_fsm
import ehcp.assessments.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ehcp', '0011_ehc_plans_from_final_plans'),
        ('agencies', '0005_sharing_agreements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='SettingConsultation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('sent_on', models.DateField()),
                ('reply_due_on', models.DateField()),
                ('replied_on', models.DateField(blank=True, null=True)),
                ('response', models.CharField(blank=True, choices=[('AGREES', "The setting can meet the child's needs"), ('DECLINES', "The setting says it cannot meet the child's needs")], max_length=20)),
                ('response_notes', models.TextField(blank=True)),
            ],
            options={
                'db_table': 'ehcp_settingconsultation',
                'ordering': ['sent_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='StatutoryException',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('period_code', models.CharField(choices=[('EHCP-DECIDE-6W', 'Tell the parent or young person whether the council will carry out an EHC needs assessment within 6 weeks of receiving the request.'), ('EHCP-ADVICE-6W', 'A body asked for advice or information for the assessment must reply within 6 weeks of receiving the request.'), ('EHCP-NOT-ISSUE-16W', 'If, after the assessment, the council decides not to issue an EHC plan, tell the parent or young person within 16 weeks of receiving the request.'), ('EHCP-DRAFT-14W', 'Send the draft plan within 14 weeks of the request, so that the 15-day comment period and the school consultation fit inside the 20 weeks. This is an internal target, not a legal time limit.'), ('EHCP-DRAFT-COMMENTS-15D', 'The parent or young person has at least 15 days, beginning with the day the draft plan was served, to comment on it, ask for a school or college to be named and ask for a meeting.'), ('EHCP-CONSULT-15D', 'A school or college consulted about being named in the plan should reply within 15 calendar days. The final plan is still due at 20 weeks if it does not.'), ('EHCP-FINAL-20W', 'Issue the final EHC plan within 20 weeks of receiving the request (exceptions: reg 13(3), applying reg 10(4)).'), ('REVIEW-12M', "Review the EHC plan, and tell the family the council's decision, within 12 months of the plan being issued or of the last review."), ('REVIEW-UNDER5-6M', 'For a child under 5, consider reviewing the plan every 3 to 6 months; the product uses 6 months as the latest date (guidance, not a legal time limit).'), ('REVIEW-MEETING', "Hold the review meeting at least 4 weeks before the review must be complete, so that the council's decision still falls inside the 12 months."), ('REVIEW-INVITES-2W', "Give everyone invited at least 2 weeks' notice of the review meeting, and send them the advice and information gathered at least 2 weeks before it."), ('REVIEW-REPORT-2W', 'Send the review report to everyone invited within 2 weeks of the review meeting.'), ('REVIEW-DECISION-4W', 'Within 4 weeks of the review meeting, tell the parent or young person whether the council will keep, amend or cease the plan; if amending, send the proposed amendments with the decision.'), ('AMEND-COMMENTS-15D', 'The parent or young person has at least 15 days, beginning with the day the amendment notice was served, to comment, ask for a school or college to be named and ask for a meeting.'), ('AMEND-FINAL-8W', 'Issue the final amended plan within 8 weeks of sending the amendment notice.'), ('PHASE-TRANSFER-15FEB', 'When a child is moving between phases of education (other than secondary to post-16), review the plan and issue any amended plan before 15 February of the year of transfer, so by 14 February at the latest.'), ('PHASE-TRANSFER-31MAR', 'When a young person is moving from secondary school to a post-16 institution, review the plan and issue any amended plan before 31 March of the year of transfer, so by 30 March at the latest.'), ('MEDIATION-CONTACT-2M', 'A parent or young person who wants to appeal must contact the mediation adviser within 2 months after the decision letter was sent.'), ('APPEAL-2M', 'An appeal to the SEND Tribunal must be received within 2 months after the decision letter was sent, or within 1 month of a mediation certificate if that is later.'), ('APPEAL-CERT-1M', 'Where a mediation certificate is issued, the appeal may be received up to 1 month after the certificate was issued, if that is later than 2 months after the decision letter.')], max_length=40)),
                ('limb', models.CharField(choices=[('10(4)(a)', 'The head teacher or principal of a school or post-16 institution was asked for advice during a closure of at least 4 continuous weeks (from one week before it closed until one week before it reopened)'), ('10(4)(b)', "The person responsible for special educational needs, or for the child's education, at an early years provider was asked for advice during a closure of at least 4 continuous weeks (from one week before it closed until one week before it reopened)"), ('10(4)(c)', "Exceptional personal circumstances affected the child, the child's parent or the young person during the time limit"), ('10(4)(d)', "The child, the child's parent or the young person was away from the council's area for a continuous period of at least 4 weeks during the time limit"), ('5(4)(a)', 'The head teacher or principal of a school or post-16 institution was asked for advice during a closure of at least 4 continuous weeks (from one week before it closed until one week before it reopened)'), ('5(4)(b)', "The person responsible for special educational needs, or for the child's education, at an early years provider was asked for advice during a closure of at least 4 continuous weeks (from one week before it closed until one week before it reopened)"), ('5(4)(c)', "Exceptional personal circumstances affected the child, the child's parent or the young person during the 6 weeks"), ('5(4)(d)', "The child, the child's parent or the young person was away from the council's area for a continuous period of at least 4 weeks during the 6 weeks"), ('8(2)(a)', "Exceptional circumstances affected the child, the child's parent or the young person during the 6 weeks"), ('8(2)(b)', "The child, the child's parent or the young person was away from the council's area for a continuous period of at least 4 weeks during the 6 weeks"), ('8(2)(c)', 'The child or young person missed an appointment for an examination or test made by the body during the 6 weeks')], max_length=10)),
                ('starts_on', models.DateField()),
                ('ends_on', models.DateField(blank=True, null=True)),
                ('evidence', models.TextField()),
                ('reasoning', models.TextField(help_text='Why the exception made the time limit impractical')),
                ('family_told_on', models.DateField(blank=True, null=True)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'db_table': 'ehcp_statutoryexception',
                'ordering': ['starts_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='AdviceRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('PARENT_VIEWS', 'Views of the parent or young person (reg 6(1)(a))'), ('EDUCATIONAL', 'Educational advice (reg 6(1)(b))'), ('HEALTH', 'Medical advice (reg 6(1)(c))'), ('PSYCHOLOGICAL', 'Psychological advice (reg 6(1)(d))'), ('SOCIAL_CARE', 'Social care advice (reg 6(1)(e))'), ('OTHER', 'Other advice (reg 6(1)(f)-(h))')], max_length=20)),
                ('requested_on', models.DateField()),
                ('due_on', models.DateField(db_index=True)),
                ('received_on', models.DateField(blank=True, null=True)),
                ('summary', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('DRAFT', 'Not submitted yet'), ('SUBMITTED', "Submitted, waiting for the council's review"), ('ACCEPTED', 'Accepted by the council'), ('RETURNED', 'Returned to the adviser')], default='DRAFT', max_length=10)),
                ('draft_saved_at', models.DateTimeField(blank=True, null=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
                ('returned_reason', models.TextField(blank=True)),
                ('returned_at', models.DateTimeField(blank=True, null=True)),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='advice_requests', to='agencies.agency')),
                ('returned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_advicerequest',
                'ordering': ['due_on', 'kind'],
            },
        ),
        migrations.CreateModel(
            name='AdviceExtensionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('new_date', models.DateField(verbose_name='Date the advice will be ready')),
                ('reason', models.TextField()),
                ('limb', models.CharField(blank=True, choices=[('8(2)(a)', "Reg 8(2)(a): Exceptional circumstances affected the child, the child's parent or the young person during the 6 weeks"), ('8(2)(b)', "Reg 8(2)(b): The child, the child's parent or the young person was away from the council's area for a continuous period of at least 4 weeks during the 6 weeks"), ('8(2)(c)', 'Reg 8(2)(c): The child or young person missed an appointment for an examination or test made by the body during the 6 weeks')], max_length=10)),
                ('starts_on', models.DateField(blank=True, null=True, verbose_name='Date the circumstances began')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='Date they ended')),
                ('decision', models.CharField(choices=[('PENDING', "Waiting for the council's decision"), ('ACCEPTED', 'More time agreed'), ('REFUSED', 'More time refused')], default='PENDING', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reason', models.TextField(blank=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('advice_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extension_requests', to='assessments.advicerequest')),
            ],
            options={
                'db_table': 'ehcp_adviceextensionrequest',
                'ordering': ['requested_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='AdviceEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('VIEWS', 'Views, interests and aspirations'), ('NEED', 'Need'), ('OUTCOME', 'Outcome sought'), ('PROVISION', 'Provision')], max_length=10)),
                ('plan_section', models.CharField(choices=[('A', 'A: views, interests and aspirations'), ('B', 'B: special educational needs'), ('C', 'C: health care needs'), ('D', 'D: social care needs'), ('E', 'E: outcomes'), ('F', 'F: special educational provision'), ('G', 'G: health provision'), ('H1', 'H1: social care provision (s.2 CSDPA 1970)'), ('H2', 'H2: other social care provision')], max_length=2)),
                ('text', models.TextField()),
                ('who', models.CharField(blank=True, max_length=200, verbose_name='Who provides it')),
                ('frequency_count', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='How many times')),
                ('frequency_period', models.CharField(blank=True, choices=[('DAY', 'a day'), ('WEEK', 'a week'), ('MONTH', 'a month'), ('TERM', 'a term'), ('YEAR', 'a year')], max_length=5, verbose_name='Per')),
                ('session_minutes', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='Minutes each time')),
                ('duration', models.CharField(blank=True, max_length=200, verbose_name='For how long')),
                ('order', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('links', models.ManyToManyField(blank=True, related_name='provided_by', to='assessments.adviceentry')),
                ('advice_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='assessments.advicerequest')),
            ],
            options={
                'verbose_name_plural': 'advice entries',
                'db_table': 'ehcp_adviceentry',
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='AdviceAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('file', models.FileField(upload_to=ehcp.assessments.models.attachment_path)),
                ('original_name', models.CharField(max_length=100)),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('advice_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='assessments.advicerequest')),
            ],
            options={
                'db_table': 'ehcp_adviceattachment',
                'ordering': ['uploaded_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Assessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('status', django_fsm.FSMField(choices=[('REQUESTED', 'Request received'), ('REFUSED', 'Assessment refused'), ('ASSESSING', 'Assessing'), ('NOT_ISSUED', 'Decided not to issue a plan'), ('DRAFTING', 'Drafting the plan'), ('DRAFT_ISSUED', 'Draft plan issued'), ('CONSULTING', 'Consulting settings'), ('FINAL_ISSUED', 'Final plan issued')], default='REQUESTED', max_length=20, protected=True)),
                ('requested_by', models.CharField(choices=[('PARENT', 'Parent or carer'), ('YOUNG_PERSON', 'Young person'), ('SETTING', 'School or setting'), ('OTHER', 'Someone else (the council became responsible under s.24)')], max_length=20)),
                ('requester_name', models.CharField(blank=True, max_length=200)),
                ('request_received_on', models.DateField()),
                ('request_reasons', models.TextField()),
                ('decision_to_assess_due_on', models.DateField(db_index=True)),
                ('decision_not_to_issue_due_on', models.DateField()),
                ('final_plan_due_on', models.DateField(db_index=True)),
                ('assessment_decided_on', models.DateField(blank=True, null=True)),
                ('refusal_reasons', models.TextField(blank=True)),
                ('issue_decided_on', models.DateField(blank=True, null=True)),
                ('not_issuing_reasons', models.TextField(blank=True)),
                ('draft_issued_on', models.DateField(blank=True, null=True)),
                ('draft_comments_due_on', models.DateField(blank=True, null=True)),
                ('comments_received_on', models.DateField(blank=True, null=True)),
                ('comments_summary', models.TextField(blank=True)),
                ('meeting_requested', models.BooleanField(default=False)),
                ('final_issued_on', models.DateField(blank=True, null=True)),
                ('closed_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('caseworker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'ehcp_case',
            },
            bases=(django_fsm.ConcurrentTransitionMixin, django_fsm.FSMModelMixin, models.Model),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
