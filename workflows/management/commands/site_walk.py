"""`manage.py site_walk`: sign in as each person and open every page they can reach.

For each user (every active user, or those named with --user) it starts from every URL pattern
that takes no parameters, then follows every link on every HTML page it gets (and every
redirect), so the parameters of the other patterns (cases, tasks, advice, plan entries,
documents, notices, grants, incidents, admin objects) come from the rows in the database, as a
person clicking through would find them. Each route is opened at most --per-route times per
person (distinct URLs, query strings included), which bounds the walk on a large database.

It fails (exit status 1) on any response of 500 or more, and on any exception a view raises,
naming the person, the URL and the page that linked to it. It also fails if a file named by a
FileField (issued plans and letters, advice attachments) is missing from storage, and if no
person got a PDF, so that documents carried over by an upgrade are proved to open.

Only GET requests are made, so nothing is changed, except what opening a page records (reads
audited, notices marked read). Run it against a copy or a throwaway database such as the demo:
`scripts/check_upgrade.sh` uses it to prove that a database loaded by the previous version
serves every page after `migrate`. Uses Django's test client in-process (no server needed);
call it with the local or test settings, never in production.
"""

import logging
import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Routes never opened: signing out ends the walk's session.
SKIP_ROUTES = {"logout", "admin:logout"}


class _Links(HTMLParser):
    """The href of every link (<a>) on a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def parameterless_routes() -> list[tuple[str, str]]:
    """(path, route name) of every URL pattern that takes no parameters."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield (
                    prefix + str(pattern.pattern),
                    ":".join(filter(None, [namespace, pattern.name or ""])),
                )

    found = []
    for route, name in walk(get_resolver().url_patterns):
        if "<" in route or "(" in route or "^" in route or "$" in route:
            continue  # takes parameters (path converters or regular expressions)
        found.append(("/" + route, name))
    return found


def _route_key(path: str) -> str | None:
    """The route a local path resolves to (its name, or its pattern), or None if none does."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def missing_files() -> list[str]:
    """Every file named by a FileField in our apps that its storage does not have."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            names = (
                model._default_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
            )
            for name in names.iterator():
                if not field.storage.exists(name):
                    missing.append(f"{model._meta.label}.{field.name}: {name}")
    return missing


class Command(BaseCommand):
    help = (
        "Sign in as each user and open every page they can reach (every URL pattern without "
        "parameters, then every link); fail on any 5xx or exception. GET only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            action="append",
            dest="users",
            default=[],
            help="Walk as this username (repeat for more; default: every active user)",
        )
        parser.add_argument(
            "--per-route",
            type=int,
            default=8,
            help="At most this many distinct URLs of one route per person (default 8)",
        )

    def handle(self, *args, users, per_route, **options):
        if per_route < 1:
            raise CommandError("--per-route must be at least 1")
        # As the test runner does: the client's 'testserver' host is allowed, e-mail stays in
        # memory, and template rendering is instrumented for the client.
        try:
            setup_test_environment()
        except RuntimeError:
            pass  # already set up: called from a test
        # Refusals (403, 404) and sign-ins are expected by the hundred here: log server errors
        # only, while the walk runs (a test that calls the command gets its logging back).
        quieter = {"django.request": logging.ERROR, "axes": logging.WARNING}
        before = {name: logging.getLogger(name).level for name in quieter}
        for name, level in quieter.items():
            logging.getLogger(name).setLevel(level)
        try:
            self._walk_everyone(users=users, per_route=per_route)
        finally:
            for name, level in before.items():
                logging.getLogger(name).setLevel(level)

    def _walk_everyone(self, *, users, per_route):
        User = get_user_model()
        people = User.objects.filter(is_active=True).order_by("username")
        if users:
            people = people.filter(username__in=users)
            unknown = sorted(set(users) - set(people.values_list("username", flat=True)))
            if unknown:
                raise CommandError(f"No active user called: {', '.join(unknown)}")
        people = list(people)
        if not people:
            raise CommandError("No active users to walk as: load some data first")

        seeds = [path for path, name in parameterless_routes() if name not in SKIP_ROUTES]
        started = time.perf_counter()
        failures: list[str] = []
        totals: Counter = Counter()
        pdfs = 0
        reached: set[str] = set()
        for person in people:
            t0 = time.perf_counter()
            statuses, person_pdfs, person_failures, person_routes = self._walk(
                person, seeds, per_route
            )
            failures += person_failures
            totals.update(statuses)
            pdfs += person_pdfs
            reached |= person_routes
            pages = sum(statuses.values())
            shown = ", ".join(
                f"{code}: {n}" for code, n in sorted(statuses.items(), key=lambda kv: str(kv[0]))
            )
            self.stdout.write(
                f"  {person.username:<16} {pages:>5} pages, {len(person_routes):>3} routes opened, "
                f"{person_pdfs:>3} PDFs, {time.perf_counter() - t0:6.1f} s  ({shown})"
            )
            self.stdout.flush()

        missing = missing_files()
        failures += [f"file missing from storage: {name}" for name in missing]
        if pdfs == 0:
            failures.append("no person was served a PDF (plan, letter or attachment)")
        pages = sum(totals.values())
        shown = ", ".join(
            f"{code}: {n}" for code, n in sorted(totals.items(), key=lambda kv: str(kv[0]))
        )
        self.stdout.write(
            f"Walked {pages} pages as {len(people)} people in "
            f"{time.perf_counter() - started:.1f} s: {len(reached)} routes opened, {pdfs} PDFs "
            f"served, statuses {shown}."
        )
        if failures:
            for failure in failures[:50]:
                self.stderr.write(f"FAIL {failure}")
            if len(failures) > 50:
                self.stderr.write(f"... and {len(failures) - 50} more")
            raise CommandError(f"site walk failed: {len(failures)} problem(s)")
        self.stdout.write(self.style.SUCCESS("Site walk passed: no server errors."))

    def _walk(self, person, seeds, per_route):
        client = Client(raise_request_exception=True)
        client.force_login(person)
        queue = deque((path, "(start)") for path in seeds)
        seen: set[str] = set()
        per_key: Counter = Counter()
        statuses: Counter = Counter()
        failures: list[str] = []
        routes: set[str] = set()
        pdfs = 0
        while queue:
            url, referrer = queue.popleft()
            if url in seen:
                continue
            key = _route_key(urlsplit(url).path)
            if key is None or key in SKIP_ROUTES or per_key[key] >= per_route:
                continue
            seen.add(url)
            per_key[key] += 1
            where = f"{person.username} GET {url} (linked from {referrer})"
            try:
                response = client.get(url)
            except Exception as exc:  # noqa: BLE001 - any exception is the finding
                last = traceback.extract_tb(exc.__traceback__)[-1]
                failures.append(
                    f"{where}: {type(exc).__name__}: {exc} at {last.filename}:{last.lineno}"
                )
                statuses["exception"] += 1
                continue
            statuses[response.status_code] += 1
            if response.status_code < 300:
                routes.add(key)
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            content_type = response.get("Content-Type", "")
            if response.streaming:
                body = b"".join(response.streaming_content)
                response.close()
            else:
                body = response.content
            if response.status_code == 200 and content_type.startswith("application/pdf"):
                if body.startswith(b"%PDF"):
                    pdfs += 1
                else:
                    failures.append(f"{where}: served as a PDF but is not one")
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                queue.append((self._local(response["Location"], url), url))
            if response.status_code == 200 and content_type.startswith("text/html"):
                parser = _Links()
                parser.feed(body.decode(response.charset or "utf-8", errors="replace"))
                for href in parser.hrefs:
                    target = self._local(href, url)
                    if target and target not in seen:
                        queue.append((target, url))
        return statuses, pdfs, failures, routes

    @staticmethod
    def _local(href: str, base: str) -> str | None:
        """A link as a local path with its query string, or None if it leaves the site."""
        href = href.strip()
        if href.startswith(("mailto:", "tel:", "javascript:")):
            return None
        parts = urlsplit(urldefrag(urljoin(f"http://testserver{base}", href))[0])
        if parts.netloc != "testserver" or parts.path.startswith(("/static/", "/media/")):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")
