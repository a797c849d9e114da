"""Flows already running survive the move of the flow class (workflows/flows.py became the
package workflows/flows/): migration 0004 rewrites the references viewflow stored."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from viewflow.workflow.fields import get_flow_ref, get_task_ref

from ehcp.assessments.models import AdviceKind, AssessmentStatus
from workflows.flows import StatutoryAssessmentFlow
from workflows.models import CaseProcess, CaseTask

pytestmark = pytest.mark.django_db

migration = importlib.import_module("workflows.migrations.0004_flows_package_references")
OLD = "workflows/flows.StatutoryAssessmentFlow"
NEW = "workflows/flows.assessment.StatutoryAssessmentFlow"


def stored(process) -> tuple[str, set[str]]:
    """The strings in the database: the process's flow class and its tasks' nodes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT flow_class FROM workflows_caseprocess WHERE id = %s", [process.pk])
        (flow_class,) = cursor.fetchone()
        cursor.execute(
            "SELECT flow_task FROM workflows_casetask WHERE process_id = %s", [process.pk]
        )
        return flow_class, {row[0] for row in cursor.fetchall()}


def test_the_flow_is_stored_by_its_new_module_path():
    assert get_flow_ref(StatutoryAssessmentFlow) == NEW
    assert migration.MOVES == {OLD: NEW}
    node = StatutoryAssessmentFlow.instance.node("decide_to_assess")
    assert get_task_ref(node) == f"{NEW}.decide_to_assess"


def test_a_flow_stored_under_the_old_path_keeps_running_after_the_migration(walk, client):
    walk.to(AssessmentStatus.ASSESSING)
    # One branch done: it ended on its own, and the other branches must find their nodes.
    walk.submit_advice(AdviceKind.PARENT_VIEWS)
    process = CaseProcess.objects.get(case=walk.case)
    new_flow_class, new_tasks = stored(process)
    assert new_flow_class == NEW and all(ref.startswith(f"{NEW}.") for ref in new_tasks)
    assert f"{NEW}.advice_done" in new_tasks

    # As a database written before the move holds it.
    CaseProcess.objects.filter(pk=process.pk).update(flow_class=OLD)
    CaseTask.objects.filter(process=process).update(
        flow_task=migration.Replace("flow_task", migration.Value(NEW), migration.Value(OLD))
    )
    old_tasks = {ref.replace(NEW, OLD) for ref in new_tasks}
    assert stored(process) == (OLD, old_tasks)
    health = StatutoryAssessmentFlow.instance.node("health_advice")
    assert not CaseTask.objects.filter(process=process, flow_task=health).exists()

    migration.forwards(apps, None)

    assert stored(process) == (NEW, new_tasks)
    process.refresh_from_db()
    assert process.flow_class is StatutoryAssessmentFlow
    assert CaseTask.objects.filter(process=process, flow_task=health).exists()
    # Its open tasks show, and the flow goes on: the advice comes and the plan is decided on.
    task = walk.advice_task(AdviceKind.HEALTH)
    assert task.flow_task is health
    client.force_login(walk.cast.worker_for(task.agency))
    page = client.get(f"/tasks/{task.public_id}/")
    assert page.status_code == 200 and "Give health advice" in page.content.decode()
    for kind in (AdviceKind.HEALTH, AdviceKind.PSYCHOLOGICAL):
        walk.submit_advice(kind)
    assert walk.refresh().status == AssessmentStatus.ASSESSING
    assert [t.flow_task.name for t in walk.open_tasks()] == ["decide_to_issue"]
    walk.decide_to_issue()
    assert walk.refresh().status == AssessmentStatus.DRAFTING
    ends = CaseTask.objects.filter(
        process=process, flow_task=StatutoryAssessmentFlow.instance.node("advice_done")
    )
    assert ends.count() == 3


def test_the_migration_goes_back_to_the_old_references(walk):
    walk.to(AssessmentStatus.REQUESTED)
    process = CaseProcess.objects.get(case=walk.case)
    _, new_tasks = stored(process)
    migration.backwards(apps, None)
    assert stored(process) == (OLD, {ref.replace(NEW, OLD) for ref in new_tasks})
    migration.forwards(apps, None)
    assert stored(process) == (NEW, new_tasks)


def test_other_flows_references_are_left_alone(walk):
    walk.to(AssessmentStatus.REQUESTED)
    process = CaseProcess.objects.get(case=walk.case)
    _, tasks = stored(process)
    migration.rewrite(apps, {"workflows/flows.Elsewhere": "workflows/flows.x.Elsewhere"})
    assert stored(process) == (NEW, tasks)
