"""Tests for `manage.py statutory_dates`. No database: the command is pure date arithmetic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_json(*args: str, **options) -> dict:
    out = StringIO()
    call_command("statutory_dates", *args, "--json", stdout=out, **options)
    return json.loads(out.getvalue())


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", "statutory_dates", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_has_the_request_dates_and_their_sources():
    """Table A row 1: received Mon 12 Jan 2026. The 16-week date is the early May bank holiday
    (send-rules.md section 9.2 note 1): it does not move, and is flagged."""
    result = run_json("--received", "2026-01-12")
    assert result == {
        "decision_to_assess_due": "2026-02-23",
        "decision_not_to_issue_due": "2026-05-04",
        "final_plan_due": "2026-06-01",
        "sources": {
            "decision_to_assess_due": "SEND Regulations 2014, regs 4(1) and 5(1)",
            "decision_not_to_issue_due": "SEND Regulations 2014, reg 10(1)",
            "final_plan_due": "SEND Regulations 2014, reg 13(2)",
        },
        "not_working_days": {
            "decision_not_to_issue_due": {
                "why": "Mon 2026-05-04 is a bank holiday in England and Wales (May Day)",
                "act_by": "2026-05-01",
            }
        },
    }


def test_json_flags_nothing_when_every_date_is_a_working_day():
    """Table A row 2 (received Tue 3 Feb 2026), the baseline case."""
    result = run_json("--received", "2026-02-03")
    assert result["not_working_days"] == {}
    assert result["final_plan_due"] == "2026-06-23"


@pytest.mark.parametrize(
    ("args", "key", "due", "why", "act_by"),
    [
        pytest.param(
            ["--received", "2026-01-12", "--advice-requested", "2026-02-23"],
            "advice_due",
            "2026-04-06",
            "Mon 2026-04-06 is a bank holiday in England and Wales (Easter Monday)",
            "2026-04-02",  # Good Friday is one too
            id="easter-monday-table-a-row-1",
        ),
        pytest.param(
            ["--received", "2026-09-07"],
            "decision_not_to_issue_due",
            "2026-12-28",
            "Mon 2026-12-28 is a bank holiday in England and Wales (Boxing Day (observed))",
            "2026-12-24",  # Christmas Day is a Friday
            id="boxing-day-substitute-table-a-row-7",
        ),
        pytest.param(
            ["--received", "2027-03-22"],
            "decision_not_to_issue_due",
            "2027-07-12",
            None,
            None,
            id="12-july-is-not-a-bank-holiday-in-england-and-wales",
        ),
        pytest.param(
            ["--received", "2026-07-20"],
            "decision_to_assess_due",
            "2026-08-31",
            "Mon 2026-08-31 is a bank holiday in England and Wales (Late Summer Bank Holiday)",
            "2026-08-28",
            id="late-summer",
        ),
        pytest.param(
            ["--received", "2027-11-22"],
            "decision_to_assess_due",
            "2028-01-03",
            "Mon 2028-01-03 is a bank holiday in England and Wales (New Year's Day (observed))",
            "2027-12-31",  # across the year end
            id="new-year-substitute-across-the-year-end",
        ),
        pytest.param(
            ["--received", "2026-01-11"],
            "final_plan_due",
            "2026-05-31",
            "Sun 2026-05-31 falls on a weekend",
            "2026-05-29",
            id="sunday",
        ),
        pytest.param(
            ["--received", "2027-03-29"],
            "decision_not_to_issue_due",
            "2027-07-19",
            None,
            None,
            id="a-plain-monday",
        ),
    ],
)
def test_due_dates_on_a_bank_holiday_in_england_and_wales_are_flagged(args, key, due, why, act_by):
    """A statutory date never moves for a weekend or bank holiday (send-rules.md, date
    conventions); the command flags it and gives the working day before, for England and Wales
    (12 July, a holiday only in Northern Ireland, is not one)."""
    result = run_json(*args)
    assert result[key] == due
    if why is None:
        assert key not in result["not_working_days"]
    else:
        assert result["not_working_days"][key] == {"why": why, "act_by": act_by}


def test_json_adds_advice_and_draft_comments_when_given():
    result = run_json(
        "--received",
        "2026-01-12",
        "--advice-requested",
        "2026-02-23",
        "--draft-issued",
        "2026-04-20",
    )
    assert result["advice_due"] == "2026-04-06"  # Easter Monday: the date does not move
    assert result["draft_comments_due"] == "2026-05-04"
    assert result["sources"]["advice_due"] == "SEND Regulations 2014, reg 8(1)"
    assert result["sources"]["draft_comments_due"] == "SEND Regulations 2014, reg 13(1)"
    assert set(result["sources"]) == set(result) - {"sources", "not_working_days"}


def test_options_can_be_passed_as_keywords():
    result = run_json(received="2026-02-03", advice_requested="2026-02-10")
    assert result["final_plan_due"] == "2026-06-23"
    assert result["advice_due"] == "2026-03-24"


def test_table_output_shows_weekday_and_source():
    out = StringIO()
    call_command("statutory_dates", "--received", "2026-01-11", stdout=out)
    text = out.getvalue()
    assert "received on Sunday 11 January 2026" in text
    assert "final_plan_due" in text
    assert "Sun 2026-05-31 *" in text
    assert "SEND Regulations 2014, reg 13(2)" in text
    assert "* Not a working day. The date does not move" in text
    assert "  final_plan_due: Sun 2026-05-31 falls on a weekend; act by Fri 2026-05-29" in text


def test_table_output_flags_a_bank_holiday():
    """Table A row 1: advice due on Easter Monday, the 16-week date on the early May bank
    holiday (send-rules.md section 9.2 note 1)."""
    out = StringIO()
    call_command(
        "statutory_dates",
        "--received",
        "2026-01-12",
        "--advice-requested",
        "2026-02-23",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert any(line.startswith("advice_due ") and "Mon 2026-04-06 *" in line for line in lines)
    assert any(line.startswith("final_plan_due ") and "*" not in line for line in lines)
    assert (
        "  advice_due: Mon 2026-04-06 is a bank holiday in England and Wales (Easter Monday); "
        "act by Thu 2026-04-02"
    ) in lines
    assert (
        "  decision_not_to_issue_due: Mon 2026-05-04 is a bank holiday in England and Wales "
        "(May Day); act by Fri 2026-05-01"
    ) in lines


def test_table_output_has_no_footnote_when_every_date_is_a_working_day():
    out = StringIO()
    call_command("statutory_dates", "--received", "2026-02-03", stdout=out)
    assert "*" not in out.getvalue()
    assert "Not a working day" not in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--received", "2026-02-30"], "--received must be a real date", id="30-feb"),
        pytest.param(["--received", "tomorrow"], "--received must be a real date", id="words"),
        pytest.param(["--received", "20260112"], "--received must be a real date", id="no-dashes"),
        pytest.param(
            ["--received", "2026-01-12", "--draft-issued", "2026-13-01"],
            "--draft-issued must be a real date",
            id="bad-draft-date",
        ),
        pytest.param(
            ["--received", "2026-01-12", "--advice-requested", "2026-01-01"],
            "cannot be before the date the request was received",
            id="advice-before-request",
        ),
        pytest.param(
            ["--received", "9999-12-31"],
            "cannot be worked out from 31 December 9999: it would fall outside the calendar",
            id="overflow-last-day",
        ),
        pytest.param(
            ["--received", "9999-08-14"],
            "cannot be worked out from 14 August 9999",
            id="overflow-only-the-final-plan",
        ),
        pytest.param(
            ["--received", "9999-01-04", "--advice-requested", "9999-12-01"],
            "cannot be worked out from 1 December 9999",
            id="overflow-advice",
        ),
    ],
)
def test_bad_input_raises_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("statutory_dates", *args, stdout=StringIO())


def test_cli_prints_json():
    completed = run_cli("--received", "2026-01-12", "--json")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["final_plan_due"] == "2026-06-01"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--received", "2026-02-30"], id="30-feb"),
        pytest.param(["--received", "tomorrow"], id="words"),
        pytest.param(
            ["--received", "2026-01-12", "--advice-requested", "2026-01-01", "--json"],
            id="advice-before-request",
        ),
        pytest.param(["--received", "9999-12-31"], id="overflow"),
        pytest.param(["--received", "9999-12-31", "--json"], id="overflow-json"),
    ],
)
def test_cli_bad_input_is_a_one_line_error(args):
    completed = run_cli(*args)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert completed.stderr.startswith("CommandError: ")
    assert completed.stdout == ""


def test_the_last_received_date_that_fits_still_works():
    """9999-08-13 + 140 days = 9999-12-31, the last day the calendar has."""
    result = run_json("--received", "9999-08-13")
    assert result["final_plan_due"] == "9999-12-31"


def test_the_first_day_of_the_calendar_works():
    result = run_json("--received", "0001-01-01")
    assert result["decision_to_assess_due"] == "0001-02-12"
    assert result["not_working_days"] == {}  # no bank holidays before they existed
