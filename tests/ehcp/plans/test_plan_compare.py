"""The comparison of two versions of a plan (ehcp.plans.rules.plan_compare): pure, on the frozen
content. Entries are matched by key, links by the entries they point at, so renumbering is not
a change; what is added, changed or removed is listed section by section, and nothing proposed
means no amendments."""

import copy

from ehcp.plans.rules.plan_compare import (
    ADDED,
    CHANGED,
    REMOVED,
    SECTION_ORDER,
    entry_text,
    plan_amendments,
    plan_compare,
)


def need(key, ref, text, code=""):
    return {"key": key, "ref": ref, "text": text, "need_code": code, "need_label": "", "advice": []}


def outcome(key, ref, text, needs):
    return {
        "key": key,
        "ref": ref,
        "text": text,
        "by_when": "By July 2028",
        "needs": [r for r, _ in needs],
        "need_keys": [k for _, k in needs],
        "advice": [],
    }


def provision(key, ref, what, *, count=2, needs=(), outcomes=(), agreed=False):
    return {
        "key": key,
        "ref": ref,
        "what": what,
        "who": "Speech and language therapist",
        "frequency_count": count,
        "frequency_period": "WEEK",
        "frequency": f"{count} times a week",
        "session_minutes": 30,
        "starts_on": "2027-09-01",
        "ends_on": "2028-07-20",
        "needs": [r for r, _ in needs],
        "need_keys": [k for _, k in needs],
        "outcomes": [r for r, _ in outcomes],
        "outcome_keys": [k for _, k in outcomes],
        "advice": [],
        "health_agreement": {"on": "2027-05-01", "source": "HEALTH_BODY"} if agreed else None,
    }


def version(**overrides) -> dict:
    sections = {
        "A": {"views": "Likes drawing"},
        "B": [need("n1", "B1", "Finds spoken instructions hard"), need("n2", "B2", "Reading")],
        "C": [],
        "D": [],
        "E": [outcome("o1", "E1", "Follows two-step instructions", [("B2", "n2")])],
        "F": [
            provision(
                "p1", "F1", "Language programme", needs=[("B2", "n2")], outcomes=[("E1", "o1")]
            )
        ],
        "G": [],
        "H1": [],
        "H2": [],
        "I": {"name": "Riverside Primary", "type": "Mainstream primary"},
        "J": {"text": ""},
        "K": [],
    }
    sections.update(overrides)
    return {"schema": 1, "sections": sections}


def changes(old, new):
    return [(a.section, a.ref, a.change) for a in plan_amendments(old, new)]


def test_the_same_version_proposes_nothing():
    old = version()
    assert plan_amendments(old, copy.deepcopy(old)) == []
    sections = plan_compare(old, copy.deepcopy(old))
    assert [s.code for s in sections] == SECTION_ORDER
    assert not any(s.changed for s in sections)


def test_added_changed_and_removed_entries_are_listed_by_section():
    old = version()
    new = version(
        B=[need("n2", "B1", "Reading"), need("n3", "B2", "Starting writing tasks", "SPLD")],
        F=[
            provision(
                "p1",
                "F1",
                "Language programme",
                count=4,
                needs=[("B1", "n2")],
                outcomes=[("E1", "o1")],
            )
        ],
        E=[outcome("o1", "E1", "Follows two-step instructions", [("B1", "n2")])],
    )
    assert changes(old, new) == [
        ("B", "B1", REMOVED),
        ("B", "B2", ADDED),
        ("F", "F1", CHANGED),
    ]
    section_b = plan_compare(old, new)[1]
    assert [r.label for r in section_b.rows] == ["B1", "B2 → B1", "B2"]
    assert len(section_b.added) == len(section_b.removed) == 1 and not section_b.changed_rows


def test_renumbering_alone_is_not_a_change():
    """B1 removed, so "Reading" is B1 now: the outcome and the provision that meet it still link
    to the same need, and are unchanged although the number they show is."""
    old = version()
    new = version(
        B=[need("n2", "B1", "Reading")],
        E=[outcome("o1", "E1", "Follows two-step instructions", [("B1", "n2")])],
        F=[
            provision(
                "p1", "F1", "Language programme", needs=[("B1", "n2")], outcomes=[("E1", "o1")]
            )
        ],
    )
    assert changes(old, new) == [("B", "B1", REMOVED)]
    row = plan_compare(old, new)[5].rows[0]  # section F
    assert row.left != row.right and not row.changed  # "Meets B2" and "Meets B1": the same need


def test_a_link_to_another_entry_is_a_change():
    old = version()
    new = version(
        F=[
            provision(
                "p1", "F1", "Language programme", needs=[("B1", "n1")], outcomes=[("E1", "o1")]
            )
        ]
    )
    assert changes(old, new) == [("F", "F1", CHANGED)]


def test_versions_frozen_before_link_keys_compare_by_the_numbers_shown():
    old, new = version(), version()
    for content in (old, new):
        for row in content["sections"]["F"]:
            del row["need_keys"], row["outcome_keys"]
    assert plan_amendments(old, new) == []
    new["sections"]["F"][0]["needs"] = ["B1"]
    assert changes(old, new) == [("F", "F1", CHANGED)]


def test_sections_a_i_and_j_are_compared_as_text():
    old = version()
    new = version(
        A={"views": "Likes drawing and football"},
        I={"name": "Northshire High School", "type": "Mainstream secondary"},
        J={"text": "Direct payment for transport"},
    )
    assert changes(old, new) == [
        ("A", "Views", CHANGED),
        ("I", "Name", CHANGED),
        ("I", "Type", CHANGED),
        ("J", "Personal budget", ADDED),
    ]
    amendment = plan_amendments(old, new)[1]
    assert amendment.as_dict() == {
        "section": "I",
        "title": "Section I: placement",
        "ref": "Name",
        "change": CHANGED,
        "before": "Riverside Primary",
        "after": "Northshire High School",
    }


def test_health_agreement_given_or_withdrawn_is_a_change():
    old = version(G=[provision("g1", "G1", "Therapy review", needs=[("B1", "n1")])])
    new = version(G=[provision("g1", "G1", "Therapy review", needs=[("B1", "n1")], agreed=True)])
    assert changes(old, new) == [("G", "G1", CHANGED)]
    assert "Agreed by the health body on 1 May 2027" in plan_compare(old, new)[6].rows[0].right


def test_a_section_missing_from_one_side_counts_as_empty():
    old = version()
    new = copy.deepcopy(old)
    del new["sections"]["K"], new["sections"]["H2"]
    assert plan_amendments(old, new) == []
    del new["sections"]["F"]
    assert changes(old, new) == [("F", "F1", REMOVED)]


def test_an_entry_reads_as_one_line_with_its_dates_in_words():
    row = provision("p1", "F1", "Language programme", needs=[("B1", "n1")])
    assert entry_text("F", row) == (
        "Language programme · Who: Speech and language therapist · 2 times a week, 30 minutes "
        "each time · From 1 September 2027 to 20 July 2028 · Meets B1"
    )
    assert entry_text("B", {**need("n", "B1", "Reading"), "need_label": "Moderate"}) == (
        "Reading (Moderate)"
    )
