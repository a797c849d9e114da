"""Settings consulted in parallel, and a setting that does not reply, through the real flow.

s.39(2) CFA 2014: the family's requested school must be consulted; s.40(2): the council names a
school or a type of school after consulting, and may consult its alternatives. SEND Code of
Practice 9.83: each setting has 15 days to reply (its own task, chased when late). Reg 13(2): the
final plan is due by week 20, so it is issued once every consultation has a reply or its 15 days
have passed; the silence is recorded and the setting's task and chaser end. Reg 13(1): never
before the family's 15 days for representations on the draft.
"""

from datetime import timedelta

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from agencies.models import AgencyKind
from ehcp.assessments.models import AssessmentStatus, ConsultationResponse, SettingConsultation
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common.services import CaseRuleError
from tests.factories import AgencyFactory, CaseWalk
from workflows import services as wf
from workflows.flows import StatutoryAssessmentFlow
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def consult_two(walk: CaseWalk, *, other_name="Hillside Academy"):
    """Record comments consulting the family's school and one council alternative."""
    walk.to(AssessmentStatus.DRAFT_ISSUED)
    other = AgencyFactory(kind=AgencyKind.SCHOOL, name=other_name)
    on = walk.when.consulted_on
    walk.complete(
        walk.task("record_comments"),
        lambda case: assessment_services.draft_comments_record(
            case=case,
            received_on=walk.when.comments_on,
            summary="The family ask for their local school",
            requested_setting=walk.cast.school,
            alternatives=[other],
            by=walk.cast.caseworker,
            today=on,
        ),
    )
    walk.refresh()
    return other


def reply_tasks(case):
    return [
        t
        for t in CaseTask.objects.human().filter(case=case).order_by("pk")
        if t.flow_task.name == "reply_to_consultation"
    ]


def issue_final(walk, *, on, named_setting=None, named_setting_type=""):
    return walk.complete(
        walk.task("issue_final"),
        lambda case: _issue(case, walk, on, named_setting, named_setting_type),
    )


def _issue(case, walk, on, named_setting, named_setting_type):
    from workflows.steps import _issue_final

    return _issue_final(
        case,
        None,
        {"issued_on": on, "named_setting": named_setting, "named_setting_type": named_setting_type},
        walk.cast.caseworker,
        on,
    )


def test_each_setting_consulted_gets_its_own_task_and_the_final_plan_task_is_open_alongside(cast):
    """s.39(2)/s.40(2) CFA 2014; CoP 9.83: one reply task per setting, each due in its own 15
    days, routed to the setting by the consultation; issue_final does not wait for them."""
    walk = CaseWalk(cast)
    other = consult_two(walk)

    consultations = list(SettingConsultation.objects.filter(case=walk.case).order_by("pk"))
    assert [(c.setting, c.requested_by_family) for c in consultations] == [
        (cast.school, True),
        (other, False),
    ]
    tasks = reply_tasks(walk.case)
    assert [(t.agency, t.subject_id, t.due_on, t.rule_code) for t in tasks] == [
        (c.setting, c.pk, c.reply_due_on, "EHCP-CONSULT-15D") for c in consultations
    ]
    assert all(c.reply_due_on == walk.when.consulted_on + 14 * DAY for c in consultations)
    open_names = sorted(t.flow_task.name for t in walk.open_tasks())
    assert open_names == ["issue_final", "reply_to_consultation", "reply_to_consultation"]
    # Each reply task has its chaser armed.
    for task in tasks:
        assert CaseTask.objects.filter(
            previous=task, flow_task_type="TIMER", status=STATUS.SCHEDULED
        ).exists()


def test_final_plan_is_refused_while_a_setting_is_inside_its_15_days(cast):
    """CoP 9.83: the alternative has not replied and its 15 days have not passed."""
    walk = CaseWalk(cast)
    consult_two(walk)
    walk.reply_to_consultation(cast.school)
    due = walk.case.consultations.get(requested_by_family=False).reply_due_on

    with pytest.raises(CaseRuleError, match="waiting for Hillside Academy"):
        issue_final(walk, on=due, named_setting=cast.school)
    assert walk.refresh().status == AssessmentStatus.CONSULTING
    assert walk.task("issue_final").status != STATUS.DONE


def test_final_plan_is_issued_when_a_setting_never_replies_and_its_silence_is_recorded(cast):
    """Reg 13(2), CoP 9.83: the 15 days passed without a reply: the plan is issued, the
    consultation says "No reply by <due date>", and its task and chaser end with that reason."""
    walk = CaseWalk(cast)
    other = consult_two(walk)
    walk.reply_to_consultation(cast.school)
    silent = walk.case.consultations.get(setting=other)
    on = silent.reply_due_on + DAY

    issue_final(walk, on=on, named_setting=cast.school)

    case = walk.refresh()
    assert case.status == AssessmentStatus.FINAL_ISSUED and case.named_setting == cast.school
    silent.refresh_from_db()
    assert silent.response == ConsultationResponse.NO_REPLY
    assert silent.closed_without_reply_on == on
    assert silent.outcome_display == f"No reply by {silent.reply_due_on:%-d %B %Y}"
    assert silent.history.first().history_change_reason.startswith("No reply by")
    replied = walk.case.consultations.get(setting=cast.school)
    assert replied.closed_without_reply_on is None and replied.response == "AGREES"
    task = next(t for t in reply_tasks(case) if t.subject_id == silent.pk)
    assert task.status == STATUS.CANCELED
    assert task.data["cancelled"]["reason"].startswith(
        f"No reply by {silent.reply_due_on:%-d %B %Y}"
    )
    assert not CaseTask.objects.filter(
        previous=task, flow_task_type="TIMER", status__in=[STATUS.NEW, STATUS.SCHEDULED]
    ).exists()
    assert case.processes.get().status == PROCESS.DONE
    assert not CaseTask.objects.filter(case=case).open().exists()


def test_the_silent_setting_may_be_named(cast):
    """s.39(4): a consulted setting may be named though it did not reply; the record says so."""
    walk = CaseWalk(cast)
    other = consult_two(walk)
    walk.reply_to_consultation(cast.school)
    on = walk.case.consultations.get(setting=other).reply_due_on + DAY

    issue_final(walk, on=on, named_setting=other)

    assert walk.refresh().named_setting == other


def test_final_plan_may_name_a_type_of_setting(cast):
    """s.40(2): where no school is named, the council names a type of school."""
    walk = CaseWalk(cast)
    consult_two(walk)
    on = walk.case.consultations.order_by("-reply_due_on").first().reply_due_on + DAY

    issue_final(walk, on=on, named_setting_type="A special school for children with autism")

    case = walk.refresh()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.named_setting is None
    assert case.named_setting_type == "A special school for children with autism"
    assert set(case.consultations.values_list("response", flat=True)) == {"NO_REPLY"}


def test_no_setting_replies_and_the_representations_minimum_still_holds(cast):
    """Reg 13(1): even with every 15 days passed, never before the family's 15 days end; here
    those ended earlier, so the plan is issued the day after the settings' 15 days."""
    walk = CaseWalk(cast)
    consult_two(walk)
    due = walk.case.consultations.first().reply_due_on
    assert walk.case.draft_comments_due_on < due

    issue_final(walk, on=due + DAY, named_setting=cast.school)

    assert walk.refresh().status == AssessmentStatus.FINAL_ISSUED


def test_another_setting_consulted_later_gets_its_own_task_and_15_days(cast):
    """s.40(2), CoP 9.83: the first school declined; the council consults another."""
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    later = AgencyFactory(kind=AgencyKind.SCHOOL, name="Meadow Special School")
    today = walk.when.consulted_on + 5 * DAY

    consultation = wf.setting_consult(
        case=walk.case, setting=later, by=cast.caseworker, today=today
    )

    assert (consultation.sent_on, consultation.reply_due_on) == (today, today + 14 * DAY)
    assert not consultation.requested_by_family
    task = CaseTask.objects.get(
        case=walk.case, subject_id=consultation.pk, rule_code="EHCP-CONSULT-15D"
    )
    assert task.flow_task.name == "reply_to_consultation" and task.is_open
    assert (task.agency, task.due_on) == (later, consultation.reply_due_on)
    assert CaseTask.objects.filter(previous=task, flow_task_type="TIMER").exists()
    # The final plan waits for it now.
    walk.reply_to_consultation()  # the first school (the walk's) replies
    with pytest.raises(CaseRuleError, match="waiting for Meadow Special School"):
        issue_final(walk, on=consultation.reply_due_on, named_setting=cast.school)
    issue_final(walk, on=consultation.reply_due_on + DAY, named_setting=cast.school)
    task.refresh_from_db()
    assert task.status == STATUS.CANCELED
    assert walk.case.processes.get().status == PROCESS.DONE


def test_a_setting_already_waiting_for_is_not_consulted_twice(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    with pytest.raises(CaseRuleError, match="already being consulted"):
        wf.setting_consult(
            case=walk.case, setting=cast.school, by=cast.caseworker, today=walk.when.consulted_on
        )
    assert walk.case.consultations.count() == 1


def test_a_process_started_before_parallel_consultations_still_reaches_the_final_plan(cast):
    """In-flight cases: a process waiting at its one reply_to_consultation task with no
    issue_final task (the old sequential flow) gets its issue_final task when the setting
    replies."""
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    flow = StatutoryAssessmentFlow.instance
    old = CaseTask.objects.filter(case=walk.case, flow_task=flow.issue_final)
    CaseTask.objects.filter(previous__in=old).delete()
    old.delete()
    CaseTask.objects.filter(case=walk.case, flow_task=flow.consult).delete()
    assert [t.flow_task.name for t in walk.open_tasks()] == ["reply_to_consultation"]

    walk.reply_to_consultation()

    assert [t.flow_task.name for t in walk.open_tasks()] == ["issue_final"]
    walk.issue_final()
    assert walk.case.status == AssessmentStatus.FINAL_ISSUED
    assert walk.case.processes.get().status == PROCESS.DONE


def test_an_old_process_whose_setting_never_replies_gets_its_final_plan_task(cast):
    """workflows.repairs (was migrations/0007): a process written before the final plan's task opened beside
    the replies, whose setting never answers, gets the task (routed to the council, due at 20
    weeks, chased) and reaches the final plan once the 15 days have passed."""
    import io

    from django.core.management import call_command

    from workflows import repairs

    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    flow = StatutoryAssessmentFlow.instance
    old = CaseTask.objects.filter(case=walk.case, flow_task=flow.issue_final)
    CaseTask.objects.filter(previous__in=old).delete()
    old.delete()
    CaseTask.objects.filter(case=walk.case, flow_task=flow.consult).delete()
    assert [t.flow_task.name for t in walk.open_tasks()] == ["reply_to_consultation"]

    # `migrate` runs the repairs once nothing is left to apply (post_migrate).
    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert "Repaired 1 process(es) left by an older flow: consulting_without_final_plan_task" in (
        out.getvalue()
    )
    assert repairs.consulting_without_final_plan_task() == 0  # a second run finds nothing

    final = walk.task("issue_final")
    case = walk.refresh()
    assert (final.agency, final.due_on, final.owner) == (
        cast.council,
        case.final_plan_due_on,
        cast.caseworker,
    )
    assert CaseTask.objects.filter(previous=final, flow_task_type="TIMER").exists()
    consultation = case.consultations.get()
    issue_final(walk, on=consultation.reply_due_on + DAY, named_setting=cast.school)
    consultation.refresh_from_db()
    assert consultation.closed_without_reply_on == consultation.reply_due_on + DAY
    assert walk.refresh().status == AssessmentStatus.FINAL_ISSUED
    assert not walk.open_tasks().exists()
    assert walk.case.processes.get().status == PROCESS.DONE
