"""Sharing with partners: what may go, and on what lawful basis, as pure functions over plain values.

The information sharing agreement (ISA) says which data types each kind of partner may receive for
a purpose (the access table, `agencies.DataAccessRule`) and the bases the council relies on
(section 4.1): UK GDPR Art 6(1)(e); for special category data also Art 9(2)(g) with DPA 2018
Sch 1 Part 2 para 6. A share without consent relies on a recorded override (para 18) or on a
statutory duty that names its power.

Each data type is sent as a fixed list of fields (the "case pack"), so a payload is always built
from an allowlist and never from a whole record with fields taken out (DM-01).

No ORM and no clock: the caller passes the facts.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ehcp.children.rules.consent import Purpose

# -- what is sent for each data type (the case pack) ----------------------------------------

CASE_PACK_FIELDS: dict[str, tuple[str, ...]] = {
    "IDENTITY": ("first_name", "last_name", "date_of_birth"),
    "IDENTIFIERS": ("upn", "nhs_number"),
    "CONTACT": ("address", "postcode", "parents"),
    "EDUCATION": ("current_setting", "primary_need", "secondary_need", "request_reasons"),
    "PLAN": ("advice_parent_views", "advice_educational", "advice_psychological", "advice_other"),
    "HEALTH": ("advice_health",),
    "SOCIAL_CARE": ("advice_social_care",),
    # Nothing in the record is tagged safeguarding yet: the type can be allowed, but sends no field.
    "SAFEGUARDING": (),
}
FIELD_DATA_TYPE: dict[str, str] = {
    name: data_type for data_type, names in CASE_PACK_FIELDS.items() for name in names
}
# Address, setting and family contacts: never shared for a child whose whereabouts are protected.
WHEREABOUTS_FIELDS = frozenset({"address", "postcode", "parents", "current_setting"})

# Special category data (and the types that carry it) need an Article 9 and a Schedule 1 condition.
SPECIAL_CATEGORY = frozenset({"HEALTH", "SOCIAL_CARE", "SAFEGUARDING"})


def case_pack_fields(data_types: Iterable[str], *, whereabouts_protected: bool) -> list[str]:
    """The fields sent for these data types, in a stable order."""
    wanted = set(data_types)
    fields = [
        name
        for data_type, names in CASE_PACK_FIELDS.items()
        if data_type in wanted
        for name in names
    ]
    if whereabouts_protected:
        fields = [name for name in fields if name not in WHEREABOUTS_FIELDS]
    return fields


# -- lawful basis (ISA section 4.1) -----------------------------------------------------------

ART6_PUBLIC_TASK = "UK GDPR Art 6(1)(e) (public task)"
ART9_SUBSTANTIAL_PUBLIC_INTEREST = "UK GDPR Art 9(2)(g) (substantial public interest)"
SCH1_STATUTORY_PURPOSES = "DPA 2018 Sch 1 Part 2 para 6 (statutory and government purposes)"
SCH1_SAFEGUARDING = (
    "DPA 2018 Sch 1 Part 2 para 18 (safeguarding of children and individuals at risk)"
)

# The power each purpose is exercised under (for the IG lead to confirm against the agreement).
STATUTORY_POWER: dict[str, str] = {
    Purpose.STATUTORY_ASSESSMENT: "Children and Families Act 2014 ss.36-39; SEND Regulations 2014 regs 6-8 and 13",
    Purpose.HIGH_NEEDS_FUNDING: "Children and Families Act 2014 ss.28 and 42",
    Purpose.CONTINUING_CARE: "Children and Families Act 2014 ss.26 and 28",
    Purpose.CARE_TREATMENT_REVIEW: "Children and Families Act 2014 ss.26 and 28",
}


@dataclass(frozen=True)
class StatutoryDuty:
    """A share the council must make whatever the consent position, with its power and the
    justification recorded on every disclosure made under it (LB-04: its own justification)."""

    code: str
    statutory_power: str
    justification: str


SETTING_CONSULTATION = StatutoryDuty(
    "SHARE-CONSULT-SETTING",
    "Children and Families Act 2014 s.39(2); SEND Code of Practice 9.78 and 9.83",
    "The council must consult the school or setting before naming it in the plan, and sends the "
    "draft plan with the consultation.",
)


@dataclass(frozen=True)
class LawfulBasis:
    art6_basis: str
    art9_condition: str
    dpa_schedule1_condition: str


def is_special_category(data_types: Iterable[str], *, document_count: int = 0) -> bool:
    """Whether a share carries special category data. An issued plan does: it has health and
    social care sections."""
    return bool(SPECIAL_CATEGORY.intersection(data_types)) or document_count > 0


def lawful_basis(*, special_category: bool, override_condition: str = "") -> LawfulBasis:
    """The bases the council relies on for a share (ISA section 4.1).

    With a recorded override (sharing without consent), the Schedule 1 condition is the one the
    override names (para 18 by default)."""
    return LawfulBasis(
        art6_basis=ART6_PUBLIC_TASK,
        art9_condition=ART9_SUBSTANTIAL_PUBLIC_INTEREST if special_category else "",
        dpa_schedule1_condition=override_condition
        or (SCH1_STATUTORY_PURPOSES if special_category else ""),
    )


def share_errors(
    *,
    purpose: str,
    data_types: Iterable[str],
    fields: Iterable[str],
    allowed: Iterable[str],
    whereabouts_protected: bool,
    isa_reference: str,
    channel: str,
    document_count: int = 0,
    check_fields: bool = True,
) -> list[str]:
    """What is wrong with a proposed share (an empty list means it may go ahead, consent aside).

    Documents (issued plans) count as PLAN data. `check_fields` False: the fields are not a
    case's fields (a panel's papers name their own parts), so only the data types are checked."""
    data_types, fields, allowed = list(data_types), list(fields), frozenset(allowed)
    errors = []
    if purpose not in STATUTORY_POWER:
        errors.append("Select the purpose of the share")
    if not isa_reference.strip():
        errors.append("The information sharing agreement is not configured (ISA_REFERENCE)")
    if not channel:
        errors.append("Select how the information is sent")
    if not data_types:
        errors.append("Select the information to share")
    if not fields and not document_count:
        errors.append("Select the fields or documents to share")
    if document_count and "PLAN" not in data_types:
        errors.append("Documents can be shared only as statutory plans and advice")
    outside = sorted(set(data_types) - allowed)
    if outside:
        errors.append(
            "The information sharing agreement does not let this agency receive "
            + ", ".join(t.lower().replace("_", " ") for t in outside)
            + " for this purpose"
        )
    if not check_fields:
        return errors
    unknown = sorted(name for name in fields if name not in FIELD_DATA_TYPE)
    if unknown:
        errors.append("These fields cannot be shared: " + ", ".join(unknown))
    stray = sorted(
        name
        for name in fields
        if name in FIELD_DATA_TYPE and FIELD_DATA_TYPE[name] not in data_types
    )
    if stray:
        errors.append("These fields are not part of the information selected: " + ", ".join(stray))
    if whereabouts_protected and WHEREABOUTS_FIELDS.intersection(fields):
        errors.append(
            "This child's whereabouts are protected: the address, setting and contacts cannot be shared"
        )
    if len(set(fields)) != len(fields):
        errors.append("Select each field once")
    return errors


# -- the hash of what was sent ----------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_json(content) -> str:
    """One spelling of the content: sorted keys, no spaces, UTF-8, ISO dates."""
    return json.dumps(_plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(payload: Mapping, documents: Iterable[tuple[str, str]] = ()) -> str:
    """SHA-256 of the canonical JSON of the values sent and the (id, sha256) of each document."""
    content = {"fields": dict(payload), "documents": sorted([str(i), str(h)] for i, h in documents)}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
