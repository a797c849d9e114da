"""Two people clicking at the same moment: exactly one wins, the other gets a clear message (CD-01).

The flow's lock is SELECT ... FOR UPDATE on the process row under a lock_timeout
(`workflows.locking`), so this needs PostgreSQL and real transactions: each thread has its own
connection and commits for real.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from agencies.models import Role
from ehcp.assessments.models import AdviceRequest, Assessment, AssessmentStatus
from ehcp.assessments.services import assessment as services
from tests.concurrency import POSTGRES_ONLY, outcome, race
from tests.factories import CaseWalk, member
from workflows.models import CaseTask
from workflows.services import TaskConflict, task_claim, task_complete

pytestmark = POSTGRES_ONLY

User = get_user_model()


def test_exactly_one_claim_wins_when_two_advisers_claim_at_once(cast):
    walk = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    task_id = walk.task("health_advice").pk
    colleague = member(cast.health, Role.HEALTH_ADVISER)

    def claim_as(user_id):
        def prepare():
            task, user = CaseTask.objects.get(pk=task_id), User.objects.get(pk=user_id)
            return lambda: task_claim(task=task, user=user)

        return prepare

    wins, errors = outcome(race(claim_as(cast.health_adviser.pk), claim_as(colleague.pk)))

    assert len(wins) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], TaskConflict), errors
    assert errors[0].message.startswith(
        ("This task has already been claimed by", "Someone else is working on this case right now")
    )
    task = CaseTask.objects.get(pk=task_id)
    assert task.status == "ASSIGNED"
    assert task.owner_id == wins[0].owner_id
    assert task.owner_id in {cast.health_adviser.pk, colleague.pk}


@pytest.mark.parametrize("who", ["the holder in two tabs", "two caseworkers from the queue"])
def test_decision_is_recorded_once_when_two_submissions_arrive_at_once(cast, who):
    walk = CaseWalk(cast)
    if who == "the holder in two tabs":
        walk.receive()  # the task goes straight to the case's caseworker
        people = [cast.caseworker, cast.caseworker]
    else:
        # The task waits in the council queue; each claims it, then decides.
        walk.receive(caseworker=None)
        people = [cast.caseworker, member(cast.council, Role.CASEWORKER)]
    walk.consent()
    task_id = walk.task("decide_to_assess").pk
    case_id = walk.case.pk
    on = walk.when.decided_on

    def decide_as(user_id):
        def prepare():
            task, user = CaseTask.objects.get(pk=task_id), User.objects.get(pk=user_id)
            advice = walk.advice_to_seek()

            def perform(case):
                services.case_assessment_decide(
                    case=case, assess=True, decided_on=on, advice=advice, by=user, today=on
                )

            def act():
                if task.owner_id is None:
                    task_claim(task=task, user=user)
                return task_complete(task=task, user=user, perform=perform)

            return act

        return prepare

    wins, errors = outcome(race(*(decide_as(person.pk) for person in people)))

    assert len(wins) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], TaskConflict), errors
    case = Assessment.objects.get(pk=case_id)
    assert case.status == AssessmentStatus.ASSESSING
    reasons = list(case.history.values_list("history_change_reason", flat=True))
    assert reasons.count("Decided to assess; advice requested") == 1
    assert AdviceRequest.objects.filter(case=case).count() == len(walk.advice)
    task = CaseTask.objects.get(pk=task_id)
    assert task.status == "DONE"
    assert task.owner_id == wins[0].owner_id
    open_names = sorted(t.flow_task.name for t in CaseTask.objects.human().open().filter(case=case))
    # One set of advice tasks, and the decision whether to issue beside them (issue 9).
    assert open_names == [
        "decide_to_issue",
        "health_advice",
        "parent_views",
        "psychological_advice",
    ]


def test_one_of_sixteen_claimants_wins_and_the_others_are_told_who(cast):
    """The losers wait in the lock queue for the winner's transaction, not for a retry's sleep:
    each re-reads the task afterwards and is told who has it, none runs into the lock's timeout."""
    walk = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    task_id = walk.task("health_advice").pk
    advisers = [cast.health_adviser] + [member(cast.health, Role.HEALTH_ADVISER) for _ in range(15)]

    def claim_as(user_id):
        def prepare():
            task, user = CaseTask.objects.get(pk=task_id), User.objects.get(pk=user_id)
            return lambda: task_claim(task=task, user=user)

        return prepare

    wins, errors = outcome(race(*(claim_as(adviser.pk) for adviser in advisers)))

    assert len(wins) == 1, errors
    assert len(errors) == 15
    assert all(isinstance(error, TaskConflict) for error in errors), errors
    assert all(
        error.message.startswith("This task has already been claimed by") for error in errors
    )
    assert CaseTask.objects.get(pk=task_id).owner_id == wins[0].owner_id


def test_a_step_held_past_the_lock_timeout_fails_with_a_clear_message(cast, settings):
    """A colleague's step that keeps the case locked longer than WORKFLOW_LOCK_TIMEOUT_MS: the
    claim stops waiting at the timeout, changes nothing and says someone else is working."""
    settings.WORKFLOW_LOCK_TIMEOUT_MS = 200
    walk = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    task = walk.task("health_advice")
    flow = task.flow_task.flow_class
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with flow.lock(task.process_id):
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(TaskConflict) as refused:
            task_claim(task=CaseTask.objects.get(pk=task.pk), user=cast.health_adviser)
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=10)

    assert refused.value.message.startswith("Someone else is working on this case right now")
    assert 0.2 <= waited < 5  # it waited for the timeout, not for the holder (10 s)
    assert CaseTask.objects.get(pk=task.pk).owner_id is None
