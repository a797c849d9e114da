"""`manage.py load_demo`: a fictional county SEN service with cases at every stage.

Safe to run every time (`make run` does): if the demo data is already there it loads nothing
more. Refuses unless settings.DEMO_DATA_ALLOWED is True (local and test settings).

It shows its progress (a line for every tenth of the children, with the time taken), then does
what the background worker would do at once (fires the chasers that are due and sends the
e-mails waiting to go; the console e-mail backend prints them), so that the demo logins are the
last thing it prints and are not scrolled away by e-mails when the server starts.

Each step commits on its own, as in the app, so issued plans and letters are rendered after each
step when CELERY_TASK_ALWAYS_EAGER is on (the local default). For large loads set it to 0: the
documents then wait for the worker (or `manage.py render_documents`).
"""

import math
import sys
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import generator as demo
from ehcp.reviews.models import ReviewStatus
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_send_pending
from panel.models import MeetingStatus, RequestStatus
from workflows.timers import fire_due_timers


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Load demo agencies, people and cases at every stage of the EHC needs assessment, and "
        "plans at every stage of their annual review (a few more children, see demo/reviews.py), "
        "driven through the real services and workflow. Does nothing if the demo data is already "
        "loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--children", type=int, default=40, help="Children, one case each (default 40)"
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="Random seed for names and dates"
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="Date to load as of (default: today)"
        )
        parser.add_argument(
            "--no-reviews",
            action="store_false",
            dest="reviews",
            help="Leave out the plans at every review stage and the panel (the assessment cases "
            "only)",
        )
        parser.add_argument(
            "--no-panel",
            action="store_false",
            dest="panel",
            help="Leave out the Joint Agency Panel's meetings and funding requests",
        )

    def handle(
        self, *args, children=40, seed=2014, today=None, reviews=True, panel=True, **options
    ):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "Demo data is not allowed with these settings (DEMO_DATA_ALLOWED is False); "
                "refusing to load fictional cases into this database."
            )
        if children < 1:
            raise CommandError("--children must be at least 1")
        verbose = options.get("verbosity", 1) >= 1
        if demo.demo_data_loaded():
            self.stdout.write("Demo data already loaded.")
            self._background_work(today_given=today is not None, verbose=verbose)
            self._logins()
            return

        if verbose and children >= 500 and getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
            self.stdout.write(
                "Issued plans and letters are rendered in-process after each step (about 0.1-0.3 s "
                "each). Set CELERY_TASK_ALWAYS_EAGER=0 to leave them for the worker or "
                "`manage.py render_documents`."
            )
        if verbose:
            self._say(
                f"Loading the demo data: {children} children, each with a case driven through "
                "the workflow."
            )
        # A line for every tenth of the children (at most every 500).
        every = max(1, min(500, math.ceil(children / 10)))

        def progress(done, seconds, what="cases"):
            if not verbose:
                return
            if what == "reviews":
                self._say(
                    f"  {done} more children with plans at every review stage ({seconds:.0f} s)"
                )
            elif what == "panel":
                self._say(
                    f"  The Joint Agency Panel's meetings and {done} funding requests "
                    f"({seconds:.0f} s)"
                )
            elif done == 0:
                self._say(f"  Agencies and people created ({seconds:.0f} s)")
            elif done % every == 0 or done == children:
                self._say(f"  {done} of {children} cases ({seconds:.0f} s)")

        try:
            result = demo.load_demo(
                children=children,
                seed=seed,
                today=today,
                progress=progress,
                reviews=reviews,
                panel=panel,
            )
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc

        self._background_work(today_given=today is not None, verbose=verbose)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.cases} cases, {result.users} people and {result.agencies} "
                "agencies "
                f"in {result.seconds:.1f} s ({result.cases / result.seconds:.1f} cases/s)."
            )
        )
        self.stdout.write("Cases by status:")
        for status, label in demo.AssessmentStatus.choices:
            self.stdout.write(f"  {label:<30} {result.by_status.get(status, 0):>6}")
        self.stdout.write("Reviews of plans by status:")
        for status, label in ReviewStatus.choices:
            self.stdout.write(f"  {label:<30} {result.reviews_by_status.get(status, 0):>6}")
        if result.panel is not None:
            self.stdout.write("Joint Agency Panel:")
            self.stdout.write(
                "  Meetings: "
                + ", ".join(
                    f"{result.panel.meetings.get(status, 0)} {label.lower()}"
                    for status, label in MeetingStatus.choices
                    if result.panel.meetings.get(status)
                )
            )
            self.stdout.write(
                "  Funding requests: "
                + ", ".join(
                    f"{result.panel.requests.get(status, 0)} {label.lower()}"
                    for status, label in RequestStatus.choices
                    if result.panel.requests.get(status)
                )
            )
        extra = result.users - len(demo.DEMO_USERS)
        if extra:
            self.stdout.write(
                f"Plus {extra} more staff (caseworker2.., psychologist2.., health2.., "
                "socialcare2.., "
                f"sensory1, senco2..) with the same password as the logins below."
            )
        self._logins()

    def _say(self, line: str) -> None:
        """A progress line, shown at once (stdout may be a pipe, as under `make run`)."""
        self.stdout.write(line)
        self.stdout.flush()

    def _background_work(self, *, today_given: bool, verbose: bool) -> None:
        """What the background worker (`manage.py tick`) would do as soon as it starts: fire the
        chasers that are due, then send every e-mail waiting to go. Done here so that those
        e-mails are printed before the logins. With --today the data is as of another day than
        the worker's clock, so the chasers are left to the worker."""
        already_sent = Notification.objects.filter(status=NotificationStatus.SENT).count()
        fired = 0 if today_given else fire_due_timers()  # sends their e-mails as each commits
        while notification_send_pending():
            pass
        sent = Notification.objects.filter(status=NotificationStatus.SENT).count() - already_sent
        sys.stdout.flush()  # the console e-mail backend writes to sys.stdout
        if verbose and (fired or sent):
            self._say(f"Chasers fired: {fired}; e-mails sent: {sent}.")

    def _logins(self):
        """The logins table, and where to sign in: the last thing the command prints."""
        rows = [("Username", "Role", "Agency", "Password"), *demo.demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for n, row in enumerate(rows):
            self.stdout.write(
                "  "
                + "  ".join(
                    value.ljust(width) for value, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write(f"Sign in at {settings.SITE_URL.rstrip('/')}/sign-in/")
