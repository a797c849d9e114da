#!/usr/bin/env python
"""Benchmark `manage.py load_demo` into a fresh, throwaway database and print the figures.

    .venv/bin/python scripts/bench_demo.py --children 10000                 # SQLite temp file
    .venv/bin/python scripts/bench_demo.py --children 10000 --postgres      # PG on 127.0.0.1:5432

SQLite: a file in a temporary directory, deleted afterwards. PostgreSQL: a database called
send_demo_bench_<pid>, created through the maintenance database (--pg-url, default
postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. --keep keeps either.

Prints the seconds taken (migrate and load separately; wall time and the load's CPU time, which
is what to compare on a busy machine), children per second, cases per stage and rows per table
(cases, tasks, history rows). Runs with DEBUG off unless --debug, as a server would. Uploaded and
rendered files go to a temporary MEDIA_ROOT, deleted afterwards.

Documents: the services render each issued plan and letter (WeasyPrint, ~0.1 s each) after the
step commits, in-process by default. --queue-documents sets CELERY_TASK_ALWAYS_EAGER=0, as in
production with the worker stopped, so they wait as pending renders; --render-documents then
renders them (timed separately). No assertions: it is a measuring tool.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--today", default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--postgres", action="store_true", help="Use PostgreSQL instead of SQLite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards")
    parser.add_argument("--debug", action="store_true", help="Run with DEBUG on (query logging)")
    parser.add_argument(
        "--queue-documents",
        action="store_true",
        help="Leave issued documents waiting for the worker",
    )
    parser.add_argument(
        "--render-documents", action="store_true", help="Then render the waiting documents, timed"
    )
    args = parser.parse_args()

    tmpdir = tempfile.mkdtemp(prefix="send-demo-bench-")
    if args.postgres:
        name = f"send_demo_bench_{os.getpid()}"
        pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
        parts = urlsplit(args.pg_url)
        database_url = urlunsplit(parts._replace(path=f"/{name}"))
        where = f"PostgreSQL database {name}"
    else:
        path = Path(tmpdir) / "bench.sqlite3"
        database_url = f"sqlite:///{path}"
        where = f"SQLite file {path}"

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "1" if args.debug else "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(Path(tmpdir) / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "0" if args.queue_documents else "1",
    }
    python = sys.executable
    print(
        f"Benchmark: load_demo --children {args.children} --seed {args.seed} into {where}",
        flush=True,
    )
    try:
        migrate_s, _ = run([python, "manage.py", "migrate", "-v0"], env)
        load_cmd = [
            python,
            "manage.py",
            "load_demo",
            "--children",
            str(args.children),
            "--seed",
            str(args.seed),
        ]
        if args.today:
            load_cmd += ["--today", args.today]
        load_s, load_cpu = run(load_cmd, env)
        report(env, args, migrate_s, load_s, load_cpu, database_url)
    finally:
        if args.keep:
            print(f"Kept {where}  (DATABASE_URL={database_url})")
        else:
            if args.postgres:
                pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}"')
            shutil.rmtree(tmpdir, ignore_errors=True)


def report(
    env: dict, args, migrate_s: float, load_s: float, load_cpu: float, database_url: str
) -> None:
    for key in (
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "MEDIA_ROOT",
        "CELERY_TASK_ALWAYS_EAGER",
    ):
        os.environ[key] = env[key]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection, connections

    from ehcp.assessments.models import Assessment, AssessmentStatus

    cases = Assessment.objects.count()
    print()
    print(f"{'migrate':<34} {migrate_s:10.1f} s")
    print(f"{'load_demo (process wall time)':<34} {load_s:10.1f} s")
    print(f"{'load_demo (process CPU time)':<34} {load_cpu:10.1f} s")
    print(f"{'children per second (wall)':<34} {args.children / load_s:10.1f}")
    print(
        f"{'ms per case (wall / CPU)':<34} {1000 * load_s / max(cases, 1):10.1f} / "
        f"{1000 * load_cpu / max(cases, 1):.1f}"
    )
    documents = (
        "queued for the worker" if args.queue_documents else "rendered in-process after each step"
    )
    print(f"{'documents':<34} {documents}")
    print()
    print("Cases by stage")
    by_status = dict(
        Assessment.objects.values_list("status").annotate(n=django.db.models.Count("pk")).order_by()
    )
    for status, label in AssessmentStatus.choices:
        print(f"  {label:<32} {by_status.get(status, 0):8}")
    print(f"  {'total':<32} {cases:8}")
    print()
    print("Rows per table")
    history_total = 0
    total = 0
    rows = []
    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in {
            "agencies",
            "ehcp",
            "workflows",
            "notifications",
            "panel",
            "auth",
        }:
            continue
        if model._meta.db_table not in existing:  # a model whose migration is not written yet
            continue
        n = model._default_manager.count()
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
    from ehcp.plans.models import DocumentRender, PlanDocument

    pending = DocumentRender.objects.filter(status="PENDING").count()
    print(f"Documents: {PlanDocument.objects.count()} rendered, {pending} waiting to be rendered")
    if args.render_documents and pending:
        from ehcp.plans.rendering import document_render_pending

        started = time.perf_counter()
        rendered = 0
        while batch := document_render_pending(limit=200):
            rendered += batch
        seconds = time.perf_counter() - started
        print(
            f"Rendered {rendered} documents in {seconds:.1f} s "
            f"({1000 * seconds / max(rendered, 1):.0f} ms each)"
        )
    connections.close_all()


if __name__ == "__main__":
    main()
