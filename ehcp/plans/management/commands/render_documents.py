"""Render issued plans and letters that are waiting (for example after the worker stopped)."""

from django.core.management.base import BaseCommand

from ehcp.plans.rendering import document_render_pending


class Command(BaseCommand):
    help = "Render the issued plans and letters that are waiting to be rendered."

    def handle(self, *args, **options):
        rendered = document_render_pending()
        self.stdout.write(f"Rendered {rendered} document(s).")
