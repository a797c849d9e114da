"""Panel quorum: who counts, conflicts of interest, duplicates and custom rules."""

import pytest

from panel.rules.money import FUNDERS, Funder
from panel.rules.quorum import QuorumRule, Seat, is_quorate, quorum_shortfall

E, H, S = Funder.EDUCATION, Funder.HEALTH, Funder.SOCIAL_CARE

CHAIR_E = Seat(1, E, chairs=True)
HEALTH = Seat(2, H)
SOCIAL = Seat(3, S)
EDUCATION = Seat(4, E)
VICE_CHAIR_H = Seat(5, H, chairs=True)
SOCIAL_2 = Seat(6, S)

NO_CHAIR = "No chair or vice-chair is present without a conflict of interest"
NO_E = "Nobody from education is present without a conflict of interest"
NO_H = "Nobody from health is present without a conflict of interest"
NO_S = "Nobody from social care is present without a conflict of interest"


def too_few(n, k):
    return f"At least {n} members must take part: {k} can"


DEFAULT = QuorumRule()


@pytest.mark.parametrize(
    ("present", "conflicted", "expected"),
    [
        ([CHAIR_E, HEALTH, SOCIAL], (), []),
        ([CHAIR_E, HEALTH, SOCIAL, EDUCATION, VICE_CHAIR_H], (), []),
        ([VICE_CHAIR_H, EDUCATION, SOCIAL], (), []),
        # The chair is conflicted: no chair, no education, too few.
        ([CHAIR_E, HEALTH, SOCIAL], (1,), [NO_CHAIR, NO_E, too_few(3, 2)]),
        # Another education member keeps education and the count; still no chair.
        ([CHAIR_E, HEALTH, SOCIAL, EDUCATION], (1,), [NO_CHAIR]),
        # A vice-chair can stand in for a conflicted chair.
        ([CHAIR_E, HEALTH, SOCIAL, EDUCATION, VICE_CHAIR_H], (1,), []),
        ([CHAIR_E, VICE_CHAIR_H, SOCIAL, EDUCATION], (1, 5), [NO_CHAIR, NO_H, too_few(3, 2)]),
        # A conflicted ordinary member.
        ([CHAIR_E, HEALTH, SOCIAL], (2,), [NO_H, too_few(3, 2)]),
        ([CHAIR_E, HEALTH, SOCIAL], (3,), [NO_S, too_few(3, 2)]),
        ([CHAIR_E, HEALTH, SOCIAL, SOCIAL_2], (3,), []),
        # A conflict for someone not present changes nothing.
        ([CHAIR_E, HEALTH, SOCIAL], (99,), []),
        # Everyone conflicted, or nobody there.
        ([CHAIR_E, HEALTH, SOCIAL], (1, 2, 3), [NO_CHAIR, NO_E, NO_H, NO_S, too_few(3, 0)]),
        ([], (), [NO_CHAIR, NO_E, NO_H, NO_S, too_few(3, 0)]),
        # Missing funders are listed in FUNDERS order.
        ([Seat(7, S, chairs=True)], (), [NO_E, NO_H, too_few(3, 1)]),
        ([HEALTH], (), [NO_CHAIR, NO_E, NO_S, too_few(3, 1)]),
        # Two from one funder with the chair: social care is missing.
        ([CHAIR_E, EDUCATION, HEALTH], (), [NO_S]),
        # The same member listed twice counts once.
        ([CHAIR_E, HEALTH, HEALTH, HEALTH], (), [NO_S, too_few(3, 2)]),
        ([CHAIR_E, CHAIR_E, HEALTH, SOCIAL], (), []),
        ([CHAIR_E, HEALTH, HEALTH, SOCIAL], (2,), [NO_H, too_few(3, 2)]),
    ],
)
def test_quorum_shortfall_default_rule(present, conflicted, expected):
    assert quorum_shortfall(DEFAULT, present, conflicted=conflicted) == expected
    assert is_quorate(DEFAULT, present, conflicted=conflicted) is (expected == [])


@pytest.mark.parametrize(
    ("rule", "present", "conflicted", "expected"),
    [
        (QuorumRule(min_members=4), [CHAIR_E, HEALTH, SOCIAL], (), [too_few(4, 3)]),
        (QuorumRule(min_members=4), [CHAIR_E, HEALTH, SOCIAL, SOCIAL], (), [too_few(4, 3)]),
        (QuorumRule(min_members=4), [CHAIR_E, HEALTH, SOCIAL, SOCIAL_2], (), []),
        (QuorumRule(min_members=4), [CHAIR_E, HEALTH, SOCIAL, SOCIAL_2], (6,), [too_few(4, 3)]),
        (QuorumRule(chair_required=False), [EDUCATION, HEALTH, SOCIAL], (), []),
        (QuorumRule(chair_required=False), [CHAIR_E, HEALTH, SOCIAL], (1,), [NO_E, too_few(3, 2)]),
        (
            QuorumRule(min_members=2, chair_required=False, funders_required=frozenset({H})),
            [HEALTH, EDUCATION],
            (),
            [],
        ),
        (
            QuorumRule(min_members=2, chair_required=False, funders_required=frozenset({H})),
            [EDUCATION],
            (),
            [NO_H, "At least 2 members must take part: 1 can"],
        ),
        (
            QuorumRule(funders_required=frozenset({S, H})),
            [EDUCATION, CHAIR_E],
            (),
            [NO_H, NO_S, too_few(3, 2)],
        ),
        (QuorumRule(funders_required=frozenset()), [CHAIR_E, EDUCATION, Seat(8, E)], (), []),
        (
            QuorumRule(min_members=1, chair_required=False, funders_required=frozenset()),
            [EDUCATION],
            (),
            [],
        ),
        (
            QuorumRule(min_members=1, chair_required=False, funders_required=frozenset()),
            [EDUCATION],
            (4,),
            ["At least 1 member must take part: 0 can"],
        ),
    ],
)
def test_quorum_shortfall_custom_rules(rule, present, conflicted, expected):
    assert quorum_shortfall(rule, present, conflicted=conflicted) == expected
    assert is_quorate(rule, present, conflicted=conflicted) is (expected == [])


def test_quorum_takes_one_pass_iterables():
    present = (seat for seat in [CHAIR_E, HEALTH, SOCIAL, EDUCATION])
    conflicted = (member_id for member_id in [1])
    assert quorum_shortfall(DEFAULT, present, conflicted=conflicted) == [NO_CHAIR]


def test_default_rule():
    assert DEFAULT.min_members == 3
    assert DEFAULT.chair_required is True
    assert DEFAULT.funders_required == frozenset(FUNDERS)


def test_rule_takes_funder_strings():
    assert QuorumRule(funders_required=frozenset({"HEALTH"})).funders_required == frozenset({H})


@pytest.mark.parametrize("min_members", [0, -1])
def test_rule_needs_at_least_one_member(min_members):
    with pytest.raises(ValueError):
        QuorumRule(min_members=min_members)


@pytest.mark.parametrize(
    ("rule", "description"),
    [
        (
            QuorumRule(),
            "The chair or a vice-chair, at least one member each from education, health and "
            "social care, and at least 3 members in all",
        ),
        (
            QuorumRule(chair_required=False),
            "At least one member each from education, health and social care and at least 3 "
            "members in all",
        ),
        (
            QuorumRule(funders_required=frozenset({S, H})),
            "The chair or a vice-chair, at least one member each from health and social care, "
            "and at least 3 members in all",
        ),
        (
            QuorumRule(funders_required=frozenset({E})),
            "The chair or a vice-chair, at least one member from education, and at least 3 "
            "members in all",
        ),
        (
            QuorumRule(min_members=5, funders_required=frozenset()),
            "The chair or a vice-chair and at least 5 members in all",
        ),
        (
            QuorumRule(min_members=2, chair_required=False, funders_required=frozenset({H})),
            "At least one member from health and at least 2 members in all",
        ),
        (
            QuorumRule(min_members=1, chair_required=False, funders_required=frozenset()),
            "At least 1 member in all",
        ),
    ],
)
def test_rule_description(rule, description):
    assert rule.description == description
