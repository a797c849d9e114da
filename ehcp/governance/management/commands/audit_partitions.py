"""Make the read audit's monthly partitions ahead of time (PostgreSQL; nothing on SQLite)."""

from django.core.management.base import BaseCommand

from ehcp.governance.partitions import MONTHS_AHEAD, audit_partitions_ensure, existing_partitions


class Command(BaseCommand):
    help = (
        "Create the read audit's monthly partitions from this month to --months ahead, moving "
        "any rows of those months out of the DEFAULT partition. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=MONTHS_AHEAD)
        parser.add_argument("--list", action="store_true", help="List the partitions after")

    def handle(self, *args, months=MONTHS_AHEAD, list=False, **options):
        report = audit_partitions_ensure(months_ahead=months)
        if not report.partitioned:
            self.stdout.write("The audit table is not partitioned here (PostgreSQL only).")
            return
        self.stdout.write(
            f"Partitions created: {len(report.created)}"
            + (f" ({', '.join(report.created)})" if report.created else "")
            + f"; rows moved out of DEFAULT: {report.moved}"
        )
        if list:
            for name in existing_partitions():
                self.stdout.write(name)
