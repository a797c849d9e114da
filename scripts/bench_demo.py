#!/usr/bin/env python
"""Benchmark `manage.py load_demo` into a fresh, throwaway database and print the figures.

    .venv/bin/python scripts/bench_demo.py --children 10000                 # SQLite temp file
    .venv/bin/python scripts/bench_demo.py --children 10000 --postgres      # PG on 127.0.0.1:5432

SQLite: a file in a temporary directory, deleted afterwards. PostgreSQL: a database called
send_demo_bench_<pid>, created through the maintenance database (--pg-url, default
postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. --keep keeps either.

Prints the seconds taken (migrate and load separately), children per second, cases per stage and
rows per table (cases, tasks, history rows). Runs with DEBUG off unless --debug, as a server would.
No assertions: it is a measuring tool.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--today", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--postgres", action="store_true", help="Use PostgreSQL instead of SQLite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards")
    parser.add_argument("--debug", action="store_true", help="Run with DEBUG on (query logging)")
    args = parser.parse_args()

    tmpdir = None
    if args.postgres:
        name = f"send_demo_bench_{os.getpid()}"
        pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
        parts = urlsplit(args.pg_url)
        database_url = urlunsplit(parts._replace(path=f"/{name}"))
        where = f"PostgreSQL database {name}"
    else:
        tmpdir = tempfile.mkdtemp(prefix="send-demo-bench-")
        path = Path(tmpdir) / "bench.sqlite3"
        database_url = f"sqlite:///{path}"
        where = f"SQLite file {path}"

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "1" if args.debug else "0",
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    print(f"Benchmark: load_demo --children {args.children} --seed {args.seed} into {where}", flush=True)
    try:
        migrate_s = run([python, "manage.py", "migrate", "-v0"], env)
        load_cmd = [python, "manage.py", "load_demo", "--children", str(args.children), "--seed", str(args.seed)]
        if args.today:
            load_cmd += ["--today", args.today]
        load_s = run(load_cmd, env)
        report(env, args, migrate_s, load_s, database_url)
    finally:
        if args.keep:
            print(f"Kept {where}  (DATABASE_URL={database_url})")
        elif args.postgres:
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}"')
        elif tmpdir:
            for f in Path(tmpdir).iterdir():
                f.unlink()
            os.rmdir(tmpdir)


def report(env: dict, args, migrate_s: float, load_s: float, database_url: str) -> None:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection, connections

    from ehcp.models import Case, CaseStatus

    cases = Case.objects.count()
    print()
    print(f"{'migrate':<34} {migrate_s:10.1f} s")
    print(f"{'load_demo (process wall time)':<34} {load_s:10.1f} s")
    print(f"{'children per second':<34} {args.children / load_s:10.1f}")
    print(f"{'ms per case':<34} {1000 * load_s / max(cases, 1):10.1f}")
    print()
    print("Cases by stage")
    by_status = dict(Case.objects.values_list("status").annotate(n=django.db.models.Count("pk")).order_by())
    for status, label in CaseStatus.choices:
        print(f"  {label:<32} {by_status.get(status, 0):8}")
    print(f"  {'total':<32} {cases:8}")
    print()
    print("Rows per table")
    history_total = 0
    total = 0
    rows = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in {"agencies", "ehcp", "workflows", "notifications", "panel", "auth"}:
            continue
        n = model._default_manager.count() if not model._meta.auto_created else model.objects.count()
        if not n:
            continue
        total += n
        if model.__name__.startswith("Historical"):
            history_total += n
        rows.append((model._meta.db_table, n))
    for table, n in sorted(rows, key=lambda r: -r[1]):
        print(f"  {table:<44} {n:10}")
    from workflows.models import CaseTask

    human = CaseTask.objects.filter(flow_task_type="HUMAN").count()
    print(f"  {'(CaseTask: human steps)':<44} {human:10}")
    print(f"  {'(history rows, all Historical* tables)':<44} {history_total:10}")
    print(f"  {'(all rows above)':<44} {total:10}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"Database size: {cursor.fetchone()[0]}")
    else:
        path = Path(database_url.removeprefix("sqlite:///"))
        print(f"Database size: {path.stat().st_size / 1e6:.0f} MB")
    connections.close_all()


if __name__ == "__main__":
    main()
