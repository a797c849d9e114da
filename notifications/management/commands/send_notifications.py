from django.core.management.base import BaseCommand

from notifications.services import notification_send_pending


class Command(BaseCommand):
    help = "Send queued notifications from the outbox."

    def handle(self, *args, **options):
        sent = notification_send_pending()
        self.stdout.write(f"Sent {sent} notification(s)")
