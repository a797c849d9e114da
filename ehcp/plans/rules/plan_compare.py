"""Comparing two versions of an EHC plan, section by section: what was added, changed or removed.

Pure: works on the frozen content dicts (`ehcp.plans.selectors.plan_content`, the same shape a
`PlanDocument` holds), with no ORM and no clock. The comparison page shows it; a review's
amendment notice lists the proposed amendments from it (SEND Regulations 2014, reg 22(2)(a)), and
refuses a decision to amend that proposes nothing (R (L, M and P) v Devon CC [2022] EWHC 493
(Admin): no decision to amend without the proposed amendments).

Entries are matched by their key, not their position: an entry keeps its key in every version it
is carried into (`PlanEntry.key`), so a need renumbered from B2 to B1 is the same need. A link
to another entry counts as the same link when it points at the same entry, whatever its number
now; content frozen before the keys of links were recorded is compared by the numbers shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ehcp.plans.rules.plan_dates import format_date

NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H1", "H2")

SECTION_TITLES = {
    "A": "Section A: the views, interests and aspirations of the child or young person and their parents",
    "B": "Section B: special educational needs",
    "C": "Section C: health care needs related to the special educational needs",
    "D": "Section D: social care needs related to the special educational needs or a disability",
    "E": "Section E: outcomes sought",
    "F": "Section F: special educational provision",
    "G": "Section G: health provision",
    "H1": "Section H1: social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
    "H2": "Section H2: other social care provision",
    "I": "Section I: placement",
    "J": "Section J: personal budget",
    "K": "Section K: advice and information gathered during the assessment",
}
SECTION_ORDER = list(SECTION_TITLES)

ADDED = "Added"
CHANGED = "Changed"
REMOVED = "Removed"


def _date(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""


def entry_text(section: str, row: dict) -> str:
    """One entry of a frozen version as a line of text (what the comparison shows)."""
    if section in NEED_SECTIONS:
        label = f" ({row['need_label']})" if row.get("need_label") else ""
        return f"{row['text']}{label}"
    if section == "E":
        parts = [row["text"]]
        if row.get("by_when"):
            parts.append(f"By: {row['by_when']}")
        if row.get("needs"):
            parts.append("Needs: " + ", ".join(row["needs"]))
        return " · ".join(parts)
    if section in PROVISION_SECTIONS:
        parts = [row["what"], f"Who: {row['who'] or 'not given'}"]
        how_often = row.get("frequency") or "how often not given"
        if row.get("session_minutes"):
            how_often += f", {row['session_minutes']} minutes each time"
        parts.append(how_often)
        if row.get("starts_on") or row.get("ends_on"):
            starts = _date(row.get("starts_on")) or "now"
            parts.append(f"From {starts} to {_date(row.get('ends_on')) or 'not given'}")
        if row.get("needs"):
            parts.append("Meets " + ", ".join(row["needs"]))
        if row.get("outcomes"):
            parts.append("Serves " + ", ".join(row["outcomes"]))
        if row.get("health_agreement"):
            parts.append(f"Agreed by the health body on {_date(row['health_agreement']['on'])}")
        return " · ".join(parts)
    if section == "K":
        received = _date(row.get("received_on")) or "not yet"
        return f"{row['title']} from {row['agency']}, received {received}"
    return ""


def _links(row: dict, name: str) -> tuple:
    """The entries a row links to: by key where the content recorded them, else by number."""
    keys = row.get(f"{name[:-1]}_keys")
    return ("keys", tuple(sorted(keys))) if keys is not None else ("refs", tuple(row.get(name, ())))


def entry_substance(section: str, row: dict) -> tuple:
    """What an entry says, without its number: two versions of an entry with the same substance
    are the same (links compared by the entries they point at)."""
    if section in NEED_SECTIONS:
        return (row["text"], row.get("need_code", ""))
    if section == "E":
        return (row["text"], row.get("by_when", ""), _links(row, "needs"))
    if section in PROVISION_SECTIONS:
        return (
            row["what"],
            row.get("who", ""),
            row.get("frequency_count"),
            row.get("frequency_period", ""),
            row.get("session_minutes"),
            row.get("starts_on"),
            row.get("ends_on"),
            _links(row, "needs"),
            _links(row, "outcomes"),
            bool(row.get("health_agreement")),
        )
    if section == "K":
        return (row.get("title"), row.get("agency"), row.get("received_on"))
    return (entry_text(section, row),)


@dataclass
class CompareRow:
    label: str
    left: str
    right: str
    same: bool | None = None
    """Whether the two sides say the same thing (None: compare the text shown)."""

    @property
    def changed(self) -> bool:
        return self.left != self.right if self.same is None else not self.same

    @property
    def change(self) -> str:
        if not self.changed:
            return ""
        if not self.left:
            return ADDED
        if not self.right:
            return REMOVED
        return CHANGED


@dataclass
class CompareSection:
    code: str
    title: str
    rows: list[CompareRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)

    def rows_with(self, change: str) -> list[CompareRow]:
        return [row for row in self.rows if row.change == change]

    @property
    def added(self) -> list[CompareRow]:
        return self.rows_with(ADDED)

    @property
    def changed_rows(self) -> list[CompareRow]:
        return self.rows_with(CHANGED)

    @property
    def removed(self) -> list[CompareRow]:
        return self.rows_with(REMOVED)


def plan_compare(left: dict, right: dict) -> list[CompareSection]:
    """Section by section, the entries of two versions side by side (matched by entry, not by
    position), with changed rows marked. A section missing from one side counts as empty."""
    result = []
    left_sections, right_sections = left.get("sections", {}), right.get("sections", {})
    for code in SECTION_ORDER:
        section = CompareSection(code=code, title=SECTION_TITLES[code])
        a, b = left_sections.get(code), right_sections.get(code)
        if code == "A":
            section.rows.append(
                CompareRow("Views", (a or {}).get("views", ""), (b or {}).get("views", ""))
            )
        elif code == "I":
            section.rows.append(
                CompareRow("Name", (a or {}).get("name", ""), (b or {}).get("name", ""))
            )
            section.rows.append(
                CompareRow("Type", (a or {}).get("type", ""), (b or {}).get("type", ""))
            )
        elif code == "J":
            section.rows.append(
                CompareRow("Personal budget", (a or {}).get("text", ""), (b or {}).get("text", ""))
            )
        else:
            a_rows = {row["key"]: row for row in a or []}
            b_rows = {row["key"]: row for row in b or []}
            for key in list(a_rows) + [k for k in b_rows if k not in a_rows]:
                old, new = a_rows.get(key), b_rows.get(key)
                label = " → ".join(dict.fromkeys(r["ref"] for r in (old, new) if r))
                same = (
                    entry_substance(code, old) == entry_substance(code, new)
                    if old and new
                    else False
                )
                section.rows.append(
                    CompareRow(
                        label,
                        entry_text(code, old) if old else "",
                        entry_text(code, new) if new else "",
                        same=same,
                    )
                )
        result.append(section)
    return result


@dataclass(frozen=True)
class Amendment:
    """One proposed change to the plan in force, as the amendment notice lists it."""

    section: str
    title: str
    ref: str
    change: str  # ADDED, CHANGED or REMOVED
    before: str
    after: str

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "title": self.title,
            "ref": self.ref,
            "change": self.change,
            "before": self.before,
            "after": self.after,
        }


def plan_amendments(in_force: dict, proposed: dict) -> list[Amendment]:
    """Every change from the version in force to the proposed version, section by section
    (empty: nothing is proposed to change)."""
    return [
        Amendment(section.code, section.title, row.label, row.change, row.left, row.right)
        for section in plan_compare(in_force, proposed)
        for row in section.rows
        if row.changed
    ]
