"""`manage.py generate_scale --children N`: a large council or a nation's data, for measuring.

Loads a small template through the real flow (`load_demo`, unless the demo is loaded already),
then copies it in SQL until there are about N children, spread over several councils, each with
its own agencies and staff (see `demo/scale.py`). PostgreSQL only. Prints each table's rows and
seconds, the total time and the database's size, and ends with ANALYZE.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from demo import scale


class Command(BaseCommand):
    help = (
        "Generate scale data: a template of demo children loaded through the real flow, copied "
        "in SQL to about --children children over --councils councils (PostgreSQL only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True, help="Children wanted (about)")
        parser.add_argument("--councils", type=int, default=4, help="Councils (default 4)")
        parser.add_argument(
            "--template-children",
            type=int,
            default=60,
            help="Children of the template loaded through the flow (default 60; the demo's "
            "review and panel scenarios add about 15 more)",
        )
        parser.add_argument(
            "--audit-per-child",
            type=int,
            default=50,
            help="Synthetic read-audit rows a child (default 50)",
        )
        parser.add_argument(
            "--disclosures-per-child",
            type=int,
            default=4,
            help="Repeat disclosures a child, on top of the template's (default 4)",
        )
        parser.add_argument(
            "--cases-per-caseworker",
            type=int,
            default=250,
            help="About how many open cases the busiest caseworker holds (default 250)",
        )
        parser.add_argument("--seed", type=int, default=2014, help="Seed of the template")

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is not allowed with these settings (DEMO_DATA_ALLOWED)")
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate_scale needs PostgreSQL: it copies rows with INSERT ... SELECT over "
                "generate_series and sets the foreign keys aside (set DATABASE_URL=postgres://...)"
            )
        if options["children"] < 1 or options["councils"] < 1 or options["template_children"] < 1:
            raise CommandError("--children, --councils and --template-children must be at least 1")
        if scale.generated_already():
            raise CommandError("This database already holds generated data: use a fresh one")
        started = time.perf_counter()
        today = timezone.localdate()
        try:
            scale.template_prepare(
                children=options["template_children"],
                seed=options["seed"],
                today=today,
                say=self._say,
            )
            template = time.perf_counter() - started
            from ehcp.children.models import Child

            layout = scale.layout_for(
                children=options["children"],
                template_children=Child.objects.count(),
                councils=options["councils"],
                busiest_caseload=scale.template_caseload(),
                cases_per_caseworker=options["cases_per_caseworker"],
            )
            self._say(
                f"Template ready ({template:.0f} s): {Child.objects.count()} children, copied "
                f"{layout.clones} times over {layout.councils} council(s) of {layout.teams} "
                "team(s) each"
            )
            report = scale.generate(
                layout=layout,
                audit_per_child=options["audit_per_child"],
                disclosures_per_child=options["disclosures_per_child"],
                today=today,
                say=self._say,
            )
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        report.phases["template"] = template
        for phase, seconds in report.phases.items():
            self._say(f"  {phase:<25} {seconds:8.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.children:,} children in {time.perf_counter() - started:.0f} s; "
                f"database {report.database_bytes / 2**30:.2f} GiB."
            )
        )

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
