"""ADVICE-PROCEED and ADVICE-CANCEL (ehcp.assessments.rules.advice): advice that does not come
never blocks the council's own statutory steps. Advice is due 6 weeks after the request (SEND
Regulations 2014, reg 8(1)); the decision whether to issue a plan is due at 16 weeks (reg 10(1))
and the final plan at 20 weeks (reg 13(2))."""

from datetime import date

import pytest

from ehcp.assessments.rules import advice as rules

DUE = date(2026, 3, 2)


def fact(status="DRAFT", *, key=1, due_on=DUE, reason=""):
    return rules.RequestFact(
        key=key, label="Medical advice", status=status, due_on=due_on, proceed_reason=reason
    )


@pytest.mark.parametrize(
    ("status", "outstanding"),
    [
        ("DRAFT", True),
        ("SUBMITTED", True),  # with the council, not accepted yet
        ("RETURNED", True),
        ("ACCEPTED", False),
        ("CANCELLED", False),  # ADVICE-CANCEL: no longer missing
    ],
)
def test_advice_is_outstanding_until_accepted_or_cancelled(status, outstanding):
    assert rules.is_outstanding(fact(status)) is outstanding


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(date(2026, 3, 1), False), (DUE, False), (date(2026, 3, 3), True), (date(2026, 6, 1), True)],
)
def test_advice_is_overdue_only_once_its_reg_8_1_date_has_passed(on, overdue):
    assert rules.is_overdue(fact(), on=on) is overdue


def test_settled_when_every_request_is_accepted_cancelled_or_gone_without_with_a_reason():
    assert rules.advice_settled([])
    assert rules.advice_settled([fact("ACCEPTED"), fact("CANCELLED", key=2)])
    assert rules.advice_settled([fact("DRAFT", reason="Chased three times; no reply")])
    assert not rules.advice_settled([fact("DRAFT")])
    assert not rules.advice_settled([fact("SUBMITTED", reason="   ")])


def test_overdue_advice_needs_a_reason_to_decide_without_it_reg_10_1():
    on = date(2026, 3, 10)
    problems = rules.decision_problems([fact()], on=on, reasons={})
    assert problems == [
        "Give the reason for deciding without the medical advice, overdue since 2 March 2026"
    ]
    assert rules.decision_problems([fact()], on=on, reasons={1: "Chased twice, no reply"}) == []
    # A reason given before (recorded on the request) still counts.
    assert rules.decision_problems([fact(reason="Recorded earlier")], on=on, reasons={}) == []


def test_advice_not_yet_due_holds_the_decision_back_unless_cancelled_reg_8_1():
    problems = rules.decision_problems([fact()], on=DUE, reasons={1: "Impatient"})
    assert len(problems) == 1 and "not due until 2 March 2026 (reg 8(1))" in problems[0]
    assert rules.decision_problems([fact("CANCELLED")], on=DUE, reasons={}) == []
    assert rules.decision_problems([fact("ACCEPTED")], on=DUE, reasons={}) == []


def test_each_missing_piece_is_judged_on_its_own():
    requests = [
        fact(key=1, due_on=date(2026, 2, 1)),
        fact(key=2, due_on=date(2026, 4, 1)),
        fact("ACCEPTED", key=3),
    ]
    problems = rules.decision_problems(requests, on=DUE, reasons={1: "Overdue, chased"})
    assert len(problems) == 1 and "not due until 1 April 2026" in problems[0]
