"""Cancelling steps nobody owes any more: the task and its chaser go together, with the reason."""

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from tests.factories import ALL_ADVICE, CaseWalk
from workflows.closing import case_open_tasks_cancel
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db


def test_cancelling_the_open_steps_cancels_their_chasers_and_records_why(cast):
    walk = CaseWalk(cast, advice=ALL_ADVICE)
    walk.receive()
    walk.consent()
    case = walk.decide_to_assess()
    open_before = list(walk.open_tasks())
    assert open_before
    timers = CaseTask.objects.filter(case=case, flow_task_type="TIMER", status=STATUS.SCHEDULED)
    assert timers.exists()
    keep = walk.task("parent_views")

    cancelled = case_open_tasks_cancel(
        case=case, reason="The parent withdrew the request", by=cast.caseworker, keep=[keep]
    )

    assert {t.pk for t in cancelled} == {t.pk for t in open_before} - {keep.pk}
    assert [t.pk for t in walk.open_tasks()] == [keep.pk]
    assert not timers.exclude(previous=keep).exists()
    task = CaseTask.objects.get(pk=cancelled[0].pk)
    assert task.status == STATUS.CANCELED and task.finished is not None
    assert task.data["cancelled"]["reason"] == "The parent withdrew the request"
    assert task.data["cancelled"]["by"] == cast.caseworker.pk
    assert case.processes.get().status == PROCESS.NEW


def test_finished_tasks_are_left_alone(cast):
    walk = CaseWalk(cast, advice=ALL_ADVICE)
    walk.receive()
    walk.consent()
    case = walk.decide_to_assess()
    done = CaseTask.objects.human().filter(case=case, status=STATUS.DONE)
    before = list(done.values_list("pk", "status", "finished"))
    case_open_tasks_cancel(case=case, reason="Closed", by=cast.caseworker)
    assert list(done.values_list("pk", "status", "finished")) == before
    assert not walk.open_tasks()
