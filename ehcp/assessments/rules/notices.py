"""Notices to partners about a request (SEND Regulations 2014, regs 4(2), 5(2) and 10(2)).

While the council is considering whether to carry out an EHC needs assessment it must tell
(reg 4(2), text on legislation.gov.uk, ``uksi/2014/1530/regulation/4``):

* (a) the responsible commissioning body (the health body);
* (b) the council's officers who exercise its social services functions for children or young
  people with special educational needs (social care);
* (c) for a child: (i) the head teacher (or equivalent) of the school where the child is a
  registered pupil, or (ii) the person with responsibility for special educational needs at the
  provider of relevant early years education the child attends;
* (d) for a young person: (i) the head teacher (or equivalent) of the school where they are a
  registered pupil, or (ii) the principal (or equivalent) of the post-16 institution where they
  are a student.

It must tell the same people of its decision whether to assess (reg 5(2): "the persons who were
notified in accordance with regulation 4(2)"), and, if after the assessment it decides not to
issue a plan, the responsible commissioning body and the person notified under reg 4(2)(c) or
(d) (reg 10(2)).

Reg 4(2) sets no date of its own: the notice is owed "while considering" (from the request until
the decision). A reg 4(2) notice still unsent when the decision is made is shown as a warning:
the partners were not told while the council was considering.

Which education limb applies follows who the party is on the day the request was received:
(c) for a child, (d) for a young person (`ehcp.children.rules.young_person`). A child with no
school or setting is owed no education notice (each limb begins "if the child is a registered
pupil ...").

Pure: facts in, answers out. No ORM, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ehcp.children.rules import young_person as young_person_rules
from ehcp.governance.rules.disclosure import StatutoryDuty

#: The rule code in docs/rules.md ("Other rule codes").
NOTICES_TO_PARTNERS = "NOTICE-PARTNERS"


class Regulation(StrEnum):
    """The duty a notice is given under."""

    REG_4_2 = "4(2)"  # the council is considering whether to assess
    REG_5_2 = "5(2)"  # its decision whether to assess
    REG_10_2 = "10(2)"  # its decision not to issue a plan after the assessment


REGULATION_LABELS: dict[str, str] = {
    Regulation.REG_4_2: "Reg 4(2): the council is considering whether to assess",
    Regulation.REG_5_2: "Reg 5(2): the council's decision whether to assess",
    Regulation.REG_10_2: "Reg 10(2): the council's decision not to issue a plan",
}


class Recipient(StrEnum):
    """Who a notice goes to (the limbs of reg 4(2))."""

    HEALTH = "HEALTH"
    SOCIAL_CARE = "SOCIAL_CARE"
    HEAD_TEACHER = "HEAD_TEACHER"
    EARLY_YEARS = "EARLY_YEARS"
    PRINCIPAL = "PRINCIPAL"


RECIPIENT_LABELS: dict[str, str] = {
    Recipient.HEALTH: "The responsible commissioning body (health)",
    Recipient.SOCIAL_CARE: "The council's social care officers for children with SEN",
    Recipient.HEAD_TEACHER: "The head teacher of the school (or equivalent)",
    Recipient.EARLY_YEARS: "The person responsible for SEN at the early years provider",
    Recipient.PRINCIPAL: "The principal of the post-16 institution (or equivalent)",
}

#: The people who speak for the child's school or setting: one of them is owed a notice.
EDUCATION = frozenset({Recipient.HEAD_TEACHER, Recipient.EARLY_YEARS, Recipient.PRINCIPAL})
#: The education recipients allowed for a child (reg 4(2)(c)) and a young person (4(2)(d)).
CHILD_EDUCATION = (Recipient.HEAD_TEACHER, Recipient.EARLY_YEARS)
YOUNG_PERSON_EDUCATION = (Recipient.HEAD_TEACHER, Recipient.PRINCIPAL)

#: The limb of reg 4(2) for each recipient, for a child and for a young person.
_LIMB = {
    (Recipient.HEALTH, False): "4(2)(a)",
    (Recipient.HEALTH, True): "4(2)(a)",
    (Recipient.SOCIAL_CARE, False): "4(2)(b)",
    (Recipient.SOCIAL_CARE, True): "4(2)(b)",
    (Recipient.HEAD_TEACHER, False): "4(2)(c)(i)",
    (Recipient.EARLY_YEARS, False): "4(2)(c)(ii)",
    (Recipient.HEAD_TEACHER, True): "4(2)(d)(i)",
    (Recipient.PRINCIPAL, True): "4(2)(d)(ii)",
}

#: Telling a partner that the council is considering (or has decided) an assessment tells it
#: who the child is: a disclosure, made under the council's statutory duty (ISA section 4.1).
NOTICE_DUTIES: dict[str, StatutoryDuty] = {
    Regulation.REG_4_2: StatutoryDuty(
        "SHARE-NOTICE-4-2",
        "Children and Families Act 2014 s.36; SEND Regulations 2014 reg 4(2)",
        "While it considers whether to assess, the council must tell the health body, social "
        "care and the child's school or setting (SEND Regulations 2014, reg 4(2)).",
    ),
    Regulation.REG_5_2: StatutoryDuty(
        "SHARE-NOTICE-5-2",
        "Children and Families Act 2014 s.36; SEND Regulations 2014 reg 5(2)",
        "The council must tell those it told of the request of its decision whether to assess "
        "(SEND Regulations 2014, reg 5(2)).",
    ),
    Regulation.REG_10_2: StatutoryDuty(
        "SHARE-NOTICE-10-2",
        "Children and Families Act 2014 s.36(9); SEND Regulations 2014 reg 10(2)",
        "The council must tell the health body and the school or setting of its decision not "
        "to issue a plan (SEND Regulations 2014, reg 10(2)).",
    ),
}


@dataclass(frozen=True)
class SentNotice:
    """A notice recorded on the case."""

    regulation: str
    recipient: str
    sent_on: date


@dataclass(frozen=True)
class NoticeFacts:
    """What the rule needs to know about a case.

    ``has_setting``: the child attends a school, early years provider or post-16 institution
    (the case records one). ``assessment_decided_on``: the decision whether to assess (either
    way). ``not_to_issue_on``: the decision not to issue a plan after the assessment."""

    request_received_on: date
    date_of_birth: date
    has_setting: bool
    assessment_decided_on: date | None = None
    not_to_issue_on: date | None = None
    sent: tuple[SentNotice, ...] = ()


@dataclass(frozen=True)
class NoticeDue:
    """A notice the council owes: under which regulation, to whom (for the education notice,
    the recipients that would satisfy it), the limb, and the notices that met it (if any)."""

    regulation: str
    recipient: str
    limb: str
    accepts: tuple[str, ...]
    sent: tuple[SentNotice, ...] = field(default=())

    @property
    def is_sent(self) -> bool:
        return bool(self.sent)

    @property
    def sent_on(self) -> date | None:
        return min((n.sent_on for n in self.sent), default=None)

    @property
    def label(self) -> str:
        if self.recipient == "EDUCATION":
            return " or ".join(RECIPIENT_LABELS[r] for r in self.accepts)
        return RECIPIENT_LABELS[self.recipient]


def is_young_person(facts: NoticeFacts) -> bool:
    """Whether the request is about a young person (reg 4(2)(d)) rather than a child ((c)): the
    party on the day the request was received."""
    return young_person_rules.is_young_person(facts.date_of_birth, facts.request_received_on)


def education_recipients(facts: NoticeFacts) -> tuple[Recipient, ...]:
    """Who may be told for the child's school or setting: (c) for a child, (d) for a young
    person."""
    return YOUNG_PERSON_EDUCATION if is_young_person(facts) else CHILD_EDUCATION


def _education_owed(facts: NoticeFacts) -> tuple[str, ...]:
    """The education recipients owed a reg 4(2) notice: one of (c)/(d) if the child has a
    setting or an education notice was already recorded; none otherwise."""
    allowed = education_recipients(facts)
    told = {n.recipient for n in facts.sent if n.regulation == Regulation.REG_4_2}
    if facts.has_setting or told & EDUCATION:
        return allowed
    return ()


def _due(regulation: str, recipient: str, accepts: Iterable[str], facts: NoticeFacts) -> NoticeDue:
    accepts = tuple(accepts)
    young = is_young_person(facts)
    if recipient == "EDUCATION":
        limbs = sorted({_LIMB[(r, young)] for r in accepts if (r, young) in _LIMB})
        limb = limbs[0] if len(limbs) == 1 else (limbs[0].rsplit("(", 1)[0] if limbs else "")
    else:
        limb = _LIMB[(Recipient(recipient), young)]
    sent = tuple(n for n in facts.sent if n.regulation == regulation and n.recipient in accepts)
    return NoticeDue(regulation, recipient, limb, accepts, tuple(sorted(sent, key=_when)))


def _when(notice: SentNotice):
    return notice.sent_on


def notices_owed(facts: NoticeFacts) -> list[NoticeDue]:
    """Every notice the council owes at this stage of the case, sent or not, in order.

    - From the request: reg 4(2) to the health body, social care and (if the child has a
      setting) its head teacher or equivalent.
    - Once the decision whether to assess is made: reg 5(2) to each person owed the reg 4(2)
      notice (if an education notice was sent to one kind of recipient, to that one).
    - Once the council decides not to issue a plan: reg 10(2) to the health body and the person
      told under reg 4(2)(c) or (d).
    """
    education = _education_owed(facts)
    owed = [
        _due(Regulation.REG_4_2, Recipient.HEALTH, [Recipient.HEALTH], facts),
        _due(Regulation.REG_4_2, Recipient.SOCIAL_CARE, [Recipient.SOCIAL_CARE], facts),
    ]
    if education:
        owed.append(_due(Regulation.REG_4_2, "EDUCATION", education, facts))
    # The education recipient actually told under 4(2), if one was: the later notices go to them.
    told_education = tuple(
        dict.fromkeys(
            n.recipient
            for n in sorted(facts.sent, key=_when)
            if n.regulation == Regulation.REG_4_2 and n.recipient in EDUCATION
        )
    )
    later_education = told_education or education
    if facts.assessment_decided_on is not None:
        owed += [
            _due(Regulation.REG_5_2, Recipient.HEALTH, [Recipient.HEALTH], facts),
            _due(Regulation.REG_5_2, Recipient.SOCIAL_CARE, [Recipient.SOCIAL_CARE], facts),
        ]
        if later_education:
            owed.append(_due(Regulation.REG_5_2, "EDUCATION", later_education, facts))
    if facts.not_to_issue_on is not None:
        owed.append(_due(Regulation.REG_10_2, Recipient.HEALTH, [Recipient.HEALTH], facts))
        if later_education:
            owed.append(_due(Regulation.REG_10_2, "EDUCATION", later_education, facts))
    return owed


def notices_due(facts: NoticeFacts) -> list[NoticeDue]:
    """The notices owed and not yet sent (empty: every partner has been told)."""
    return [due for due in notices_owed(facts) if not due.is_sent]


def late_notice_warnings(facts: NoticeFacts) -> list[str]:
    """Reg 4(2) notices not sent while the council was considering: the decision whether to
    assess was made before the notice went (or it has still not gone)."""
    decided = facts.assessment_decided_on
    if decided is None:
        return []
    warnings = []
    for due in notices_owed(facts):
        if due.regulation != Regulation.REG_4_2:
            continue
        who = due.label[0].lower() + due.label[1:]
        if not due.is_sent:
            warnings.append(
                f"The decision whether to assess was made on {_day(decided)} without telling "
                f"{who} of the request (reg {due.limb})"
            )
        elif due.sent_on > decided:
            warnings.append(
                f"The decision whether to assess was made on {_day(decided)}, before {who} was "
                f"told of the request on {_day(due.sent_on)} (reg {due.limb})"
            )
    return warnings


def notice_errors(
    facts: NoticeFacts,
    *,
    regulation: str,
    recipients: Iterable[str],
    sent_on: date | None,
    today: date,
) -> list[str]:
    """What is wrong with recording these notices (empty: they may be recorded).

    The regulation must be owed at this stage (5(2) once the decision whether to assess is made,
    10(2) once the council decides not to issue); each recipient must be one that regulation
    names for this child or young person; the date must be no earlier than the request (or the
    decision it reports) and not in the future."""
    recipients = list(recipients)
    errors = []
    if regulation not in REGULATION_LABELS:
        return ["Select what the notice is about"]
    if not recipients:
        errors.append("Select who was told")
    allowed = {Recipient.HEALTH, Recipient.SOCIAL_CARE, *education_recipients(facts)}
    if regulation == Regulation.REG_10_2:
        allowed.discard(Recipient.SOCIAL_CARE)
    starts_on = facts.request_received_on
    if regulation == Regulation.REG_5_2:
        if facts.assessment_decided_on is None:
            errors.append("The decision whether to assess has not been made yet")
        else:
            starts_on = facts.assessment_decided_on
    if regulation == Regulation.REG_10_2:
        if facts.not_to_issue_on is None:
            errors.append("The council has not decided not to issue a plan")
        else:
            starts_on = facts.not_to_issue_on
    for recipient in recipients:
        if recipient not in allowed:
            label = RECIPIENT_LABELS.get(recipient, recipient)
            errors.append(f"Reg {regulation} does not name {label[0].lower() + label[1:]}")
    if len([r for r in recipients if r in EDUCATION]) > 1:
        errors.append("Select one person for the child's school or setting")
    if sent_on is None:
        errors.append("Enter the date the notice was sent")
    elif sent_on > today:
        errors.append("The date the notice was sent must be today or in the past")
    elif sent_on < starts_on:
        errors.append(f"The date the notice was sent must be on or after {_day(starts_on)}")
    return errors


def _day(on: date) -> str:
    return f"{on.day} {on:%B %Y}"
