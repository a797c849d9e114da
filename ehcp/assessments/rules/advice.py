"""Advice for an EHC needs assessment, as structured entries that feed the plan's sections.

Pure rules over plain values: no ORM, no clock. The caller describes the advice's entries as
`EntryFact`s and gets back the reasons (in the adviser's words) it cannot be submitted yet.

An adviser's advice is written in the shape of the plan it feeds (SEND Regulations 2014, reg 12;
SEND Code of Practice 9.61-9.69):

* views, interests and aspirations (section A, the family's views);
* needs: special educational (B), health (C) and social care (D);
* outcomes sought (E);
* provision: special educational (F), health (G), social care under s.2 CSDPA 1970 (H1) and other
  social care (H2). Provision must be "detailed and specific and should normally be quantified"
  (CoP 9.69): here, at least who provides it and how often.

Rule codes (used in tests and shown next to the messages):

* ``ADVICE-NEED``: professional advice describes at least one need (the family's views need at
  least one entry of any kind).
* ``ADVICE-QUANTIFIED``: every provision says who provides it and how often.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp.assessments.rules.deadlines import ADVICE, DeadlineStatus, deadline_status

__all__ = [
    "ADVICE_CANCEL",
    "ADVICE_LIMBS",
    "ADVICE_NEED",
    "ADVICE_PROCEED",
    "ADVICE_QUANTIFIED",
    "ENTRY_KINDS",
    "FREQUENCY_PERIODS",
    "PLAN_SECTIONS",
    "SECTIONS_BY_KIND",
    "EntryFact",
    "RequestFact",
    "advice_deadline",
    "advice_settled",
    "decision_problems",
    "advice_summary",
    "entry_problems",
    "frequency_text",
    "is_outstanding",
    "is_overdue",
    "is_quantified",
    "outstanding",
    "submission_problems",
]

ADVICE_NEED = "ADVICE-NEED"
ADVICE_QUANTIFIED = "ADVICE-QUANTIFIED"

#: The kinds of entry, in the order the plan shows them.
ENTRY_KINDS: dict[str, str] = {
    "VIEWS": "Views, interests and aspirations",
    "NEED": "Need",
    "OUTCOME": "Outcome sought",
    "PROVISION": "Provision",
}

#: Plan sections (SEND Regulations 2014, reg 12(1)) an entry can feed.
PLAN_SECTIONS: dict[str, str] = {
    "A": "A: views, interests and aspirations",
    "B": "B: special educational needs",
    "C": "C: health care needs",
    "D": "D: social care needs",
    "E": "E: outcomes",
    "F": "F: special educational provision",
    "G": "G: health provision",
    "H1": "H1: social care provision (s.2 CSDPA 1970)",
    "H2": "H2: other social care provision",
}

SECTIONS_BY_KIND: dict[str, tuple[str, ...]] = {
    "VIEWS": ("A",),
    "NEED": ("B", "C", "D"),
    "OUTCOME": ("E",),
    "PROVISION": ("F", "G", "H1", "H2"),
}

#: How often provision happens: "<count> times <period>". The same codes as the plan's
#: provision (ehcp.plans.models.FrequencyPeriod), so advice copies into the plan unchanged.
FREQUENCY_PERIODS: dict[str, str] = {
    "DAY": "a day",
    "WEEK": "a week",
    "MONTH": "a month",
    "TERM": "a term",
    "YEAR": "a year",
}


@dataclass(frozen=True)
class EntryFact:
    """One entry of a piece of advice, as plain values."""

    kind: str
    plan_section: str
    text: str
    who: str = ""
    frequency_count: int | None = None
    frequency_period: str = ""
    session_minutes: int | None = None
    duration: str = ""
    links: tuple[str, ...] = field(default=())
    """Texts of the needs and outcomes a provision is linked to (for the summary)."""


def is_quantified(entry: EntryFact) -> bool:
    """ADVICE-QUANTIFIED: provision says who provides it and how often (CoP 9.69)."""
    return (
        bool(entry.who.strip())
        and bool(entry.frequency_count)
        and entry.frequency_period in FREQUENCY_PERIODS
    )


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entry_problems(entry: EntryFact) -> list[str]:
    """What is wrong with the shape of one entry; empty if it is fine."""
    problems: list[str] = []
    if entry.kind not in ENTRY_KINDS:
        return [f"{entry.kind!r} is not a kind of advice entry"]
    if entry.plan_section not in SECTIONS_BY_KIND[entry.kind]:
        sections = ", ".join(SECTIONS_BY_KIND[entry.kind])
        problems.append(
            f"Choose the plan section ({sections}) this {ENTRY_KINDS[entry.kind].lower()} belongs in"
        )
    if not entry.text.strip():
        problems.append(
            "Enter what the provision is"
            if entry.kind == "PROVISION"
            else f"Enter the {ENTRY_KINDS[entry.kind].lower()}"
        )
    if entry.kind != "PROVISION":
        return problems
    if entry.frequency_count is not None and entry.frequency_count < 1:
        problems.append("How often must be 1 or more")
    if entry.frequency_period and entry.frequency_period not in FREQUENCY_PERIODS:
        problems.append("Choose how often: a day, a week, a month, a term or a year")
    if entry.session_minutes is not None and entry.session_minutes < 1:
        problems.append("Minutes each time must be 1 or more")
    return problems


def submission_problems(advice_kind: str, entries: Sequence[EntryFact]) -> list[str]:
    """Why this advice cannot be submitted yet, in the adviser's words; empty when it can.

    ADVICE-NEED: professional advice describes at least one need (B, C or D); the family's views
    (reg 6(1)(a)) need at least one entry of any kind. ADVICE-QUANTIFIED: every provision says who
    provides it and how often.
    """
    problems: list[str] = []
    if advice_kind == "PARENT_VIEWS":
        if not entries:
            problems.append("Add the family's views, or at least one need, outcome or provision")
    elif not any(e.kind == "NEED" for e in entries):
        problems.append("Add at least one need (section B, C or D)")
    for entry in entries:
        problems += entry_problems(entry)
        if entry.kind == "PROVISION" and not is_quantified(entry):
            missing = []
            if not entry.who.strip():
                missing.append("who provides it")
            if not entry.frequency_count or entry.frequency_period not in FREQUENCY_PERIODS:
                missing.append("how often")
            problems.append(f"Say {' and '.join(missing)} for the provision “{_short(entry.text)}”")
    return problems


def frequency_text(count: int | None, period: str) -> str:
    """ "once a week", "twice a day", "3 times a term"; empty when not given."""
    if not count or period not in FREQUENCY_PERIODS:
        return ""
    times = "once" if count == 1 else "twice" if count == 2 else f"{count} times"
    return f"{times} {FREQUENCY_PERIODS[period]}"


def _provision_line(entry: EntryFact) -> str:
    parts = [entry.text.strip().rstrip(".")]
    if who := entry.who.strip():
        article = "" if who.split()[0].lower() in {"a", "an", "the", "their"} else "the "
        parts.append(f"by {article}{who}")
    if how := frequency_text(entry.frequency_count, entry.frequency_period):
        parts.append(how)
    if entry.session_minutes:
        parts.append(f"{entry.session_minutes} minutes each time")
    if entry.duration.strip():
        parts.append(entry.duration.strip())
    line = "; ".join(parts)
    if entry.links:
        line += f" (for: {'; '.join(_short(text) for text in entry.links)})"
    return line


_SUMMARY_LABELS = {"VIEWS": "Views", "NEED": "Need", "OUTCOME": "Outcome", "PROVISION": "Provision"}


def advice_summary(entries: Iterable[EntryFact]) -> str:
    """A plain-text summary of the advice: one line per entry, in plan order, each starting with
    its label ("Need: ...", "Outcome: ...", "Provision: ...; by the ...; twice a week; ...").
    The plan's pre-fill reads these labels (ehcp.plans.services.advice_candidates)."""
    entries = list(entries)
    lines = []
    for kind, label in _SUMMARY_LABELS.items():
        for entry in (e for e in entries if e.kind == kind):
            text = _provision_line(entry) if kind == "PROVISION" else " ".join(entry.text.split())
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def advice_deadline(
    due_on: date,
    *,
    today: date,
    received_on: date | None,
    exception_recorded: bool = False,
    warn_days: int = 5,
) -> DeadlineStatus:
    """Where a piece of advice stands against its reg 8(1) date (EHCP-ADVICE-6W): overdue or
    late unless it was received by then; a recorded reg 8(2) exception shows as such. More time
    agreed with the adviser never moves the statutory date."""
    return deadline_status(
        due_on,
        today=today,
        done_on=received_on,
        exception_recorded=exception_recorded,
        warn_days=warn_days,
    )


#: The period the advice rules sit under (for pages that show the duty next to the date).
PERIOD = ADVICE

#: The reg 8(2) exceptions an adviser may give as the reason for more time.
ADVICE_LIMBS: tuple[str, ...] = ADVICE.exception_limbs


# -- advice that does not come: deciding without it, cancelling it ---------------------------
#
# Nothing a partner fails to do may block the council's own statutory steps: the decision whether
# to issue a plan (reg 10(1), 16 weeks) and the final plan (reg 13(2), 20 weeks). Advice asked for
# under reg 6(1) is due within 6 weeks of the request (reg 8(1)); once that date has passed the
# council may decide without it, recording why (ADVICE-PROCEED). Advice not yet due still holds
# the decision back, unless the request is cancelled (ADVICE-CANCEL): for example the adviser has
# nothing new to add, or existing advice suffices (reg 6(4)).

ADVICE_PROCEED = "ADVICE-PROCEED"
ADVICE_CANCEL = "ADVICE-CANCEL"

#: Where a request stands (the values of AdviceRequest.Status the rules need).
ACCEPTED = "ACCEPTED"
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class RequestFact:
    """One advice request, as plain values."""

    key: int
    label: str
    status: str
    due_on: date
    proceed_reason: str = ""
    """Why the council decided without it, when it did (blank otherwise)."""


def is_outstanding(request: RequestFact) -> bool:
    """Asked for and still owed: neither accepted by the council nor cancelled."""
    return request.status not in (ACCEPTED, CANCELLED)


def is_overdue(request: RequestFact, *, on: date) -> bool:
    """Its reg 8(1) date has passed on `on` (the due day itself is still in time)."""
    return on > request.due_on


def outstanding(requests: Iterable[RequestFact]) -> list[RequestFact]:
    return [request for request in requests if is_outstanding(request)]


def advice_settled(requests: Iterable[RequestFact]) -> bool:
    """ADVICE-PROCEED: every request is accepted, cancelled, or recorded as decided without."""
    return all(
        not is_outstanding(request) or request.proceed_reason.strip() for request in requests
    )


def decision_problems(
    requests: Iterable[RequestFact], *, on: date, reasons: dict[int, str]
) -> list[str]:
    """Why the decision whether to issue a plan cannot be made on `on` with these reasons for the
    missing advice (keyed by RequestFact.key); empty when it can.

    ADVICE-PROCEED: advice not yet due (reg 8(1)) must come, or its request be cancelled
    (ADVICE-CANCEL), first; overdue advice may be gone without, with a reason."""
    problems = []
    for request in outstanding(requests):
        if not is_overdue(request, on=on):
            problems.append(
                f"{request.label} is not due until {request.due_on:%-d %B %Y} (reg 8(1)): wait "
                "for it, or cancel the request with a reason, before you decide"
            )
        elif not (reasons.get(request.key) or request.proceed_reason).strip():
            problems.append(
                f"Give the reason for deciding without the {request.label.lower()}, overdue "
                f"since {request.due_on:%-d %B %Y}"
            )
    return problems
