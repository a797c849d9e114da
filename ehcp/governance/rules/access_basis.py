"""On what lawful basis a partner agency sees a case, as a pure function over plain values.

A partner sees a case because the council asked it for advice or consulted it (AC-02). The two
rest on different bases (the information sharing agreement, "Lawful basis"):

- **Advice** is asked for under the family's consent for an EHC needs assessment (the consent
  gate, `ehcp.children.rules.consent`), or under an SEN manager's recorded override. When that
  consent is withdrawn and no other current consent covers the agency, the basis is gone, and so
  is the agency's view of the case (UK GDPR Art 7(3): withdrawal is as easy as giving it and
  takes effect from then on). An override stays a basis of its own.
- **A setting consultation** is the council's statutory duty (Children and Families Act 2014,
  ss.39 and 40: the council must consult the setting before naming it), so it does not rest on
  consent and survives a withdrawal. It is shown as such.
"""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from ehcp.children.rules.consent import REQUIRED_PURPOSE, ConsentFact, Step


class Basis(StrEnum):
    CONSENT = "CONSENT"
    CONSENT_OVERRIDE = "CONSENT_OVERRIDE"
    STATUTORY_DUTY = "STATUTORY_DUTY"

    @property
    def label(self) -> str:
        return BASIS_LABELS[self]


BASIS_LABELS = {
    Basis.CONSENT: "Asked for advice, with the family's consent for an EHC needs assessment",
    Basis.CONSENT_OVERRIDE: (
        "Asked for advice, under an SEN manager's recorded decision to proceed without consent"
    ),
    Basis.STATUTORY_DUTY: (
        "Consulted about being named in the plan: the council's statutory duty "
        "(Children and Families Act 2014, ss.39 and 40)"
    ),
}


def partner_bases(
    *,
    asked: Iterable[int],
    consulted: Iterable[int],
    consents: Iterable[ConsentFact],
    overridden: bool,
    on: date,
) -> dict[int, Basis]:
    """Each related agency that still has a basis to see the case on `on`, and that basis.

    `asked`: agencies asked for advice; `consulted`: settings consulted; `consents`: the consent
    records that count for this case; `overridden`: an override of the advice consent gate is on
    record. An agency asked for advice and also consulted keeps the statutory basis."""
    purpose = REQUIRED_PURPOSE[Step.REQUEST_ADVICE]
    covered: set[int] = set()
    for fact in consents:
        # The consent gate checked the consent when the advice was asked for; what ends the basis
        # is a withdrawal that has taken effect.
        if fact.purpose == purpose and (fact.withdrawn_on is None or fact.withdrawn_on > on):
            covered |= fact.agency_ids
    bases: dict[int, Basis] = {}
    for agency_id in asked:
        if agency_id in covered:
            bases[agency_id] = Basis.CONSENT
        elif overridden:
            bases[agency_id] = Basis.CONSENT_OVERRIDE
    for agency_id in consulted:
        bases[agency_id] = Basis.STATUTORY_DUTY
    return bases
