"""The checks before a draft or final plan is issued (ehcp.plans.rules.plan_checks). No database."""

from dataclasses import replace

import pytest

from ehcp.plans.rules.plan_checks import (
    CHECKS,
    NeedFact,
    OutcomeFact,
    PlanFacts,
    ProvisionFact,
    Stage,
    failed,
    is_quantified,
    plan_checks,
    quantification_gaps,
)
from ehcp.plans.services import advice_candidates

NEED = NeedFact(key="B1", section="B", text="Difficulty with reading")
OUTCOME = OutcomeFact(key="E1", text="Reads age-appropriate texts")
PROVISION = ProvisionFact(
    key="F1",
    section="F",
    what="Small-group reading programme",
    who="Teaching assistant",
    frequency_count=3,
    frequency_period="WEEK",
    session_minutes=30,
    ends_on_known=True,
    need_keys=frozenset({"B1"}),
    outcome_keys=frozenset({"E1"}),
)
VALID = PlanFacts(needs=(NEED,), outcomes=(OUTCOME,), provisions=(PROVISION,))


def codes(facts: PlanFacts, stage: Stage) -> set[str]:
    return {result.check.code for result in failed(plan_checks(facts, stage))}


def test_a_complete_draft_passes_every_draft_check():
    results = plan_checks(VALID, Stage.DRAFT)
    assert results and all(result.passed for result in results)
    assert {r.check.code for r in results} == {c.code for c in CHECKS} - {"PLAN-I-FINAL"}


def test_a_complete_final_passes_when_a_setting_is_named():
    assert codes(replace(VALID, placement_named="Riverside Primary"), Stage.FINAL) == set()


def test_PLAN_B_LISTED():
    """Section B lists the child or young person's special educational needs."""
    assert "PLAN-B-LISTED" in codes(PlanFacts(), Stage.DRAFT)


def test_PLAN_B_F():
    """Every special educational need in section B has provision in section F."""
    second = NeedFact(key="B2", section="B", text="Difficulty with attention")
    facts = replace(VALID, needs=(NEED, second))
    results = {r.check.code: r for r in plan_checks(facts, Stage.DRAFT)}
    assert not results["PLAN-B-F"].passed
    assert "Difficulty with attention" in results["PLAN-B-F"].message
    # Provision in G does not count for a need in B.
    health = replace(
        PROVISION, key="G1", section="G", need_keys=frozenset({"B2"}), health_agreed=True
    )
    assert "PLAN-B-F" in codes(replace(facts, provisions=(PROVISION, health)), Stage.DRAFT)
    # A need in C does not need provision in F.
    c_need = NeedFact(key="C1", section="C", text="Hypermobility")
    assert codes(replace(VALID, needs=(NEED, c_need)), Stage.DRAFT) == set()


@pytest.mark.parametrize(
    "change, gap",
    [
        ({"who": " "}, "who provides it"),
        ({"frequency_count": None}, "how often"),
        ({"frequency_period": ""}, "how often"),
        ({"session_minutes": None}, "for how long"),
        ({"ends_on_known": False}, "for how long"),
        ({"what": ""}, "what it is"),
    ],
)
def test_PLAN_F_QUANTIFIED(change, gap):
    """Every provision in section F says what, who provides it, how often and for how long."""
    provision = replace(PROVISION, **change)
    assert not is_quantified(provision) and gap in quantification_gaps(provision)
    result = next(
        r
        for r in plan_checks(replace(VALID, provisions=(provision,)), Stage.DRAFT)
        if r.check.code == "PLAN-F-QUANTIFIED"
    )
    assert not result.passed and gap in result.message


def test_PLAN_F_QUANTIFIED_applies_to_section_f_only():
    loose = replace(
        PROVISION, key="H2.1", section="H2", who="", frequency_count=None, need_keys=frozenset()
    )
    assert "PLAN-F-QUANTIFIED" not in codes(
        replace(VALID, provisions=(PROVISION, loose)), Stage.DRAFT
    )


def test_PLAN_F_LINKED():
    """Every provision in section F says which need it meets and which outcome it serves."""
    unlinked = replace(PROVISION, need_keys=frozenset(), outcome_keys=frozenset({"E9"}))
    result = next(
        r
        for r in plan_checks(replace(VALID, provisions=(unlinked, PROVISION)), Stage.DRAFT)
        if r.check.code == "PLAN-F-LINKED"
    )
    assert not result.passed and "the need it meets and the outcome it serves" in result.message


def test_PLAN_E_PROVISION():
    """Every outcome in section E is linked to provision."""
    lonely = OutcomeFact(key="E2", text="Makes friends at school")
    assert codes(replace(VALID, outcomes=(OUTCOME, lonely)), Stage.DRAFT) == {"PLAN-E-PROVISION"}


def test_PLAN_G_AGREED():
    """Health provision in section G has been agreed by the health body."""
    health = ProvisionFact(key="G1", section="G", what="Physiotherapy programme")
    facts = replace(VALID, provisions=(PROVISION, health))
    assert codes(facts, Stage.DRAFT) == {"PLAN-G-AGREED"}
    assert codes(replace(facts, placement_named="X"), Stage.FINAL) == {"PLAN-G-AGREED"}
    agreed = replace(health, health_agreed=True)
    assert codes(replace(VALID, provisions=(PROVISION, agreed)), Stage.DRAFT) == set()


def test_PLAN_I_DRAFT():
    """Section I is empty in a draft plan: no school, college or type of setting is named."""
    assert codes(replace(VALID, placement_type="Special school"), Stage.DRAFT) == {"PLAN-I-DRAFT"}
    # The same entry is fine in the final plan.
    assert (
        codes(
            replace(VALID, placement_type="Special school", placement_named="Oak School"),
            Stage.FINAL,
        )
        == set()
    )


def test_PLAN_I_FINAL():
    """Section I of the final plan names the school or setting."""
    assert codes(VALID, Stage.FINAL) == {"PLAN-I-FINAL"}


# -- reading advice into suggestions (a heuristic; results are only suggestions) ---------------


def test_advice_is_read_as_needs_outcomes_and_quantified_provision():
    text = (
        "Ada has significant difficulties with phonological processing and working memory.\n"
        "- By the end of Year 4 she will be able to read a short text aloud.\n"
        "- Speech and language therapy 2 times a week for 30 minutes, delivered by a speech and language therapist.\n"
        "Provision: a daily precision teaching session of 15 minutes\n"
        "Need: sensory processing"
    )
    candidates = advice_candidates(text)
    kinds = [c.kind for c in candidates]
    assert kinds == ["need", "outcome", "provision", "provision", "need"]
    therapy = candidates[2]
    assert (therapy.frequency_count, therapy.frequency_period, therapy.session_minutes) == (
        2,
        "WEEK",
        30,
    )
    assert therapy.who == "Speech and language therapist"
    daily = candidates[3]
    assert (daily.frequency_count, daily.frequency_period, daily.session_minutes) == (1, "DAY", 15)
    assert candidates[4].text == "sensory processing"
    assert advice_candidates("Need: ok") == []  # too short to be a suggestion


# -- an empty section fails every check that needs it ------------------------------------------


def _result(facts: PlanFacts, code: str, stage: Stage = Stage.DRAFT):
    return {r.check.code: r for r in plan_checks(facts, stage)}[code]


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.FINAL])
def test_an_empty_plan_fails_every_check_that_needs_content(stage):
    empty = replace(
        PlanFacts(), placement_named="Riverside Primary" if stage == Stage.FINAL else ""
    )
    results = {r.check.code: r for r in plan_checks(empty, stage)}
    for code, missing in [
        ("PLAN-B-LISTED", "Add at least one need to section B."),
        ("PLAN-B-F", "Section B has no special educational needs."),
        ("PLAN-F-QUANTIFIED", "Section F has no provision."),
        ("PLAN-F-LINKED", "Section F has no provision."),
        ("PLAN-E-PROVISION", "Section E has no outcomes."),
    ]:
        assert not results[code].passed, code
        assert missing in results[code].problems, code
        assert results[code].message.endswith(missing)
    # Section G is optional (no health provision is a valid plan); section I is about the setting.
    assert results["PLAN-G-AGREED"].passed


def test_PLAN_F_QUANTIFIED_and_PLAN_F_LINKED_fail_when_section_f_is_empty():
    only_g = replace(PROVISION, key="G1", section="G", health_agreed=True)
    facts = replace(VALID, provisions=(only_g,))
    for code in ("PLAN-F-QUANTIFIED", "PLAN-F-LINKED"):
        assert _result(facts, code).problems == ("Section F has no provision.",)
    problems = _result(facts, "PLAN-B-F").problems
    assert problems[0] == "Section F has no provision."
    assert "\u201cDifficulty with reading\u201d has no provision in section F." in problems


def test_PLAN_E_PROVISION_fails_when_section_e_is_empty():
    facts = replace(VALID, outcomes=(), provisions=(replace(PROVISION, outcome_keys=frozenset()),))
    assert _result(facts, "PLAN-E-PROVISION").problems == ("Section E has no outcomes.",)


def test_PLAN_B_F_fails_when_section_b_is_empty_even_with_provision():
    facts = replace(VALID, needs=(NeedFact(key="C1", section="C", text="Hypermobility"),))
    assert _result(facts, "PLAN-B-F").problems == ("Section B has no special educational needs.",)


def test_a_proposed_amended_plan_keeps_the_setting_in_force_and_faces_every_content_check():
    """A review's proposed amended plan (reg 22(2)(a)) is the plan in force with the amendments:
    section I still names its setting, so neither section I check applies; every check of the
    content does (reg 22(1): reg 12 applies)."""
    in_force = replace(VALID, placement_type="Mainstream primary", placement_named="Riverside")
    results = plan_checks(in_force, Stage.PROPOSED)
    assert all(result.passed for result in results)
    assert {r.check.code for r in results} == {c.code for c in CHECKS} - {
        "PLAN-I-DRAFT",
        "PLAN-I-FINAL",
    }
    assert codes(replace(in_force, provisions=()), Stage.PROPOSED) == {
        "PLAN-B-F",
        "PLAN-F-QUANTIFIED",
        "PLAN-F-LINKED",
        "PLAN-E-PROVISION",
    }
