"""Database routing: reporting reads may go to the read replica; everything else to the primary.

See `ehcp.common.replica` for the scope. Writes and migrations always go to the primary (the
replica is PostgreSQL streaming replication of it, read-only). Rows read from either may be
related to each other: they are the same data.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from ehcp.common.replica import REPLICA, in_reporting_scope


class ReportingReplicaRouter:
    def db_for_read(self, model, **hints):
        if not in_reporting_scope() or REPLICA not in connections.settings:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction on the primary may have written: read one's own writes
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
