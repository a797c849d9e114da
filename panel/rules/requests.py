"""When a funding request is ready for a panel: pure, over plain values.

A panel can only decide what it can see: the provision or placement the money pays for, what it
costs and for how long, who is asked to pay what, the evidence of need, and what was tried
locally first (send-rules.md section 6.3). A request is ready when all of that is there; until
then the caseworker sees exactly what is missing, and the same list keeps it off an agenda.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import Funder, share_errors


@dataclass(frozen=True)
class RequestFacts:
    summary: str
    options_tried: str
    proposed_cost: Decimal | None
    starts_on: date | None
    ends_on: date | None
    shares: dict[Funder, Decimal | None] = field(default_factory=dict)
    plan_entries: int = 0  # how many entries of the plan it pays for
    # The plan has a version issued through the service, whose entries it can name (a plan
    # brought in from before has none: the summary describes the provision then).
    plan_version_known: bool = True
    evidence_advice: int = 0  # how many pieces of accepted advice it relies on
    evidence_notes: str = ""
    provider: str = ""
    deferred: bool = False
    information_provided: str = ""


def evidence_missing(facts: RequestFacts) -> list[str]:
    """What must be added before the request can go to a panel (empty: it is ready)."""
    missing = []
    if not facts.summary.strip():
        missing.append("Describe the provision or placement the funding pays for")
    if not facts.provider.strip():
        missing.append("Name the provider: the school, setting or service")
    if facts.plan_entries == 0 and facts.plan_version_known:
        missing.append(
            "Link the request to the plan: the provision in sections F, G, H1 or H2, or the placement in section I"
        )
    if facts.evidence_advice == 0 and not facts.evidence_notes.strip():
        missing.append("Add the evidence: accepted advice, or a note of other evidence")
    if not facts.options_tried.strip():
        missing.append("Say what was tried or considered locally first")
    if facts.proposed_cost is None or facts.proposed_cost <= 0:
        missing.append("Enter the proposed cost a year")
    if facts.starts_on is None:
        missing.append("Enter the proposed start date")
    elif facts.ends_on is not None and facts.ends_on <= facts.starts_on:
        missing.append("The proposed end date must be after the start date")
    if any(value is None for value in facts.shares.values()) or not facts.shares:
        missing.append("Propose the share for education, health and social care")
    else:
        missing.extend(share_errors(facts.shares)[:1])
    if facts.deferred and not facts.information_provided.strip():
        missing.append("Give the information the panel asked for")
    return missing
