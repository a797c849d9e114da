"""Read-side queries: who may see which case, the statutory timeline, the caseload.

Each page reads a fixed number of queries however many cases there are (tests prove it).
"""

import functools
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from agencies.access import actor_for
from agencies.models import Agency

from .access import CaseAccess, case_access, case_visible_to
from .calendar import bank_holidays_around
from .models import (
    OPEN_STATUSES,
    AdviceRequest,
    Case,
    CaseStatus,
    Child,
    ConsentOverride,
    ConsentRecord,
    EhcPlan,
    Requester,
    SettingConsultation,
    StatutoryException,
)
from .rules import deadlines
from .rules.deadlines import (
    DeadlineStatus,
    deadline_status,
    is_non_working_day,
    previous_working_day,
)


def case_list_for_user(user) -> QuerySet[Case]:
    return Case.objects.filter(case_visible_to(actor_for(user)))


def case_get_with_access(*, public_id, user) -> tuple[Case, CaseAccess]:
    """The case and how this person may see it; a 404 when they may not (another agency's
    child does not exist for them)."""
    case = (
        case_list_for_user(user)
        .select_related(
            "child",
            "child__current_setting",
            "council",
            "caseworker",
            "named_setting",
            "requested_setting",
        )
        .filter(public_id=public_id)
        .first()
    )
    access = case_access(actor_for(user), case) if case is not None else None
    if access is None:
        raise Http404("No such case")
    return case, access


def case_get_for_user(*, public_id, user) -> Case:
    return case_get_with_access(public_id=public_id, user=user)[0]


def case_with_details(case: Case) -> Case:
    """Fetch what the case page shows in a fixed number of queries."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        [case],
        Prefetch(
            "advice_requests",
            queryset=AdviceRequest.objects.select_related("agency", "submitted_by"),
        ),
        Prefetch(
            "consultations",
            queryset=SettingConsultation.objects.select_related("setting", "replied_by"),
        ),
        Prefetch(
            "exceptions",
            queryset=StatutoryException.objects.select_related("recorded_by", "advice_request"),
        ),
        Prefetch(
            "consent_overrides", queryset=ConsentOverride.objects.select_related("authorised_by")
        ),
        Prefetch(
            "child__consents",
            queryset=ConsentRecord.objects.select_related(
                "recorded_by", "withdrawn_by"
            ).prefetch_related("agencies"),
        ),
        "child__parents",
    )
    return case


@dataclass(frozen=True)
class TimelineRow:
    label: str
    code: str
    source: str
    due_on: date | None
    done_on: date | None
    status: DeadlineStatus | None
    by: str = ""
    note: str = ""
    non_working_warning: date | None = None  # the previous working day, when due_on is not one

    @property
    def status_code(self) -> str:
        return self.status.state.name if self.status else ""


def _who(history: dict[str, str], reason: str) -> str:
    return history.get(reason, "")


PROTECTED_SETTING = "a school or setting (name withheld: protected whereabouts)"
CHILDS_SETTING = "the child's school or setting (name withheld: protected whereabouts)"


def agency_label(agency, *, whereabouts: bool, child=None) -> str:
    """An agency's name, except a school or setting when the child's whereabouts are protected
    (the child's own school is called that, so the reader still knows whose advice it is)."""
    if not whereabouts and agency.kind == "SCHOOL":
        if child is not None and agency.pk == child.current_setting_id:
            return CHILDS_SETTING
        return PROTECTED_SETTING
    return agency.name


def case_schools(case: Case, *, access: CaseAccess | None = None) -> dict[str, str]:
    """The names of the schools and settings a case involves (the child's own, those asked for
    advice or consulted, the one asked for and the one named), each with the words that stand in
    for it where whereabouts are protected. With `access`, only those this viewer may not see
    named (none when they may see whereabouts; never the school they work at). One query."""
    if access is not None and access.whereabouts:
        return {}
    child = case.child
    schools = Agency.objects.filter(kind="SCHOOL")
    if access is not None:
        schools = schools.exclude(pk__in=access.related_agency_ids)
    schools = schools.filter(
        Q(pk=child.current_setting_id)
        | Q(pk__in=[pk for pk in (case.requested_setting_id, case.named_setting_id) if pk])
        | Q(advice_requests__case=case)
        | Q(consultations__case=case)
    )
    found = {a.name: agency_label(a, whereabouts=False, child=child) for a in schools.distinct()}
    # Longest first, so a name that contains another is replaced whole.
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


@functools.lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern:
    """A name as people write it in free text: any case, any spacing or line break between its
    words ("MILLBROOK primary\nschool" is still Millbrook Primary School)."""
    return re.compile(r"\s+".join(re.escape(word) for word in name.split()), re.IGNORECASE)


def withhold_names(value, names: dict[str, str]):
    """`value` (text, or JSON-ready lists and dicts of it) with each name replaced by its stand-in.
    Pure; used for free text (the requester, plan entries, advice summaries) and frozen content."""
    if not names:
        return value
    if isinstance(value, str):
        for name, stand_in in names.items():
            if name.strip():
                value = _name_pattern(name).sub(lambda _match, text=stand_in: text, value)
        return value
    if isinstance(value, list):
        return [withhold_names(item, names) for item in value]
    if isinstance(value, dict):
        return {key: withhold_names(item, names) for key, item in value.items()}
    return value


def requester_label(case: Case, *, access: CaseAccess) -> str:
    """Who asked for the assessment, as this viewer may see it. Where the child's whereabouts are
    protected, a school's request names nobody ("SENCo, Hill School" says where the child is) and
    any school's name in someone else's request is withheld."""
    text = case.get_requested_by_display()
    name = case.requester_name
    if name and not access.whereabouts:
        if case.requested_by == Requester.SETTING:
            return f"{text} (name withheld: protected whereabouts)"
        name = withhold_names(name, case_schools(case, access=access))
    return f"{text}: {name}" if name else text


def case_timeline(
    case: Case, *, today: date, warn_days: int = 5, whereabouts: bool = True
) -> list[TimelineRow]:
    """Every statutory step of the case: due date and its source, when it was done, on time or late,
    and who did it. Expects `case_with_details(case)`. Without `whereabouts`, schools and settings
    are not named.

    The rows are in date order: a step that is done by the day it was done, a step still to do by
    the day it is due (steps on the same day keep the order of the process). Listing them in
    process order put the week-16 date for a decision not to issue above the week-14 draft."""
    exceptions = {(e.period_code, e.advice_request_id) for e in case.exceptions.all()}
    history = {
        h.history_change_reason: (h.history_user.get_full_name() or h.history_user.username)
        for h in case.history.select_related("history_user")
        .exclude(history_user=None)
        .order_by("history_date")
    }
    holidays = bank_holidays_around(case.request_received_on, case.final_plan_due_on)
    rows: list[TimelineRow] = []

    def row(label, period, due_on, done_on, *, by="", note="", subject=None, show_status=True):
        excepted = (period.code, subject) in exceptions
        status = (
            deadline_status(
                due_on,
                today=today,
                done_on=done_on,
                exception_recorded=excepted,
                warn_days=warn_days,
            )
            if due_on and show_status
            else None
        )
        warning = None
        if due_on and is_non_working_day(due_on, holidays):
            warning = previous_working_day(due_on, holidays)
        rows.append(
            TimelineRow(
                label=label,
                code=period.code,
                source=period.source,
                due_on=due_on,
                done_on=done_on,
                status=status,
                by=by,
                note=note,
                non_working_warning=warning,
            )
        )

    refused = case.status == CaseStatus.REFUSED
    row(
        "Decision whether to assess",
        deadlines.DECIDE_TO_ASSESS,
        case.decision_to_assess_due_on,
        case.assessment_decided_on,
        by=_who(
            history, "Decided not to assess" if refused else "Decided to assess; advice requested"
        ),
        note="Refused to assess" if refused else "",
    )
    if refused:
        return _in_date_order(rows)
    for advice in case.advice_requests.all():
        row(
            f"{advice.get_kind_display()}: "
            f"{agency_label(advice.agency, whereabouts=whereabouts, child=case.child)}",
            deadlines.ADVICE,
            advice.due_on,
            advice.received_on,
            by=(advice.submitted_by.get_full_name() or advice.submitted_by.username)
            if advice.submitted_by
            else "",
            subject=advice.pk,
        )
    not_issued = case.status == CaseStatus.NOT_ISSUED
    if not_issued or case.issue_decided_on is None:
        row(
            "Decision whether to issue a plan (a decision not to issue is due by week 16)",
            deadlines.DECISION_NOT_TO_ISSUE,
            case.decision_not_to_issue_due_on,
            case.issue_decided_on,
            by=_who(history, "Decided not to issue a plan"),
            note="Decided not to issue a plan" if not_issued else "",
        )
    else:
        rows.append(
            TimelineRow(
                label="Decision to issue a plan",
                code="",
                source="No separate time limit: the final plan is due by week 20",
                due_on=None,
                done_on=case.issue_decided_on,
                status=None,
                by=_who(history, "Decided to issue a plan"),
            )
        )
    if not_issued:
        return _in_date_order(rows)
    row(
        "Draft plan sent (recommended by week 14)",
        deadlines.DRAFT_RECOMMENDED,
        deadlines.due_on(deadlines.DRAFT_RECOMMENDED, case.request_received_on),
        case.draft_issued_on,
        by=_who(history, "Draft plan issued"),
    )
    if case.draft_issued_on:
        row(
            "Family's comments on the draft (at least 15 days)",
            deadlines.DRAFT_COMMENTS,
            case.draft_comments_due_on,
            case.comments_received_on,
            by=_who(history, "Comments on the draft recorded"),
            note="The family did not comment"
            if case.status not in (CaseStatus.DRAFT_ISSUED,) and not case.comments_received_on
            else "",
            show_status=False,
        )
    for consultation in case.consultations.all():
        row(
            "Consultation reply: "
            f"{agency_label(consultation.setting, whereabouts=whereabouts, child=case.child)}",
            deadlines.SETTING_CONSULTATION,
            consultation.reply_due_on,
            consultation.replied_on,
            by=(consultation.replied_by.get_full_name() or consultation.replied_by.username)
            if consultation.replied_by
            else "",
            note=consultation.get_response_display(),
        )
    row(
        "Final plan issued",
        deadlines.FINAL_PLAN,
        case.final_plan_due_on,
        case.final_issued_on,
        by=_who(history, "Final plan issued"),
    )
    return _in_date_order(rows)


def _in_date_order(rows: list[TimelineRow]) -> list[TimelineRow]:
    return sorted(rows, key=lambda row: row.done_on or row.due_on or date.max)


@dataclass(frozen=True)
class AppealRights:
    decision: str
    letter_sent_on: date
    mediation_contact_by: date
    appeal_by: date


def case_appeal_rights(case: Case) -> AppealRights | None:
    """For a refusal to assess or a decision not to issue: when the family must contact the
    mediation adviser (reg 33) and appeal to the tribunal (r.20(1)(c)), counted from the letter."""
    if case.status == CaseStatus.REFUSED:
        decision, sent_on = (
            "the decision not to carry out an EHC needs assessment",
            case.assessment_decided_on,
        )
    elif case.status == CaseStatus.NOT_ISSUED:
        decision, sent_on = "the decision not to issue an EHC plan", case.issue_decided_on
    elif case.status == CaseStatus.FINAL_ISSUED:
        decision, sent_on = (
            "the contents of the final plan (sections B, F and I)",
            case.final_issued_on,
        )
    else:
        return None
    return AppealRights(
        decision=decision,
        letter_sent_on=sent_on,
        mediation_contact_by=deadlines.mediation_contact_deadline(sent_on),
        appeal_by=deadlines.appeal_deadline(sent_on),
    )


def case_current_due(case: Case) -> date | None:
    """The next statutory date the case is working towards."""
    if case.status == CaseStatus.REQUESTED:
        return case.decision_to_assess_due_on
    if case.status == CaseStatus.ASSESSING:
        return case.decision_not_to_issue_due_on
    if case.status in OPEN_STATUSES:
        return case.final_plan_due_on
    return None


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    agency_id: int | None = None
    caseworker_id: int | None = None
    overdue: bool = False


def caseload(*, user, today: date, filters: CaseloadFilters) -> QuerySet[Case]:
    """Every open case the manager's council holds, soonest 20-week date first."""
    actor = actor_for(user)
    qs = (
        Case.objects.open()
        .filter(
            council_id__in=actor.council_agency_ids
            | actor.agency_ids_with_role("SEN_MANAGER", "ADMINISTRATOR")
        )
        .select_related("child", "caseworker")
        .order_by("final_plan_due_on", "pk")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.caseworker_id:
        qs = qs.filter(caseworker_id=filters.caseworker_id)
    if filters.agency_id:
        qs = qs.filter(
            Q(
                Exists(
                    AdviceRequest.objects.filter(case=OuterRef("pk"), agency_id=filters.agency_id)
                )
            )
            | Q(
                Exists(
                    SettingConsultation.objects.filter(
                        case=OuterRef("pk"), setting_id=filters.agency_id
                    )
                )
            )
        )
        # Filtering by a school would say which school a protected child is at (DM-02).
        qs = qs.exclude(
            Q(child__protected_whereabouts=True)
            & ~Q(council_id__in=actor.whereabouts_agency_ids)
            & Q(Exists(Agency.objects.filter(pk=filters.agency_id, kind="SCHOOL")))
        )
    if filters.overdue:
        qs = qs.filter(
            Q(status=CaseStatus.REQUESTED, decision_to_assess_due_on__lt=today)
            | Q(final_plan_due_on__lt=today)
            | Q(
                Exists(
                    AdviceRequest.objects.filter(
                        case=OuterRef("pk"), received_on__isnull=True, due_on__lt=today
                    )
                )
            )
        )
    return qs


# -- the child's page: the plan for life and the episodes that made and changed it ---------------


@dataclass(frozen=True)
class Episode:
    """One episode of the child's plan for life, as the child's page lists it."""

    kind: str
    case: Case
    reference: str
    status_label: str
    status_code: str
    opened_on: date
    closed_on: date | None
    due_on: date | None
    is_open: bool
    documents: int


@dataclass(frozen=True)
class ChildEvent:
    on: date
    episode: str
    what: str


def child_get_with_access(*, public_id, user) -> tuple[Child, list[Case], CaseAccess]:
    """The child, the episodes this person may see (newest first), and how they may see the
    child: as on their most recent episode. A 404 when they may see none of the child's cases."""
    cases = list(
        case_list_for_user(user)
        .filter(child__public_id=public_id)
        .select_related("child", "child__current_setting", "council", "named_setting")
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("-request_received_on", "-pk")
    )
    access = case_access(actor_for(user), cases[0]) if cases else None
    if access is None:
        raise Http404("No such child")
    return cases[0].child, cases, access


def shows_consents(access: CaseAccess) -> bool:
    """Consent records (who gave it, how, for which agencies) are the council's: partners see
    whether advice could be asked for, not the records."""
    return access.relationship == "council"


def child_consents(child: Child, *, access: CaseAccess) -> list[ConsentRecord]:
    """Every consent recorded for the child, newest first, for whichever episode; none for a
    reader who may not see consent records (`shows_consents`)."""
    if not shows_consents(access):
        return []
    return list(
        child.consents.select_related("recorded_by", "withdrawn_by")
        .prefetch_related("agencies")
        .order_by("-given_on", "-pk")
    )


def child_episodes(cases: list[Case]) -> list[Episode]:
    return [
        Episode(
            kind="Statutory assessment",
            case=case,
            reference=case.reference,
            status_label=case.get_status_display(),
            status_code=case.status,
            opened_on=case.request_received_on,
            closed_on=case.closed_on,
            due_on=case.final_plan_due_on if case.is_open else None,
            is_open=case.is_open,
            documents=case.document_count,
        )
        for case in cases
    ]


def child_plans(child: Child) -> list[EhcPlan]:
    """The child's EHC plans, the live one first (at most one is live)."""
    plans = list(EhcPlan.objects.filter(child=child))
    return sorted(plans, key=lambda plan: (not plan.is_live, -plan.first_issued_on.toordinal()))


def child_timeline(cases: list[Case], plans: list[EhcPlan]) -> list[ChildEvent]:
    """One timeline across the episodes, newest first: each episode's decisions and documents,
    and the plan's own milestones. Built from the rows already loaded (no queries)."""
    events: list[ChildEvent] = []
    for case in cases:
        ref = case.reference
        steps = [
            (case.request_received_on, "Request for an EHC needs assessment received"),
            (
                case.assessment_decided_on,
                "Decided not to assess"
                if case.status == CaseStatus.REFUSED
                else "Decided to assess; advice requested",
            ),
            (
                case.issue_decided_on,
                "Decided not to issue a plan"
                if case.status == CaseStatus.NOT_ISSUED
                else "Decided to issue a plan",
            ),
            (case.draft_issued_on, "Draft plan sent to the family"),
            (case.comments_received_on, "The family's comments on the draft received"),
            (case.final_issued_on, "Final plan issued"),
        ]
        events += [ChildEvent(on, ref, what) for on, what in steps if on]
    for plan in plans:
        events.append(ChildEvent(plan.first_issued_on, plan.reference, "EHC plan in force"))
        if plan.ceased_on:
            events.append(ChildEvent(plan.ceased_on, plan.reference, "EHC plan ceased"))
    # Newest first; on one day, the later step of the process first.
    ranked = sorted(enumerate(events), key=lambda pair: (pair[1].on, pair[0]), reverse=True)
    return [event for _, event in ranked]
