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
    """Table A row 1: received Mon 12 Jan 2026."""
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
    }


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
    assert set(result["sources"]) == set(result) - {"sources"}


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
    assert "Falls on a weekend" in text


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
    ],
)
def test_cli_bad_input_is_a_one_line_error(args):
    completed = run_cli(*args)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert completed.stderr.startswith("CommandError: ")
    assert completed.stdout == ""
