"""Read side of the EHC plan: the plan's content as plain data, its checks, versions and history.

`plan_content` turns the working copy into the JSON-ready dict that is frozen into an issued
document, rendered to PDF (ehcp.plans.documents), compared between versions and checked
(`plan_facts` -> ehcp.plans.rules.plan_checks). One shape for all four, so what is checked is what
is issued.

The plan page reads a fixed number of queries however many entries there are
(`plan_with_entries`; tests/ehcp/plans/test_plan_views.py proves it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from agencies.access import data_types_for
from agencies.models import AgencyKind, DataType
from ehcp.assessments.models import PLAN_EDITABLE_STATUSES, AdviceKind, AdviceRequest, Assessment
from ehcp.assessments.rules import deadlines
from ehcp.children.rules.consent import Purpose
from ehcp.common.display import agency_label
from ehcp.common.formats import iso_govuk_date
from ehcp.governance.access import case_schools, withhold_names
from ehcp.plans.models import (
    APPEALABLE_LETTER_KINDS,
    LETTER_KINDS,
    PLAN_DOCUMENT_KINDS,
    DocumentKind,
    DocumentRender,
    LetterSending,
    NeedSection,
    Plan,
    PlanDocument,
    PlanEntryStatus,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    ProvisionSection,
    RenderStatus,
)
from ehcp.plans.rules import plan_checks
from ehcp.plans.rules.plan_checks import CheckResult, PlanFacts, Stage
from ehcp.plans.rules.plan_dates import format_date

CONTENT_SCHEMA = 1

NEED_SECTIONS = [s.value for s in NeedSection]
PROVISION_SECTIONS = [s.value for s in ProvisionSection]

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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# -- fetching ------------------------------------------------------------------------------------


def plan_for_case(case: Assessment) -> Plan | None:
    return Plan.objects.filter(case=case).first()


def plan_with_entries(plan: Plan) -> Plan:
    """Prefetch every entry and link the plan page and the content need (a fixed number of queries)."""
    advice = AdviceRequest.objects.select_related("agency", "submitted_by")
    prefetch_related_objects(
        [plan],
        Prefetch(
            "needs", queryset=PlanNeed.objects.prefetch_related(Prefetch("advice", queryset=advice))
        ),
        Prefetch(
            "outcomes",
            queryset=PlanOutcome.objects.prefetch_related(
                "needs", Prefetch("advice", queryset=advice)
            ),
        ),
        Prefetch(
            "provisions",
            queryset=PlanProvision.objects.select_related("health_agreed_by").prefetch_related(
                "needs", "outcomes", Prefetch("advice", queryset=advice)
            ),
        ),
    )
    return plan


def case_advice(case: Assessment) -> list[AdviceRequest]:
    """The advice gathered for the case (section K), in the order it was asked for."""
    return list(case.advice_requests.select_related("agency").order_by("kind", "pk"))


def family_views_text(advice: AdviceRequest) -> str:
    """Section A's words from the family's views: their views, interests and aspirations as they
    wrote them (each entry a paragraph), or the whole of their advice if it has no such entry."""
    views = [
        " ".join(e.text.split())
        for e in advice.entries.all()
        if e.kind == "VIEWS" and e.text.strip()
    ]
    return "\n\n".join(views) if views else advice.summary.strip()


def accepted_family_views(case: Assessment) -> list[AdviceRequest]:
    """The family's views the council has recorded (accepted), with their entries."""
    return list(
        AdviceRequest.objects.filter(
            case=case, kind=AdviceKind.PARENT_VIEWS, status=AdviceRequest.Status.ACCEPTED
        ).prefetch_related("entries")
    )


# -- content -------------------------------------------------------------------------------------


def _advice_label(advice: AdviceRequest, *, whereabouts: bool = True) -> str:
    agency = agency_label(advice.agency, whereabouts=whereabouts, child=advice.case.child)
    return f"{advice.get_kind_display().split(' (')[0]}: {agency}"


def plan_content(
    plan: Plan | None,
    *,
    case: Assessment,
    advice: list[AdviceRequest],
    plan_date: date,
    named_setting=None,
    stage: str = "WORKING",
) -> dict:
    """The plan's accepted content as JSON-ready data (dates as ISO strings). Expects
    `plan_with_entries(plan)`. A draft never names a setting in section I.

    Where the child's whereabouts are protected, the content names no school or setting except
    the one a final plan must name in section I (and the final plan and its letter go only to
    people allowed to see whereabouts): section K says "the child's school or setting", and the
    name of any school the case involves is withheld from the free text too. So what is frozen
    and rendered is the same for every reader (DM-02), and comparisons stay like for like."""
    child = case.child
    protected = child.protected_whereabouts
    needs = [n for n in plan.needs.all() if n.is_in_plan] if plan else []
    outcomes = [o for o in plan.outcomes.all() if o.is_in_plan] if plan else []
    provisions = [p for p in plan.provisions.all() if p.is_in_plan] if plan else []

    refs: dict[tuple[str, int], str] = {}
    advice_refs = {a.pk: f"K{i}" for i, a in enumerate(advice, 1)}

    sections: dict = {"A": {"views": plan.views if plan else ""}}
    for section in NEED_SECTIONS:
        rows = []
        for need in (n for n in needs if n.section == section):
            ref = f"{section}{len(rows) + 1}"
            refs[("need", need.pk)] = ref
            rows.append(
                {
                    "key": str(need.public_id),
                    "ref": ref,
                    "text": need.text,
                    "need_code": need.need_code,
                    "need_label": need.get_need_code_display() if need.need_code else "",
                    "advice": [advice_refs[a.pk] for a in need.advice.all() if a.pk in advice_refs],
                }
            )
        sections[section] = rows
    rows = []
    for outcome in outcomes:
        ref = f"E{len(rows) + 1}"
        refs[("outcome", outcome.pk)] = ref
        rows.append(
            {
                "key": str(outcome.public_id),
                "ref": ref,
                "text": outcome.text,
                "by_when": outcome.by_when,
                "needs": [
                    refs[("need", n.pk)] for n in outcome.needs.all() if ("need", n.pk) in refs
                ],
                "advice": [advice_refs[a.pk] for a in outcome.advice.all() if a.pk in advice_refs],
            }
        )
    sections["E"] = rows
    for section in PROVISION_SECTIONS:
        rows = []
        for provision in (p for p in provisions if p.section == section):
            ref = (
                f"{section}.{len(rows) + 1}"
                if section.startswith("H")
                else f"{section}{len(rows) + 1}"
            )
            agreement = None
            if provision.section == "G" and provision.health_agreed:
                agreement = {
                    "on": _iso(provision.health_agreed_on),
                    "by": _name(provision.health_agreed_by),
                    "source": provision.health_agreement_source,
                    "source_label": provision.get_health_agreement_source_display(),
                    "note": provision.health_agreement_note,
                }
            rows.append(
                {
                    "key": str(provision.public_id),
                    "ref": ref,
                    "what": provision.what,
                    "who": provision.who,
                    "frequency_count": provision.frequency_count,
                    "frequency_period": provision.frequency_period,
                    "frequency": provision.frequency_text,
                    "session_minutes": provision.session_minutes,
                    "starts_on": _iso(provision.starts_on),
                    "ends_on": _iso(provision.ends_on),
                    "needs": [
                        refs[("need", n.pk)]
                        for n in provision.needs.all()
                        if ("need", n.pk) in refs
                    ],
                    "outcomes": [
                        refs[("outcome", o.pk)]
                        for o in provision.outcomes.all()
                        if ("outcome", o.pk) in refs
                    ],
                    "advice": [
                        advice_refs[a.pk] for a in provision.advice.all() if a.pk in advice_refs
                    ],
                    "health_agreement": agreement,
                }
            )
        sections[section] = rows
    draft = stage == "DRAFT_PLAN"
    sections["I"] = {
        "type": "" if draft else (plan.placement_type if plan else ""),
        "name": "" if draft or named_setting is None else named_setting.name,
    }
    sections["J"] = {"text": plan.personal_budget if plan else ""}
    sections["K"] = [
        {
            "key": str(a.public_id),
            "ref": advice_refs[a.pk],
            "kind": a.kind,
            "title": a.get_kind_display(),
            "agency": agency_label(a.agency, whereabouts=not protected, child=child),
            "requested_on": _iso(a.requested_on),
            "received_on": _iso(a.received_on),
            "summary": a.summary,
        }
        for a in advice
        if a.received_on
    ]
    if protected:
        placement = sections.pop("I")
        sections = {**withhold_names(sections, case_schools(case)), "I": placement}
    return {
        "schema": CONTENT_SCHEMA,
        "stage": stage,
        "case": {"reference": case.reference, "public_id": str(case.public_id)},
        "child": {
            "name": child.full_name,
            "first_name": child.first_name,
            "date_of_birth": _iso(child.date_of_birth),
        },
        "plan_date": _iso(plan_date),
        "sections": sections,
    }


def plan_facts(content: dict, *, placement_type_in_draft: str = "") -> PlanFacts:
    """The plain facts the issue checks need, from the content that would be frozen."""
    sections = content["sections"]
    needs = tuple(
        plan_checks.NeedFact(key=row["ref"], section=section, text=row["text"])
        for section in NEED_SECTIONS
        for row in sections[section]
    )
    outcomes = tuple(
        plan_checks.OutcomeFact(key=row["ref"], text=row["text"]) for row in sections["E"]
    )
    provisions = tuple(
        plan_checks.ProvisionFact(
            key=row["ref"],
            section=section,
            what=row["what"],
            who=row["who"],
            frequency_count=row["frequency_count"],
            frequency_period=row["frequency_period"],
            session_minutes=row["session_minutes"],
            ends_on_known=bool(row["ends_on"]),
            need_keys=frozenset(row["needs"]),
            outcome_keys=frozenset(row["outcomes"]),
            health_agreed=bool(row["health_agreement"]),
        )
        for section in PROVISION_SECTIONS
        for row in sections[section]
    )
    return PlanFacts(
        needs=needs,
        outcomes=outcomes,
        provisions=provisions,
        placement_type=placement_type_in_draft or sections["I"]["type"],
        # A final plan names a setting, or (s.40(2) CFA 2014) only a type of setting.
        placement_named=sections["I"]["name"] or sections["I"].get("named_type", ""),
    )


def plan_check_results(
    plan: Plan | None,
    *,
    case: Assessment,
    advice,
    stage: Stage,
    plan_date: date,
    named_setting=None,
) -> list[CheckResult]:
    """The issue checks for `stage`, run over exactly the content that would be issued."""
    kind = "DRAFT_PLAN" if stage == Stage.DRAFT else "FINAL_PLAN"
    content = plan_content(
        plan, case=case, advice=advice, plan_date=plan_date, named_setting=named_setting, stage=kind
    )
    placement_type = plan.placement_type if (plan and stage == Stage.DRAFT) else ""
    return plan_checks.plan_checks(
        plan_facts(content, placement_type_in_draft=placement_type), stage
    )


def advice_source(advice: AdviceRequest, *, whereabouts: bool) -> str:
    """Where a suggestion came from: the kind of advice, the agency and the adviser who submitted
    it ("Health advice from Exampleshire ICB (Dr Ada Byrne)"). A school or setting is not named,
    nor its adviser, for someone who may not see a protected child's whereabouts."""
    agency = agency_label(advice.agency, whereabouts=whereabouts)
    text = f"{advice.get_kind_display().split(' (')[0]} from {agency}"
    if advice.submitted_by is not None and agency == advice.agency.name:
        text += f" ({_name(advice.submitted_by)})"
    return text


@dataclass(frozen=True)
class Suggestion:
    """An entry pre-filled from the advice, with the advice it came from."""

    entry: PlanNeed | PlanOutcome | PlanProvision
    sources: tuple[str, ...]

    @property
    def text(self) -> str:
        return getattr(self.entry, "what", None) or self.entry.text

    @property
    def details(self) -> list[str]:
        """What the suggestion says besides its text: who, how often, when (GOV.UK dates)."""
        entry, parts = self.entry, []
        if isinstance(entry, PlanOutcome) and entry.by_when:
            parts.append(f"By when: {entry.by_when}")
        if isinstance(entry, PlanProvision):
            if entry.who:
                parts.append(f"Who: {entry.who}")
            how_often = entry.frequency_text
            if entry.session_minutes:
                how_often = ", ".join(
                    filter(None, [how_often, f"{entry.session_minutes} minutes each time"])
                )
            if how_often:
                parts.append(how_often[:1].upper() + how_often[1:])
            if entry.starts_on and entry.ends_on:
                parts.append(f"From {format_date(entry.starts_on)} to {format_date(entry.ends_on)}")
            elif entry.ends_on:
                parts.append(f"Until {format_date(entry.ends_on)}")
        return parts


def plan_suggestions(plan: Plan, *, whereabouts: bool = False) -> dict[str, list[Suggestion]]:
    """Entries pre-filled from the advice that the caseworker has not yet accepted or dropped,
    each with its source. Expects `plan_with_entries(plan)` (no further queries)."""

    def rows(entries) -> list[Suggestion]:
        return [
            Suggestion(e, tuple(advice_source(a, whereabouts=whereabouts) for a in e.advice.all()))
            for e in entries
            if e.is_suggestion
        ]

    return {
        "needs": rows(plan.needs.all()),
        "outcomes": rows(plan.outcomes.all()),
        "provisions": rows(plan.provisions.all()),
    }


# -- documents and versions ----------------------------------------------------------------------


def case_documents(case: Assessment) -> list[PlanDocument]:
    return list(case.documents.select_related("issued_by").order_by("-issued_at", "-pk"))


def case_pending_documents(case: Assessment) -> list[DocumentRender]:
    return list(case.document_renders.exclude(status=RenderStatus.DONE).order_by("requested_at"))


@dataclass(frozen=True)
class PlanVersion:
    key: str  # "v1", "v2" ... or "working"
    label: str
    content: dict | None = None
    document: PlanDocument | None = None


def plan_versions(case: Assessment) -> list[PlanVersion]:
    """Every issued plan version, newest first (the working copy is added by the caller)."""
    documents = case.documents.filter(kind__in=PLAN_DOCUMENT_KINDS).order_by("-version")
    return [
        PlanVersion(
            key=f"v{d.version}",
            label=f"Version {d.version}: {d.get_kind_display().lower()} issued {d.issued_on:%-d %B %Y}",
            content=d.content,
            document=d,
        )
        for d in documents
    ]


def next_plan_version(episode) -> int:
    """The next version of the plan documents an episode (assessment or review) issues."""
    last = max(
        (d.version for d in episode.documents.filter(kind__in=PLAN_DOCUMENT_KINDS)), default=0
    )
    pending = max(
        (r.version for r in episode.document_renders.filter(kind__in=PLAN_DOCUMENT_KINDS)),
        default=0,
    )
    return max(last, pending) + 1


# -- comparing two versions ----------------------------------------------------------------------


def _entry_text(section: str, row: dict) -> str:
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
            starts = iso_govuk_date(row.get("starts_on")) or "now"
            parts.append(f"From {starts} to {iso_govuk_date(row.get('ends_on')) or 'not given'}")
        if row.get("needs"):
            parts.append("Meets " + ", ".join(row["needs"]))
        if row.get("outcomes"):
            parts.append("Serves " + ", ".join(row["outcomes"]))
        if row.get("health_agreement"):
            agreed = iso_govuk_date(row["health_agreement"]["on"])
            parts.append(f"Agreed by the health body on {agreed}")
        return " · ".join(parts)
    if section == "K":
        received = iso_govuk_date(row.get("received_on")) or "not yet"
        return f"{row['title']} from {row['agency']}, received {received}"
    return ""


@dataclass
class CompareRow:
    label: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right

    @property
    def change(self) -> str:
        if not self.changed:
            return ""
        if not self.left:
            return "Added"
        if not self.right:
            return "Removed"
        return "Changed"


@dataclass
class CompareSection:
    code: str
    title: str
    rows: list[CompareRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)


def plan_compare(left: dict, right: dict) -> list[CompareSection]:
    """Section by section, the entries of two versions side by side (matched by entry, not by
    position), with changed rows marked. Pure: works on the frozen content dicts."""
    result = []
    for code in SECTION_ORDER:
        section = CompareSection(code=code, title=SECTION_TITLES[code])
        a, b = left["sections"].get(code), right["sections"].get(code)
        if code == "A":
            section.rows.append(CompareRow("Views", a["views"], b["views"]))
        elif code == "I":
            section.rows.append(CompareRow("Name", a["name"], b["name"]))
            section.rows.append(CompareRow("Type", a["type"], b["type"]))
        elif code == "J":
            section.rows.append(CompareRow("Personal budget", a["text"], b["text"]))
        else:
            a_rows = {row["key"]: row for row in a or []}
            b_rows = {row["key"]: row for row in b or []}
            keys = list(a_rows) + [k for k in b_rows if k not in a_rows]
            for key in keys:
                old, new = a_rows.get(key), b_rows.get(key)
                label = " → ".join(dict.fromkeys(r["ref"] for r in (old, new) if r))
                section.rows.append(
                    CompareRow(
                        label,
                        _entry_text(code, old) if old else "",
                        _entry_text(code, new) if new else "",
                    )
                )
        result.append(section)
    return result


# -- who changed what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanChange:
    when: object
    who: str
    what: str
    action: str
    reason: str
    changes: tuple[FieldChange, ...]


_HIDDEN_FIELDS = {
    "id",
    "public_id",
    "plan",
    "case",
    "created_at",
    "updated_at",
    "order",
    "source_key",
}


def _display(value, lookups: dict) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list):  # m2m: the through rows
        names = []
        for row in value:
            for target, pk in row.items():
                if (target, pk) in lookups:
                    names.append(lookups[(target, pk)])
        return "; ".join(sorted(names))
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)


def plan_changes(
    plan: Plan, *, limit: int | None = None, whereabouts: bool = True
) -> list[PlanChange]:
    """Every change to the plan and its entries, newest first: who, when, and each field's old
    and new value (links shown by name). Without `whereabouts`, no school's name is shown."""
    lookups: dict[tuple[str, int], str] = {}
    for need in PlanNeed.objects.filter(plan=plan):
        lookups[("planneed", need.pk)] = need.text[:60]
    for outcome in PlanOutcome.objects.filter(plan=plan):
        lookups[("planoutcome", outcome.pk)] = outcome.text[:60]
    for advice in plan.case.advice_requests.select_related("agency"):
        lookups[("advicerequest", advice.pk)] = _advice_label(advice, whereabouts=whereabouts)

    sources = [
        ("Plan", Plan.history.filter(id=plan.pk)),
        ("Need", PlanNeed.history.filter(plan_id=plan.pk)),
        ("Outcome", PlanOutcome.history.filter(plan_id=plan.pk)),
        ("Provision", PlanProvision.history.filter(plan_id=plan.pk)),
    ]
    changes: list[PlanChange] = []
    for noun, queryset in sources:
        previous: dict[int, object] = {}
        for record in queryset.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            before = previous.get(record.id)
            previous[record.id] = record
            model = record.instance_type
            fields = []
            if before is not None and record.history_type != "-":
                delta = record.diff_against(before)
                for change in delta.changes:
                    if change.field in _HIDDEN_FIELDS:
                        continue
                    verbose = model._meta.get_field(change.field).verbose_name
                    fields.append(
                        FieldChange(
                            str(verbose)[:1].upper() + str(verbose)[1:],
                            _display(change.old, lookups),
                            _display(change.new, lookups),
                        )
                    )
                if not fields:
                    continue
            label = (
                getattr(record, "text", None)
                or getattr(record, "what", None)
                or "Sections A, I and J"
            )
            section = getattr(record, "section", "")
            changes.append(
                PlanChange(
                    when=record.history_date,
                    who=_name(record.history_user) or "The system",
                    what=f"{noun}{' in section ' + section if section else ''}: {label[:80]}",
                    action={"+": "Added", "~": "Changed", "-": "Deleted"}[record.history_type],
                    reason=record.history_change_reason or "",
                    changes=tuple(fields),
                )
            )
    changes.sort(key=lambda c: c.when, reverse=True)
    changes = changes[:limit]
    if not whereabouts:
        names = case_schools(plan.case)
        changes = [
            PlanChange(
                when=c.when,
                who=c.who,
                what=withhold_names(c.what, names),
                action=c.action,
                reason=withhold_names(c.reason, names),
                changes=tuple(
                    FieldChange(f.field, withhold_names(f.old, names), withhold_names(f.new, names))
                    for f in c.changes
                ),
            )
            for c in changes
        ]
    return changes


def cases_awaiting_health_agreement(actor):
    """Cases whose plan has health provision (section G) that this person's health agency must
    still agree (reg 12(2)): the agency gave the case's medical advice, its kind may see plans
    under the sharing agreement, the plan can still change, and accepted section G provision has
    no agreement yet. Each case carries `provision_to_agree` (how many). A queryset (or an
    empty list when the person works for no health body): page it."""
    health_ids = [agency for agency, kind, _ in actor.memberships if kind == AgencyKind.HEALTH]
    if not health_ids or DataType.PLAN not in data_types_for(
        {AgencyKind.HEALTH}, Purpose.STATUTORY_ASSESSMENT
    ):
        return []
    waiting = Q(
        plan__provisions__section=ProvisionSection.G,
        plan__provisions__status=PlanEntryStatus.ACCEPTED,
        plan__provisions__health_agreed_on__isnull=True,
    )
    return (
        Assessment.objects.filter(
            status__in=PLAN_EDITABLE_STATUSES,
            advice_requests__agency_id__in=health_ids,
            advice_requests__kind=AdviceKind.HEALTH,
        )
        .distinct()
        .annotate(provision_to_agree=Count("plan__provisions", filter=waiting, distinct=True))
        .filter(provision_to_agree__gt=0)
        .select_related("child")
        .order_by("final_plan_due_on", "pk")
    )


# -- letters and how they were sent ---------------------------------------------------------------


@dataclass(frozen=True)
class LetterRow:
    """A letter to the family and its sending: the dates that run from it (or none yet)."""

    letter: DocumentRender
    sending: LetterSending | None  # the newest record; None: not yet recorded as sent
    corrections: int = 0
    mediation_contact_by: date | None = None  # reg 33: 2 months after it was sent
    appeal_by: date | None = None  # Tribunal rule 20(1)(c): 2 months after it was sent
    comments_due_on: date | None = None  # reg 13(1): served + 14 (the draft's letter)

    @property
    def is_sent(self) -> bool:
        return self.sending is not None


def letter_row(letter: DocumentRender, sendings: list[LetterSending]) -> LetterRow:
    """`sendings`: the letter's records of sending, oldest first."""
    sending = sendings[-1] if sendings else None
    if sending is None:
        return LetterRow(letter=letter, sending=None)
    appealable = letter.kind in APPEALABLE_LETTER_KINDS
    return LetterRow(
        letter=letter,
        sending=sending,
        corrections=len(sendings) - 1,
        mediation_contact_by=deadlines.mediation_contact_deadline(sending.sent_on)
        if appealable
        else None,
        appeal_by=deadlines.appeal_deadline(sending.sent_on) if appealable else None,
        comments_due_on=deadlines.due_on(deadlines.DRAFT_COMMENTS, sending.served_on)
        if letter.kind == DocumentKind.DRAFT_LETTER
        else None,
    )


def case_letters(case: Assessment) -> list[LetterRow]:
    """Every letter to the family on the case, oldest first, with how it was sent (two queries)."""
    renders = (
        DocumentRender.objects.filter(case=case, kind__in=LETTER_KINDS)
        .select_related("document")
        .prefetch_related(
            Prefetch(
                "sendings",
                queryset=LetterSending.objects.select_related("recorded_by").order_by(
                    "recorded_at", "pk"
                ),
            )
        )
        .order_by("requested_at", "pk")
    )
    return [letter_row(r, list(r.sendings.all())) for r in renders]
