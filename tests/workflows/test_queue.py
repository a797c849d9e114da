"""Working an agency's queue: claim, release, reassign and complete, with permissions read from the
person's memberships on every request (AC-05, AC-06)."""

import pytest
from django.contrib.auth import get_user_model
from viewflow.workflow.status import STATUS

from agencies.models import Agency, Role
from ehcp.assessments.models import AdviceRequest, AssessmentStatus
from ehcp.assessments.services import advice as services
from notifications.models import Notification
from tests.factories import CaseWalk, advice_entries, db_state, member
from workflows.models import TaskReassignment
from workflows.services import TaskConflict, task_claim, task_complete, task_reassign, task_release

pytestmark = pytest.mark.django_db

User = get_user_model()
REASON = "Covering annual leave"


def fresh(user):
    """The same person as the next request sees them (nothing cached on the instance)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def health_task(cast):
    """The unclaimed 'Give health advice' task in the health provider's queue."""
    walk = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.ASSESSING)
    task = walk.task("health_advice")
    assert (task.agency, task.owner, task.status) == (cast.health, None, STATUS.NEW)
    return task


@pytest.fixture
def council_task(cast):
    """'Decide whether to assess' for a case with no caseworker: it waits in the council queue."""
    walk = CaseWalk(cast)
    walk.receive(caseworker=None)
    task = walk.task("decide_to_assess")
    assert (task.agency, task.owner, task.status) == (cast.council, None, STATUS.NEW)
    return task


def submit_health_advice(task, user):
    advice = AdviceRequest.objects.get(pk=task.subject_id)
    on = advice.requested_on

    def perform(case):
        services.advice_draft_save(
            advice=advice, entries=advice_entries(advice.kind), by=user, today=on
        )
        services.advice_submit(advice=advice, received_on=on, summary="Advice", by=user, today=on)

    return task_complete(task=task, user=user, perform=perform)


# -- claiming ------------------------------------------------------------------------------------


def test_task_is_claimed_when_a_member_with_the_queue_role_claims_it(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)

    health_task.refresh_from_db()
    assert (health_task.status, health_task.owner) == (STATUS.ASSIGNED, cast.health_adviser)
    assert health_task.assigned is not None


def test_claim_is_refused_when_the_member_has_another_role(cast, health_task):
    panel_member = member(cast.health, Role.PANEL_MEMBER)

    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=health_task, user=panel_member)

    health_task.refresh_from_db()
    assert (health_task.status, health_task.owner) == (STATUS.NEW, None)


@pytest.mark.parametrize("who", ["psychologist", "caseworker", "manager", "outsider"])
def test_claim_is_refused_when_the_person_works_for_another_agency(cast, health_task, who):
    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=health_task, user=getattr(cast, who))


def test_claim_is_refused_when_a_manager_of_another_council_claims_a_council_task(
    cast, council_task
):
    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=council_task, user=cast.outsider)


def test_claim_is_refused_when_the_task_is_already_claimed(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    colleague = member(cast.health, Role.HEALTH_ADVISER, first_name="Priya", last_name="Shah")
    before = db_state()

    with pytest.raises(TaskConflict) as info:
        task_claim(task=health_task, user=colleague)

    holder = cast.health_adviser.get_full_name()
    assert holder
    assert info.value.message == f"This task has already been claimed by {holder}"
    assert db_state() == before


def test_claim_changes_nothing_when_the_holder_claims_again(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    before = db_state()

    task_claim(task=health_task, user=cast.health_adviser)

    assert db_state() == before


def test_claim_is_refused_when_the_task_is_completed(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    submit_health_advice(health_task, cast.health_adviser)

    with pytest.raises(TaskConflict, match="already been completed"):
        task_claim(task=health_task, user=cast.health_adviser)


# -- releasing -----------------------------------------------------------------------------------


def test_task_returns_to_the_queue_when_its_holder_releases_it(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)

    task_release(task=health_task, user=cast.health_adviser)

    health_task.refresh_from_db()
    assert (health_task.status, health_task.owner, health_task.assigned) == (STATUS.NEW, None, None)


def test_task_returns_to_the_queue_when_a_manager_releases_it(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)

    task_release(task=council_task, user=cast.manager)

    council_task.refresh_from_db()
    assert (council_task.status, council_task.owner) == (STATUS.NEW, None)


def test_release_is_refused_when_a_colleague_who_is_not_a_manager_releases_it(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)
    colleague = member(cast.council, Role.CASEWORKER)

    with pytest.raises(TaskConflict, match="Only the person who claimed this task, or a manager"):
        task_release(task=council_task, user=colleague)

    council_task.refresh_from_db()
    assert council_task.owner == cast.caseworker


def test_release_is_refused_when_a_manager_of_another_council_releases_it(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)

    with pytest.raises(TaskConflict, match="Only the person who claimed this task, or a manager"):
        task_release(task=council_task, user=cast.outsider)


def test_release_is_refused_when_nobody_holds_the_task(cast, council_task):
    with pytest.raises(TaskConflict, match="This task is not claimed by anyone"):
        task_release(task=council_task, user=cast.manager)


# -- reassigning ---------------------------------------------------------------------------------


def test_task_moves_when_the_manager_reassigns_it_to_someone_who_works_the_queue(
    cast, council_task
):
    task_claim(task=council_task, user=cast.caseworker)
    colleague = member(cast.council, Role.CASEWORKER)

    task_reassign(task=council_task, user=cast.manager, to_user=colleague, reason=REASON)

    council_task.refresh_from_db()
    assert (council_task.status, council_task.owner) == (STATUS.ASSIGNED, colleague)
    record = TaskReassignment.objects.get(task=council_task)
    assert (record.from_user, record.to_user, record.by, record.reason) == (
        cast.caseworker,
        colleague,
        cast.manager,
        REASON,
    )
    note = Notification.objects.get(kind="TASK_ASSIGNED")
    assert (note.recipient, note.email, note.link) == (
        colleague,
        colleague.email,
        f"/tasks/{council_task.public_id}/",
    )


def test_unclaimed_task_is_assigned_when_the_manager_reassigns_it(cast, council_task):
    task_reassign(task=council_task, user=cast.manager, to_user=cast.caseworker, reason=REASON)

    council_task.refresh_from_db()
    assert (council_task.status, council_task.owner) == (STATUS.ASSIGNED, cast.caseworker)


def test_reassign_is_refused_when_the_new_holder_does_not_work_the_queue(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)
    before = db_state()

    with pytest.raises(TaskConflict, match="does not work this queue"):
        task_reassign(
            task=council_task, user=cast.manager, to_user=cast.health_adviser, reason=REASON
        )

    assert db_state() == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_reassign_is_refused_without_a_reason_and_nothing_changes(cast, council_task, reason):
    task_claim(task=council_task, user=cast.caseworker)
    colleague = member(cast.council, Role.CASEWORKER)
    before = db_state()

    with pytest.raises(TaskConflict, match="reason"):
        task_reassign(task=council_task, user=cast.manager, to_user=colleague, reason=reason)

    assert db_state() == before
    assert not TaskReassignment.objects.exists()


def test_reassign_is_refused_when_the_new_holders_membership_is_revoked(cast, council_task):
    colleague = member(cast.council, Role.CASEWORKER)
    colleague.memberships.update(is_active=False)

    with pytest.raises(TaskConflict, match="does not work this queue"):
        task_reassign(task=council_task, user=cast.manager, to_user=fresh(colleague), reason=REASON)


def test_reassign_is_refused_when_a_caseworker_reassigns(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)
    colleague = member(cast.council, Role.CASEWORKER)

    with pytest.raises(TaskConflict, match="Only a manager of this agency can reassign its tasks"):
        task_reassign(task=council_task, user=cast.caseworker, to_user=colleague, reason=REASON)


def test_reassign_is_refused_when_a_manager_of_another_council_reassigns(cast, council_task):
    with pytest.raises(TaskConflict, match="Only a manager of this agency can reassign its tasks"):
        task_reassign(task=council_task, user=cast.outsider, to_user=cast.caseworker, reason=REASON)


# -- completing ----------------------------------------------------------------------------------


def test_completion_is_refused_when_the_task_was_not_claimed(cast, health_task):
    before = db_state()

    with pytest.raises(TaskConflict, match="Claim this task before you complete it"):
        submit_health_advice(health_task, cast.health_adviser)

    assert db_state() == before


def test_completion_is_refused_when_someone_else_holds_the_task(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    colleague = member(cast.health, Role.HEALTH_ADVISER)

    with pytest.raises(TaskConflict, match="Claim this task before you complete it"):
        submit_health_advice(health_task, colleague)

    assert AdviceRequest.objects.get(pk=health_task.subject_id).received_on is None


def test_task_is_done_when_its_holder_completes_it(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)

    submit_health_advice(health_task, cast.health_adviser)

    health_task.refresh_from_db()
    assert health_task.status == STATUS.DONE
    assert AdviceRequest.objects.get(pk=health_task.subject_id).submitted_by == cast.health_adviser


# -- revoked access takes effect on the next request ---------------------------------------------


def test_completion_is_refused_when_the_holders_membership_was_revoked(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    cast.health_adviser.memberships.update(is_active=False)
    before = db_state()

    with pytest.raises(TaskConflict, match="You cannot complete tasks from this queue"):
        submit_health_advice(health_task, fresh(cast.health_adviser))

    assert db_state() == before


def test_claim_is_refused_when_the_membership_was_revoked(cast, health_task):
    task_claim(task=health_task, user=cast.health_adviser)
    task_release(task=health_task, user=cast.health_adviser)
    cast.health_adviser.memberships.update(is_active=False)

    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=health_task, user=fresh(cast.health_adviser))


def test_claim_is_refused_when_the_account_is_deactivated(cast, health_task):
    User.objects.filter(pk=cast.health_adviser.pk).update(is_active=False)

    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=health_task, user=fresh(cast.health_adviser))


def test_claim_is_refused_when_the_agency_is_deactivated(cast, health_task):
    Agency.objects.filter(pk=cast.health.pk).update(is_active=False)

    with pytest.raises(TaskConflict, match="You cannot claim tasks from this queue"):
        task_claim(task=health_task, user=fresh(cast.health_adviser))


def test_release_by_manager_is_refused_when_manager_role_was_revoked(cast, council_task):
    task_claim(task=council_task, user=cast.caseworker)
    cast.manager.memberships.update(is_active=False)

    with pytest.raises(TaskConflict, match="Only the person who claimed this task, or a manager"):
        task_release(task=council_task, user=fresh(cast.manager))
