import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ehcp.governance.partitions import audit_partitions_ensure
from ehcp.plans.rendering import document_render_pending
from notifications.services import notification_send_pending
from workflows.alerts import alerts_sweep
from workflows.digest import digest_send
from workflows.pipeline_services import reviews_start_due
from workflows.timers import fire_due_timers

# The signals that stop `--loop`: a service manager's stop (SIGTERM) and Ctrl-C (SIGINT).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = (
        "Fire due workflow timers (chasers), start the reviews falling due, send the reminders "
        "and escalations due, queue the week's digests (once a week), send queued "
        "notifications, render waiting documents and make the read audit's partitions ahead "
        "(PostgreSQL); --loop repeats until SIGTERM or SIGINT (Ctrl-C), which let the sweep in "
        "progress finish."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, once a minute")
        parser.add_argument(
            "--interval", type=float, default=60, help="Seconds between sweeps with --loop"
        )

    def handle(self, *args, loop=False, interval=60, verbosity=1, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds")
        stop = threading.Event()
        received = []

        def request_stop(signum, frame):
            received.append(signal.Signals(signum).name)
            stop.set()

        previous = {}
        if loop:  # a signal lets the sweep in progress finish, then the loop ends
            previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
        try:
            sweeps = self.run_sweeps(loop=loop, interval=interval, verbosity=verbosity, stop=stop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if loop:
            self.stdout.write(f"Stopped ({received[0]}) after {sweeps} sweeps.")

    def run_sweeps(self, *, loop, interval, verbosity, stop) -> int:
        """One sweep, or with `loop` one every `interval` seconds until `stop` is set; returns
        how many ran."""
        sweeps = 0
        while True:
            fired = fire_due_timers()
            today = timezone.localdate()
            started = len(reviews_start_due(today=today).started)
            alerts = alerts_sweep(today=today).alerts
            digests = digest_send(today=today)
            sent = notification_send_pending()
            rendered = document_render_pending()
            partitions = len(audit_partitions_ensure().created)
            sweeps += 1
            busy = fired or started or alerts or digests or sent or rendered or partitions
            if busy or not loop or verbosity >= 2:
                self.stdout.write(
                    f"Timers fired: {fired}; reviews started: {started}; "
                    f"reminders and escalations: {alerts}; weekly digests: {digests}; "
                    f"notifications sent: {sent}; documents rendered: {rendered}; "
                    f"audit partitions created: {partitions}"
                )
            if not loop or stop.wait(interval):
                return sweeps
