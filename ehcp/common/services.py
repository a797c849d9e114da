"""What every service shares: the error a broken rule raises, the dated check and the save that
leaves a history reason. The bottom of the service modules: it imports none of them."""

from datetime import date

from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition

from ehcp.assessments.models import Assessment


class CaseRuleError(Exception):
    """A business rule refused the change. `messages` are shown to the user; nothing changed."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def date_check(value: date, *, today: date, not_before: date | None = None, what: str) -> None:
    """A date the person entered must not be in the future, nor before `not_before`."""
    if value > today:
        raise CaseRuleError(f"The date {what} must be today or in the past")
    if not_before is not None and value < not_before:
        raise CaseRuleError(f"The date {what} must be on or after {not_before:%-d %B %Y}")


#: The length of django-simple-history's `history_change_reason` column.
HISTORY_REASON_MAX = 100


def history_reason(reason: str) -> str:
    """The reason as the history row can hold it: a longer one is cut, with an ellipsis
    (PostgreSQL refuses a value longer than the column; SQLite would have kept it whole)."""
    if len(reason) <= HISTORY_REASON_MAX:
        return reason
    return reason[: HISTORY_REASON_MAX - 1].rstrip() + "\u2026"


def history_save(instance, reason: str, by) -> None:
    """Save with who and why in the django-simple-history row; a concurrent change to the case
    (or a second open request for one child) becomes a message for the user.

    The row and its history row are one transaction; inside a service's transaction that is the
    service's, with no savepoint of its own: a refusal here is raised on, and the service's block
    rolls back with it (nothing could go on after a rollback to a savepoint here)."""
    instance._change_reason = history_reason(reason)
    instance._history_user = by
    try:
        with transaction.atomic(savepoint=False):
            instance.save()
    except ConcurrentTransition as exc:
        raise CaseRuleError(
            "Someone else changed this case at the same moment. Reload the page and try again."
        ) from exc
    except IntegrityError as exc:
        # On a new case the only unique rule that can fail is one open request per child.
        if isinstance(instance, Assessment) and instance._state.adding:
            raise CaseRuleError(
                f"{instance.child.full_name} already has an open request for assessment"
            ) from exc
        raise
