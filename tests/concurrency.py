"""Races on PostgreSQL: contenders in threads, each with its own connection, committing for real.

`POSTGRES_ONLY` is the `pytestmark` of a module of such tests (row locks need PostgreSQL; SQLite
skips them with the reason); `race` lets the contenders go at one moment and `outcome` splits
what they got into wins and errors.
"""

import threading

import pytest
from django.db import connection

POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE): set DATABASE_URL=postgres://...",
    ),
]


def race(*contenders):
    """Run each contender in its own thread and let them go at the same moment.

    A contender is a function run before the start line (load fresh rows there, as a new request
    would) that returns the action to race. Returns ("ok", result) or ("error", exception) per
    contender, in order.
    """
    barrier = threading.Barrier(len(contenders))
    results = [None] * len(contenders)

    def run(i, prepare):
        try:
            action = prepare()
            barrier.wait(timeout=10)
            results[i] = ("ok", action())
        except Exception as exc:  # reported to the test, which decides
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a contender is still running"
    return results


def outcome(results):
    wins = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    return wins, errors
