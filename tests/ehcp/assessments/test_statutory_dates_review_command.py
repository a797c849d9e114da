"""`manage.py statutory_dates` for reviews, amendments and phase transfers (issue 10).

--plan-issued, --review-meeting, --amendment-notice, --under-five, --transfer-year, --post16 and
--post16-move.
No database: the command is pure date arithmetic. The request dates (--received) are pinned down
in test_statutory_dates_command.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

REPO_ROOT = Path(__file__).resolve().parents[3]

CFA_S44 = "Children and Families Act 2014, s.44; SEND Code of Practice 9.168-9.169"
COP_9_178 = "SEND Code of Practice 9.178 (guidance)"
REG_20 = "SEND Regulations 2014, reg 20; SEND Code of Practice 9.169"
REGS_20_21_INVITES = "SEND Regulations 2014, regs 20(3)-(4) and 21(3)-(4)"
REG_20_21_7 = "SEND Regulations 2014, reg 20 (school arranges the meeting) and reg 21(7) (council)"
DEVON = (
    "SEND Regulations 2014, regs 20 and 21; SEND Code of Practice 9.169; "
    "R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
)
REG_22_2_C = "SEND Regulations 2014, reg 22(2)(c)"
REG_22_3 = "SEND Regulations 2014, reg 22(3)"
REG_18_1 = "SEND Regulations 2014, reg 18(1)"


def run_table(*args: str, **options) -> list[str]:
    out = StringIO()
    call_command("statutory_dates", *args, stdout=out, **options)
    return out.getvalue().splitlines()


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


# ---------------------------------------------------------------------------------------------
# The table, line by line
# ---------------------------------------------------------------------------------------------
def test_a_plan_issued_gives_the_review_date_the_latest_meeting_and_the_invitations():
    """Table B row 1 of the rules reference: issued Mon 1 Jun 2026. The review date is the
    Spring bank holiday and the latest meeting the May Day bank holiday: flagged, not moved."""
    assert run_table("--plan-issued", "2026-06-01") == [
        "Statutory dates for a plan issued or last reviewed on Monday 1 June 2026",
        "",
        "Date                   Due on            Source",
        f"review_due             Mon 2027-05-31 *  {CFA_S44}",
        f"latest_review_meeting  Mon 2027-05-03 *  {REG_20}",
        f"invitations_due        Mon 2027-04-19    {REGS_20_21_INVITES}",
        "",
        "* Not a working day. The date does not move: plan to act by the working day before.",
        "  review_due: Mon 2027-05-31 is a bank holiday in England and Wales (Spring Bank "
        "Holiday); act by Fri 2027-05-28",
        "  latest_review_meeting: Mon 2027-05-03 is a bank holiday in England and Wales (May "
        "Day); act by Fri 2027-04-30",
    ]


def test_the_meeting_and_the_amendment_notice_add_their_dates():
    """Table B row 1, with the meeting on its latest day and the amendment notice sent with the
    decision on the last day (Devon)."""
    lines = run_table(
        "--plan-issued",
        "2026-06-01",
        "--review-meeting",
        "2027-05-03",
        "--amendment-notice",
        "2027-05-31",
    )
    assert lines == [
        "Statutory dates for a plan issued or last reviewed on Monday 1 June 2026",
        "Review meeting on Monday 3 May 2027",
        "Amendment notice sent on Monday 31 May 2027",
        "",
        "Date                    Due on            Source",
        f"review_due              Mon 2027-05-31 *  {CFA_S44}",
        f"latest_review_meeting   Mon 2027-05-03 *  {REG_20}",
        f"invitations_due         Mon 2027-04-19    {REGS_20_21_INVITES}",
        f"review_report_due       Mon 2027-05-17    {REG_20_21_7}",
        f"review_decision_due     Mon 2027-05-31 *  {DEVON}",
        f"amendment_comments_due  Mon 2027-06-14    {REG_22_2_C}",
        f"amended_plan_due        Mon 2027-07-26    {REG_22_3}",
        "",
        "* Not a working day. The date does not move: plan to act by the working day before.",
        "  review_due: Mon 2027-05-31 is a bank holiday in England and Wales (Spring Bank "
        "Holiday); act by Fri 2027-05-28",
        "  latest_review_meeting: Mon 2027-05-03 is a bank holiday in England and Wales (May "
        "Day); act by Fri 2027-04-30",
        "  review_decision_due: Mon 2027-05-31 is a bank holiday in England and Wales (Spring "
        "Bank Holiday); act by Fri 2027-05-28",
    ]


def test_a_child_under_five_is_reviewed_within_6_months():
    """Issued 31 Aug 2027: 6 months is 29 Feb 2028 (a leap year), less a day."""
    assert run_table("--plan-issued", "2027-08-31", "--under-five") == [
        "Statutory dates for a plan issued or last reviewed on Tuesday 31 August 2027 "
        "(a child under 5)",
        "",
        "Date                   Due on            Source",
        f"review_due             Mon 2028-02-28    {COP_9_178}",
        f"latest_review_meeting  Mon 2028-01-31    {REG_20}",
        f"invitations_due        Mon 2028-01-17    {REGS_20_21_INVITES}",
    ]


def test_a_school_phase_transfer_is_due_by_14_february():
    assert run_table("--transfer-year", "2027") == [
        "Statutory dates for a phase transfer in 2027 (into or between schools)",
        "",
        "Date                Due on            Source",
        f"phase_transfer_due  Sun 2027-02-14 *  {REG_18_1}",
        "",
        "* Not a working day. The date does not move: plan to act by the working day before.",
        "  phase_transfer_due: Sun 2027-02-14 falls on a weekend; act by Fri 2027-02-12",
    ]


def test_a_transfer_to_post16_is_due_by_30_march():
    """30 March 2029 is Good Friday: flagged, with the Thursday before."""
    assert run_table("--transfer-year", "2029", "--post16") == [
        "Statutory dates for a phase transfer in 2029 (from secondary school to a post-16 "
        "institution)",
        "",
        "Date                Due on            Source",
        f"phase_transfer_due  Fri 2029-03-30 *  {REG_18_1}",
        "",
        "* Not a working day. The date does not move: plan to act by the working day before.",
        "  phase_transfer_due: Fri 2029-03-30 is a bank holiday in England and Wales (Good "
        "Friday); act by Thu 2029-03-29",
    ]


def test_a_move_between_post16_institutions_is_due_5_months_before_it():
    """Reg 18(2): 31 July 2028 less 5 months is 29 February 2028 (no 31 February)."""
    assert run_table("--post16-move", "2028-07-31") == [
        "Statutory dates for a move between post-16 institutions on Monday 31 July 2028",
        "",
        "Date                Due on            Source",
        "phase_transfer_due  Tue 2028-02-29    SEND Regulations 2014, reg 18(2)",
    ]
    assert run_json("--plan-issued", "2027-09-01", "--post16-move", "2028-01-08") == {
        "review_due": "2028-08-31",
        "latest_review_meeting": "2028-08-03",
        "invitations_due": "2028-07-20",
        "phase_transfer_due": "2027-08-08",
        "sources": {
            "review_due": CFA_S44,
            "latest_review_meeting": REG_20,
            "invitations_due": REGS_20_21_INVITES,
            "phase_transfer_due": "SEND Regulations 2014, reg 18(2)",
        },
        "not_working_days": {
            "phase_transfer_due": {
                "why": "Sun 2027-08-08 falls on a weekend",
                "act_by": "2027-08-06",
            },
        },
    }


def test_a_review_and_a_phase_transfer_together():
    assert run_table("--plan-issued", "2027-08-31", "--under-five", "--transfer-year", "2028") == [
        "Statutory dates for a plan issued or last reviewed on Tuesday 31 August 2027 "
        "(a child under 5)",
        "Statutory dates for a phase transfer in 2028 (into or between schools)",
        "",
        "Date                   Due on            Source",
        f"review_due             Mon 2028-02-28    {COP_9_178}",
        f"latest_review_meeting  Mon 2028-01-31    {REG_20}",
        f"invitations_due        Mon 2028-01-17    {REGS_20_21_INVITES}",
        f"phase_transfer_due     Mon 2028-02-14    {REG_18_1}",
    ]


def test_a_request_a_review_and_a_transfer_together_keep_the_request_heading_first():
    lines = run_table(
        "--received", "2026-02-03", "--plan-issued", "2026-06-23", "--transfer-year", "2028"
    )
    assert lines[:4] == [
        "Statutory dates for a request received on Tuesday 3 February 2026",
        "Statutory dates for a plan issued or last reviewed on Tuesday 23 June 2026",
        "Statutory dates for a phase transfer in 2028 (into or between schools)",
        "",
    ]
    assert lines[4] == "Date                       Due on            Source"
    assert [line.split()[0] for line in lines[5:]] == [
        "decision_to_assess_due",
        "decision_not_to_issue_due",
        "final_plan_due",
        "review_due",
        "latest_review_meeting",
        "invitations_due",
        "phase_transfer_due",
    ]
    assert lines[8] == f"review_due                 Tue 2027-06-22    {CFA_S44}"  # Table B row 2


# ---------------------------------------------------------------------------------------------
# --json
# ---------------------------------------------------------------------------------------------
def test_json_for_a_whole_review_from_29_february():
    """Issued Tue 29 Feb 2028: review by 27 Feb 2029 (12 months is 28 Feb, less a day); the
    meeting on its latest day; the notice with the decision; the final plan 12 weeks after the
    meeting."""
    result = run_json(
        "--plan-issued",
        "2028-02-29",
        "--review-meeting",
        "2029-01-30",
        "--amendment-notice",
        "2029-02-27",
    )
    assert result == {
        "review_due": "2029-02-27",
        "latest_review_meeting": "2029-01-30",
        "invitations_due": "2029-01-16",
        "review_report_due": "2029-02-13",
        "review_decision_due": "2029-02-27",
        "amendment_comments_due": "2029-03-13",
        "amended_plan_due": "2029-04-24",
        "sources": {
            "review_due": CFA_S44,
            "latest_review_meeting": REG_20,
            "invitations_due": REGS_20_21_INVITES,
            "review_report_due": REG_20_21_7,
            "review_decision_due": DEVON,
            "amendment_comments_due": REG_22_2_C,
            "amended_plan_due": REG_22_3,
        },
        "not_working_days": {},
    }


_NOT_DATES = ("sources", "not_working_days")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--plan-issued", "2027-03-01"],
            {
                "review_due": "2028-02-29",
                "latest_review_meeting": "2028-02-01",
                "invitations_due": "2028-01-18",
            },
            id="ends-on-29-february",
        ),
        pytest.param(
            ["--plan-issued", "2028-02-28"],
            {
                "review_due": "2029-02-27",
                "latest_review_meeting": "2029-01-30",
                "invitations_due": "2029-01-16",
            },
            id="28-february-in-a-leap-year",
        ),
        pytest.param(
            ["--plan-issued", "2026-01-31"],
            {
                "review_due": "2027-01-30",
                "latest_review_meeting": "2027-01-02",
                "invitations_due": "2026-12-19",
            },
            id="31-january",
        ),
        pytest.param(
            ["--plan-issued", "2026-08-31"],
            {
                "review_due": "2027-08-30",
                "latest_review_meeting": "2027-08-02",
                "invitations_due": "2027-07-19",
            },
            id="31-august",
        ),
        pytest.param(
            ["--plan-issued", "2026-08-31", "--under-five"],
            {
                "review_due": "2027-02-27",
                "latest_review_meeting": "2027-01-30",
                "invitations_due": "2027-01-16",
            },
            id="31-august-under-five",
        ),
        pytest.param(
            ["--plan-issued", "2028-02-29", "--under-five"],
            {
                "review_due": "2028-08-28",
                "latest_review_meeting": "2028-07-31",
                "invitations_due": "2028-07-17",
            },
            id="29-february-under-five",
        ),
        pytest.param(
            ["--plan-issued", "2027-01-01", "--review-meeting", "2027-12-20"],
            {
                "review_due": "2027-12-31",
                "latest_review_meeting": "2027-12-03",
                "invitations_due": "2027-12-06",
                "review_report_due": "2028-01-03",
                "review_decision_due": "2028-01-17",
            },
            id="meeting-across-the-year-end",
        ),
        pytest.param(
            ["--plan-issued", "2027-03-01", "--review-meeting", "2028-02-01"],
            {
                "review_due": "2028-02-29",
                "latest_review_meeting": "2028-02-01",
                "invitations_due": "2028-01-18",
                "review_report_due": "2028-02-15",
                "review_decision_due": "2028-02-29",
            },
            id="decision-on-29-february",
        ),
        pytest.param(
            ["--plan-issued", "2026-03-01", "--amendment-notice", "2027-02-17"],
            {
                "review_due": "2027-02-28",
                "latest_review_meeting": "2027-01-31",
                "invitations_due": "2027-01-17",
                "amendment_comments_due": "2027-03-03",
                "amended_plan_due": "2027-04-14",
            },
            id="notice-without-a-meeting",
        ),
        pytest.param(
            ["--plan-issued", "2027-03-01", "--amendment-notice", "2028-02-17"],
            {
                "review_due": "2028-02-29",
                "latest_review_meeting": "2028-02-01",
                "invitations_due": "2028-01-18",
                "amendment_comments_due": "2028-03-02",
                "amended_plan_due": "2028-04-13",
            },
            id="notice-across-29-february",
        ),
    ],
)
def test_json_dates(args, expected):
    result = run_json(*args)
    dates = {key: value for key, value in result.items() if key not in _NOT_DATES}
    assert dates == expected
    assert list(result["sources"]) == list(expected)


PHASE_TRANSFERS = [
    (2016, False, "2016-02-14", "Sun 2016-02-14 falls on a weekend", "2016-02-12"),
    (2026, False, "2026-02-14", "Sat 2026-02-14 falls on a weekend", "2026-02-13"),
    (2026, True, "2026-03-30", None, None),
    (2027, True, "2027-03-30", None, None),  # Tue: Easter 2027 is 28 March
    (2028, False, "2028-02-14", None, None),
    (2028, True, "2028-03-30", None, None),
    (2029, False, "2029-02-14", None, None),
    (
        2029,
        True,
        "2029-03-30",
        "Fri 2029-03-30 is a bank holiday in England and Wales (Good Friday)",
        "2029-03-29",
    ),
    (2030, True, "2030-03-30", "Sat 2030-03-30 falls on a weekend", "2030-03-29"),
    (2032, False, "2032-02-14", "Sat 2032-02-14 falls on a weekend", "2032-02-13"),
    (9999, True, "9999-03-30", None, None),
]


@pytest.mark.parametrize(
    ("year", "post16", "due", "why", "act_by"),
    [
        pytest.param(*row, id=f"{row[0]}-{'post16' if row[1] else 'school'}")
        for row in PHASE_TRANSFERS
    ],
)
def test_json_phase_transfer_dates_for_several_years(year, post16, due, why, act_by):
    """Reg 18(1) read strictly: by 14 February (into or between schools) or by 30 March
    (secondary school to post-16) of the year of transfer, never moved."""
    result = run_json("--transfer-year", str(year), *(["--post16"] if post16 else []))
    assert result["phase_transfer_due"] == due
    assert result["sources"] == {"phase_transfer_due": REG_18_1}
    if why is None:
        assert result["not_working_days"] == {}
    else:
        assert result["not_working_days"] == {"phase_transfer_due": {"why": why, "act_by": act_by}}


def test_options_can_be_passed_as_keywords_and_dates():
    result = run_json(
        plan_issued=date(2028, 2, 29),
        review_meeting="2029-01-30",
        under_five=True,
        transfer_year=2029,
        post16=True,
    )
    assert result["review_due"] == "2028-08-28"
    assert result["review_decision_due"] == "2029-02-27"
    assert result["phase_transfer_due"] == "2029-03-30"
    assert result["sources"]["review_due"] == COP_9_178


def test_the_last_plan_date_that_fits_still_works():
    """1 January 9999 + 12 months - 1 day = 31 December 9999, the last day the calendar has."""
    result = run_json("--plan-issued", "9999-01-01")
    assert result["review_due"] == "9999-12-31"
    assert result["latest_review_meeting"] == "9999-12-03"


# ---------------------------------------------------------------------------------------------
# Bad input: a one-line error
# ---------------------------------------------------------------------------------------------
BAD_INPUT = [
    pytest.param(
        ["--plan-issued", "2027-02-29"],
        "--plan-issued must be a real date in the format YYYY-MM-DD, for example 2026-01-12 "
        "(got '2027-02-29')",
        id="29-february-in-a-common-year",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--review-meeting", "3 May 2027"],
        "--review-meeting must be a real date",
        id="meeting-in-words",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--amendment-notice", "2027-06-31"],
        "--amendment-notice must be a real date",
        id="31-june",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--review-meeting", "2026-05-31"],
        "The date of the review meeting (31 May 2026) cannot be before the date the plan was "
        "issued or last reviewed (1 June 2026)",
        id="meeting-before-the-plan",
    ),
    pytest.param(
        [
            "--plan-issued",
            "2026-06-01",
            "--review-meeting",
            "2027-05-03",
            "--amendment-notice",
            "2027-05-02",
        ],
        "The date the amendment notice was sent (2 May 2027) cannot be before the date of the "
        "review meeting (3 May 2027)",
        id="notice-before-the-meeting",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--amendment-notice", "2026-05-01"],
        "The date the amendment notice was sent (1 May 2026) cannot be before the date the plan "
        "was issued or last reviewed (1 June 2026)",
        id="notice-before-the-plan",
    ),
    pytest.param(
        ["--transfer-year", "2027", "--review-meeting", "2027-01-10"],
        "--review-meeting needs --plan-issued (the date the plan was issued or last reviewed)",
        id="meeting-without-the-plan",
    ),
    pytest.param(
        ["--review-meeting", "2027-01-10"],
        "--review-meeting needs --plan-issued (the date the plan was issued or last reviewed)",
        id="meeting-alone",
    ),
    pytest.param(
        ["--amendment-notice", "2027-01-10"],
        "--amendment-notice needs --plan-issued (the date the plan was issued or last reviewed)",
        id="notice-without-the-plan",
    ),
    pytest.param(
        ["--received", "2026-01-12", "--under-five"],
        "--under-five needs --plan-issued (the date the plan was issued or last reviewed)",
        id="under-five-without-the-plan",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--post16"],
        "--post16 needs --transfer-year (the calendar year of the transfer)",
        id="post16-without-the-year",
    ),
    pytest.param(
        ["--plan-issued", "2026-06-01", "--advice-requested", "2026-06-01"],
        "--advice-requested needs --received (the date the request was received)",
        id="advice-without-the-request",
    ),
    pytest.param(
        [],
        "Give --received (a request), --plan-issued (a plan's review), --transfer-year (a "
        "phase transfer) or --post16-move (a move between post-16 institutions)",
        id="nothing",
    ),
    pytest.param(
        ["--transfer-year", "2028", "--post16-move", "2028-01-08"],
        "Give --transfer-year (a phase transfer) or --post16-move (a move between post-16 "
        "institutions at another time), not both",
        id="transfer-and-move",
    ),
    pytest.param(
        ["--post16-move", "2028-02-30"],
        "--post16-move must be a real date in the format YYYY-MM-DD",
        id="move-not-a-date",
    ),
    pytest.param(
        ["--transfer-year", "2015"],
        "--transfer-year must be a year from 2016 to 9999 (got '2015')",
        id="2015-under-reg-18-3",
    ),
    pytest.param(
        ["--transfer-year", "0000"],
        "--transfer-year must be a year from 2016 to 9999 (got '0000')",
        id="year-0",
    ),
    pytest.param(
        ["--transfer-year", "10000"],
        "--transfer-year must be a year in the format YYYY, for example 2027 (got '10000')",
        id="year-10000",
    ),
    pytest.param(
        ["--transfer-year", "27"],
        "--transfer-year must be a year in the format YYYY",
        id="two-digits",
    ),
    pytest.param(
        ["--transfer-year", "2027-09-01"],
        "--transfer-year must be a year in the format YYYY",
        id="a-date",
    ),
    pytest.param(
        ["--transfer-year", "-2027"],
        "--transfer-year must be a year in the format YYYY",
        id="negative",
    ),
    pytest.param(
        ["--plan-issued", "2027-06-01", "--transfer-year", "2026"],
        "--transfer-year (2026) cannot be before the year the plan was issued or last reviewed "
        "(2027)",
        id="transfer-before-the-plan",
    ),
    pytest.param(
        ["--plan-issued", "9999-01-02"],
        "The statutory date cannot be worked out from 2 January 9999: it would fall outside "
        "the calendar (1 January 1 to 31 December 9999)",
        id="review-past-the-calendar",
    ),
    pytest.param(
        ["--plan-issued", "9999-01-01", "--review-meeting", "9999-12-20"],
        "The statutory date cannot be worked out from 20 December 9999",
        id="decision-past-the-calendar",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_raises_command_error(args, message):
    with pytest.raises(CommandError) as error:
        call_command("statutory_dates", *args, stdout=StringIO())
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_a_transfer_year_given_as_a_number_out_of_range_is_refused():
    with pytest.raises(CommandError, match="must be a year from 2016 to 9999"):
        call_command("statutory_dates", transfer_year=10000, stdout=StringIO())


def test_a_transfer_in_the_year_the_plan_was_issued_is_accepted():
    result = run_json("--plan-issued", "2027-03-01", "--transfer-year", "2027")
    assert result["phase_transfer_due"] == "2027-02-14"  # already passed: shown, not refused


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--plan-issued", "2027-02-29"], id="bad-date"),
        pytest.param(
            ["--plan-issued", "2026-06-01", "--review-meeting", "2026-05-31", "--json"],
            id="meeting-before-the-plan",
        ),
        pytest.param(
            [
                "--plan-issued",
                "2026-06-01",
                "--review-meeting",
                "2027-05-03",
                "--amendment-notice",
                "2027-05-02",
            ],
            id="notice-before-the-meeting",
        ),
        pytest.param(["--transfer-year", "2027", "--post16", "--under-five"], id="under-five"),
        pytest.param(["--post16"], id="post16-alone"),
        pytest.param(["--review-meeting", "2027-05-03"], id="meeting-without-the-plan"),
        pytest.param(["--transfer-year", "1999"], id="year-out-of-range"),
        pytest.param([], id="nothing"),
    ],
)
def test_cli_bad_input_is_a_one_line_error(args):
    completed = run_cli(*args)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
    assert completed.stderr.startswith("CommandError: ")
    assert completed.stdout == ""


def test_cli_prints_the_review_dates():
    completed = run_cli("--plan-issued", "2026-06-23", "--transfer-year", "2027", "--post16")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "Statutory dates for a plan issued or last reviewed on Tuesday 23 June 2026"
    assert f"review_due             Tue 2027-06-22    {CFA_S44}" in lines
    assert f"phase_transfer_due     Tue 2027-03-30    {REG_18_1}" in lines


def test_cli_help_lists_the_review_options():
    completed = run_cli("--help")
    assert completed.returncode == 0
    for option in (
        "--plan-issued",
        "--review-meeting",
        "--amendment-notice",
        "--under-five",
        "--transfer-year",
        "--post16",
    ):
        assert option in completed.stdout
