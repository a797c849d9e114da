"""Print the statutory dates for an EHC needs assessment request.

    python manage.py statutory_dates --received 2026-01-12
    python manage.py statutory_dates --received 2026-01-12 --advice-requested 2026-02-23 --json

It only does date arithmetic with ehcp.assessments.rules.deadlines: no database, no migrations, no clock.
A date that falls on a weekend or a bank holiday in England and Wales (ehcp.common.calendar) is
flagged, with the working day before it; the statutory date itself never moves.
"""

from __future__ import annotations

import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ehcp.assessments.rules.deadlines import (
    Deadline,
    assessment_deadlines,
    format_date,
    is_non_working_day,
    previous_working_day,
)
from ehcp.common.calendar import bank_holiday_names

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# The dates this command reports, in process order (draft_recommended_by and
# consultation_reply_due are left out on purpose: this is the statutory set).
_KEYS = (
    "decision_to_assess_due",
    "advice_due",
    "decision_not_to_issue_due",
    "draft_comments_due",
    "final_plan_due",
)


def parse_iso_date(value: date | str, option: str) -> date:
    """A real calendar date written as YYYY-MM-DD, or a CommandError naming the option."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CommandError(
        f"{option} must be a real date in the format YYYY-MM-DD, for example 2026-01-12 "
        f"(got {value!r})"
    )


class Command(BaseCommand):
    help = (
        "Print the statutory dates (6-week decision, advice, 16-week decision not to issue, "
        "15-day draft comments, 20-week final plan) for a request received on a given date."
    )
    # Pure date arithmetic: no system checks, no database, works before migrations.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        # Dates are parsed in handle() so that a bad date is a one-line CommandError (exit 1)
        # from the command line and a CommandError from call_command().
        parser.add_argument(
            "--received",
            required=True,
            metavar="YYYY-MM-DD",
            help="Date the council received the request (day 0).",
        )
        parser.add_argument(
            "--advice-requested",
            metavar="YYYY-MM-DD",
            help="Date the request for advice was sent to (received by) the adviser.",
        )
        parser.add_argument(
            "--draft-issued",
            metavar="YYYY-MM-DD",
            help="Date the draft plan was served (day 1 of the 15-day comment period).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object instead of a table."
        )

    def handle(self, *args, **options):
        received = parse_iso_date(options["received"], "--received")
        advice = options.get("advice_requested")
        draft = options.get("draft_issued")
        advice = parse_iso_date(advice, "--advice-requested") if advice is not None else None
        draft = parse_iso_date(draft, "--draft-issued") if draft is not None else None

        try:
            deadlines = assessment_deadlines(
                received, advice_requested_on=advice, draft_issued_on=draft
            )
        except ValueError as error:  # a later fact before the request, or past 31 December 9999
            raise CommandError(str(error)) from error
        shown = [deadlines[key] for key in _KEYS if key in deadlines]
        flags = non_working_days(shown)

        if options["json"]:
            result: dict[str, object] = {item.key: item.due_on.isoformat() for item in shown}
            result["sources"] = {item.key: item.source for item in shown}
            result["not_working_days"] = {
                key: {"why": why, "act_by": act_by.isoformat()}
                for key, (why, act_by) in flags.items()
            }
            self.stdout.write(json.dumps(result, indent=2))
            return

        self.stdout.write(
            f"Statutory dates for a request received on {received:%A} {format_date(received)}"
        )
        self.stdout.write("")
        key_width = max(len(item.key) for item in shown)
        self.stdout.write(f"{'Date':<{key_width}}  {'Due on':<16}  Source")
        for item in shown:
            due = _day(item.due_on) + (" *" if item.key in flags else "")
            self.stdout.write(f"{item.key:<{key_width}}  {due:<16}  {item.source}")
        if flags:
            self.stdout.write("")
            self.stdout.write(
                "* Not a working day. The date does not move: plan to act by the working day "
                "before."
            )
            for key, (why, act_by) in flags.items():
                self.stdout.write(f"  {key}: {why}; act by {_day(act_by)}")


def _day(d) -> str:
    return f"{d:%a} {d.isoformat()}"


def non_working_days(shown: list[Deadline]) -> dict[str, tuple[str, object]]:
    """For each date that falls on a weekend or a bank holiday in England and Wales: why it is
    not a working day, and the working day before it (the date to act by)."""
    years = {item.due_on.year for item in shown}
    names = bank_holiday_names(*years, *(year - 1 for year in years))
    holidays = frozenset(names)
    flags = {}
    for item in shown:
        if not is_non_working_day(item.due_on, holidays):
            continue
        if item.due_on in names:
            why = (
                f"{_day(item.due_on)} is a bank holiday in England and Wales ({names[item.due_on]})"
            )
        else:
            why = f"{_day(item.due_on)} falls on a weekend"
        flags[item.key] = (why, previous_working_day(item.due_on, holidays))
    return flags
