"""Completing a step issues a bounded number of SQL statements (issue 12): the flow's lock, the
episode's row, the domain service's rows and history, the flow's next tasks, the outbox. Counted
here so that a change that adds a statement a row, or reads the same thing twice, is noticed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ehcp.assessments.models import AssessmentStatus
from ehcp.assessments.services import assessment as services
from tests.factories import CaseWalk
from workflows.services import task_claim, task_complete

pytestmark = pytest.mark.django_db


def statements(action):
    with CaptureQueriesContext(connection) as ctx:
        result = action()
    return result, [q["sql"] for q in ctx.captured_queries]


def test_claiming_and_deciding_to_assess_issue_a_bounded_number_of_statements(cast):
    walk = CaseWalk(cast, advice=("HEALTH",))
    walk.receive(caseworker=None)
    walk.consent()
    task = walk.task("decide_to_assess")
    on = walk.when.decided_on
    advice = walk.advice_to_seek()

    task, claim_sql = statements(lambda: task_claim(task=task, user=cast.caseworker))
    _, complete_sql = statements(
        lambda: task_complete(
            task=task,
            user=cast.caseworker,
            perform=lambda case: services.case_assessment_decide(
                case=case, assess=True, decided_on=on, advice=advice, by=cast.caseworker, today=on
            ),
        )
    )

    assert walk.case.__class__.objects.get(pk=walk.case.pk).status == AssessmentStatus.ASSESSING
    # Measured on SQLite (savepoints included): claim 9; decide 60, with one advice request and
    # its task, the family's, the notices and the disclosure. The split asks for the case's open
    # advice once, not once per kind (82 -> 77); the e-mails and notices of an event are one
    # INSERT each, not a savepoint and an INSERT an address; the disclosure reads the consents
    # once and is written without a savepoint of its own (77 -> 68); the consent gate and the
    # disclosure share one read of the child's consents and young-person records (the child's
    # `consents_prefetch`), the advisers' agencies are the advice requests' own (not their ids,
    # then the agencies, read again), the access table is read once for every recipient (not by
    # the case pack and again by the disclosure), and `history_save` saves inside the service's
    # transaction without a savepoint of its own (68 -> 60).
    # PostgreSQL adds one: the flow's lock sets its `lock_timeout` (workflows.locking).
    lock_timeout = 1 if connection.vendor == "postgresql" else 0
    assert len(claim_sql) <= 9 + lock_timeout, claim_sql
    assert len(complete_sql) <= 60 + lock_timeout, complete_sql
