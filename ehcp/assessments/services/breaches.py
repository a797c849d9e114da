"""The case's stored breach date (`Assessment.breaches_on`), kept in step with its facts.

Every service that changes a fact the date is computed from (the case's status or due dates,
an advice request asked for, received, returned, cancelled or decided without) calls
`case_breaches_refresh` in its own transaction, after its change.
"""

from datetime import date

from ehcp.assessments.models import AdviceRequest, Assessment
from ehcp.assessments.rules.breaches import AdviceOwedFact


def case_breaches_on(case: Assessment, advice: list[AdviceRequest] | None = None) -> date | None:
    """The breach date of the case as it stands in this transaction (one query for its advice;
    none when the case is closed or not yet saved). A service that saves the case sets it on the
    case before the save; one that changes only advice calls `case_breaches_refresh`. A service
    that has every advice request of the case in hand passes them (`advice`): no query."""
    if case.current_due_on is None:
        return None
    if case.pk is None:
        return case.breaches_on_with(())
    if advice is not None:
        return case.breaches_on_with([item.as_owed_fact() for item in advice])
    facts = [
        AdviceOwedFact(
            due_on=due_on,
            received_on=received_on,
            cancelled=status == AdviceRequest.Status.CANCELLED,
            proceeded_without_on=proceeded_without_on,
        )
        for due_on, received_on, status, proceeded_without_on in AdviceRequest.objects.filter(
            case_id=case.pk
        ).values_list("due_on", "received_on", "status", "proceeded_without_on")
    ]
    return case.breaches_on_with(facts)


def case_breaches_refresh(case: Assessment) -> date | None:
    """Store the case's breach date (one UPDATE), on the row and on `case`."""
    case.breaches_on = case_breaches_on(case)
    Assessment.objects.filter(pk=case.pk).update(breaches_on=case.breaches_on)
    return case.breaches_on
