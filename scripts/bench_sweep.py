#!/usr/bin/env python
"""Benchmark the reminder and escalation sweep at volume on PostgreSQL and print the figures.

    .venv/bin/python scripts/bench_sweep.py                    # 100,000 open steps, 5,000 due
    .venv/bin/python scripts/bench_sweep.py --open 300000 --due 15000

Creates a throwaway database send_sweep_bench_<pid> through the maintenance database (--pg-url,
default postgres://postgres@127.0.0.1:5432/postgres), runs `migrate` and `load_demo` (real
cases, agencies, people and the seeded reminder rules), then copies the demo's open steps until
there are --open of them:

- --due of them have something due on the day of the sweep, in three equal parts: a reminder
  (due in the next two days), an escalation (5 to 65 days overdue; the council's own statutory
  steps among them are also reported missed) and, for the council's statutory steps, a warning
  (due in 3 to 5 days);
- the rest are due 10 to 140 days ahead, outside every rule's reach, so the sweep must look past
  them.

Half of the copies are held by a person of their queue, half wait in it. After ANALYZE it times
`workflows.alerts.alerts_sweep` (the tick runs it every minute): the first sweep, which writes
every alert and queues its messages, and the second, which finds nothing to do (the cost of
every other minute of the day). It then sends the queued e-mails with Django's in-memory backend
(`notification_send_pending`, 100 a call) and times that. The database is dropped afterwards
unless --keep. No assertions: it is a measuring tool.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench_audit import pg_admin, step  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parent.parent


def fill(*, open_steps: int, due: int, today) -> None:
    from django.db import transaction

    from agencies.models import AgencyKind, Membership
    from workflows.alerts import STATUTORY_CODES
    from workflows.models import CaseTask

    templates = list(CaseTask.objects.human().open().select_related("agency"))
    statutory = [
        t
        for t in templates
        if t.agency.kind == AgencyKind.SEN_TEAM and t.rule_code in STATUTORY_CODES
    ]
    members: dict[int, list[int]] = {}
    for agency_id, user_id in Membership.objects.active().values_list("agency_id", "user_id"):
        members.setdefault(agency_id, []).append(user_id)
    print(
        f"  copying {len(templates)} open steps of the demo ({len(statutory)} statutory steps "
        "of the council)",
        flush=True,
    )
    third = due // 3
    plan = [
        # (how many, the steps to copy, due date for copy n)
        (third, templates, lambda n: today + timedelta(days=n % 3)),
        (third, templates, lambda n: today - timedelta(days=5 + n % 60)),
        (due - 2 * third, statutory or templates, lambda n: today + timedelta(days=3 + n % 3)),
        (
            open_steps - due - len(templates),
            templates,
            lambda n: today + timedelta(days=10 + n % 130),
        ),
    ]
    batch = []
    made = 0
    with transaction.atomic():
        for count, sources, due_on in plan:
            for n in range(count):
                source = sources[n % len(sources)]
                people = members.get(source.agency_id) or [None]
                owner = people[n % len(people)] if n % 2 else None
                batch.append(
                    CaseTask(
                        process_id=source.process_id,
                        case_id=source.case_id,
                        review_id=source.review_id,
                        funding_request_id=source.funding_request_id,
                        flow_task=source.flow_task,
                        flow_task_type="HUMAN",
                        status="ASSIGNED" if owner else "NEW",
                        owner_id=owner,
                        agency_id=source.agency_id,
                        due_on=due_on(n),
                        rule_code=source.rule_code,
                        subject_id=source.subject_id,
                        data=source.data,
                        public_id=uuid.uuid4(),
                    )
                )
                if len(batch) == 5000:
                    CaseTask.objects.bulk_create(batch)
                    made += len(batch)
                    batch = []
        CaseTask.objects.bulk_create(batch)
        made += len(batch)
    print(f"  {made:,} steps copied; open steps now {CaseTask.objects.human().open().count():,}")


def measure() -> None:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from notifications.models import Notification
    from notifications.services import notification_send_pending
    from workflows.alerts import alerts_sweep

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for label in ("first sweep (queues every alert)", "second sweep (nothing due)"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = alerts_sweep(today=today)
            took = time.perf_counter() - started
        print(
            f"  {label}: {took:.2f} s, {len(queries)} statements; alerts: "
            f"{result.reminders:,} reminders, {result.escalations:,} escalations, "
            f"{result.at_risk:,} statutory warnings, {result.missed:,} statutory dates missed; "
            f"{result.messages:,} e-mails queued",
            flush=True,
        )
    pending = Notification.objects.filter(status="PENDING").count()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        sent = 0
        while True:
            got = notification_send_pending(limit=100)
            if not got:
                break
            sent += got
        took = time.perf_counter() - started
    print(
        f"  sending {pending:,} queued e-mails: {sent:,} sent in {took:.1f} s "
        f"({1000 * took / max(sent, 1):.1f} ms each, in-memory backend)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--open", type=int, default=100_000, help="Open steps in all")
    parser.add_argument("--due", type=int, default=5_000, help="Steps with something due today")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards")
    args = parser.parse_args()

    name = f"send_sweep_bench_{os.getpid()}"
    pg_admin(args.pg_url, f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(args.pg_url)._replace(path=f"/{name}"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    try:
        print(f"PostgreSQL database {name}: {args.open:,} open steps, {args.due:,} due")
        started = time.perf_counter()
        for command in (["migrate", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        started = step("migrate and load_demo", started)
        os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.utils import timezone

        from notifications.models import Notification

        Notification.objects.all().delete()  # the demo's own messages: not this sweep's
        fill(open_steps=args.open, due=args.due, today=timezone.localdate())
        step("copies", started)
        measure()
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"Kept {name}")
        else:
            pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
