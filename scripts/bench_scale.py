#!/usr/bin/env python
"""Benchmark the pages and steps on a generated database (issue 12). A measuring tool: it prints
figures and asserts nothing.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/send_scale
    .venv/bin/python scripts/bench_scale.py                 # pages, steps, lock race, load
    .venv/bin/python scripts/bench_scale.py --no-load       # without gunicorn
    make bench                                              # the same, DATABASE_URL from the env

The database is one `manage.py generate_scale` filled (README, "Scale data"). The script runs
ANALYZE first (these machines run PostgreSQL without autovacuum), then picks three people:

- the caseworker whose open cases are nearest 250 (their inbox, case list, a case, a child);
- the agency with the most unclaimed open tasks, and a member who works its queue (the queue,
  the advice list);
- a manager (SEN manager) of the council with the most open cases (caseload, the overdue
  caseload, team tasks, the review pipeline, the panel's requests and its commitments).

For every page: the queries it runs (not counting the transaction's BEGIN and COMMIT; their time
in the database, once), the median and p95 server time of `--runs` requests,
served in-process by Django's test client with DEBUG off (the view, middleware and template
rendering, no network). For the steps: claiming a task and completing one (a review's "arrange
the meeting"), each in a transaction rolled back afterwards so the database is not changed, with
its time and SQL statements; and a race of two claimants on one task, in real transactions (the
winner's claim is released afterwards), with the loser's wait. With gunicorn (3 workers, loopback
port) and a bounded load generator (`--users` threads for `--seconds`), a mixed workload of the
pages above as those people: requests a second, p50/p95/p99, and the workers' CPU a request.
And the IG lead's reports over the read audit (who viewed a child, what a person saw; one month
and twelve), timed as their pages run them.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # sign-ins and the like: the figures are the output


@dataclass
class Page:
    name: str
    user: object
    url: str


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def pick_people():
    from collections import Counter

    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from agencies.models import Agency, Membership, Role
    from ehcp.assessments.models import Assessment
    from ehcp.reviews.models import Review
    from workflows.models import CaseTask

    users = get_user_model().objects
    open_cases = Assessment.objects.open()
    # Open cases as the generator counts them (demo/scale.py, template_caseload): assessments and
    # reviews under way, which is what the caseworker's inbox and case list hold.
    totals: Counter[int] = Counter()
    for model in (Assessment, Review):
        totals.update(
            {
                row["caseworker"]: row["n"]
                for row in model.objects.open()
                .exclude(caseworker=None)
                .values("caseworker")
                .annotate(n=Count("pk"))
                .order_by()
            }
        )
    if not totals:
        sys.exit("No open cases with a caseworker: generate data first (manage.py generate_scale).")
    caseworker_id, cases = min(totals.items(), key=lambda item: (abs(item[1] - 250), item[0]))
    caseworker = users.get(pk=caseworker_id)

    queue = (
        CaseTask.objects.human()
        .open()
        .filter(owner__isnull=True)
        .exclude(agency=None)
        .values("agency")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    agency = Agency.objects.get(pk=queue["agency"])
    queue_roles = {
        "COUNCIL": (Role.CASEWORKER,),
        "HEALTH": (Role.HEALTH_ADVISER,),
        "SOCIAL_CARE": (Role.SOCIAL_CARE_ADVISER,),
        "EP_SERVICE": (Role.EDUCATIONAL_PSYCHOLOGIST,),
        "SCHOOL": (Role.SENCO,),
    }.get(agency.kind, ())
    member = (
        Membership.objects.filter(agency=agency, role__in=queue_roles)
        .select_related("user")
        .first()
        or Membership.objects.filter(agency=agency).select_related("user").first()
    )

    council = open_cases.values("council").annotate(n=Count("pk")).order_by("-n").first()["council"]
    manager = (
        Membership.objects.filter(agency_id=council, role=Role.SEN_MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return {
        "caseworker": (caseworker, cases),
        "agency": (agency, queue["n"], member.user),
        "manager": (manager.user, open_cases.filter(council_id=council).count()),
    }


def pages_for(people) -> list[Page]:
    from ehcp.assessments.models import Assessment

    caseworker, _ = people["caseworker"]
    _, _, partner = people["agency"]
    manager, _ = people["manager"]
    case = Assessment.objects.open().filter(caseworker=caseworker).select_related("child").first()
    return [
        Page("inbox (caseworker)", caseworker, "/tasks/"),
        Page("case list (caseworker)", caseworker, "/cases/"),
        Page("case page", caseworker, f"/cases/{case.public_id}/"),
        Page("child's page", caseworker, f"/children/{case.child.public_id}/"),
        Page("home (caseworker)", caseworker, "/"),
        Page("inbox and queue (agency)", partner, "/tasks/"),
        Page("advice list (agency)", partner, "/tasks/advice/"),
        Page("caseload (manager)", manager, "/cases/caseload/"),
        Page("caseload overdue (manager)", manager, "/cases/caseload/?overdue=1"),
        Page("team tasks (manager)", manager, "/tasks/team/"),
        Page("review pipeline (manager)", manager, "/tasks/reviews/"),
        Page("panel requests (manager)", manager, "/panel/requests/"),
        Page("panel commitments (manager)", manager, "/panel/commitments/"),
    ]


#: Not counted as a page's queries (as in tests/test_query_counts.py): the request's
#: transaction, BEGIN and COMMIT here, savepoints in the tests. Their time is in "SQL ms".
TRANSACTION_CONTROL = re.compile(r"(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


def bench_pages(pages: list[Page], runs: int) -> list[tuple]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    clients = {}
    for page in pages:
        client = clients.get(page.user.pk)
        if client is None:
            client = clients[page.user.pk] = Client()
            client.force_login(page.user)
        response = client.get(page.url)  # warm: session, content types, templates
        status = response.status_code
        with CaptureQueriesContext(connection) as ctx:
            client.get(page.url)
        queries = list(ctx.captured_queries)  # read now: the next request empties the log
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(page.url)
            times.append((time.perf_counter() - started) * 1000)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        rows.append(
            (
                page.name,
                status,
                sum(1 for query in queries if not TRANSACTION_CONTROL.match(query["sql"])),
                sql_ms,
                statistics.median(times),
                percentile(times, 95),
            )
        )
    return rows


class Rollback(Exception):
    pass


def bench_steps(people, runs: int) -> dict:
    """Claim and complete steps in transactions that are rolled back: time and statements."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ehcp.reviews.models import ReviewStatus
    from ehcp.reviews.services import review as review_services
    from workflows import services as wf
    from workflows.models import CaseTask

    today = timezone.localdate()
    tasks = [
        task
        for task in CaseTask.objects.human()
        .open()
        .filter(review__status=ReviewStatus.DUE)
        .select_related("review__caseworker")
        .order_by("pk")[: runs * 20]
        if task.flow_task.name == "arrange_meeting"
    ]
    figures = {"claim": [], "claim_sql": [], "complete": [], "complete_sql": []}
    agency, _, member = people["agency"]
    queued = CaseTask.objects.human().open().filter(owner__isnull=True, agency=agency)
    for task in queued.order_by("pk")[:runs]:
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    wf.task_claim(task=task, user=member)
                    figures["claim"].append((time.perf_counter() - started) * 1000)
                figures["claim_sql"].append(len(ctx))
                raise Rollback
        except Rollback:
            pass
    done = 0
    for task in tasks:
        if done >= runs:
            break
        user = task.review.caseworker
        if user is None:
            continue
        try:
            with transaction.atomic():
                if task.owner_id is None:
                    task = wf.task_claim(task=task, user=user)
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    wf.task_complete(
                        task=task,
                        user=user,
                        perform=lambda review, user=user: review_services.review_meeting_arrange(
                            review=review,
                            meeting_on=today + timedelta(days=35),
                            by=user,
                            today=today,
                        ),
                    )
                    figures["complete"].append((time.perf_counter() - started) * 1000)
                figures["complete_sql"].append(len(ctx))
                raise Rollback
        except Rollback:
            done += 1
    return figures


def bench_race(people, rounds: int) -> list[float]:
    """Two claimants on one unclaimed task at once, in real transactions: the loser's wait (ms).
    The winner's claim is released afterwards."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from agencies.models import Membership
    from workflows import services as wf
    from workflows.models import CaseTask

    agency, _, member = people["agency"]
    roles = Membership.objects.filter(agency=agency, user=member).values_list("role", flat=True)
    colleagues = list(
        get_user_model()
        .objects.filter(memberships__agency=agency, memberships__role__in=list(roles))
        .exclude(pk=member.pk)
        .distinct()[:1]
    )
    if not colleagues:
        return []
    claimants = [member.pk, colleagues[0].pk]
    task_ids = list(
        CaseTask.objects.human()
        .open()
        .filter(owner__isnull=True, agency=agency)
        .order_by("pk")
        .values_list("pk", flat=True)[:rounds]
    )
    waits = []
    users = get_user_model().objects
    for task_id in task_ids:
        barrier = threading.Barrier(2)
        results = [None, None]

        def claim(i, user_id, task_id=task_id, barrier=barrier, results=results):
            try:
                task, user = CaseTask.objects.get(pk=task_id), users.get(pk=user_id)
                barrier.wait(timeout=10)
                started = time.perf_counter()
                try:
                    wf.task_claim(task=task, user=user)
                    outcome = "won"
                except Exception:
                    outcome = "lost"
                results[i] = (outcome, (time.perf_counter() - started) * 1000, user)
            finally:
                connection.close()

        threads = [threading.Thread(target=claim, args=(i, u)) for i, u in enumerate(claimants)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for outcome, waited, user in results:
            if outcome == "lost":
                waits.append(waited)
            else:
                wf.task_release(task=CaseTask.objects.get(pk=task_id), user=user)
    return waits


def worker_cpu(master_pid: int) -> float:
    """CPU seconds (user + system) of the gunicorn master's children."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def bench_load(pages: list[Page], users: int, seconds: float, port: int) -> dict:
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for page in pages:
        if page.user.pk not in cookies:
            client = Client()
            client.force_login(page.user)
            cookies[page.user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    env = {**os.environ, "DEBUG": "0"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/sign-in/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def user_loop(n: int):
            i = n
            while time.monotonic() < stop_at:
                page = pages[i % len(pages)]
                i += 1
                request = urllib.request.Request(
                    base + page.url,
                    headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookies[page.user.pk]}"},
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                        ok = response.status == 200
                except OSError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok

        cpu_before = worker_cpu(server.pid)
        started = time.monotonic()
        threads = [threading.Thread(target=user_loop, args=(n,)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        cpu = worker_cpu(server.pid) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "per_second": len(latencies) / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "cpu_ms": cpu * 1000 / max(1, len(latencies)),
    }


def bench_ig_reports(people, runs: int) -> list[tuple]:
    """The IG lead's reports over the read audit as their pages run them
    (`ehcp.governance.selectors`): who viewed a child, and everything a person saw, over one
    month and twelve; each run a different child of the caseworker's or a different person."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    from ehcp.assessments.models import Assessment
    from ehcp.governance import selectors

    caseworker, _ = people["caseworker"]
    _, _, member = people["agency"]
    manager, _ = people["manager"]
    children = [
        case.child
        for case in Assessment.objects.filter(caseworker=caseworker).select_related("child")[:runs]
    ]
    persons = [caseworker, member, manager]
    now = timezone.now()

    def first_page(events) -> int:
        """The report's first page as `ehcp.governance.views._report_context` reads it: the
        person-days grouped in SQL, their count, the page's events grouped into rows, and the
        count of the period's events (returned)."""
        page = Paginator(selectors.access_days(events), 25).get_page(1)
        selectors.access_by_person_and_day(
            list(selectors.access_events_on_days(events, list(page.object_list)))
        )
        return events.count()

    results = []
    for label, days in (("1 month", 30), ("12 months", 365)):
        start = now - timedelta(days=days)
        for name, subjects, report in (
            ("who viewed a child", children, selectors.access_events_for_child),
            ("what a person saw", persons, selectors.access_events_by_user),
        ):
            times, found = [], []
            for n in range(runs):
                began = time.perf_counter()
                found.append(first_page(report(subjects[n % len(subjects)], start=start, end=now)))
                times.append((time.perf_counter() - began) * 1000)
            results.append(
                (
                    f"{name}, {label}",
                    statistics.median(times),
                    percentile(times, 95),
                    statistics.median(found),
                    max(found),
                )
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="Requests per page (default 15)")
    parser.add_argument("--steps", type=int, default=10, help="Steps claimed and completed")
    parser.add_argument("--races", type=int, default=10, help="Claim races")
    parser.add_argument("--no-load", action="store_true", help="Skip the gunicorn load test")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database filled by manage.py generate_scale.")
    setup_django()
    from django.db import connection

    from ehcp.children.models import Child
    from workflows.models import CaseTask

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"Database: {connection.settings_dict['NAME']}, {size}; "
        f"{Child.objects.count():,} children, {CaseTask.objects.count():,} tasks, "
        f"{CaseTask.objects.human().open().count():,} open human tasks"
    )
    people = pick_people()
    caseworker, cases = people["caseworker"]
    agency, queued, member = people["agency"]
    manager, council_cases = people["manager"]
    print(f"Caseworker {caseworker.username}: {cases} open cases")
    print(
        f"Agency {agency.name} ({agency.kind}): {queued:,} unclaimed open tasks; as {member.username}"
    )
    print(f"Manager {manager.username}: {council_cases:,} open cases in the council")

    pages = pages_for(people)
    print(f"\nPages ({args.runs} requests each, in-process, DEBUG off)")
    print(
        f"  {'page':34} {'status':>6} {'queries':>7} {'SQL ms':>7} {'median ms':>10} {'p95 ms':>8}"
    )
    for name, status, queries, sql_ms, median, p95 in bench_pages(pages, args.runs):
        print(f"  {name:34} {status:>6} {queries:>7} {sql_ms:>7.1f} {median:>10.1f} {p95:>8.1f}")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(c.reltuples), 0)::bigint FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'ehcp_accessevent'::regclass"
        )
        audit_rows = cursor.fetchone()[0]
    print(f"\nIG reports over the read audit (about {audit_rows:,} rows; {args.runs} runs each)")
    for name, median, p95, rows, most in bench_ig_reports(people, args.runs):
        print(
            f"  {name:34} median {median:6.1f} ms, p95 {p95:6.1f} ms, "
            f"rows median {rows:.0f}, max {most}"
        )

    steps = bench_steps(people, args.steps)
    print("\nSteps (rolled back afterwards)")
    for name in ("claim", "complete"):
        if steps[name]:
            print(
                f"  {name:10} median {statistics.median(steps[name]):6.1f} ms, "
                f"p95 {percentile(steps[name], 95):6.1f} ms, "
                f"statements median {statistics.median(steps[name + '_sql']):.0f}, "
                f"max {max(steps[name + '_sql'])} (n={len(steps[name])})"
            )
        else:
            print(f"  {name}: no task to measure")

    waits = bench_race(people, args.races)
    if waits:
        print(
            f"\nLosing claimant answered in: median {statistics.median(waits):.1f} ms, "
            f"max {max(waits):.1f} ms (n={len(waits)})"
        )

    if not args.no_load:
        load = bench_load(pages, args.users, args.seconds, args.port)
        print(
            f"\nLoad: {args.users} users for {args.seconds:.0f} s on gunicorn (3 workers): "
            f"{load['requests']} requests, {load['errors']} errors, "
            f"{load['per_second']:.1f} requests/s, p50 {load['p50']:.0f} ms, "
            f"p95 {load['p95']:.0f} ms, p99 {load['p99']:.0f} ms, "
            f"{load['cpu_ms']:.1f} ms CPU a request"
        )


if __name__ == "__main__":
    main()
