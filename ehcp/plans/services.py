"""Everything that changes an EHC plan or issues a document, in one transaction, with who and why.

The plan is edited by the council's SEN team while the case is being assessed, drafted and
consulted on; after the final plan is issued it changes only through a review (not built yet).
Each change writes exactly one history row per entry (with its links), so "who changed what"
reads cleanly.

Issuing: `plan_issue_content` runs the checks in ehcp.plans.rules.plan_checks over exactly the content
that will be frozen and refuses with the failed checks; `document_queue` writes the frozen
content as a `DocumentRender` row in the caller's transaction and renders it after the commit
(the Celery worker when there is one, otherwise in-process). The rendered PDF becomes an
immutable `PlanDocument` with its SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agencies.access import actor_for
from ehcp.assessments.models import (
    PLAN_EDITABLE_STATUSES,
    AdviceKind,
    AdviceRequest,
    Assessment,
    AssessmentStatus,
)
from ehcp.assessments.rules import deadlines
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.calendar import bank_holidays_around
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.plans import documents
from ehcp.plans.models import (
    LETTER_KINDS,
    PLAN_DOCUMENT_KINDS,
    DocumentDownload,
    DocumentKind,
    DocumentRender,
    EhcPlan,
    EhcPlanStatus,
    FrequencyPeriod,
    HealthAgreementSource,
    LetterSending,
    Plan,
    PlanDocument,
    PlanEntryStatus,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    need_history,
    outcome_history,
    provision_history,
)
from ehcp.plans.rendering import document_render
from ehcp.plans.rules import letters, plan_checks, plan_dates
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.rules.plan_checks import Stage
from ehcp.plans.selectors import (
    accepted_family_views,
    episode_advice,
    episode_advice_requests,
    episode_filter,
    episode_health_agency_ids,
    episode_plan_editable,
    family_views_text,
    is_assessment,
    next_plan_version,
    plan_content,
    plan_facts,
    plan_in_force,
    plan_with_entries,
)
from ehcp.plans.tasks import document_render_task

logger = logging.getLogger(__name__)


_HISTORY = {PlanNeed: need_history, PlanOutcome: outcome_history, PlanProvision: provision_history}


# -- guards --------------------------------------------------------------------------------------


def _check_officer(episode, by) -> None:
    """The council's own officers only (an assessment's or a review's council)."""
    if episode.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can change the plan")


def episode_key(episode) -> dict:
    """The foreign key a row of `episode` is saved with: `case` for an assessment, `review` for a
    review (plans sits below reviews: it knows a review only as the other kind of episode)."""
    return {"case": episode} if isinstance(episode, Assessment) else {"review": episode}


def episode_ids(row) -> dict:
    """The episode columns of an episode-owned row, to give another row the same episode."""
    return {"case_id": row.case_id, "review_id": row.review_id}


def _check_editable(episode, by) -> None:
    """The council's officers change the working copy while its episode allows: an assessment
    while it is assessed, drafted and consulted on; a review once its report is in and while it
    amends the plan."""
    _check_officer(episode, by)
    if not is_assessment(episode):
        if not episode.plan_editable:
            raise CaseRuleError(
                f"This review is at the stage \u201c{episode.get_status_display()}\u201d, so its "
                "working copy of the plan cannot be changed"
            )
        return
    if episode.status == AssessmentStatus.FINAL_ISSUED:
        raise CaseRuleError("The final plan has been issued: it can only be changed after a review")
    if episode.status not in PLAN_EDITABLE_STATUSES:
        raise CaseRuleError(
            f"This case is at the stage \u201c{episode.get_status_display()}\u201d, so the plan cannot be changed"
        )


def _lock(plan: Plan) -> Plan:
    """Edits and issuing take the plan row's lock, so an issue freezes exactly what it checked."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _save_entry(entry, *, links: dict[str, list], reason: str, by) -> None:
    """Save a row and its links, and write one history row with both."""
    adding = entry._state.adding
    entry.skip_history_when_saving = True
    try:
        entry.save()
        for name, values in links.items():
            getattr(entry, name).set(values)
    finally:
        del entry.skip_history_when_saving
    entry._history_user = by
    entry._change_reason = reason
    _HISTORY[type(entry)].create_historical_record(entry, "+" if adding else "~")


def _check_links(plan: Plan, *, needs=(), outcomes=(), advice=()) -> list[str]:
    errors = []
    if any(
        n.plan_id != plan.pk or n.status in (PlanEntryStatus.DROPPED, PlanEntryStatus.REMOVED)
        for n in needs
    ):
        errors.append("Choose needs from this plan")
    if any(
        o.plan_id != plan.pk or o.status in (PlanEntryStatus.DROPPED, PlanEntryStatus.REMOVED)
        for o in outcomes
    ):
        errors.append("Choose outcomes from this plan")
    if advice:
        allowed = (
            {plan.case_id}
            if plan.case_id is not None
            else set(episode_advice_requests(plan.episode).values_list("case_id", flat=True))
        )
        if any(a.case_id not in allowed for a in advice):
            errors.append("Choose advice given for this case")
    return errors


# -- the plan and its free-text sections ---------------------------------------------------------


def plan_get_or_create(*, case: Assessment | None = None, episode=None, by) -> Plan:
    """The episode's working copy of the plan: an assessment's is started empty the first time;
    a review's is seeded from the version in force (`plan_seed`)."""
    episode = episode if episode is not None else case
    _check_editable(episode, by)
    if not is_assessment(episode):
        return plan_seed(episode=episode, by=by)
    plan = Plan.objects.filter(case=episode).first()
    if plan is None:
        with transaction.atomic():
            plan = Plan(case=episode)
            history_save(plan, "Plan started", by)
    return plan


# -- a review's working copy, seeded from the version in force ----------------------------------


def plan_seed(*, episode, by) -> Plan:
    """A review's working copy, seeded from the version in force: the working copy of the episode
    that issued the child's plan's latest final version (the assessment that made it, or an
    earlier review that amended it). Sections A, I (type) and J, and every entry in that version
    (needs, outcomes and provision) with their links to each other, to the advice, the SEN2 need
    types and the health body's agreement to section G. Each copy keeps the key of the entry it
    was carried from, so the versions compare entry by entry. Idempotent: a review that has its
    working copy gets it back unchanged."""
    _check_officer(episode, by)
    plan = Plan.objects.filter(review=episode).first()
    if plan is not None:
        return plan
    in_force = plan_in_force(episode.ehc_plan_id, before=episode)
    if in_force is None:
        raise CaseRuleError(
            "The child's plan has no final version issued through this service, so there is no "
            "version in force to amend"
        )
    source = Plan.objects.filter(**episode_filter(in_force.episode)).first()
    if source is None:
        raise CaseRuleError(
            f"The working copy of {in_force.episode.reference}, which issued the plan in force, "
            "cannot be found: the plan cannot be amended here"
        )
    plan_with_entries(source)
    reason = f"Seeded from version {in_force.version} ({in_force.episode.reference})"
    with transaction.atomic():
        # Two people opening the working copy at once: the second waits, then finds it.
        type(episode).objects.select_for_update().filter(pk=episode.pk).first()
        plan = Plan.objects.filter(review=episode).first()
        if plan is not None:
            return plan
        plan = Plan(
            review=episode,
            views=source.views,
            placement_type=in_force.placement.get("type", "") or source.placement_type,
            personal_budget=source.personal_budget,
        )
        history_save(plan, reason, by)
        copies: dict[tuple[type, int], object] = {}
        for model in (PlanNeed, PlanOutcome, PlanProvision):
            entries = {
                PlanNeed: source.needs.all(),
                PlanOutcome: source.outcomes.all(),
                PlanProvision: source.provisions.all(),
            }[model]
            for entry in entries:
                if not entry.is_in_plan:
                    continue
                copy = _entry_copy(entry, plan)
                links = {"advice": list(entry.advice.all())}
                if model is not PlanNeed:
                    links["needs"] = [
                        copies[(PlanNeed, n.pk)]
                        for n in entry.needs.all()
                        if (PlanNeed, n.pk) in copies
                    ]
                if model is PlanProvision:
                    links["outcomes"] = [
                        copies[(PlanOutcome, o.pk)]
                        for o in entry.outcomes.all()
                        if (PlanOutcome, o.pk) in copies
                    ]
                _save_entry(copy, links=links, reason=reason, by=by)
                copies[(model, entry.pk)] = copy
    return plan


_COPIED_FIELDS = {
    PlanNeed: ("section", "text", "need_code"),
    PlanOutcome: ("text", "by_when"),
    PlanProvision: (
        "section",
        "what",
        "who",
        "frequency_count",
        "frequency_period",
        "session_minutes",
        "starts_on",
        "ends_on",
        "health_agreed_on",
        "health_agreed_by_id",
        "health_agreement_source",
        "health_agreement_note",
    ),
}


def _entry_copy(entry, plan: Plan):
    """An unsaved copy of an accepted entry in `plan`, carrying the entry's key."""
    model = type(entry)
    copy = model(
        plan=plan,
        status=PlanEntryStatus.ACCEPTED,
        order=entry.order,
        carried_from=entry.carried_from or entry.public_id,
    )
    for name in _COPIED_FIELDS[model]:
        setattr(copy, name, getattr(entry, name))
    return copy


def plan_details_update(
    *, plan: Plan, views: str, placement_type: str, personal_budget: str, by
) -> Plan:
    """Sections A (views, interests and aspirations), I (type of setting) and J (personal budget)."""
    _check_editable(plan.episode, by)
    with transaction.atomic():
        plan = _lock(plan)
        plan.views = views.strip()
        plan.placement_type = placement_type.strip()
        plan.personal_budget = personal_budget.strip()
        history_save(plan, "Sections A, I and J changed", by)
    return plan


# -- entries -------------------------------------------------------------------------------------


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def need_save(
    *,
    plan: Plan,
    need: PlanNeed | None = None,
    section: str,
    text: str,
    need_code: str = "",
    advice=(),
    by,
) -> PlanNeed:
    """Add a need to section B, C or D, or change one (saving a suggestion accepts it)."""
    _check_editable(plan.episode, by)
    advice = list(advice)
    errors = _check_links(plan, advice=advice)
    if not text.strip():
        errors.append("Enter the need")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        _lock(plan)
        if need is None:
            need = PlanNeed(plan=plan, order=_next_order(plan.needs))
            reason = "Need added"
        else:
            reason = (
                "Suggested need accepted with changes" if need.is_suggestion else "Need changed"
            )
        need.section, need.text, need.need_code = section, text.strip(), need_code
        need.status = PlanEntryStatus.ACCEPTED
        _save_entry(need, links={"advice": advice}, reason=reason, by=by)
    return need


def outcome_save(
    *,
    plan: Plan,
    outcome: PlanOutcome | None = None,
    text: str,
    by_when: str = "",
    needs=(),
    advice=(),
    by,
) -> PlanOutcome:
    """Add an outcome to section E, or change one."""
    _check_editable(plan.episode, by)
    needs, advice = list(needs), list(advice)
    errors = _check_links(plan, needs=needs, advice=advice)
    if not text.strip():
        errors.append("Enter the outcome")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        _lock(plan)
        if outcome is None:
            outcome = PlanOutcome(plan=plan, order=_next_order(plan.outcomes))
            reason = "Outcome added"
        else:
            reason = (
                "Suggested outcome accepted with changes"
                if outcome.is_suggestion
                else "Outcome changed"
            )
        outcome.text, outcome.by_when = (
            text.strip(),
            plan_dates.govuk_dates(" ".join(by_when.split())),
        )
        outcome.status = PlanEntryStatus.ACCEPTED
        _save_entry(outcome, links={"needs": needs, "advice": advice}, reason=reason, by=by)
    return outcome


_SUBSTANCE = (
    "section",
    "what",
    "who",
    "frequency_count",
    "frequency_period",
    "session_minutes",
    "starts_on",
    "ends_on",
)


def provision_save(
    *,
    plan: Plan,
    provision: PlanProvision | None = None,
    section: str,
    what: str,
    who: str = "",
    frequency_count: int | None = None,
    frequency_period: str = "",
    session_minutes: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    needs=(),
    outcomes=(),
    advice=(),
    by,
) -> PlanProvision:
    """Add provision to section F, G, H1 or H2, or change it. Changing what health provision is,
    who gives it, or how much, after the health body agreed it, clears the agreement."""
    _check_editable(plan.episode, by)
    needs, outcomes, advice = list(needs), list(outcomes), list(advice)
    errors = _check_links(plan, needs=needs, outcomes=outcomes, advice=advice)
    if not what.strip():
        errors.append("Enter what the provision is")
    if bool(frequency_count) != bool(frequency_period):
        errors.append(
            "Enter how often: a number and a period (a day, a week, a month, a term or a year)"
        )
    if starts_on and ends_on and ends_on < starts_on:
        errors.append("The end or review date must be after the start date")
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        _lock(plan)
        values = dict(
            section=section,
            what=what.strip(),
            who=who.strip(),
            frequency_count=frequency_count or None,
            frequency_period=frequency_period or "",
            session_minutes=session_minutes or None,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if provision is None:
            provision = PlanProvision(plan=plan, order=_next_order(plan.provisions))
            reason = "Provision added"
        else:
            reason = (
                "Suggested provision accepted with changes"
                if provision.is_suggestion
                else "Provision changed"
            )
            changed = any(getattr(provision, name) != values[name] for name in _SUBSTANCE)
            if provision.health_agreed and (changed or section != "G"):
                provision.health_agreed_on = None
                provision.health_agreed_by = None
                provision.health_agreement_source = ""
                provision.health_agreement_note = ""
                reason += "; the health body's agreement must be given again"
        for name, value in values.items():
            setattr(provision, name, value)
        provision.status = PlanEntryStatus.ACCEPTED
        _save_entry(
            provision,
            links={"needs": needs, "outcomes": outcomes, "advice": advice},
            reason=reason,
            by=by,
        )
    return provision


_NOUNS = {PlanNeed: "Need", PlanOutcome: "Outcome", PlanProvision: "Provision"}


def entry_remove(*, entry, by):
    """Take an entry out of the plan (a suggestion is dropped). It is kept, with its history."""
    _check_editable(entry.plan.episode, by)
    noun = _NOUNS[type(entry)]
    with transaction.atomic():
        _lock(entry.plan)
        if entry.status == PlanEntryStatus.SUGGESTED:
            entry.status, reason = PlanEntryStatus.DROPPED, f"Suggested {noun.lower()} dropped"
        elif entry.status == PlanEntryStatus.ACCEPTED:
            entry.status, reason = PlanEntryStatus.REMOVED, f"{noun} removed"
        else:
            raise CaseRuleError(f"This {noun.lower()} is not in the plan")
        history_save(entry, reason, by)
    return entry


def suggestion_accept(*, entry, by):
    """Accept a suggestion from the advice as it stands."""
    _check_editable(entry.plan.episode, by)
    if entry.status != PlanEntryStatus.SUGGESTED:
        raise CaseRuleError("This suggestion has already been accepted or dropped")
    with transaction.atomic():
        _lock(entry.plan)
        entry.status = PlanEntryStatus.ACCEPTED
        history_save(entry, f"Suggested {_NOUNS[type(entry)].lower()} accepted", by)
    return entry


def suggestions_accept_all(*, plan: Plan, by) -> int:
    accepted = 0
    for model in (PlanNeed, PlanOutcome, PlanProvision):
        for entry in model.objects.filter(plan=plan, status=PlanEntryStatus.SUGGESTED):
            suggestion_accept(entry=entry, by=by)
            accepted += 1
    return accepted


# -- pre-filling from the advice -----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One sentence of advice, read as a need, an outcome or a provision (a suggestion only)."""

    kind: str  # "need", "outcome" or "provision"
    text: str
    frequency_count: int | None = None
    frequency_period: str = ""
    session_minutes: int | None = None
    who: str = ""
    duration: str = ""
    """The words that say how long the provision lasts ("for 12 weeks"), if any."""


_LABELS = re.compile(r"^(needs?|outcomes?|provision|support)\s*[:\-]\s*", re.IGNORECASE)
_PROVISION = re.compile(
    r"\b(\d+\s*(x|times)\b|once|twice|per (day|week|month|term|year)|(a|each|every) (day|week|month|term|year)\b"
    r"|weekly|daily|sessions?|minutes|hours?|programme|therapy|should (receive|have|be given)|will receive"
    r"|provide[sd]?|support from|access to)",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(will be able to|be able to|by the end of|outcome|aims? (is|to)|to achieve|target|so that)\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"\b(\d+|once|twice)\s*(?:x|times)?\s*(?:a|per|each|every)\s*(day|week|month|term|year)\b",
    re.IGNORECASE,
)
_MINUTES = re.compile(r"\b(\d+)\s*-?\s*(?:min|mins|minute|minutes)\b", re.IGNORECASE)
_HOURS = re.compile(r"\b(\d+(?:\.\d+)?)\s*-?\s*(?:hour|hours|hr|hrs)\b", re.IGNORECASE)
_WHO = re.compile(
    r"\b(?:by|from|with) (?:a|an|the|their) ([a-z][a-z \-']{2,60}?(?:therapist|assistant|teacher|psychologist|"
    r"nurse|worker|practitioner|specialist|senco|adult|mentor|paediatrician|physiotherapist|team))\b",
    re.IGNORECASE,
)


def advice_candidates(text: str) -> list[Candidate]:
    """Split advice into sentences and read each as a need, an outcome or a provision.

    A plain heuristic, so its results are only ever suggestions: lines labelled "Need:",
    "Outcome:" or "Provision:" are taken at their word; otherwise words like "per week",
    "sessions" or "therapy" suggest provision, "will be able to" or "by the end of" an outcome,
    and anything else a need. How often, minutes and who are read where the words say them.
    """
    candidates = []
    pieces = []
    for line in re.split(r"[\r\n]+", text or ""):
        line = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip()
        if not line:
            continue
        label = _LABELS.match(line)
        if label:
            pieces.append((label.group(1).lower(), line[label.end() :].strip()))
        else:
            pieces.extend((None, s.strip()) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line))
    for label, sentence in pieces:
        if len(sentence) < 12:
            continue
        if label and label.startswith("need"):
            kind = "need"
        elif label and label.startswith("outcome"):
            kind = "outcome"
        elif label in ("provision", "support"):
            kind = "provision"
        elif _OUTCOME.search(sentence):
            kind = "outcome"
        elif _PROVISION.search(sentence):
            kind = "provision"
        else:
            kind = "need"
        if kind != "provision":
            candidates.append(Candidate(kind, sentence))
            continue
        count, period = None, ""
        if match := _FREQUENCY.search(sentence):
            word = match.group(1).lower()
            count = {"once": 1, "twice": 2}.get(word) or int(word)
            period = match.group(2).upper()
        elif re.search(r"\bweekly\b", sentence, re.IGNORECASE):
            count, period = 1, FrequencyPeriod.WEEK
        elif re.search(r"\bdaily\b", sentence, re.IGNORECASE):
            count, period = 1, FrequencyPeriod.DAY
        minutes = None
        if match := _MINUTES.search(sentence):
            minutes = int(match.group(1))
        elif match := _HOURS.search(sentence):
            minutes = round(float(match.group(1)) * 60)
        who = ""
        if match := _WHO.search(sentence):
            who = match.group(1).strip()
            who = who[:1].upper() + who[1:]
        candidates.append(
            Candidate(
                "provision",
                sentence,
                count,
                period,
                minutes,
                who,
                plan_dates.find_duration(sentence),
            )
        )
    return candidates


_ADVICE_SECTIONS = {
    AdviceKind.HEALTH: ("C", "G"),
    AdviceKind.SOCIAL_CARE: ("D", "H2"),
}


@dataclass(frozen=True)
class _Dates:
    """When suggested provision starts (the final plan's due date, or today if that has
    passed) and the first annual review after it: what the adviser's "for how long" counts from."""

    starts_on: date
    review_on: date

    def period(self, duration: str) -> plan_dates.ProvisionPeriod | None:
        return plan_dates.provision_period(
            duration, starts_on=self.starts_on, review_on=self.review_on
        )


def _structured_suggestions(
    advice, plan, need_section, provision_section, seen, orders, dates
) -> dict:
    """Suggestions from an adviser's structured entries (needs, outcomes, provision, and the
    needs and outcomes each provision is for), where the advice has them."""
    made = {"need": [], "outcome": [], "provision": []}
    by_entry = {}
    links = {}
    for item in advice.entries.all():
        key = f"entry:{item.public_id}"
        if item.kind not in ("NEED", "OUTCOME", "PROVISION") or key in seen:
            continue
        seen.add(key)
        common = dict(plan=plan, status=PlanEntryStatus.SUGGESTED, source_key=key)
        if item.kind == "NEED":
            section = item.plan_section if item.plan_section in ("B", "C", "D") else need_section
            entry, bucket = (
                PlanNeed(section=section, text=item.text, order=orders[PlanNeed], **common),
                "need",
            )
            orders[PlanNeed] += 1
        elif item.kind == "OUTCOME":
            entry, bucket = (
                PlanOutcome(text=item.text, order=orders[PlanOutcome], **common),
                "outcome",
            )
            orders[PlanOutcome] += 1
        else:
            section = (
                item.plan_section
                if item.plan_section in ("F", "G", "H1", "H2")
                else provision_section
            )
            # "For how long" becomes the start and end (or review) dates where it can be read;
            # otherwise the adviser's words stay with the provision for the caseworker to date.
            period = dates.period(item.duration)
            what = (
                f"{item.text} ({item.duration})" if item.duration and period is None else item.text
            )
            entry = PlanProvision(
                section=section,
                what=what,
                who=item.who,
                frequency_count=item.frequency_count,
                frequency_period=item.frequency_period,
                session_minutes=item.session_minutes,
                starts_on=period.starts_on if period else None,
                ends_on=period.ends_on if period else None,
                order=orders[PlanProvision],
                **common,
            )
            bucket = "provision"
            orders[PlanProvision] += 1
            links[item.pk] = [link.pk for link in item.links.all()]
        by_entry[item.pk] = entry
        made[bucket].append(entry)
    # Keyed by id(): unsaved model instances cannot be hashed.
    made["links"] = {
        id(by_entry[pk]): [by_entry[t] for t in targets if t in by_entry]
        for pk, targets in links.items()
    }
    _outcomes_by_when(made)
    return made


def _outcomes_by_when(made: dict) -> None:
    """Each suggested outcome's "By when": from its own words, or when the provision for it ends."""
    for outcome in made["outcome"]:
        ends = [
            p.ends_on
            for p in made["provision"]
            if p.ends_on and any(t is outcome for t in made["links"].get(id(p), []))
        ]
        outcome.by_when = plan_dates.outcome_by_when(outcome.text, ends_on=max(ends, default=None))


def _summary_suggestions(
    advice, plan, need_section, provision_section, seen, orders, dates
) -> dict:
    """Suggestions read from the advice's plain-text summary (`advice_candidates`)."""
    made = {"need": [], "outcome": [], "provision": []}
    for candidate in advice_candidates(advice.summary):
        key = f"{advice.pk}:{hashlib.sha256(candidate.text.encode()).hexdigest()[:24]}"
        if key in seen:
            continue
        seen.add(key)
        common = dict(plan=plan, status=PlanEntryStatus.SUGGESTED, source_key=key)
        if candidate.kind == "need":
            entry = PlanNeed(
                section=need_section, text=candidate.text, order=orders[PlanNeed], **common
            )
            orders[PlanNeed] += 1
        elif candidate.kind == "outcome":
            entry = PlanOutcome(text=candidate.text, order=orders[PlanOutcome], **common)
            orders[PlanOutcome] += 1
        else:
            period = dates.period(candidate.duration)
            entry = PlanProvision(
                section=provision_section,
                what=candidate.text,
                who=candidate.who,
                frequency_count=candidate.frequency_count,
                frequency_period=candidate.frequency_period,
                session_minutes=candidate.session_minutes,
                starts_on=period.starts_on if period else None,
                ends_on=period.ends_on if period else None,
                order=orders[PlanProvision],
                **common,
            )
            orders[PlanProvision] += 1
        made[candidate.kind].append(entry)
    # Provision read from the same advice is for the needs and outcomes read from it.
    made["links"] = {id(p): made["need"] + made["outcome"] for p in made["provision"]}
    _outcomes_by_when(made)
    return made


def suggestion_dates(case: Assessment, today: date) -> _Dates:
    """What the adviser's "for how long" counts from: the day the final plan is due (or today,
    if that has passed), to the first annual review after it."""
    starts_on = max(case.final_plan_due_on, today)
    return _Dates(starts_on, deadlines.due_on(deadlines.REVIEW_COMPLETE, starts_on))


def plan_fill_from_advice(*, case: Assessment, by, today: date | None = None) -> int:
    """Suggest needs, outcomes and provision from each piece of advice the council has accepted
    (advice submitted but not yet reviewed, or returned, is left out), and fill section A from
    the family's views when it is empty. Where the adviser wrote structured entries they are
    used as they are, with their links, and "for how long" becomes the provision's start and end
    (or review) dates (ehcp.plans.rules.plan_dates); otherwise the advice text is read sentence by
    sentence (`advice_candidates`). Suggestions are linked to their advice; the caseworker
    accepts, edits or drops each one, and section A stays editable. Running it again adds only
    what is new. Returns how many entries were suggested."""
    today = today or timezone.localdate()
    plan = plan_get_or_create(case=case, by=by)
    created = 0
    dates = suggestion_dates(case, today)
    with transaction.atomic():
        plan = _lock(plan)
        if not plan.views.strip():
            family = "\n\n".join(
                filter(None, (family_views_text(a) for a in accepted_family_views(case)))
            )
            if family:
                plan.views = family
                history_save(plan, "Section A filled in from the family's views", by)
        seen = set()
        for model in (PlanNeed, PlanOutcome, PlanProvision):
            seen |= set(
                model.objects.filter(plan=plan)
                .exclude(source_key="")
                .values_list("source_key", flat=True)
            )
        orders = {
            model: _next_order(model.objects.filter(plan=plan))
            for model in (PlanNeed, PlanOutcome, PlanProvision)
        }
        accepted = AdviceRequest.Status.ACCEPTED
        advice_list = (
            AdviceRequest.objects.filter(case=case, status=accepted, received_on__isnull=False)
            .exclude(kind=AdviceKind.PARENT_VIEWS)
            .prefetch_related("entries__links")
        )
        for advice in advice_list.order_by("kind", "pk"):
            need_section, provision_section = _ADVICE_SECTIONS.get(advice.kind, ("B", "F"))
            args = (advice, plan, need_section, provision_section, seen, orders, dates)
            if advice.entries.all():
                made = _structured_suggestions(*args)
            else:
                made = _summary_suggestions(*args)
            reason = f"Suggested from {advice.get_kind_display().split(' (')[0].lower()}"
            for need in made["need"]:
                _save_entry(need, links={"advice": [advice]}, reason=reason, by=by)
            for outcome in made["outcome"]:
                _save_entry(
                    outcome, links={"needs": made["need"], "advice": [advice]}, reason=reason, by=by
                )
            for provision in made["provision"]:
                targets = made["links"].get(id(provision), [])
                _save_entry(
                    provision,
                    links={
                        "needs": [t for t in targets if isinstance(t, PlanNeed)],
                        "outcomes": [t for t in targets if isinstance(t, PlanOutcome)],
                        "advice": [advice],
                    },
                    reason=reason,
                    by=by,
                )
            created += len(made["need"]) + len(made["outcome"]) + len(made["provision"])
    return created


def plan_fill_example(*, case: Assessment, by) -> Plan:
    """Demo data and tests only: a short plan that passes every issue check (one need in B from
    the child's primary need, one outcome, one quantified provision in F), linked to the
    educational or psychological advice. Does nothing if section B already has a need."""
    plan = plan_get_or_create(case=case, by=by)
    if plan.needs.filter(status=PlanEntryStatus.ACCEPTED, section="B").exists():
        return plan
    child = case.child
    received = [a for a in case.advice_requests.all() if a.received_on]
    preferred = [
        a for a in received if a.kind in (AdviceKind.EDUCATIONAL, AdviceKind.PSYCHOLOGICAL)
    ]
    advice = (preferred or received)[:1]
    need_label = (
        child.get_primary_need_display()
        if child.primary_need
        else "Learning and communication needs"
    )
    need = need_save(
        plan=plan,
        section="B",
        text=f"{child.first_name} has {need_label.lower()} that affect learning, communication and "
        "taking part in class.",
        need_code=child.primary_need,
        advice=advice,
        by=by,
    )
    outcome = outcome_save(
        plan=plan,
        text=f"{child.first_name} will take part in class learning with less adult help and make "
        "progress in reading and communication.",
        by_when="By the first annual review",
        needs=[need],
        advice=advice,
        by=by,
    )
    provision_save(
        plan=plan,
        section="F",
        what="Small-group teaching in literacy and communication, planned and reviewed by the SENCo.",
        who="Teaching assistant trained in the programme, supervised by the SENCo",
        frequency_count=3,
        frequency_period=FrequencyPeriod.WEEK,
        session_minutes=30,
        ends_on=deadlines.due_on(deadlines.REVIEW_COMPLETE, case.final_plan_due_on),
        needs=[need],
        outcomes=[outcome],
        advice=advice,
        by=by,
    )
    return plan


# -- health provision agreed by the health body --------------------------------------------------


def provision_health_agree(
    *, provision: PlanProvision, agreed_on: date, note: str = "", by, today: date | None = None
):
    """Record that the health body agreed health provision in section G (reg 12(2)).

    Someone from the health agency that gave the case's medical advice (for a review: the advice
    the plan was made from, or the health body invited to the review) agrees it here; or the
    council records the health body's written agreement, with its date and a reference (for
    example "Letter from the ICB, ref 123"). Changing the provision afterwards clears it.
    """
    today = today or timezone.localdate()
    episode = provision.plan.episode
    actor = actor_for(by)
    health_agencies = episode_health_agency_ids(episode)
    if actor.agency_ids & health_agencies:
        source = HealthAgreementSource.HEALTH_BODY
    elif episode.council_id in actor.council_agency_ids:
        source = HealthAgreementSource.WRITTEN
        if not note.strip():
            raise CaseRuleError(
                "Enter where the health body's written agreement is (for example, the letter and its date)"
            )
    else:
        raise CaseRuleError(
            "Only the health body that gave the medical advice, or the council's SEN team, can record this"
        )
    if not episode_plan_editable(episode):
        what = "case" if is_assessment(episode) else "review"
        raise CaseRuleError(
            f"This {what} is at the stage \u201c{episode.get_status_display()}\u201d, so the plan cannot be changed"
        )
    if provision.section != "G" or provision.status != PlanEntryStatus.ACCEPTED:
        raise CaseRuleError(
            "Only health provision in section G of the plan is agreed by the health body"
        )
    if agreed_on > today:
        raise CaseRuleError("The date of the agreement must be today or in the past")
    with transaction.atomic():
        _lock(provision.plan)
        provision.health_agreed_on = agreed_on
        provision.health_agreed_by = by
        provision.health_agreement_source = source
        provision.health_agreement_note = note.strip()
        history_save(provision, "Health provision agreed by the health body", by)
    return provision


# -- issuing: checks, frozen content, documents ----------------------------------------------------


def plan_issue_content(
    *,
    case: Assessment | None = None,
    episode=None,
    stage: Stage,
    issued_on: date,
    named_setting=None,
    named_setting_type="",
    placement: dict | None = None,
) -> dict:
    """Lock the plan, run the checks for `stage` over the content that would be issued, and
    return that content; refuse with every failed check. Call inside the issuing transaction.
    A final plan naming no setting names `named_setting_type`, a type of setting (s.40(2) CFA
    2014), in section I. `episode` (or `case`) is the assessment or review that issues it; a
    review's plan keeps section I's `placement` (the version in force's) unless it names a
    setting or a type."""
    episode = episode if episode is not None else case
    plan = Plan.objects.select_for_update().filter(**episode_filter(episode)).first()
    if plan is not None:
        plan_with_entries(plan)
    kind = DocumentKind.FINAL_PLAN if stage == Stage.FINAL else DocumentKind.DRAFT_PLAN
    content = plan_content(
        plan,
        episode=episode,
        advice=episode_advice(episode),
        plan_date=issued_on,
        named_setting=named_setting,
        placement=placement,
        stage=kind.value,
    )
    if stage == Stage.FINAL and named_setting is None and named_setting_type:
        content["sections"]["I"].update(
            name="", type=named_setting_type, named_type=named_setting_type
        )
    placement_type = plan.placement_type if (plan is not None and stage == Stage.DRAFT) else ""
    results = plan_checks.plan_checks(
        plan_facts(content, placement_type_in_draft=placement_type), stage
    )
    failures = plan_checks.failed(results)
    if failures:
        what = {
            Stage.DRAFT: "draft",
            Stage.FINAL: "final plan" if is_assessment(episode) else "final amended plan",
            Stage.PROPOSED: "proposed amended plan",
        }[stage]
        raise CaseRuleError(
            *(f"The {what} cannot be issued: {result.message}" for result in failures)
        )
    return content


def _next_version(episode, kind: str) -> int:
    if kind in PLAN_DOCUMENT_KINDS:
        return next_plan_version(episode)
    last = max(
        [d.version for d in episode.documents.filter(kind=kind)]
        + [r.version for r in episode.document_renders.filter(kind=kind)],
        default=0,
    )
    return last + 1


def _after_commit_render(render_id: int) -> None:
    """In the background worker when there is one, otherwise here and now (after the commit)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        document_render(render_id)
    else:
        document_render_task.delay(render_id)


def document_queue(*, episode, kind: str, content: dict, issued_on: date, by) -> DocumentRender:
    """Freeze `content` as the next version of `kind` of the episode's documents (an assessment's
    or a review's) and render it once the transaction commits."""
    render = DocumentRender.objects.create(
        **episode_key(episode),
        kind=kind,
        version=_next_version(episode, kind),
        content=content,
        issued_on=issued_on,
        issued_by=by,
    )
    transaction.on_commit(partial(_after_commit_render, render.pk), robust=True)
    return render


def letter_addressees(episode, on: date) -> dict:
    """Who a letter dated `on` is to (ehcp.children.rules.young_person.letter_addressees): the
    parents of a child; a young person, with a copy to their parents only where the young person
    agrees or lacks capacity, as recorded on that date (CFA 2014 s.83; MCA 2005)."""
    child = episode.child
    parents = [p.name for p in child.parents.all() if p.has_parental_responsibility]
    addressees = young_person_rules.letter_addressees(
        child.date_of_birth, on, child.young_person_facts()
    )
    if addressees.party == young_person_rules.Party.PARENT:
        return {"party": addressees.party.value, "recipients": parents}
    return {
        "party": addressees.party.value,
        "recipients": [child.full_name],
        "copy_to": parents if addressees.to_parents else [],
        "copy_reason": addressees.copy_reason.value,
    }


_APPEAL_DECISIONS = {
    DocumentKind.REFUSAL_LETTER: "our decision not to carry out an EHC needs assessment",
    DocumentKind.NOT_ISSUING_LETTER: "our decision not to issue an EHC plan",
    DocumentKind.FINAL_LETTER: "the special educational needs in section B, the special educational "
    "provision in section F or the school or setting named in section I of the plan",
}


def letter_content(
    *,
    episode,
    kind: str,
    issued_on: date,
    plan_version: int | None = None,
    sent: LetterSent | None = None,
    facts: dict | None = None,
    appeal_decision: str | None = None,
) -> dict:
    """The facts a letter states, frozen when the decision is made (dates from
    ehcp.assessments.rules.deadlines).

    `episode` is the assessment or the review that sends the letter. An assessment's letters
    state its request and final plan dates; a review's letters state what its service passes in
    `facts` (its decision, reasons and dates). A letter of a decision with the right to appeal
    names the decision (`appeal_decision`, or the assessment letters' own wording).

    The dates that run from the letter's sending are stated only when the sending is recorded
    with the decision (`sent`): the mediation and appeal dates from the day it was sent (reg 33;
    Tribunal rule 20(1)(c)), the end of the 15 days for representations from the day the draft
    was served (reg 13(1)). Otherwise the letter states the rule, never a date that may be wrong."""
    child = episode.child
    content = {
        "schema": 1,
        "council_name": settings.COUNCIL_NAME,
        "reference": episode.reference,
        "child": {
            "name": child.full_name,
            "first_name": child.first_name,
            "date_of_birth": child.date_of_birth.isoformat(),
        },
        **letter_addressees(episode, issued_on),
        "letter_date": issued_on.isoformat(),
    }
    case = episode if isinstance(episode, Assessment) else None
    if case is not None:
        content["request_received_on"] = case.request_received_on.isoformat()
        content["final_plan_due_on"] = case.final_plan_due_on.isoformat()
    served = letter_served_on(sent) if sent is not None else None
    if sent is not None:
        content["sent_on"] = sent.sent_on.isoformat()
        content["sent_method"] = letters.SendingMethod(sent.method).value
        content["served_on"] = served.isoformat()
    if case is not None and kind == DocumentKind.REFUSAL_LETTER:
        content["reasons"] = case.refusal_reasons
    elif case is not None and kind == DocumentKind.NOT_ISSUING_LETTER:
        content["reasons"] = case.not_issuing_reasons
    elif case is not None and kind == DocumentKind.DRAFT_LETTER:
        if served is not None:
            content["comments_due_on"] = deadlines.due_on(
                deadlines.DRAFT_COMMENTS, served
            ).isoformat()
        content["plan_version"] = plan_version
    elif case is not None and kind == DocumentKind.FINAL_LETTER:
        content["named_setting"] = case.named_setting.name if case.named_setting else ""
        content["plan_version"] = plan_version
    elif plan_version is not None:
        content["plan_version"] = plan_version
    if kind == DocumentKind.AMENDMENT_NOTICE and served is not None:
        content["comments_due_on"] = deadlines.due_on(deadlines.AMEND_COMMENTS, served).isoformat()
    content.update(facts or {})
    appeal_decision = appeal_decision or (_APPEAL_DECISIONS.get(kind) if case else None)
    if appeal_decision:
        content["appeal_decision"] = appeal_decision
        if sent is not None:
            content["mediation_contact_by"] = deadlines.mediation_contact_deadline(
                sent.sent_on
            ).isoformat()
            content["appeal_by"] = deadlines.appeal_deadline(sent.sent_on).isoformat()
    return content


def letter_served_on(sent: LetterSent):
    """The day a letter sent so is served (LETTER-SERVED), with England and Wales bank holidays."""
    return letters.served_on(sent.sent_on, sent.method, bank_holidays_around(sent.sent_on))


def letter_queue(
    *,
    episode,
    kind: str,
    issued_on: date,
    by,
    plan_version: int | None = None,
    sent: LetterSent | None = None,
    enclosure: DocumentRender | None = None,
    today: date | None = None,
    facts: dict | None = None,
    appeal_decision: str | None = None,
) -> DocumentRender:
    """Freeze and queue the letter of an assessment or a review (see `letter_content`); with
    `sent`, record its sending in the same transaction."""
    render = document_queue(
        episode=episode,
        kind=kind,
        content=letter_content(
            episode=episode,
            kind=kind,
            issued_on=issued_on,
            plan_version=plan_version,
            sent=sent,
            facts=facts,
            appeal_decision=appeal_decision,
        ),
        issued_on=issued_on,
        by=by,
    )
    if sent is not None:
        letter_sending_record(letter=render, sent=sent, enclosure=enclosure, by=by, today=today)
    return render


def plan_issue_documents(
    *,
    episode,
    stage: Stage,
    content: dict,
    issued_on: date,
    by,
    sent: LetterSent | None = None,
    today: date | None = None,
) -> list[DocumentRender]:
    """The issued plan version and its covering letter (called by plan_draft_issue /
    plan_final_issue), and how they were sent when that is known."""
    plan_kind, letter_kind = (
        (DocumentKind.DRAFT_PLAN, DocumentKind.DRAFT_LETTER)
        if stage == Stage.DRAFT
        else (DocumentKind.FINAL_PLAN, DocumentKind.FINAL_LETTER)
    )
    plan_render = document_queue(
        episode=episode, kind=plan_kind, content=content, issued_on=issued_on, by=by
    )
    letter = letter_queue(
        episode=episode,
        kind=letter_kind,
        issued_on=issued_on,
        by=by,
        plan_version=plan_render.version,
        sent=sent,
        enclosure=plan_render,
        today=today,
    )
    return [plan_render, letter]


def _enclosure_of(letter: DocumentRender) -> DocumentRender | None:
    version = letter.content.get("plan_version")
    plan_kind = {
        DocumentKind.DRAFT_LETTER: DocumentKind.DRAFT_PLAN,
        DocumentKind.FINAL_LETTER: DocumentKind.FINAL_PLAN,
        DocumentKind.AMENDMENT_NOTICE: DocumentKind.DRAFT_PLAN,
        DocumentKind.AMENDED_PLAN_LETTER: DocumentKind.FINAL_PLAN,
    }.get(letter.kind)
    if not version or plan_kind is None:
        return None
    return DocumentRender.objects.filter(
        **episode_ids(letter), kind=plan_kind, version=version
    ).first()


def letter_sending_record(
    *,
    letter: DocumentRender,
    sent: LetterSent,
    by,
    reason: str = "",
    enclosure: DocumentRender | None = None,
    today: date | None = None,
) -> LetterSending:
    """Record how and when a letter (and the plan with it) was sent, and the day it was served.

    Append-only: a letter already recorded as sent is corrected by a new record, with the reason,
    that names the one it corrects. The date sent is not in the future and not before the letter's
    date. For the draft plan's letter, the 15 days for representations (reg 13(1)) are counted
    from the day it was served: `draft_comments_due_on` follows the newest record, until the final
    plan is issued."""
    today = today or timezone.localdate()
    _check_officer(letter.episode, by)
    if letter.kind not in LETTER_KINDS:
        raise CaseRuleError("Only a letter to the family is recorded as sent")
    method = letters.SendingMethod(sent.method)
    date_check(sent.sent_on, today=today, not_before=letter.issued_on, what="the letter was sent")
    with transaction.atomic():
        letter = DocumentRender.objects.select_for_update().get(pk=letter.pk)
        previous = letter.sendings.order_by("-recorded_at", "-pk").first()
        if previous is not None and not reason.strip():
            raise CaseRuleError(
                "This letter is already recorded as sent: enter why the record is being corrected"
            )
        served = letter_served_on(sent)
        if letter.kind == DocumentKind.DRAFT_LETTER:
            case = Assessment.objects.select_for_update().get(pk=letter.case_id)
            if case.final_issued_on is not None or case.status not in (
                AssessmentStatus.DRAFT_ISSUED,
                AssessmentStatus.CONSULTING,
            ):
                raise CaseRuleError(
                    "The final plan has been issued: the draft's sending can no longer be changed"
                )
            comments_due = deadlines.due_on(deadlines.DRAFT_COMMENTS, served)
            if case.draft_comments_due_on != comments_due:
                case.draft_comments_due_on = comments_due
                history_save(
                    case,
                    "Draft plan served: the 15 days for representations run from "
                    f"{served:%-d %B %Y} (reg 13(1))",
                    by,
                )
        if letter.kind == DocumentKind.AMENDMENT_NOTICE:
            _amendment_notice_served(letter, sent=sent, served=served, by=by)
        return LetterSending.objects.create(
            **episode_ids(letter),
            letter=letter,
            enclosure=enclosure or _enclosure_of(letter),
            sent_on=sent.sent_on,
            method=method.value,
            served_on=served,
            corrects=previous,
            reason=reason.strip() if previous is not None else "",
            recorded_by=by,
        )


def _amendment_notice_served(letter: DocumentRender, *, sent: LetterSent, served, by) -> None:
    """The amendment notice's sending sets the review's clock: the 15 days for comments begin
    with the day it was served (reg 22(2)(c)); the final amended plan is due within 8 weeks of
    the day it was sent (reg 22(3)). Only while the plan is being amended."""
    review = type(letter.review).objects.select_for_update().get(pk=letter.review_id)
    if not review.is_amending:
        raise CaseRuleError(
            "The final amended plan has been issued: the amendment notice's sending can no "
            "longer be changed"
        )
    if (review.amendment_notice_on, review.amendment_served_on) == (sent.sent_on, served):
        return
    review.amendment_notice_on = sent.sent_on
    review.amendment_served_on = served
    review.set_statutory_dates()
    # The reason fits the history's 100 characters; the new due dates are the review's own.
    history_save(
        review,
        f"Amendment notice served on {served:%-d %B %Y}: comments until "
        f"{review.amendment_comments_due_on:%-d %B %Y} (reg 22(2)(c))",
        by,
    )


class DocumentIntegrityError(CaseRuleError):
    """The stored file no longer matches the checksum taken when it was issued."""


def document_open(*, document: PlanDocument, by) -> bytes:
    """The issued PDF, checked against its SHA-256, with a record of who downloaded it."""
    with document.file.open("rb") as handle:
        data = handle.read()
    if documents.sha256(data) != document.sha256:
        logger.error("Document %s does not match its checksum", document.public_id)
        raise DocumentIntegrityError(
            "This document's file has changed since it was issued. Tell the system administrator."
        )
    DocumentDownload.objects.create(document=document, user=by)
    return data


MADE = "EHC plan made: first final plan issued"
REASSESSED = "Next review date set: a re-assessment issued the final plan"
CHANGED = "Final plan issued by a later assessment of the child"


def ehc_plan_for_final(*, case: Assessment, issued_on: date, by) -> EhcPlan:
    """The plan an assessment's final plan belongs to: the child's live plan, or a new one.

    A child has at most one live plan (the database refuses a second). A re-assessment of a child
    whose plan is in force changes that plan; a child whose plan ceased gets a new one.

    The first review is due within 12 months of the plan being issued; a re-assessment's final
    plan starts the 12 months again (6 months for a child under 5, CoP 9.178)."""
    plan = EhcPlan.objects.select_for_update().live().filter(child_id=case.child_id).first()
    next_review_on = deadlines.next_review_due(issued_on, date_of_birth=case.child.date_of_birth)
    if plan is None:
        plan = EhcPlan(
            child_id=case.child_id,
            council_id=case.council_id,
            status=EhcPlanStatus.IN_FORCE,
            first_issued_on=issued_on,
            next_review_due_on=next_review_on,
        )
        history_save(plan, MADE, by)
    elif plan.next_review_due_on != next_review_on:
        plan.next_review_due_on = next_review_on
        history_save(plan, REASSESSED, by)
    case.ehc_plan = plan
    return plan
