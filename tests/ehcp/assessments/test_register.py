"""The statutory rule register (docs/rules.md) lists every time limit in the code. No database."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehcp.assessments.rules.deadlines import ALL_PERIODS

REPO_ROOT = Path(__file__).resolve().parents[3]
REGISTER = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
DEADLINE_TESTS = (Path(__file__).parent / "test_deadlines.py").read_text(encoding="utf-8")


def _register_row(code: str) -> str:
    rows = [line for line in REGISTER.splitlines() if line.startswith(f"| `{code}` |")]
    assert len(rows) == 1, f"{code} should have exactly one row in docs/rules.md"
    return rows[0]


@pytest.mark.parametrize("period", ALL_PERIODS, ids=lambda period: period.code)
def test_every_period_is_in_the_register(period):
    assert period.code in REGISTER
    row = _register_row(period.code)
    assert period.text in row, "the duty in docs/rules.md differs from the code"
    assert period.source in row, "the legal source in docs/rules.md differs from the code"


@pytest.mark.parametrize("period", ALL_PERIODS, ids=lambda period: period.code)
def test_every_period_has_a_table_test_named_after_its_code(period):
    test_name = "test_" + period.code.replace("-", "_")
    assert f"def {test_name}(" in DEADLINE_TESTS
    assert f"`{test_name}`" in _register_row(period.code)
