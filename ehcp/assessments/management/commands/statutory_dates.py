"""Print the statutory dates for an EHC needs assessment request, an annual review (and amending
the plan after it) and a phase transfer.

    python manage.py statutory_dates --received 2026-01-12
    python manage.py statutory_dates --received 2026-01-12 --advice-requested 2026-02-23 --json
    python manage.py statutory_dates --plan-issued 2026-06-01 --review-meeting 2027-05-03 \
        --amendment-notice 2027-05-31
    python manage.py statutory_dates --plan-issued 2026-06-01 --under-five
    python manage.py statutory_dates --transfer-year 2027 --post16
    python manage.py statutory_dates --post16-move 2028-01-08

Each input gives the dates it allows: --received the assessment's (with --advice-requested and
--draft-issued); --plan-issued (the day the plan was issued, or of the last review decision) the
review's, with --review-meeting the report and decision, with --amendment-notice the comments and
the final amended plan; --transfer-year the phase transfer's (reg 18(1), read strictly: by
14 February, or with --post16 by 30 March); --post16-move, a move between post-16 institutions at
another time, its own (reg 18(2): 5 months before the move).

It only does date arithmetic with ehcp.assessments.rules.deadlines: no database, no migrations, no clock.
A date that falls on a weekend or a bank holiday in England and Wales (ehcp.common.calendar) is
flagged, with the working day before it; the statutory date itself never moves.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from ehcp.assessments.rules.deadlines import (
    FIRST_PHASE_TRANSFER_YEAR,
    PHASE_TRANSFER_POST16,
    PHASE_TRANSFER_POST16_MOVE,
    PHASE_TRANSFER_SCHOOL,
    Deadline,
    assessment_deadlines,
    format_date,
    is_non_working_day,
    phase_transfer_deadline,
    post16_move_deadline,
    previous_working_day,
    review_deadlines,
)
from ehcp.common.calendar import bank_holiday_names

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")

# The dates this command reports, in process order (draft_recommended_by and
# consultation_reply_due are left out on purpose: this is the statutory set).
_KEYS = (
    "decision_to_assess_due",
    "advice_due",
    "decision_not_to_issue_due",
    "draft_comments_due",
    "final_plan_due",
)

# review_deadlines' keys, as this command names them, in the order it prints them.
_REVIEW_KEYS = {
    "review_complete_by": "review_due",
    "latest_meeting": "latest_review_meeting",
    "invitations_by": "invitations_due",
    "report_due": "review_report_due",
    "decision_due": "review_decision_due",
    "amendment_comments_due": "amendment_comments_due",
    "amended_plan_due": "amended_plan_due",
}

# The facts the dates count from: the option that gives each, and what it is.
_FACTS = {
    "received": ("--received", "the date the request was received"),
    "plan_issued": ("--plan-issued", "the date the plan was issued or last reviewed"),
    "transfer_year": ("--transfer-year", "the calendar year of the transfer"),
    "post16_move": ("--post16-move", "the date of a move between post-16 institutions"),
}
# Each further option, and the fact it needs.
_NEEDS = (
    ("advice_requested", "--advice-requested", "received"),
    ("draft_issued", "--draft-issued", "received"),
    ("review_meeting", "--review-meeting", "plan_issued"),
    ("amendment_notice", "--amendment-notice", "plan_issued"),
    ("under_five", "--under-five", "plan_issued"),
    ("post16", "--post16", "transfer_year"),
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


def parse_year(value: int | str, option: str) -> int:
    """A calendar year written as YYYY, from the first year whose transfers reg 18(1) alone
    governs (:data:`FIRST_PHASE_TRANSFER_YEAR`) to 9999, or a CommandError naming the option."""
    text = str(value).strip()
    if isinstance(value, int) or _YEAR.fullmatch(text):
        year = int(text)
        if FIRST_PHASE_TRANSFER_YEAR <= year <= date.max.year:
            return year
        raise CommandError(
            f"{option} must be a year from {FIRST_PHASE_TRANSFER_YEAR} to {date.max.year} "
            f"(got {value!r})"
        )
    raise CommandError(
        f"{option} must be a year in the format YYYY, for example 2027 (got {value!r})"
    )


class Command(BaseCommand):
    help = (
        "Print the statutory dates, with their legal sources, for a request received on a given "
        "date (6-week decision, advice, 16-week decision not to issue, 15-day draft comments, "
        "20-week final plan), for the review of a plan issued or last reviewed on a given date "
        "(review, latest meeting, invitations, report, decision, amendment comments, final "
        "amended plan) and for a phase transfer in a given year (reg 18)."
    )
    # Pure date arithmetic: no system checks, no database, works before migrations.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        # Dates are parsed in handle() so that a bad date is a one-line CommandError (exit 1)
        # from the command line and a CommandError from call_command().
        parser.add_argument(
            "--received",
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
            "--plan-issued",
            metavar="YYYY-MM-DD",
            help=(
                "Date the plan was issued (first review), or of the last review decision: the "
                "12 months of the review run from it."
            ),
        )
        parser.add_argument(
            "--review-meeting",
            metavar="YYYY-MM-DD",
            help="Date of the review meeting (needs --plan-issued).",
        )
        parser.add_argument(
            "--amendment-notice",
            metavar="YYYY-MM-DD",
            help=(
                "Date the amendment notice was sent, and served the same day (day 1 of the "
                "15-day comment period; needs --plan-issued; not before --review-meeting)."
            ),
        )
        parser.add_argument(
            "--under-five",
            action="store_true",
            help="The child is under 5: review within 6 months (CoP 9.178; needs --plan-issued).",
        )
        parser.add_argument(
            "--transfer-year",
            metavar="YYYY",
            help="Calendar year of a phase transfer: the amended plan is due by 14 February.",
        )
        parser.add_argument(
            "--post16",
            action="store_true",
            help=(
                "The transfer is from secondary school to a post-16 institution: the amended "
                "plan is due by 30 March (needs --transfer-year)."
            ),
        )
        parser.add_argument(
            "--post16-move",
            metavar="YYYY-MM-DD",
            help=(
                "Date of a move between post-16 institutions at another time of year: the "
                "amended plan is due 5 months before it (reg 18(2))."
            ),
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object instead of a table."
        )

    def handle(self, *args, **options):
        dates = {
            name: parse_iso_date(options[name], option)
            for name, option in (
                ("received", "--received"),
                ("advice_requested", "--advice-requested"),
                ("draft_issued", "--draft-issued"),
                ("plan_issued", "--plan-issued"),
                ("review_meeting", "--review-meeting"),
                ("amendment_notice", "--amendment-notice"),
                ("post16_move", "--post16-move"),
            )
            if options.get(name) is not None
        }
        year = options.get("transfer_year")
        year = parse_year(year, "--transfer-year") if year is not None else None
        given = {**dates, "transfer_year": year, **_flags(options)}
        check_options(given)
        if year is not None and dates.get("post16_move") is not None:
            raise CommandError(
                "Give --transfer-year (a phase transfer) or --post16-move (a move between "
                "post-16 institutions at another time), not both"
            )
        received, plan_issued = dates.get("received"), dates.get("plan_issued")
        if plan_issued is not None and year is not None and year < plan_issued.year:
            raise CommandError(
                f"--transfer-year ({year}) cannot be before the year the plan was issued or "
                f"last reviewed ({plan_issued.year})"
            )

        shown: list[Deadline] = []
        try:  # a later fact before an earlier one, or a date past 31 December 9999
            if received is not None:
                deadlines = assessment_deadlines(
                    received,
                    advice_requested_on=dates.get("advice_requested"),
                    draft_issued_on=dates.get("draft_issued"),
                )
                shown += [deadlines[key] for key in _KEYS if key in deadlines]
            if plan_issued is not None:
                review = review_deadlines(
                    plan_issued,
                    meeting_on=dates.get("review_meeting"),
                    amendment_notice_on=dates.get("amendment_notice"),
                    under_five=given["under_five"],
                )
                shown += [
                    replace(review[key], key=name)
                    for key, name in _REVIEW_KEYS.items()
                    if key in review
                ]
            if year is not None:
                shown.append(phase_transfer_due(year, post16=given["post16"]))
            if dates.get("post16_move") is not None:
                shown.append(post16_move_due(dates["post16_move"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
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

        for line in heading(given):
            self.stdout.write(line)
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


def _flags(options) -> dict[str, bool]:
    return {name: bool(options.get(name)) for name in ("under_five", "post16")}


def check_options(given: dict) -> None:
    """A CommandError for an option given without the fact it counts from, or for no fact."""
    for name, option, needs in _NEEDS:
        if given.get(name) not in (None, False) and given.get(needs) is None:
            needed_option, fact = _FACTS[needs]
            raise CommandError(f"{option} needs {needed_option} ({fact})")
    if all(given.get(name) is None for name in _FACTS):
        raise CommandError(
            "Give --received (a request), --plan-issued (a plan's review), --transfer-year "
            "(a phase transfer) or --post16-move (a move between post-16 institutions)"
        )


def phase_transfer_due(year: int, *, post16: bool) -> Deadline:
    """The phase transfer's date (reg 18(1), read strictly) as a Deadline with its period."""
    period = PHASE_TRANSFER_POST16 if post16 else PHASE_TRANSFER_SCHOOL
    due = phase_transfer_deadline(year, post16=post16)
    return Deadline(
        key="phase_transfer_due", period=period, due_on=due, start=due - timedelta(period.days)
    )


def post16_move_due(move_on: date) -> Deadline:
    """A move between post-16 institutions at another time (reg 18(2)) as a Deadline."""
    return Deadline(
        key="phase_transfer_due",
        period=PHASE_TRANSFER_POST16_MOVE,
        due_on=post16_move_deadline(move_on),
        start=move_on,
    )


def heading(given: dict) -> list[str]:
    """The facts the dates are counted from, one line each."""
    lines = []
    received, plan_issued = given.get("received"), given.get("plan_issued")
    if received is not None:
        lines.append(f"Statutory dates for a request received on {_long(received)}")
    if plan_issued is not None:
        child = " (a child under 5)" if given["under_five"] else ""
        lines.append(
            f"Statutory dates for a plan issued or last reviewed on {_long(plan_issued)}{child}"
        )
        if given.get("review_meeting") is not None:
            lines.append(f"Review meeting on {_long(given['review_meeting'])}")
        if given.get("amendment_notice") is not None:
            lines.append(f"Amendment notice sent on {_long(given['amendment_notice'])}")
    if given.get("transfer_year") is not None:
        kind = (
            "from secondary school to a post-16 institution"
            if given["post16"]
            else "into or between schools"
        )
        lines.append(f"Statutory dates for a phase transfer in {given['transfer_year']} ({kind})")
    if given.get("post16_move") is not None:
        lines.append(
            "Statutory dates for a move between post-16 institutions on "
            f"{_long(given['post16_move'])}"
        )
    return lines


def _long(d: date) -> str:
    return f"{d:%A} {format_date(d)}"


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
