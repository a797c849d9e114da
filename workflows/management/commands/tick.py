import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from ehcp.governance.partitions import audit_partitions_ensure
from ehcp.plans.rendering import document_render_pending
from notifications.services import notification_send_pending
from workflows.alerts import alerts_sweep
from workflows.pipeline_services import reviews_start_due
from workflows.timers import fire_due_timers


class Command(BaseCommand):
    help = (
        "Fire due workflow timers (chasers), start the reviews falling due, send the reminders "
        "and escalations due, send queued "
        "notifications, render waiting documents and make the read audit's partitions ahead "
        "(PostgreSQL); --loop repeats."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, once a minute")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, loop=False, interval=60, **options):
        while True:
            fired = fire_due_timers()
            today = timezone.localdate()
            started = len(reviews_start_due(today=today).started)
            alerts = alerts_sweep(today=today).alerts
            sent = notification_send_pending()
            rendered = document_render_pending()
            partitions = len(audit_partitions_ensure().created)
            if fired or started or alerts or sent or rendered or partitions or not loop:
                self.stdout.write(
                    f"Timers fired: {fired}; reviews started: {started}; "
                    f"reminders and escalations: {alerts}; "
                    f"notifications sent: {sent}; documents rendered: {rendered}; "
                    f"audit partitions created: {partitions}"
                )
            if not loop:
                return
            time.sleep(interval)
