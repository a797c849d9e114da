"""The flow's lock: a blocking row lock with a bounded wait (issue 12).

viewflow's `select_for_update_lock` asks for the process row with NOWAIT and, when someone
holds it, sleeps 0.4 to 6 seconds between five attempts, however briefly the holder keeps it.
Here the loser waits in PostgreSQL's lock queue instead (`SELECT ... FOR UPDATE` under
`SET LOCAL lock_timeout`), so it is woken the moment the winner's transaction ends, re-reads
the task and gets its clear message ("already claimed", "already done"). Only a holder that
keeps the row longer than `WORKFLOW_LOCK_TIMEOUT_MS` (a few seconds: something is wrong) makes
it fail with `FlowLockFailed`, which the services turn into "Someone else is working on this case
right now. Try again."

The timeout is local to the transaction that takes the lock (it ends with it), and bounds every
other lock that transaction waits for afterwards (the episode's row, the plan's). SQLite has no
row locks: a write transaction there is already exclusive, and the lock is a plain transaction.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, transaction
from viewflow.workflow.exceptions import FlowLockFailed


class BlockingRowLock:
    """`lock_impl` for a flow: the process row, locked with a bounded wait."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic():
            connection = transaction.get_connection()
            try:
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT set_config('lock_timeout', %s, true)",
                            [f"{settings.WORKFLOW_LOCK_TIMEOUT_MS}ms"],
                        )
                processes = flow_class.process_class._default_manager.filter(pk=process_pk)
                processes.select_for_update().exists()
            except DatabaseError as exc:  # lock_timeout (55P03) or a deadlock broken by PostgreSQL
                raise FlowLockFailed(f"Lock failed for {flow_class}") from exc
            yield


blocking_row_lock = BlockingRowLock()
