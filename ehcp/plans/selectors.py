"""Read side of the EHC plan: the plan's content as plain data, its checks, versions and history.

`plan_content` turns the working copy into the JSON-ready dict that is frozen into an issued
document, rendered to PDF (ehcp.plans.documents), compared between versions and checked
(`plan_facts` -> ehcp.plans.rules.plan_checks). One shape for all four, so what is checked is what
is issued.

The plan page reads a fixed number of queries however many entries there are
(`plan_with_entries`; tests/ehcp/plans/test_plan_views.py proves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, prefetch_related_objects

from agencies.access import data_types_for
from agencies.models import Agency, AgencyKind, DataType
from ehcp.assessments.models import PLAN_EDITABLE_STATUSES, AdviceKind, AdviceRequest, Assessment
from ehcp.assessments.rules import deadlines
from ehcp.children.rules.consent import Purpose
from ehcp.common.display import agency_label
from ehcp.governance.access import case_schools, withhold_names
from ehcp.plans.models import (
    APPEALABLE_LETTER_KINDS,
    LETTER_KINDS,
    PLAN_DOCUMENT_KINDS,
    DocumentKind,
    DocumentRender,
    EhcPlan,
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
from ehcp.plans.rules.plan_compare import (  # noqa: F401 (the pages use them from here)
    SECTION_ORDER,
    SECTION_TITLES,
    CompareRow,
    CompareSection,
    plan_amendments,
    plan_compare,
)
from ehcp.plans.rules.plan_dates import format_date

CONTENT_SCHEMA = 1

NEED_SECTIONS = [s.value for s in NeedSection]
PROVISION_SECTIONS = [s.value for s in ProvisionSection]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# -- episodes ------------------------------------------------------------------------------------
#
# A working copy, a document or a letter belongs to one episode: an assessment (`case`) or a
# review that amends the plan (`review`). plans sits below reviews, so it knows a review only as
# the other kind of episode: through its fields (`ehc_plan`, `child`, `council_id`, `status`) and
# the few properties the plan pages need (`plan_editable`, `reference`).


def is_assessment(episode) -> bool:
    return isinstance(episode, Assessment)


def episode_filter(episode, prefix: str = "") -> dict:
    """The lookup of rows of `episode` (`prefix` for a related row, e.g. "plan__")."""
    return {f"{prefix}{'case' if is_assessment(episode) else 'review'}": episode}


def episode_plan_editable(episode) -> bool:
    """Whether the episode's working copy can be changed at its stage."""
    if is_assessment(episode):
        return episode.status in PLAN_EDITABLE_STATUSES
    return episode.plan_editable


# -- fetching ------------------------------------------------------------------------------------


def plan_for_episode(episode) -> Plan | None:
    """The episode's working copy of the plan, if it has one yet."""
    return Plan.objects.filter(**episode_filter(episode)).first()


def plan_for_case(case: Assessment) -> Plan | None:
    return plan_for_episode(case)


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


def plan_assessment(ehc_plan_id: int) -> Assessment | None:
    """The assessment that last made or changed the child's plan (its final plan): the one whose
    advice section K of every later version carries."""
    return (
        Assessment.objects.filter(ehc_plan_id=ehc_plan_id, final_issued_on__isnull=False)
        .select_related("child")
        .order_by("-final_issued_on", "-pk")
        .first()
    )


def episode_advice(episode) -> list[AdviceRequest]:
    """Section K's advice for the episode's plan: an assessment's own; for a review, the advice of
    the assessment that last made or changed the plan (a review gathers views and reports, not
    advice requests)."""
    if is_assessment(episode):
        return case_advice(episode)
    assessment = plan_assessment(episode.ehc_plan_id)
    return case_advice(assessment) if assessment is not None else []


def episode_advice_requests(episode):
    """The advice requests entries of the episode's plan may be linked to (a queryset)."""
    if is_assessment(episode):
        return episode.advice_requests.all()
    assessment = plan_assessment(episode.ehc_plan_id)
    if assessment is None:
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(case=assessment)


def episode_health_agency_ids(episode) -> set[int]:
    """The health bodies that agree section G for the episode's plan (reg 12(2)): those that gave
    the medical advice; for a review also the health body invited to its meeting."""
    found = set(
        episode_advice_requests(episode)
        .filter(agency__kind=AgencyKind.HEALTH)
        .values_list("agency_id", flat=True)
    )
    if not is_assessment(episode):
        found |= set(
            episode.invitees.filter(agency__kind=AgencyKind.HEALTH).values_list(
                "agency_id", flat=True
            )
        )
    return found


def episode_schools(episode, *, access=None) -> dict[str, str]:
    """The names of the schools and settings an episode involves, each with the words that stand
    in for it where whereabouts are protected (`ehcp.governance.access.case_schools` for an
    assessment). For a review: the child's own setting, the one arranging the meeting, those
    invited to it, the next setting of a phase transfer, and every setting the plan's earlier
    episodes asked for advice, consulted or named. With `access`, only those this viewer may not
    see named. One query."""
    if is_assessment(episode):
        return case_schools(episode, access=access)
    if access is not None and access.whereabouts:
        return {}
    child = episode.child
    plan_id = episode.ehc_plan_id
    schools = Agency.objects.filter(kind=AgencyKind.SCHOOL)
    if access is not None:
        schools = schools.exclude(pk__in=access.related_agency_ids)
    own = [
        pk
        for pk in (
            child.current_setting_id,
            episode.arranged_by_id,
            episode.next_setting_id,
            episode.named_setting_id,
        )
        if pk
    ]
    schools = schools.filter(
        Q(pk__in=own)
        | Q(pk__in=episode.invitees.values("agency_id"))
        | Q(pk__in=Assessment.objects.filter(ehc_plan_id=plan_id).values("requested_setting_id"))
        | Q(pk__in=Assessment.objects.filter(ehc_plan_id=plan_id).values("named_setting_id"))
        | Q(pk__in=EhcPlan.objects.filter(pk=plan_id).values("reviews__named_setting_id"))
        | Q(advice_requests__case__ehc_plan_id=plan_id)
        | Q(consultations__case__ehc_plan_id=plan_id)
    )
    found = {a.name: agency_label(a, whereabouts=False, child=child) for a in schools.distinct()}
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


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
    case: Assessment | None = None,
    episode=None,
    advice: list[AdviceRequest],
    plan_date: date,
    named_setting=None,
    placement: dict | None = None,
    stage: str = "WORKING",
) -> dict:
    """The plan's accepted content as JSON-ready data (dates as ISO strings). Expects
    `plan_with_entries(plan)`. A draft never names a setting in section I.

    `episode` (or `case`, an assessment) is the episode whose working copy it is. A review's
    content says so (`"amended": true`): its draft is the proposed amended plan, and section I is
    `placement` (the name and type the version in force names, or the ones proposed) unless a
    `named_setting` is given.

    Where the child's whereabouts are protected, the content names no school or setting except
    the one a final plan must name in section I (and the final plan and its letter go only to
    people allowed to see whereabouts): section K says "the child's school or setting", and the
    name of any school the case involves is withheld from the free text too. So what is frozen
    and rendered is the same for every reader (DM-02), and comparisons stay like for like."""
    episode = episode if episode is not None else case
    child = episode.child
    protected = child.protected_whereabouts
    needs = [n for n in plan.needs.all() if n.is_in_plan] if plan else []
    outcomes = [o for o in plan.outcomes.all() if o.is_in_plan] if plan else []
    provisions = [p for p in plan.provisions.all() if p.is_in_plan] if plan else []

    refs: dict[tuple[str, int], str] = {}
    keys: dict[tuple[str, int], str] = {}
    advice_refs = {a.pk: f"K{i}" for i, a in enumerate(advice, 1)}

    def linked(kind: str, entries) -> tuple[list[str], list[str]]:
        found = [e.pk for e in entries if (kind, e.pk) in refs]
        return [refs[(kind, pk)] for pk in found], [keys[(kind, pk)] for pk in found]

    sections: dict = {"A": {"views": plan.views if plan else ""}}
    for section in NEED_SECTIONS:
        rows = []
        for need in (n for n in needs if n.section == section):
            ref = f"{section}{len(rows) + 1}"
            refs[("need", need.pk)], keys[("need", need.pk)] = ref, need.key
            rows.append(
                {
                    "key": need.key,
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
        refs[("outcome", outcome.pk)], keys[("outcome", outcome.pk)] = ref, outcome.key
        need_refs, need_keys = linked("need", outcome.needs.all())
        rows.append(
            {
                "key": outcome.key,
                "ref": ref,
                "text": outcome.text,
                "by_when": outcome.by_when,
                "needs": need_refs,
                "need_keys": need_keys,
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
            need_refs, need_keys = linked("need", provision.needs.all())
            outcome_refs, outcome_keys = linked("outcome", provision.outcomes.all())
            rows.append(
                {
                    "key": provision.key,
                    "ref": ref,
                    "what": provision.what,
                    "who": provision.who,
                    "frequency_count": provision.frequency_count,
                    "frequency_period": provision.frequency_period,
                    "frequency": provision.frequency_text,
                    "session_minutes": provision.session_minutes,
                    "starts_on": _iso(provision.starts_on),
                    "ends_on": _iso(provision.ends_on),
                    "needs": need_refs,
                    "need_keys": need_keys,
                    "outcomes": outcome_refs,
                    "outcome_keys": outcome_keys,
                    "advice": [
                        advice_refs[a.pk] for a in provision.advice.all() if a.pk in advice_refs
                    ],
                    "health_agreement": agreement,
                }
            )
        sections[section] = rows
    draft = stage == "DRAFT_PLAN"
    amended = not is_assessment(episode)
    if amended and named_setting is None:
        placement = placement or {}
        sections["I"] = {
            "type": plan.placement_type if plan else placement.get("type", ""),
            "name": placement.get("name", ""),
        }
        if placement.get("named_type") and not placement.get("name"):
            # The version in force names a type of setting (s.40(2)): still named, as it stands.
            sections["I"]["named_type"] = sections["I"]["type"] or placement["named_type"]
    else:
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
        placement_section = sections.pop("I")
        sections = {**withhold_names(sections, episode_schools(episode)), "I": placement_section}
    content = {
        "schema": CONTENT_SCHEMA,
        "stage": stage,
        "case": {"reference": episode.reference, "public_id": str(episode.public_id)},
        "child": {
            "name": child.full_name,
            "first_name": child.first_name,
            "date_of_birth": _iso(child.date_of_birth),
        },
        "plan_date": _iso(plan_date),
        "sections": sections,
    }
    if amended:
        content["amended"] = True
    return content


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
    case: Assessment | None = None,
    episode=None,
    advice,
    stage: Stage,
    plan_date: date,
    named_setting=None,
    placement: dict | None = None,
) -> list[CheckResult]:
    """The issue checks for `stage`, run over exactly the content that would be issued."""
    kind = "FINAL_PLAN" if stage == Stage.FINAL else "DRAFT_PLAN"
    content = plan_content(
        plan,
        episode=episode if episode is not None else case,
        advice=advice,
        plan_date=plan_date,
        named_setting=named_setting,
        placement=placement,
        stage=kind,
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


def episode_documents(episode) -> list[PlanDocument]:
    """The episode's issued documents, newest first."""
    return list(episode.documents.select_related("issued_by").order_by("-issued_at", "-pk"))


def episode_pending_documents(episode) -> list[DocumentRender]:
    return list(episode.document_renders.exclude(status=RenderStatus.DONE).order_by("requested_at"))


case_documents = episode_documents
case_pending_documents = episode_pending_documents


def plan_document_label(kind: str, *, amended: bool) -> str:
    """What a plan document is, in a caseworker's words: a review's draft is the proposed amended
    plan (reg 22(2)(a)), its final the amended plan."""
    if amended:
        return "proposed amended plan" if kind == DocumentKind.DRAFT_PLAN else "final amended plan"
    return DocumentKind(kind).label[:1].lower() + DocumentKind(kind).label[1:]


def document_label(document) -> str:
    """An issued document's name as the documents page shows it."""
    if document.kind in PLAN_DOCUMENT_KINDS:
        label = plan_document_label(document.kind, amended=document.review_id is not None)
        return label[:1].upper() + label[1:]
    return document.get_kind_display()


@dataclass(frozen=True)
class PlanVersion:
    key: str  # "v1", "v2" ... ("EHC000001-v2" across episodes) or "working"
    label: str
    content: dict | None = None
    document: PlanDocument | None = None  # None until its PDF is rendered
    issued_by: object = None

    @property
    def issuer(self):
        return self.issued_by or (self.document.issued_by if self.document else None)


def plan_versions(episode) -> list[PlanVersion]:
    """Every issued plan version, newest first (the working copy is added by the caller).

    An assessment's own versions; for a review, every version of the child's plan, from every
    episode that issued one (the assessment that made it, earlier reviews that amended it, and
    this review's proposed and final amended plans)."""
    if is_assessment(episode):
        documents = episode.documents.filter(kind__in=PLAN_DOCUMENT_KINDS).order_by("-version")
        return [
            PlanVersion(
                key=f"v{d.version}",
                label=f"Version {d.version}: {d.get_kind_display().lower()} issued {d.issued_on:%-d %B %Y}",
                content=d.content,
                document=d,
            )
            for d in documents
        ]
    # From the frozen content written when each version was issued: a version is comparable
    # before its PDF is rendered.
    plan_id = episode.ehc_plan_id
    renders = (
        DocumentRender.objects.filter(
            Q(case__ehc_plan_id=plan_id) | Q(review__ehc_plan_id=plan_id) | Q(review=episode),
            kind__in=PLAN_DOCUMENT_KINDS,
        )
        .select_related("issued_by", "case", "review", "document__issued_by")
        .order_by("-issued_on", "-requested_at", "-pk")
    )
    return [
        PlanVersion(
            key=f"{r.episode.reference}-v{r.version}",
            label=(
                f"Version {r.version}: "
                f"{plan_document_label(r.kind, amended=r.review_id is not None)} "
                f"({r.episode.reference}) issued {r.issued_on:%-d %B %Y}"
            ),
            content=r.content,
            document=r.document,
            issued_by=r.issued_by,
        )
        for r in renders
    ]


def ehc_plan_documents(ehc_plan_id: int):
    """The plan documents (draft and final) every episode of a child's plan issued: a queryset."""
    return PlanDocument.objects.filter(
        Q(case__ehc_plan_id=ehc_plan_id) | Q(review__ehc_plan_id=ehc_plan_id),
        kind__in=PLAN_DOCUMENT_KINDS,
    )


def next_plan_version(episode) -> int:
    """The next version of the plan documents an episode issues. The child's plan is numbered
    across its episodes: the plan made as version 2 by the assessment's final is amended by a
    review as versions 3 and 4, and a re-assessment of a child whose plan is in force drafts
    version 5 (its final changes that plan), so every version of the plan has its own number. A
    first assessment, or one for a child whose plan has ceased, counts its own from 1."""
    plan_id = episode.ehc_plan_id
    if plan_id is None and is_assessment(episode):
        plan_id = (
            EhcPlan.objects.live()
            .filter(child_id=episode.child_id)
            .values_list("pk", flat=True)
            .first()
        )
    own = Q(case=episode) if is_assessment(episode) else Q(review=episode)
    of_plan = own
    if plan_id is not None:
        of_plan |= Q(case__ehc_plan_id=plan_id) | Q(review__ehc_plan_id=plan_id)
    documents = PlanDocument.objects.filter(of_plan, kind__in=PLAN_DOCUMENT_KINDS)
    renders = DocumentRender.objects.filter(of_plan, kind__in=PLAN_DOCUMENT_KINDS)
    last = documents.aggregate(m=Max("version"))["m"] or 0
    pending = renders.aggregate(m=Max("version"))["m"] or 0
    return max(last, pending) + 1


@dataclass(frozen=True)
class VersionInForce:
    """The child's plan as it stands: the latest final version any of its episodes issued."""

    episode: object  # the assessment or review that issued it
    version: int
    content: dict
    issued_on: date
    document: PlanDocument | None  # None until the PDF is rendered

    @property
    def name(self) -> str:
        """Section I's setting, as the version names it."""
        return self.content["sections"]["I"].get("name", "")

    @property
    def placement(self) -> dict:
        """Section I as the version names it: a setting, or a type of setting (`named_type`)."""
        placement = self.content["sections"]["I"]
        return {
            "name": placement.get("name", ""),
            "type": placement.get("type", ""),
            "named_type": placement.get("named_type", ""),
        }


def plan_in_force(ehc_plan_id: int, *, before=None) -> VersionInForce | None:
    """The frozen content of the version in force: the latest final plan issued by any episode
    of the child's plan (its content is frozen in the issuing transaction, so it is known before
    the PDF is rendered). `before`: an episode whose own final plan is left out (the version a
    review amends, even once it has issued its own). None when no final plan was issued through
    this service."""
    of_plan = Q(case__ehc_plan_id=ehc_plan_id) | Q(review__ehc_plan_id=ehc_plan_id)
    if before is not None:
        of_plan &= ~Q(**episode_filter(before))
    render = (
        DocumentRender.objects.filter(of_plan, kind=DocumentKind.FINAL_PLAN)
        .select_related("case__child", "review__child", "document")
        .order_by("-issued_on", "-requested_at", "-pk")
        .first()
    )
    if render is not None:
        return VersionInForce(
            episode=render.episode,
            version=render.version,
            content=render.content,
            issued_on=render.issued_on,
            document=render.document,
        )
    document = (
        PlanDocument.objects.filter(of_plan, kind=DocumentKind.FINAL_PLAN)
        .select_related("case__child", "review__child")
        .order_by("-issued_on", "-issued_at", "-pk")
        .first()
    )
    if document is None:
        return None
    return VersionInForce(
        episode=document.episode,
        version=document.version,
        content=document.content,
        issued_on=document.issued_on,
        document=document,
    )


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
    "review",
    "carried_from",
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
    for advice in episode_advice_requests(plan.episode).select_related("agency", "case__child"):
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
        names = episode_schools(plan.episode)
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
        comments_due_on=deadlines.due_on(COMMENT_PERIODS[letter.kind], sending.served_on)
        if letter.kind in COMMENT_PERIODS
        else None,
    )


#: Letters that start a period for the family's comments, counted from the day served: the draft
#: plan's (reg 13(1)) and the amendment notice's (reg 22(2)(c)).
COMMENT_PERIODS = {
    DocumentKind.DRAFT_LETTER: deadlines.DRAFT_COMMENTS,
    DocumentKind.AMENDMENT_NOTICE: deadlines.AMEND_COMMENTS,
}


def case_letters(case: Assessment) -> list[LetterRow]:
    return episode_letters(case)


def episode_letters(episode) -> list[LetterRow]:
    """Every letter to the family from the episode (an assessment or a review), oldest first,
    with how it was sent (two queries)."""
    renders = (
        DocumentRender.objects.filter(**episode_filter(episode), kind__in=LETTER_KINDS)
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
