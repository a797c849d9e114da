"""What each panel member's papers hold: the minimum necessary for their agency. Pure.

The information sharing agreement lets each kind of partner see certain types of information for
high-needs funding and continuing care (the access table, `agencies.DataAccessRule`). A member's
pack is built from the whole item by keeping only what their agency may see: a health member
reads the health evidence and section G, not the social care assessment; nobody's pack carries
the family's address or contacts, which no panel decision needs.
"""

from collections.abc import Iterable

#: What a part of the item is, as a data type of the agreement (agencies.models.DataType).
IDENTITY = "IDENTITY"
EDUCATION = "EDUCATION"
HEALTH = "HEALTH"
SOCIAL_CARE = "SOCIAL_CARE"
PLAN = "PLAN"

#: Which data type each plan section's entries are (and PLAN besides).
SECTION_DATA_TYPE = {
    "B": EDUCATION,
    "C": HEALTH,
    "D": SOCIAL_CARE,
    "E": EDUCATION,
    "F": EDUCATION,
    "G": HEALTH,
    "H1": SOCIAL_CARE,
    "H2": SOCIAL_CARE,
    "I": EDUCATION,
    "J": EDUCATION,
}
#: Which data type each kind of advice is (ehcp.assessments.models.AdviceKind).
ADVICE_DATA_TYPE = {
    "PARENT_VIEWS": EDUCATION,
    "EDUCATIONAL": EDUCATION,
    "PSYCHOLOGICAL": EDUCATION,
    "HEALTH": HEALTH,
    "SOCIAL_CARE": SOCIAL_CARE,
    "OTHER": EDUCATION,
}
WITHHELD = "Not shared with your agency"


def item_for_member(item: dict, data_types: Iterable[str]) -> dict:
    """The item as one member may read it. `item` is the whole item (`panel.selectors`):
    identity, request (education: the kind, what it pays for, provider, costs, options tried),
    plan_entries (each with a section) and advice (each with a kind). What is left out is
    counted, so the member knows something was withheld and why."""
    allowed = frozenset(data_types)
    pack = {
        "reference": item["reference"],
        "position": item["position"],
        "withheld": [],
    }
    if IDENTITY in allowed:
        pack["child"] = item["child"]
    else:
        pack["child"] = {
            "name": "A child (name not shared with your agency)",
            "date_of_birth": None,
        }
        pack["withheld"].append("The child's name and date of birth")
    if EDUCATION in allowed:
        pack["request"] = item["request"]
    else:
        pack["request"] = None
        pack["withheld"].append("The request, its costs and the options tried")
    plan_ok = PLAN in allowed
    entries = [
        e
        for e in item["plan_entries"]
        if plan_ok and SECTION_DATA_TYPE.get(e["section"]) in allowed
    ]
    if len(entries) < len(item["plan_entries"]):
        pack["withheld"].append(
            f"{len(item['plan_entries']) - len(entries)} plan entries of other agencies' sections"
        )
    pack["plan_entries"] = entries
    advice = [a for a in item["advice"] if ADVICE_DATA_TYPE.get(a["kind"], EDUCATION) in allowed]
    if len(advice) < len(item["advice"]):
        pack["withheld"].append(f"{len(item['advice']) - len(advice)} pieces of advice")
    pack["advice"] = advice
    return pack


def fields_shared(pack: dict) -> list[str]:
    """The names of the fields a pack carries, for the disclosure log (`Disclosure.fields`)."""
    fields = []
    if pack.get("child", {}).get("date_of_birth"):
        fields += ["first_name", "last_name", "date_of_birth"]
    if pack.get("request"):
        fields += ["funding_request"]
    if pack.get("plan_entries"):
        fields += ["plan_entries"]
    if pack.get("advice"):
        fields += ["advice"]
    return fields


def data_types_shared(pack: dict) -> list[str]:
    """The data types a pack carries, for the disclosure log."""
    shared = set()
    if pack.get("child", {}).get("date_of_birth"):
        shared.add(IDENTITY)
    if pack.get("request"):
        shared.add(EDUCATION)
    for entry in pack.get("plan_entries", []):
        shared |= {PLAN, SECTION_DATA_TYPE.get(entry["section"], EDUCATION)}
    for advice in pack.get("advice", []):
        shared.add(ADVICE_DATA_TYPE.get(advice["kind"], EDUCATION))
    return sorted(shared)
