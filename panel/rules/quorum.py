"""Whether a panel meeting is quorate: who is present, and who may take part in a decision.

A member with a conflict of interest in a request is present but does not take part, so they
do not count towards the quorum for that request. The caller passes the seats and conflicts;
nothing here reads the clock or the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from panel.rules.money import FUNDERS, Funder


@dataclass(frozen=True)
class Seat:
    """A member at the meeting and the funder (agency) they represent. `chairs` is true for the
    chair or a vice-chair."""

    member_id: int
    funder: Funder
    chairs: bool = False


def _funder_list(funders: list[Funder]) -> str:
    names = [funder.label.lower() for funder in funders]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class QuorumRule:
    """What a panel needs to make a decision. The default: the chair or a vice-chair, someone
    from each of the three funders and at least 3 members, none of them conflicted."""

    min_members: int = 3
    chair_required: bool = True
    funders_required: frozenset[Funder] = frozenset(FUNDERS)

    def __post_init__(self) -> None:
        if self.min_members < 1:
            raise ValueError("A quorum needs at least 1 member")
        object.__setattr__(
            self, "funders_required", frozenset(Funder(f) for f in self.funders_required)
        )

    @property
    def description(self) -> str:
        """The rule in a sentence, for the meeting page and the minutes."""
        parts = []
        if self.chair_required:
            parts.append("the chair or a vice-chair")
        funders = [funder for funder in FUNDERS if funder in self.funders_required]
        if len(funders) == 1:
            parts.append(f"at least one member from {_funder_list(funders)}")
        elif funders:
            parts.append(f"at least one member each from {_funder_list(funders)}")
        noun = "member" if self.min_members == 1 else "members"
        parts.append(f"at least {self.min_members} {noun} in all")
        if len(parts) <= 2:
            sentence = " and ".join(parts)
        else:
            sentence = ", ".join(parts[:-1]) + ", and " + parts[-1]
        return sentence[0].upper() + sentence[1:]


def quorum_shortfall(
    rule: QuorumRule, present: Iterable[Seat], *, conflicted: Iterable[int] = ()
) -> list[str]:
    """Why the members present cannot decide (empty list = quorate). Only members present and
    without a conflict of interest count; a member listed twice counts once."""
    conflicted_ids = frozenset(conflicted)
    taking_part = [seat for seat in present if seat.member_id not in conflicted_ids]
    problems = []
    if rule.chair_required and not any(seat.chairs for seat in taking_part):
        problems.append("No chair or vice-chair is present without a conflict of interest")
    funders_present = {seat.funder for seat in taking_part}
    for funder in FUNDERS:
        if funder in rule.funders_required and funder not in funders_present:
            problems.append(
                f"Nobody from {funder.label.lower()} is present without a conflict of interest"
            )
    count = len({seat.member_id for seat in taking_part})
    if count < rule.min_members:
        noun = "member" if rule.min_members == 1 else "members"
        problems.append(f"At least {rule.min_members} {noun} must take part: {count} can")
    return problems


def is_quorate(
    rule: QuorumRule, present: Iterable[Seat], *, conflicted: Iterable[int] = ()
) -> bool:
    return not quorum_shortfall(rule, present, conflicted=conflicted)
