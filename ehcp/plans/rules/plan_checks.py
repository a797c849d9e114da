"""The checks an EHC plan must pass before a draft or a final plan can be issued.

Pure rules over plain values: no ORM, no clock. The caller describes the plan's accepted entries
as `PlanFacts` (ehcp.plans.selectors.plan_facts builds them from the same content that is frozen
into the issued document) and gets one `CheckResult` per check, with the reasons it failed in a
caseworker's words. The same results are shown on the plan page and refuse the issue in
`plan_draft_issue` / `plan_final_issue`, so the list and the gate cannot drift apart.

Sources: SEND Regulations 2014 reg 12 (sections A-K, each separately identified; G agreed by the
responsible commissioning body, reg 12(2)); SEND Code of Practice 9.69 (provision in F "detailed
and specific and should normally be quantified", and clear about how it supports the outcomes).
The draft names no school or type of school (Children and Families Act 2014, s.38(5)). A review
that amends the plan runs the same checks over the proposed amended plan it sends with the
amendment notice (`Stage.PROPOSED`, reg 22(1): regs 11 and 12 apply) and over the final amended
plan (`Stage.FINAL`).

Each check's `source` is shown to caseworkers, so it cites the law or guidance only. Our own
reading of it stays here, in comments: the links between B, E and F (every B need has F
provision; every F provision has what, how often, for how long, who, and an outcome link) are
the product's rule built on reg 12 and CoP 9.69 (SEND rules reference 4.1); the s.38(5) citation
for an empty section I in the draft is our reading, not yet confirmed (SEND rules reference
1.2(f)).

A check about the entries of a section fails when that section is empty (EMPTY_B, EMPTY_E,
EMPTY_F): "every provision is quantified" is not met by a plan with no provision.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "CHECKS",
    "EMPTY_B",
    "EMPTY_E",
    "EMPTY_F",
    "CheckResult",
    "NeedFact",
    "OutcomeFact",
    "PlanCheck",
    "PlanFacts",
    "ProvisionFact",
    "Stage",
    "failed",
    "is_quantified",
    "plan_checks",
    "quantification_gaps",
]


class Stage(enum.StrEnum):
    DRAFT = "DRAFT"
    FINAL = "FINAL"
    PROPOSED = "PROPOSED"
    """The proposed amended plan sent with a review's amendment notice (reg 22(2)(a)): the plan
    in force with the amendments, so section I still names the setting in force (neither
    section I check applies; the final amended plan must name one)."""


@dataclass(frozen=True)
class PlanCheck:
    code: str
    """Stable id used in tests, logs and docs, for example ``"PLAN-B-F"``."""
    text: str
    """The duty, in one sentence: shown on the plan page next to the tag."""
    source: str
    stages: frozenset[Stage] = frozenset({Stage.DRAFT, Stage.FINAL, Stage.PROPOSED})


@dataclass(frozen=True)
class NeedFact:
    key: str
    section: str  # "B", "C" or "D"
    text: str


@dataclass(frozen=True)
class OutcomeFact:
    key: str
    text: str


@dataclass(frozen=True)
class ProvisionFact:
    key: str
    section: str  # "F", "G", "H1" or "H2"
    what: str
    who: str = ""
    frequency_count: int | None = None
    frequency_period: str = ""  # "DAY", "WEEK", "MONTH", "TERM" or "YEAR"
    session_minutes: int | None = None
    ends_on_known: bool = False
    """An end date or a review date is recorded (how long the provision lasts)."""
    need_keys: frozenset[str] = frozenset()
    outcome_keys: frozenset[str] = frozenset()
    health_agreed: bool = False


@dataclass(frozen=True)
class PlanFacts:
    """The accepted entries of a plan (suggestions not yet accepted, and removed entries, are left out)."""

    needs: tuple[NeedFact, ...] = ()
    outcomes: tuple[OutcomeFact, ...] = ()
    provisions: tuple[ProvisionFact, ...] = ()
    placement_type: str = ""
    """Section I: the type of school or setting, as entered on the plan."""
    placement_named: str = ""
    """Section I: the name of the school or setting (the final plan's named setting)."""
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CheckResult:
    check: PlanCheck
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        """One line for an error summary: the duty, then what is wrong."""
        if self.passed:
            return self.check.text
        return f"{self.check.text} " + " ".join(self.problems)


_REG12 = "SEND Regulations 2014, reg 12"
_COP = "SEND Code of Practice 0-25 (2015), 9.69"

B_LISTED = PlanCheck(
    "PLAN-B-LISTED",
    "Section B lists the child or young person's special educational needs.",
    f"{_REG12}(1)(b)",
)
B_HAS_F = PlanCheck(
    "PLAN-B-F",
    "Every special educational need in section B has provision in section F.",
    f"{_REG12}(1)(b) and (f); {_COP}",
)
F_QUANTIFIED = PlanCheck(
    "PLAN-F-QUANTIFIED",
    "Every provision in section F says what, who provides it, how often and for how long.",
    _COP,
)
F_LINKED = PlanCheck(
    "PLAN-F-LINKED",
    "Every provision in section F says which need it meets and which outcome it serves.",
    _COP,  # our linking rule, built on CoP 9.69 (see the module docstring)
)
E_HAS_PROVISION = PlanCheck(
    "PLAN-E-PROVISION",
    "Every outcome in section E is linked to provision.",
    f"{_REG12}(1)(e) and (f); {_COP}",  # our linking rule (see the module docstring)
)
I_EMPTY_IN_DRAFT = PlanCheck(
    "PLAN-I-DRAFT",
    "Section I is empty in a draft plan: no school, college or type of setting is named.",
    "Children and Families Act 2014, s.38(5)",  # our reading, to confirm (module docstring)
    frozenset({Stage.DRAFT}),
)
I_NAMED_IN_FINAL = PlanCheck(
    "PLAN-I-FINAL",
    "Section I of the final plan names the school or setting.",
    f"{_REG12}(1)(i)",
    frozenset({Stage.FINAL}),
)
G_AGREED = PlanCheck(
    "PLAN-G-AGREED",
    "Health provision in section G has been agreed by the health body.",
    f"{_REG12}(2)",
)

#: Every check, in the order the plan page lists them.
CHECKS: tuple[PlanCheck, ...] = (
    B_LISTED,
    B_HAS_F,
    F_QUANTIFIED,
    F_LINKED,
    E_HAS_PROVISION,
    G_AGREED,
    I_EMPTY_IN_DRAFT,
    I_NAMED_IN_FINAL,
)


#: What an empty section lacks, as the checks that need it say so.
EMPTY_B = "Section B has no special educational needs."
EMPTY_E = "Section E has no outcomes."
EMPTY_F = "Section F has no provision."


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quantification_gaps(provision: ProvisionFact) -> list[str]:
    """What a provision does not yet say, in the words of the plan form ("how often" ...)."""
    gaps = []
    if not provision.what.strip():
        gaps.append("what it is")
    if not provision.who.strip():
        gaps.append("who provides it")
    if not provision.frequency_count or not provision.frequency_period:
        gaps.append("how often")
    if not provision.session_minutes or not provision.ends_on_known:
        gaps.append("for how long")
    return gaps


def is_quantified(provision: ProvisionFact) -> bool:
    """Specific and quantified (CoP 9.69): what, who, how often, minutes per session and an end or review date."""
    return not quantification_gaps(provision)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def plan_checks(facts: PlanFacts, stage: Stage) -> list[CheckResult]:
    """Run every check that applies at `stage`. Each result lists its problems (none = passed)."""
    section_b = [n for n in facts.needs if n.section == "B"]
    section_f = [p for p in facts.provisions if p.section == "F"]
    needs_with_f = set().union(*(p.need_keys for p in section_f)) if section_f else set()
    outcomes_with_provision = (
        set().union(*(p.outcome_keys for p in facts.provisions)) if facts.provisions else set()
    )
    outcome_keys = {o.key for o in facts.outcomes}
    need_keys = {n.key for n in facts.needs}

    problems: dict[str, list[str]] = {check.code: [] for check in CHECKS}
    # A check about entries is met only when there are entries to check: an empty section fails
    # every check that needs it, saying what is missing (never "passed" for want of content).
    if not section_b:
        problems[B_LISTED.code].append("Add at least one need to section B.")
        problems[B_HAS_F.code].append(EMPTY_B)
    if not section_f:
        if section_b:
            problems[B_HAS_F.code].append(EMPTY_F)
        problems[F_QUANTIFIED.code].append(EMPTY_F)
        problems[F_LINKED.code].append(EMPTY_F)
    if not facts.outcomes:
        problems[E_HAS_PROVISION.code].append(EMPTY_E)
    for need in section_b:
        if need.key not in needs_with_f:
            problems[B_HAS_F.code].append(
                f"\u201c{_short(need.text)}\u201d has no provision in section F."
            )
    for provision in section_f:
        gaps = quantification_gaps(provision)
        if gaps:
            problems[F_QUANTIFIED.code].append(
                f"\u201c{_short(provision.what) or 'A provision'}\u201d does not say {_join(gaps)}."
            )
        missing = []
        if not provision.need_keys & need_keys:
            missing.append("the need it meets")
        if not provision.outcome_keys & outcome_keys:
            missing.append("the outcome it serves")
        if missing:
            problems[F_LINKED.code].append(
                f"\u201c{_short(provision.what) or 'A provision'}\u201d does not say {_join(missing)}."
            )
    for outcome in facts.outcomes:
        if outcome.key not in outcomes_with_provision:
            problems[E_HAS_PROVISION.code].append(
                f"\u201c{_short(outcome.text)}\u201d is not linked to any provision."
            )
    for provision in facts.provisions:
        if provision.section == "G" and not provision.health_agreed:
            problems[G_AGREED.code].append(
                f"\u201c{_short(provision.what) or 'A provision'}\u201d has not been agreed by the health body."
            )
    if facts.placement_type.strip() or facts.placement_named.strip():
        problems[I_EMPTY_IN_DRAFT.code].append(
            "Remove the type of setting from section I; it is added for the final plan."
        )
    if not facts.placement_named.strip():
        problems[I_NAMED_IN_FINAL.code].append("Choose the school or setting to name.")

    return [
        CheckResult(check=check, problems=tuple(problems[check.code]))
        for check in CHECKS
        if stage in check.stages
    ]


def failed(results: list[CheckResult]) -> list[CheckResult]:
    return [result for result in results if not result.passed]
