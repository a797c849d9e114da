"""Read-side queries: who may see which case, the statutory timeline, the caseload.

Each page reads a fixed number of queries however many cases there are (tests prove it).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind, SharingAgreement
from ehcp.assessments.models import (
    OPEN_STATUSES,
    AdviceAttachment,
    AdviceEntry,
    AdviceExtensionRequest,
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    DecisionAdviceGap,
    Requester,
    SettingConsultation,
    StatutoryException,
    StatutoryNotice,
)
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules import notices as notice_rules
from ehcp.assessments.rules.deadlines import (
    DeadlineStatus,
    deadline_status,
    is_non_working_day,
    previous_working_day,
)
from ehcp.children.models import ConsentOverride, ConsentRecord, YoungPersonRecord
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.calendar import bank_holidays_around
from ehcp.common.display import agency_label
from ehcp.common.prefetch import prefetched_as
from ehcp.governance.access import CaseAccess, case_schools, withhold_names
from ehcp.plans.models import LETTER_KINDS, DocumentKind, DocumentRender
from ehcp.plans.selectors import LetterRow, case_letters

ADVICE_RELATED = ("case", "case__child", "agency", "submitted_by", "accepted_by", "returned_by")


def _advice_lists(case: Assessment | None = None) -> list[Prefetch]:
    """What an advice sheet lists of each advice request. With a `case` read with
    `case_page_annotations`, a list the case is known to have none of is answered without a
    query."""

    def unless_empty(name: str, queryset: QuerySet) -> QuerySet:
        return queryset if case is None else _unless_empty(case, name, queryset)

    return [
        Prefetch(
            "entries",
            queryset=unless_empty("advice_entries", AdviceEntry.objects.prefetch_related("links")),
        ),
        Prefetch(
            "attachments",
            queryset=unless_empty(
                "advice_attachments", AdviceAttachment.objects.order_by("uploaded_at", "pk")
            ),
        ),
        Prefetch(
            "extension_requests",
            queryset=unless_empty(
                "advice_extension_requests",
                AdviceExtensionRequest.objects.select_related(
                    "requested_by", "decided_by", "exception"
                ),
            ),
        ),
        # An advice request's exceptions are some of its case's.
        Prefetch(
            "exceptions", queryset=unless_empty("exceptions", StatutoryException.objects.all())
        ),
    ]


def advice_prefetched(queryset: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
    """Advice with everything an advice sheet shows, in a fixed number of queries."""
    return queryset.select_related(*ADVICE_RELATED).prefetch_related(*_advice_lists())


def case_advice_prefetch() -> Prefetch:
    """The case's advice requests, in kind order, without what their sheets list: the access
    check reads them, and `case_advice_details` adds the lists (so that the page and its advice
    section read each once)."""
    return Prefetch(
        "advice_requests",
        queryset=AdviceRequest.objects.select_related(*ADVICE_RELATED).order_by("kind", "pk"),
    )


def case_advice_details(case: Assessment, *, exceptions: list | None = None) -> None:
    """The case's advice requests with everything the case page shows of them (its timeline and
    the advice sheets). `prefetch_related_objects` skips what is fetched already, so calling this
    again reads nothing; a list the case is known to have none of costs no query. `exceptions`:
    the case's, read already; each advice request's are taken from them."""
    prefetch_related_objects([case], case_advice_prefetch())
    advice = list(case.advice_requests.all())
    if exceptions is not None:
        for item in advice:
            prefetched_as(
                item, "exceptions", [e for e in exceptions if e.advice_request_id == item.pk]
            )
    prefetch_related_objects(advice, *_advice_lists(case))


def case_consents_prefetch() -> Prefetch:
    """The child's consents with what the case page shows of them (and the agencies each
    covers): read with the case, they serve its access check too (`consent_records`)."""
    return Prefetch(
        "child__consents",
        queryset=ConsentRecord.objects.select_related(
            "recorded_by", "withdrawn_by"
        ).prefetch_related("agencies"),
    )


def case_page_annotations() -> dict[str, Exists]:
    """Whether the case has any of the rows its page lists that most cases have none of: read
    in the case's own query (`case_get_with_access(annotate=...)`), so that the page skips the
    query of a list it knows is empty (`case_with_details`, `case_advice_gaps`, the letters)."""
    case = OuterRef("pk")
    return {
        "has_consultations": Exists(SettingConsultation.objects.filter(case=case)),
        "has_exceptions": Exists(StatutoryException.objects.filter(case=case)),
        "has_consent_overrides": Exists(ConsentOverride.objects.filter(case=case)),
        "has_notices": Exists(StatutoryNotice.objects.filter(case=case)),
        "has_young_person_records": Exists(
            YoungPersonRecord.objects.filter(child=OuterRef("child_id"))
        ),
        "has_advice_gaps": Exists(DecisionAdviceGap.objects.filter(case=case)),
        "has_letters": Exists(DocumentRender.objects.filter(case=case, kind__in=LETTER_KINDS)),
        "has_advice_entries": Exists(AdviceEntry.objects.filter(advice_request__case=case)),
        "has_advice_attachments": Exists(
            AdviceAttachment.objects.filter(advice_request__case=case)
        ),
        "has_advice_extension_requests": Exists(
            AdviceExtensionRequest.objects.filter(advice_request__case=case)
        ),
    }


def _known_empty(case: Assessment, name: str) -> bool:
    """The case was read with `case_page_annotations` and has no `name` rows."""
    return getattr(case, f"has_{name}", True) is False


def _unless_empty(case: Assessment, name: str, queryset: QuerySet) -> QuerySet:
    """`queryset`, or none of it (no query: Django answers an empty queryset itself) when the
    case is known to have no `name` rows."""
    return queryset.none() if _known_empty(case, name) else queryset


def case_with_details(case: Assessment) -> Assessment:
    """Fetch what the case page shows in a fixed number of queries (fewer when the case was read
    with `case_page_annotations` and some of its lists are empty)."""
    prefetch_related_objects(
        [case],
        Prefetch(
            "consultations",
            queryset=_unless_empty(
                case,
                "consultations",
                SettingConsultation.objects.select_related("setting", "replied_by"),
            ),
        ),
        Prefetch(
            "exceptions",
            queryset=_unless_empty(
                case,
                "exceptions",
                StatutoryException.objects.select_related("recorded_by", "advice_request"),
            ),
        ),
        Prefetch(
            "consent_overrides",
            queryset=_unless_empty(
                case,
                "consent_overrides",
                ConsentOverride.objects.select_related("authorised_by"),
            ),
        ),
        Prefetch(
            "notices",
            queryset=_unless_empty(
                case, "notices", StatutoryNotice.objects.select_related("recorded_by")
            ),
        ),
        case_consents_prefetch(),
        "child__parents",
        Prefetch(
            "child__young_person_records",
            queryset=_unless_empty(
                case,
                "young_person_records",
                YoungPersonRecord.objects.select_related("recorded_by", "ended_by"),
            ),
        ),
    )
    case_advice_details(case, exceptions=list(case.exceptions.all()))
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


def requester_label(case: Assessment, *, access: CaseAccess) -> str:
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
    case: Assessment, *, today: date, warn_days: int = 5, whereabouts: bool = True
) -> list[TimelineRow]:
    """Every statutory step of the case: due date and its source, when it was done, on time or late,
    and who did it. Expects `case_with_details(case)`. Without `whereabouts`, schools and settings
    are not named.

    The rows are in date order: a step that is done by the day it was done, a step still to do by
    the day it is due (steps on the same day keep the order of the process). Listing them in
    process order put the week-16 date for a decision not to issue above the week-14 draft."""
    # Only an exception that counts (an end date, or still going on with evidence) excuses.
    exceptions = {(e.period_code, e.advice_request_id) for e in case.exceptions.all() if e.counts}
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

    if case.status == AssessmentStatus.WITHDRAWN:
        return _withdrawn_timeline(case, _build_timeline(case, row, rows, history, whereabouts))
    return _build_timeline(case, row, rows, history, whereabouts)


def _withdrawn_timeline(case: Assessment, rows: list[TimelineRow]) -> list[TimelineRow]:
    """A withdrawn request: the steps done before it was withdrawn, then the withdrawal. The
    steps nobody owes any more are not shown as overdue."""
    done = [row for row in rows if row.done_on is not None]
    recorded_by = case.withdrawal_recorded_by
    done.append(
        TimelineRow(
            label="Request withdrawn",
            code="",
            source="The parent or young person withdrew the request: the case closed",
            due_on=None,
            done_on=case.withdrawn_on,
            status=None,
            by=(recorded_by.get_full_name() or recorded_by.username) if recorded_by else "",
            note=f"By the {case.get_withdrawn_by_whom_display().lower()}",
        )
    )
    return _in_date_order(done)


def _build_timeline(case, row, rows, history, whereabouts) -> list[TimelineRow]:
    refused = case.status == AssessmentStatus.REFUSED
    timetable = case.timetable
    again = case.is_reassessment
    # A re-assessment's later dates run from the decision to re-assess (reg 27(2)).
    provisional = case.final_plan_due_is_provisional
    from_decision = (
        "14 weeks from the decision to re-assess: by "
        f"{case.final_plan_due_on:%-d %B %Y} at the latest if the decision is made on time"
    )
    row(
        "Decision whether to re-assess" if again else "Decision whether to assess",
        timetable.decide,
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
    not_issued = case.status == AssessmentStatus.NOT_ISSUED
    if not_issued or case.issue_decided_on is None:
        row(
            "Decision whether to amend or replace the plan (a decision not to is kept within "
            "the 14 weeks)"
            if again
            else "Decision whether to issue a plan (a decision not to issue is due by week 16)",
            timetable.not_issue,
            None if provisional else case.decision_not_to_issue_due_on,
            case.issue_decided_on,
            by=_who(history, "Decided not to issue a plan"),
            note="Decided not to issue a plan"
            if not_issued
            else (from_decision if provisional else ""),
        )
    else:
        rows.append(
            TimelineRow(
                label="Decision to issue a plan",
                code="",
                source="No separate time limit: the final plan is due 14 weeks from the "
                "decision to re-assess"
                if again
                else "No separate time limit: the final plan is due by week 20",
                due_on=None,
                done_on=case.issue_decided_on,
                status=None,
                by=_who(history, "Decided to issue a plan"),
            )
        )
    if not_issued:
        return _in_date_order(rows)
    row(
        "Draft amended or replacement plan sent (recommended 8 weeks from the decision)"
        if again
        else "Draft plan sent (recommended by week 14)",
        timetable.draft,
        case.draft_recommended_on,
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
            if case.status not in (AssessmentStatus.DRAFT_ISSUED,) and not case.comments_received_on
            else (
                "Said in writing on "
                f"{case.no_further_comments_on:%-d %B %Y} that they have nothing more to add"
                if case.no_further_comments_on
                else ""
            ),
            show_status=False,
        )
    # Every setting consulted (s.39/s.40 CFA 2014): the family's preference or an alternative,
    # when it was sent, and its reply or its silence ("No reply by ...", CoP 9.83).
    for consultation in case.consultations.all():
        row(
            "Consultation reply: "
            f"{agency_label(consultation.setting, whereabouts=whereabouts, child=case.child)}"
            f" ({consultation.role_display.lower()})",
            deadlines.SETTING_CONSULTATION,
            consultation.reply_due_on,
            consultation.replied_on,
            show_status=consultation.closed_without_reply_on is None,
            by=(consultation.replied_by.get_full_name() or consultation.replied_by.username)
            if consultation.replied_by
            else "",
            note=f"Sent {consultation.sent_on:%-d %B %Y}. {consultation.outcome_display}",
        )
    row(
        "Final amended or replacement plan issued" if again else "Final plan issued",
        timetable.final,
        None if provisional else case.final_plan_due_on,
        case.final_issued_on,
        by=_who(history, "Final plan issued"),
        note=from_decision if provisional else "",
    )
    return _in_date_order(rows)


def _in_date_order(rows: list[TimelineRow]) -> list[TimelineRow]:
    return sorted(rows, key=lambda row: row.done_on or row.due_on or date.max)


@dataclass(frozen=True)
class AppealRights:
    decision: str
    letter_sent_on: date | None  # None: the letter is not yet recorded as sent
    mediation_contact_by: date | None
    appeal_by: date | None
    # Who may appeal, as of the letter: the parent of a child, or the young person (with their
    # parent acting for them where a lack of capacity is recorded).
    addressees: young_person_rules.Addressees | None = None
    letter: LetterRow | None = None


_APPEAL_LETTERS = {
    AssessmentStatus.REFUSED: (
        DocumentKind.REFUSAL_LETTER,
        "the decision not to carry out an EHC needs assessment",
        "assessment_decided_on",
    ),
    AssessmentStatus.NOT_ISSUED: (
        DocumentKind.NOT_ISSUING_LETTER,
        "the decision not to issue an EHC plan",
        "issue_decided_on",
    ),
    AssessmentStatus.FINAL_ISSUED: (
        DocumentKind.FINAL_LETTER,
        "the contents of the final plan (sections B, F and I)",
        "final_issued_on",
    ),
}


def case_appeal_rights(
    case: Assessment, letters: list[LetterRow] | None = None
) -> AppealRights | None:
    """For a refusal to assess, a decision not to issue or a final plan: when the family must
    contact the mediation adviser (reg 33) and appeal to the tribunal (r.20(1)(c)), counted from
    the day the decision letter was sent (its newest record of sending; none until it is
    recorded), and who may (the parent, or the young person: CFA 2014 ss.51 and 83(2)). Expects
    `case_with_details(case)`; `letters` is `ehcp.plans.selectors.case_letters(case)`."""
    if case.status not in _APPEAL_LETTERS:
        return None
    kind, decision, decided_field = _APPEAL_LETTERS[case.status]
    if case.status == AssessmentStatus.REFUSED and case.is_reassessment:
        decision = (
            "the decision not to carry out a re-assessment (Children and Families Act 2014, "
            "s.51(2)(d))"
        )
    letters = case_letters(case) if letters is None else letters
    row = next((r for r in reversed(letters) if r.letter.kind == kind), None)
    sent_on = row.sending.sent_on if row is not None and row.sending is not None else None
    return AppealRights(
        decision=decision,
        letter_sent_on=sent_on,
        mediation_contact_by=deadlines.mediation_contact_deadline(sent_on) if sent_on else None,
        appeal_by=deadlines.appeal_deadline(sent_on) if sent_on else None,
        addressees=young_person_rules.letter_addressees(
            case.child.date_of_birth,
            sent_on or getattr(case, decided_field),
            case.child.young_person_facts(),
        ),
        letter=row,
    )


@dataclass(frozen=True)
class YoungPersonSummary:
    """What the case page says about the child becoming, or being, a young person."""

    young_person_from: date
    is_young_person: bool  # today
    # Worth a section on the page: a young person, 16 or over, with records, or becoming one
    # before the final plan is due.
    shown: bool
    may_record: bool  # 16 or a young person today: capacity or agreement can be recorded
    records: list  # every YoungPersonRecord of the child, newest first
    letters_today: young_person_rules.Addressees
    # The day the child became a young person during this open assessment, while no consent that
    # the consent gate counts is on record (the page asks the caseworker to confirm it with them).
    consent_to_confirm: date | None


def case_young_person(case: Assessment, *, today: date) -> YoungPersonSummary:
    """Whether the child is (or when they become) a young person, who the letters go to today and
    whether consent is to be confirmed with them (CFA 2014 s.83(2)). Expects
    `case_with_details(case)`: no queries of its own."""
    child = case.child
    records = list(child.young_person_records.all())
    facts = [record.as_fact() for record in records]
    to_confirm = None
    if case.status in OPEN_STATUSES:
        to_confirm = young_person_rules.consent_to_confirm(
            child.date_of_birth,
            started_on=case.request_received_on,
            on=today,
            # As the consent gate counts them: this request's, or the child's without a request.
            consents=[
                consent.as_fact()
                for consent in child.consents.all()
                if consent.case_id in (None, case.pk)
            ],
            facts=facts,
        )
    is_young_person = child.is_young_person(today)
    may_record = young_person_rules.may_record_on(child.date_of_birth, today)
    return YoungPersonSummary(
        young_person_from=child.young_person_from,
        is_young_person=is_young_person,
        shown=bool(
            is_young_person
            or may_record
            or records
            or child.young_person_from <= case.final_plan_due_on
        ),
        may_record=may_record,
        records=records,
        letters_today=young_person_rules.letter_addressees(child.date_of_birth, today, facts),
        consent_to_confirm=to_confirm,
    )


@dataclass(frozen=True)
class ReassessmentSummary:
    """What the case page and the decision step say about a re-assessment (regs 24-27)."""

    previous_assessment_on: date | None
    # An EHC needs assessment was completed in the 6 months before the request: the council
    # need not re-assess (reg 24), and a refusal may say so, with reasons.
    recent: bool
    decision_due_on: date
    final_plan_due_on: date
    final_plan_due_is_provisional: bool


def case_reassessment(case: Assessment) -> ReassessmentSummary | None:
    """For a re-assessment: the last assessment, whether it was within 6 months (reg 24), and the
    dates (reg 25(1): 15 days; reg 27(2): 14 weeks from the decision). No queries."""
    if not case.is_reassessment:
        return None
    return ReassessmentSummary(
        previous_assessment_on=case.previous_assessment_on,
        recent=deadlines.reassessment_may_be_refused(
            last_assessed_on=case.previous_assessment_on, received_on=case.request_received_on
        ),
        decision_due_on=case.decision_to_assess_due_on,
        final_plan_due_on=case.final_plan_due_on,
        final_plan_due_is_provisional=case.final_plan_due_is_provisional,
    )


def case_current_due(case: Assessment) -> date | None:
    """The next statutory date the case is working towards (`ehcp.assessments.rules.breaches`)."""
    return case.current_due_on


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    #: A partner agency involved (the page offers those other than schools) ...
    agency_id: int | None = None
    caseworker_id: int | None = None
    #: ... and a school or setting involved, typed by its name or URN.
    school_id: int | None = None
    overdue: bool = False


def _involving(agency_id: int) -> Q:
    """Cases the agency is involved in: advice asked of it, or its setting consulted."""
    return Q(Exists(AdviceRequest.objects.filter(case=OuterRef("pk"), agency_id=agency_id))) | Q(
        Exists(SettingConsultation.objects.filter(case=OuterRef("pk"), setting_id=agency_id))
    )


def caseload(*, user, today: date, filters: CaseloadFilters) -> QuerySet[Assessment]:
    """Every open case the manager's council holds, soonest 20-week date first."""
    actor = actor_for(user)
    qs = (
        Assessment.objects.open()
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
    # Filtering by a school would say which school a protected child is at (DM-02).
    hidden = Q(child__protected_whereabouts=True) & ~Q(council_id__in=actor.whereabouts_agency_ids)
    if filters.agency_id:
        qs = qs.filter(_involving(filters.agency_id))
        qs = qs.exclude(
            hidden & Q(Exists(Agency.objects.filter(pk=filters.agency_id, kind="SCHOOL")))
        )
    if filters.school_id:
        qs = qs.filter(_involving(filters.school_id)).exclude(hidden)
    if filters.overdue:
        # Past the earliest date the case works towards or owes (its step's, or advice still
        # owed): stored on the case by the services (`ehcp.assessments.rules.breaches`).
        qs = qs.filter(breaches_on__lt=today)
    return qs


def case_advice_gaps(case: Assessment, *, whereabouts: bool) -> list[tuple[str, date, list]]:
    """The advice still missing when each step was taken (ADVICE-PROCEED), per step in the order
    taken: (step, date, [(advice label, source, overdue since, reason)]). One query (none when
    the case was read with `case_page_annotations` and has no gaps)."""
    groups: dict[tuple[str, date], list] = {}
    if _known_empty(case, "advice_gaps"):
        return []
    for gap in DecisionAdviceGap.objects.filter(case=case).select_related(
        "advice_request", "advice_request__agency"
    ):
        advice = gap.advice_request
        groups.setdefault((gap.get_decision_display(), gap.decided_on), []).append(
            (
                advice.short_label,
                agency_label(advice.agency, whereabouts=whereabouts, child=case.child),
                gap.overdue_since,
                gap.reason,
            )
        )
    return [(step, on, items) for (step, on), items in groups.items()]


# -- notices to partners (regs 4(2), 5(2), 10(2)) -----------------------------------------------


def notice_facts(case: Assessment, notices=None) -> notice_rules.NoticeFacts:
    """The facts `rules.notices` needs. `notices`: the case's notices if already fetched (the
    case page prefetches them); a corrected notice no longer counts."""
    notices = list(case.notices.all() if notices is None else notices)
    corrected = {n.corrects_id for n in notices if n.corrects_id}
    return notice_rules.NoticeFacts(
        request_received_on=case.request_received_on,
        date_of_birth=case.child.date_of_birth,
        has_setting=case.child.current_setting_id is not None,
        assessment_decided_on=case.assessment_decided_on,
        not_to_issue_on=case.issue_decided_on
        if case.status == AssessmentStatus.NOT_ISSUED
        else None,
        sent=tuple(n.as_fact() for n in notices if n.pk not in corrected),
    )


@dataclass(frozen=True)
class NoticeSummary:
    """The "Notices to partners" section of the case page."""

    owed: list[notice_rules.NoticeDue]
    due: list[notice_rules.NoticeDue]
    warnings: list[str]
    notices: list[StatutoryNotice]
    corrected_ids: frozenset[int]


def case_notices(case: Assessment) -> NoticeSummary:
    """What was sent and what is still owed. No query beyond the case's prefetched notices."""
    notices = list(case.notices.all())
    facts = notice_facts(case, notices)
    owed = notice_rules.notices_owed(facts)
    return NoticeSummary(
        owed=owed,
        due=[row for row in owed if not row.is_sent],
        warnings=notice_rules.late_notice_warnings(facts),
        notices=notices,
        corrected_ids=frozenset(n.corrects_id for n in notices if n.corrects_id),
    )


def notice_agencies(case: Assessment, *, today: date) -> dict[str, Agency | None]:
    """The agencies a notice would most likely go to, to prefill the form: the child's school or
    setting; the health body and social care agency asked for advice on this case, or else the
    only one of that kind that is a party to the council's information sharing agreement in
    force (the agencies app records no "linked" health body or social care agency)."""
    found: dict[str, Agency | None] = {"EDUCATION": case.child.current_setting}
    for recipient, kind in (
        (notice_rules.Recipient.HEALTH, AgencyKind.HEALTH),
        (notice_rules.Recipient.SOCIAL_CARE, AgencyKind.SOCIAL_CARE),
    ):
        asked = [a.agency for a in case.advice_requests.all() if a.agency.kind == kind]
        if asked:
            found[recipient] = asked[0]
            continue
        parties = list(
            Agency.objects.filter(
                kind=kind,
                is_active=True,
                sharing_agreements__in=SharingAgreement.objects.in_force(today).filter(
                    council_id=case.council_id
                ),
            ).distinct()[:2]
        )
        found[recipient] = parties[0] if len(parties) == 1 else None
    return found
