"""Reads a reporting page may take from a read replica (`DATABASE_REPLICA_URL`).

Only inside an explicit scope, and only when it is safe::

    with reporting_reads():                 # or @reporting_reads() on a selector
        events = list(selectors.access_events_by_user(person, start=start, end=end))
    with transaction.atomic():
        audit_read(request, what="report", ...)   # writes always go to the primary

`config.routers.ReportingReplicaRouter` sends the scope's reads to the `replica` alias when one is
configured, and to the primary otherwise. Inside a transaction on the primary (`atomic`, an
`audited_view`) the reads stay on the primary, so a page never reads past its own writes; so a
reporting page reads first and then writes its audit row. A replica may lag the primary by a few
seconds: a report may miss the last moments' rows, never show a row that does not exist.
"""

from contextlib import contextmanager
from contextvars import ContextVar

#: The database alias of the read replica (config/settings/base.py adds it when configured).
REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("reporting_reads", default=False)


@contextmanager
def reporting_reads():
    """Within this block (or the decorated function), reads may go to the read replica."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def in_reporting_scope() -> bool:
    return _reporting.get()
