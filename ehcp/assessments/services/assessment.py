"""Everything that changes a case happens here, in one transaction, with who, when and why.

Each service checks the business rules (through the rooms' `rules` and the assessment's FSM conditions),
raises `CaseRuleError` with a message fit to show a caseworker when one is broken, and otherwise
changes the records and leaves a history reason. Nothing here knows about the workflow engine:
`workflows/` calls these services from its steps.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind
from ehcp.assessments.models import (
    ADVICE_AGENCY_KIND,
    REASSESSMENT_REQUESTERS,
    AdviceDecision,
    AdviceKind,
    AdviceRequest,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    ConsultationResponse,
    DecisionAdviceGap,
    Requester,
    SettingConsultation,
    StatutoryException,
)
from ehcp.assessments.rules import advice as advice_rules
from ehcp.assessments.rules import consultation as consultation_rules
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.exceptions import validate_exception
from ehcp.assessments.services.breaches import case_breaches_on
from ehcp.children.models import Child, ParentCarer
from ehcp.children.rules import consent as consent_rules
from ehcp.children.rules import identifiers
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common import links
from ehcp.common.display import agency_label
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.governance.services import case_pack_share_with_advisers, draft_plan_share_with_setting
from ehcp.plans.models import DocumentKind, EhcPlan
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.rules.plan_checks import Stage
from ehcp.plans.services import (
    ehc_plan_for_final,
    letter_queue,
    letter_served_on,
    plan_issue_content,
    plan_issue_documents,
)
from notifications.models import NotificationKind
from notifications.services import notification_queue_to_agency


def _transition(case: Assessment, verb: str, **kwargs) -> None:
    """Run an FSM transition, turning a refusal into a message for the user."""
    method = getattr(case, verb)
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:
        raise CaseRuleError(transition_refusal_message(case, verb)) from exc


def transition_refusal_message(case: Assessment, verb: str) -> str:
    """Why the case cannot take this step now, in a caseworker's words."""
    if verb == "decide_to_assess" and case.status == AssessmentStatus.REQUESTED:
        if not case.has_requested_advice():
            return "Choose at least one agency to ask for advice"
        missing = case.missing_consent_to_request_advice(
            case.advice_requests.order_by("-requested_on").values_list("requested_on", flat=True)[0]
        )
        if missing is not None:
            return consent_gate_message(case, missing)
    if (
        verb in {"decide_to_issue", "decide_not_to_issue"}
        and case.status == AssessmentStatus.ASSESSING
    ):
        return (
            "Each piece of advice must be accepted, cancelled, or overdue with a reason for "
            "deciding without it, before you decide whether to issue a plan"
        )
    if verb == "issue_final" and case.status == AssessmentStatus.CONSULTING:
        if not case.consultations.exists():
            return "Consult a school or setting before you issue the final plan"
        return (
            "Every setting consulted must reply or have had its 15 days before you issue the "
            "final plan"
        )
    return f"This case is at the stage \u201c{case.get_status_display()}\u201d, so this step cannot be taken now"


def consent_gate_message(case: Assessment, missing: consent_rules.MissingConsent) -> str:
    """Why advice cannot be asked for yet, naming the agencies consent does not cover. The
    message does not know who reads it: a protected child's school is not named."""
    child = case.child
    whereabouts = not child.protected_whereabouts
    names = {
        agency.pk: agency_label(agency, whereabouts=whereabouts, child=child)
        for agency in Agency.objects.filter(pk__in=missing.agency_ids)
    }
    return consent_rules.gate_message(missing, names, first_name=child.first_name)


def adviser_kind_check(kind: str, agency: Agency) -> None:
    """Each kind of advice comes from its kind of agency (reg 6(1)); "other" from anyone."""
    expected = ADVICE_AGENCY_KIND[AdviceKind(kind)]
    if expected != AgencyKind.OTHER and agency.kind != expected:
        raise CaseRuleError(
            f"{AdviceKind(kind).label} must come from a {AgencyKind(expected).label.lower()}"
        )


# -- telling people -------------------------------------------------------------------------


def advice_page_link(advice: AdviceRequest) -> str:
    """The advice page: the adviser goes on from it to their task, the council to its review."""
    return links.url("advice", advice)


def advice_requested_notify(advice: AdviceRequest) -> None:
    """Tell the agency's queue (everyone who works it, and its mailbox) that advice is asked of
    them; call inside the transaction that asks. The family's views are the council's own
    record, so nobody is told about those. The message names no one (DM-03)."""
    if advice.kind == AdviceKind.PARENT_VIEWS:
        return
    notification_queue_to_agency(
        kind=NotificationKind.ADVICE_REQUESTED,
        agency=advice.agency,
        link=advice_page_link(advice),
        key=f"advice-requested:{advice.pk}",
    )


# -- the request --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    last_name: str
    date_of_birth: date
    upn: str = ""
    nhs_number: str = ""
    address: str = ""
    postcode: str = ""
    protected_whereabouts: bool = False
    current_setting: Agency | None = None
    primary_need: str = ""
    secondary_need: str = ""


@dataclass(frozen=True)
class ParentDetails:
    name: str
    relationship: str
    email: str = ""
    phone: str = ""
    has_parental_responsibility: bool = True


def _checked_identifiers(details: ChildDetails) -> ChildDetails:
    """The child's NHS number, UPN and postcode in their stored form, or every problem at once."""
    checked, errors = {}, []
    for name, normalise in (
        ("upn", identifiers.normalise_upn),
        ("nhs_number", identifiers.normalise_nhs_number),
        ("postcode", identifiers.normalise_postcode),
    ):
        try:
            checked[name] = normalise(getattr(details, name))
        except identifiers.IdentifierError as exc:
            errors.append(str(exc))
    if errors:
        raise CaseRuleError(*errors)
    return replace(details, **checked)


def case_request_receive(
    *,
    council: Agency,
    child: Child | None = None,
    child_details: ChildDetails | None = None,
    parents: Iterable[ParentDetails] = (),
    requested_by: str,
    requester_name: str,
    received_on: date,
    reasons: str,
    caseworker=None,
    by,
    today: date | None = None,
) -> Assessment:
    """Record a request for an EHC needs assessment. The clock starts on the day it was received.

    A request recorded as the young person's must come from a young person: someone over
    compulsory school age on the day it was received (CFA 2014 ss.36(1) and 83(2)); one recorded
    as a parent's must be for a child, or for a young person for whom a lack of capacity to decide
    is recorded that day (MCA 2005; CFA 2014 s.80): `young_person.requester_refusal`."""
    today = today or timezone.localdate()
    if council.kind != AgencyKind.SEN_TEAM:
        raise CaseRuleError("Only a council SEN team can receive a request for assessment")
    date_check(received_on, today=today, what="the request was received")
    if child is None and child_details is None:
        raise CaseRuleError("Enter the child or young person's details")
    date_of_birth = (child or child_details).date_of_birth
    if date_of_birth > received_on:
        raise CaseRuleError("The date of birth must be before the date the request was received")
    if consent_rules.age_on(date_of_birth, received_on) >= 25:
        raise CaseRuleError("EHC plans are for children and young people up to the age of 25")
    refusal = young_person_rules.requester_refusal(
        requested_by=requested_by,
        date_of_birth=date_of_birth,
        received_on=received_on,
        first_name=(child or child_details).first_name,
        facts=child.young_person_facts() if child is not None else (),
    )
    if refusal:
        raise CaseRuleError(refusal)
    kind = AssessmentKind.INITIAL
    if child is not None and EhcPlan.objects.live().filter(child=child).exists():
        # A child or young person with a plan in force: a request for a re-assessment (reg 24).
        kind = AssessmentKind.REASSESSMENT
        if requested_by not in REASSESSMENT_REQUESTERS:
            raise CaseRuleError(
                "A re-assessment can be asked for by the parent, the young person, the school or "
                "setting attended, or the health commissioning body (SEND Regulations 2014, "
                "reg 24(1))"
            )
    elif requested_by == Requester.HEALTH_BODY:
        raise CaseRuleError(
            "A health commissioning body can ask only for a re-assessment of a child or young "
            "person with a plan in force: record who asked for this assessment"
        )
    if child is None:
        child_details = _checked_identifiers(child_details)
    with transaction.atomic():
        if child is None:
            child = Child(**child_details.__dict__)
            history_save(child, "Child recorded with a request for assessment", by)
            for parent in parents:
                history_save(
                    ParentCarer(child=child, **parent.__dict__), "Parent or carer recorded", by
                )
        elif Assessment.objects.open().filter(child=child).exists():
            raise CaseRuleError(f"{child.full_name} already has an open request for assessment")
        case = Assessment(
            child=child,
            council=council,
            caseworker=caseworker,
            requested_by=requested_by,
            requester_name=requester_name,
            request_received_on=received_on,
            request_reasons=reasons,
            kind=kind,
            previous_assessment_on=last_assessment_completed_on(child, before=received_on)
            if kind == AssessmentKind.REASSESSMENT
            else None,
        )
        case.set_statutory_dates()
        case.breaches_on = case_breaches_on(case)
        history_save(
            case,
            "Request for a re-assessment received"
            if kind == AssessmentKind.REASSESSMENT
            else "Request for assessment received",
            by,
        )
    return case


def last_assessment_completed_on(child: Child, *, before: date) -> date | None:
    """The day the child's last EHC needs assessment (first or re-assessment) was completed, on or
    before `before`: the council's decision whether to issue, or amend or replace, the plan after
    it [INTERP: an assessment is "conducted" when that decision ends it; a request refused or
    withdrawn before then carried out none] (reg 24)."""
    return (
        Assessment.objects.filter(child=child, issue_decided_on__lte=before)
        .order_by("-issue_decided_on")
        .values_list("issue_decided_on", flat=True)
        .first()
    )


# -- decision whether to assess -----------------------------------------------------------


@dataclass(frozen=True)
class AdviceToSeek:
    kind: str
    agency: Agency


def case_assessment_decide(
    *,
    case: Assessment,
    assess: bool,
    decided_on: date,
    reasons: str = "",
    advice: Iterable[AdviceToSeek] = (),
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Assessment:
    """Decide whether to carry out an EHC needs assessment (regs 4 and 5).

    `sent`: how and when the refusal letter was sent, if it has been (the mediation and appeal
    dates run from it); otherwise it is recorded later on the documents page.

    Deciding to assess sends the advice requests, each due 6 weeks later (reg 8(1)); that shares
    information with the agencies, so it needs consent covering them (or a recorded override).
    """
    today = today or timezone.localdate()
    if case.status != AssessmentStatus.REQUESTED:
        raise CaseRuleError(transition_refusal_message(case, "decide_to_assess"))
    date_check(decided_on, today=today, not_before=case.request_received_on, what="of the decision")
    advice = list(advice)
    requested: list[AdviceRequest] = []
    with transaction.atomic():
        if assess:
            kinds = [item.kind for item in advice]
            if len(kinds) != len(set(kinds)):
                raise CaseRuleError("Ask each kind of adviser once")
            for item in advice:
                adviser_kind_check(item.kind, item.agency)
                requested.append(
                    AdviceRequest.objects.create(
                        case=case,
                        kind=item.kind,
                        agency=item.agency,
                        requested_on=decided_on,
                        due_on=deadlines.due_on(deadlines.ADVICE, decided_on),
                    )
                )
            # The consent gate (the transition's condition) and the shares it allows read the
            # child's consents and young-person records once.
            with case.child.consents_read_once():
                _transition(case, "decide_to_assess", on=decided_on)
                for advice_request in requested:
                    advice_requested_notify(advice_request)
                # Each partner's case pack, logged, as of the decision (as the consent gate).
                case_pack_share_with_advisers(case=case, advice=requested, by=by, today=decided_on)
            reason = "Decided to assess; advice requested"
        else:
            if not reasons.strip():
                raise CaseRuleError("Enter the reasons for refusing to assess")
            _transition(case, "refuse_to_assess", on=decided_on, reasons=reasons)
            reason = "Decided not to assess"
        # Advice is first asked for here (never before the decision): `requested` is all of it.
        case.breaches_on = case_breaches_on(case, advice=requested)
        history_save(case, reason, by)
        if not assess:
            letter_queue(
                episode=case,
                kind=DocumentKind.REFUSAL_LETTER,
                issued_on=decided_on,
                by=by,
                sent=sent,
                today=today,
            )
    return case


# advice_submit (structured advice, reg 8(1)) lives with the rest of the advice portal in advice.py.


# -- decision whether to issue, draft, comments, consultation, final ----------------------


def advice_gaps_record(
    *,
    case: Assessment,
    decision: str,
    decided_on: date,
    by,
    reasons: dict[int, str] | None = None,
    required: bool = True,
) -> list[DecisionAdviceGap]:
    """Record the advice still missing as the council takes `decision` (ADVICE-PROCEED), inside
    the caller's transaction. With `required` (the decision whether to issue, reg 10(1)) advice
    not yet due refuses the decision and each overdue piece needs a reason, kept on the request
    (who, when, why); the final plan (reg 13(2)) is never held back, and records what is missing
    with the reasons given before."""
    reasons = {key: (text or "").strip() for key, text in (reasons or {}).items()}
    advice = list(
        AdviceRequest.objects.select_for_update().filter(case=case).order_by("due_on", "pk")
    )
    if required:
        problems = advice_rules.decision_problems(
            [item.as_fact() for item in advice], on=decided_on, reasons=reasons
        )
        if problems:
            raise CaseRuleError(*problems)
    gaps = []
    for item in advice:
        if not item.is_outstanding:
            continue
        reason = reasons.get(item.pk, "")
        if required and reason and reason != item.proceeded_without_reason:
            item.proceeded_without_reason = reason
            item.proceeded_without_by = by
            item.proceeded_without_on = decided_on
            history_save(item, "Decided without this advice, overdue", by)
        gaps.append(
            DecisionAdviceGap.objects.create(
                case=case,
                decision=decision,
                advice_request=item,
                decided_on=decided_on,
                overdue_since=item.due_on,
                reason=item.proceeded_without_reason or reason,
                recorded_by=by,
            )
        )
    return gaps


def case_issue_decide(
    *,
    case: Assessment,
    issue: bool,
    decided_on: date,
    reasons: str = "",
    advice_reasons: dict[int, str] | None = None,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Assessment:
    """Decide whether to issue an EHC plan. A decision not to issue is due by week 16 (reg 10).

    A silent adviser does not hold the decision back: advice overdue under reg 8(1) may be gone
    without, with a reason for each (`advice_reasons`, by advice request id), recorded on the
    request and with the decision (ADVICE-PROCEED). The advice stays asked for.

    `sent`: how and when the letter of a decision not to issue was sent, if it has been (the
    mediation and appeal dates run from it); otherwise it is recorded later on the documents page."""
    today = today or timezone.localdate()
    date_check(
        decided_on, today=today, not_before=case.assessment_decided_on, what="of the decision"
    )
    if case.status != AssessmentStatus.ASSESSING:
        raise CaseRuleError(transition_refusal_message(case, "decide_to_issue"))
    with transaction.atomic():
        advice_gaps_record(
            case=case,
            decision=AdviceDecision.ISSUE if issue else AdviceDecision.NOT_ISSUE,
            decided_on=decided_on,
            reasons=advice_reasons,
            by=by,
        )
        if issue:
            _transition(case, "decide_to_issue", on=decided_on)
            reason = "Decided to issue a plan"
        else:
            if not reasons.strip():
                raise CaseRuleError("Enter the reasons for not issuing a plan")
            _transition(case, "decide_not_to_issue", on=decided_on, reasons=reasons)
            reason = "Decided not to issue a plan"
        case.breaches_on = case_breaches_on(case)
        history_save(case, reason, by)
        if not issue:
            letter_queue(
                episode=case,
                kind=DocumentKind.NOT_ISSUING_LETTER,
                issued_on=decided_on,
                by=by,
                sent=sent,
                today=today,
            )
    return case


def plan_draft_issue(
    *,
    case: Assessment,
    issued_on: date,
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Assessment:
    """Send the draft plan. The family has 15 days, beginning with the day it is served (reg 13(1)):
    the day `sent` says it was served (ehcp.plans.rules.letters.served_on), or, when the sending is
    recorded later on the documents page, from then.

    The plan must pass the draft checks (ehcp.plans.rules.plan_checks); the draft is frozen as a new
    document version and rendered, with its covering letter, after the commit."""
    today = today or timezone.localdate()
    if case.status != AssessmentStatus.DRAFTING:
        raise CaseRuleError(transition_refusal_message(case, "issue_draft"))
    date_check(
        issued_on, today=today, not_before=case.issue_decided_on, what="the draft was issued"
    )
    with transaction.atomic():
        content = plan_issue_content(case=case, stage=Stage.DRAFT, issued_on=issued_on)
        served_on = letter_served_on(sent) if sent is not None else None
        _transition(case, "issue_draft", on=issued_on, served_on=served_on)
        case.breaches_on = case_breaches_on(case)
        history_save(case, "Draft plan issued", by)
        plan_issue_documents(
            episode=case,
            stage=Stage.DRAFT,
            content=content,
            issued_on=issued_on,
            by=by,
            sent=sent,
            today=today,
        )
    return case


def _consultation_send(
    *, case: Assessment, setting: Agency, requested_by_family: bool, by, today: date
) -> SettingConsultation:
    """Consult one setting about being named: its 15 days run from today (CoP 9.83) and it is
    sent the draft plan (logged)."""
    consultation = SettingConsultation(
        case=case,
        setting=setting,
        requested_by_family=requested_by_family,
        sent_on=today,
        reply_due_on=deadlines.due_on(deadlines.SETTING_CONSULTATION, today),
    )
    history_save(
        consultation,
        "Setting consulted about being named"
        + (" (the family's preference)" if requested_by_family else ""),
        by,
    )
    draft_plan_share_with_setting(case=case, setting=setting, by=by, today=today)
    return consultation


def _settings_check(settings: list[Agency]) -> None:
    if not settings:
        raise CaseRuleError("Choose at least one school, college or early years setting to consult")
    if any(setting.kind != AgencyKind.SCHOOL for setting in settings):
        raise CaseRuleError("Choose a school, college or early years setting to consult")
    if len({setting.pk for setting in settings}) != len(settings):
        raise CaseRuleError("Choose each setting to consult only once")


def draft_comments_record(
    *,
    case: Assessment,
    received_on: date | None,
    summary: str,
    requested_setting: Agency | None = None,
    alternatives: Iterable[Agency] = (),
    setting_to_consult: Agency | None = None,
    requested_by_family: bool = False,
    meeting_requested: bool = False,
    no_further_comments_on: date | None = None,
    by,
    today: date | None = None,
) -> list[SettingConsultation]:
    """Record the family's comments on the draft and consult the settings, each with its own 15
    days (CoP 9.83): the school or college the family asked for, which must be consulted
    (s.39(2) CFA 2014), and any the council considers as well (s.40(2)). Returns the
    consultations, the family's preference first.

    `setting_to_consult` with `requested_by_family` is the one-setting shorthand.
    Without comments from the family, the council waits until the 15-day period has ended.
    `no_further_comments_on` is the day the parent or young person said in writing that they have
    nothing more to add: only that lets the final plan come before the 15 days end (reg 13(1)).
    """
    today = today or timezone.localdate()
    alternatives = list(alternatives)
    if setting_to_consult is not None:
        if requested_by_family:
            requested_setting = setting_to_consult
        else:
            alternatives.append(setting_to_consult)
    if case.status != AssessmentStatus.DRAFT_ISSUED:
        raise CaseRuleError(transition_refusal_message(case, "record_comments"))
    if received_on is not None:
        date_check(
            received_on, today=today, not_before=case.draft_issued_on, what="of the comments"
        )
    elif case.draft_comments_due_on is None:
        raise CaseRuleError(
            "The draft plan is not recorded as sent: record how it was sent (on the case's "
            "documents page), as the 15 days for representations begin with the day it was served"
        )
    elif today <= case.draft_comments_due_on:
        raise CaseRuleError(
            "The family has until "
            f"{case.draft_comments_due_on:%-d %B %Y} to comment on the draft: record their comments, "
            "or wait until the period has ended"
        )
    if no_further_comments_on is not None:
        date_check(
            no_further_comments_on,
            today=today,
            not_before=case.draft_issued_on,
            what="the family said they have nothing more to add",
        )
    settings = ([requested_setting] if requested_setting else []) + alternatives
    _settings_check(settings)
    with transaction.atomic():
        _transition(
            case,
            "record_comments",
            received_on=received_on,
            summary=summary,
            requested_setting=requested_setting,
            meeting_requested=meeting_requested,
            no_further_comments_on=no_further_comments_on,
        )
        case.breaches_on = case_breaches_on(case)
        history_save(case, "Comments on the draft recorded", by)
        consultations = [
            _consultation_send(
                case=case,
                setting=setting,
                requested_by_family=setting == requested_setting,
                by=by,
                today=today,
            )
            for setting in settings
        ]
    return consultations


def setting_consult(
    *, case: Assessment, setting: Agency, by, today: date | None = None
) -> SettingConsultation:
    """Consult one more setting while the council is consulting (for example when the first
    declines): its own 15 days from today (CoP 9.83; s.40(2) CFA 2014). The caller holds the
    case's lock and the transaction (workflows adds its task)."""
    today = today or timezone.localdate()
    if case.status != AssessmentStatus.CONSULTING:
        raise CaseRuleError(
            "Settings can be consulted only while the council is consulting on the draft plan"
        )
    _settings_check([setting])
    if (
        case.consultations.filter(setting=setting, closed_without_reply_on__isnull=True)
        .filter(replied_on__isnull=True)
        .exists()
    ):
        raise CaseRuleError(f"{setting.name} is already being consulted")
    with transaction.atomic():
        return _consultation_send(
            case=case, setting=setting, requested_by_family=False, by=by, today=today
        )


def consultation_reply_record(
    *,
    consultation: SettingConsultation,
    replied_on: date,
    response: str,
    notes: str,
    by,
    today: date | None = None,
) -> SettingConsultation:
    """The setting's answer to the consultation (it should reply within 15 days, CoP 9.83)."""
    today = today or timezone.localdate()
    if consultation.replied_on is not None:
        raise CaseRuleError("This setting has already replied")
    if consultation.closed_without_reply_on is not None:
        raise CaseRuleError(
            f"The final plan was issued on {consultation.closed_without_reply_on:%-d %B %Y} "
            f"without this setting's reply: no reply by {consultation.reply_due_on:%-d %B %Y}"
        )
    date_check(replied_on, today=today, not_before=consultation.sent_on, what="of the reply")
    with transaction.atomic():
        consultation.replied_on = replied_on
        consultation.response = response
        consultation.response_notes = notes
        consultation.replied_by = by
        history_save(consultation, "Setting replied to consultation", by)
    return consultation


def plan_final_issue(
    *,
    case: Assessment,
    issued_on: date,
    named_setting: Agency | None,
    named_setting_type: str = "",
    by,
    today: date | None = None,
    sent: LetterSent | None = None,
) -> Assessment:
    """Issue the final EHC plan, naming in section I a setting that was consulted or a type of
    setting (s.39, s.40(2) CFA 2014), by week 20 (reg 13(2)).

    Every setting consulted must have replied or had its 15 days (CoP 9.83): a silent setting does
    not hold the plan back once they have passed, and its silence is recorded on the consultation
    ("no reply by <due date>"). Returns the case; `case.silent_consultations` lists those recorded
    (the caller ends their tasks). The plan must pass the final checks; it is frozen as a new
    document version and rendered, with its covering letter, after the commit."""
    today = today or timezone.localdate()
    named_setting_type = (named_setting_type or "").strip()
    if case.status != AssessmentStatus.CONSULTING:
        raise CaseRuleError(transition_refusal_message(case, "issue_final"))
    date_check(
        issued_on,
        today=today,
        not_before=max(d for d in (case.draft_issued_on, case.comments_received_on) if d),
        what="the final plan was issued",
    )
    if case.draft_comments_due_on is None:
        raise CaseRuleError(
            "The final plan cannot be issued until the draft plan is recorded as sent: the 15 "
            "days for representations begin with the day it was served (reg 13(1))"
        )
    if not deadlines.representations_closed(
        comments_due_on=case.draft_comments_due_on,
        no_further_comments_on=case.no_further_comments_on,
        on=issued_on,
    ):
        raise CaseRuleError(
            "The final plan cannot be issued until "
            f"{case.draft_comments_due_on + timedelta(days=1):%-d %B %Y}: the family has at least "
            "15 days to make representations on the draft (reg 13(1)), even if they have already "
            "commented, unless they say in writing that they have nothing more to add"
        )
    consultations = list(case.consultations.select_related("setting").order_by("sent_on", "pk"))
    facts = [c.as_fact() for c in consultations]
    if not facts:
        raise CaseRuleError(transition_refusal_message(case, "issue_final"))
    waiting = consultation_rules.final_blocked_by(facts, on=issued_on)
    if waiting:
        names = ", ".join(
            f"{c.setting.name} (until {c.reply_due_on:%-d %B %Y})"
            for c in consultations
            if c.as_fact() in waiting
        )
        raise CaseRuleError(
            "The final plan cannot be issued until every setting consulted has replied or had its "
            f"15 days (SEND Code of Practice 9.83): waiting for {names}"
        )
    problem = consultation_rules.named_setting_problem(
        facts,
        setting_id=named_setting.pk if named_setting else None,
        setting_type=named_setting_type,
    )
    if problem is not None:
        if named_setting is not None and "Consult" in problem:
            problem = f"Consult {named_setting.name} before naming it in the final plan"
        raise CaseRuleError(problem)
    silent = consultation_rules.silent_on(facts, on=issued_on)
    with transaction.atomic():
        recorded = []
        for consultation in consultations:
            if consultation.replied_on is None and consultation.as_fact() in silent:
                consultation.response = ConsultationResponse.NO_REPLY
                consultation.closed_without_reply_on = issued_on
                history_save(
                    consultation,
                    f"No reply by {consultation.reply_due_on:%-d %B %Y}: final plan issued",
                    by,
                )
                recorded.append(consultation)
        content = plan_issue_content(
            case=case,
            stage=Stage.FINAL,
            issued_on=issued_on,
            named_setting=named_setting,
            named_setting_type=named_setting_type,
        )
        _transition(
            case,
            "issue_final",
            on=issued_on,
            named_setting=named_setting,
            named_setting_type=named_setting_type,
        )
        # Advice still missing is gone without (reg 13(2) does not wait for it): recorded.
        advice_gaps_record(
            case=case, decision=AdviceDecision.FINAL, decided_on=issued_on, by=by, required=False
        )
        ehc_plan_for_final(case=case, issued_on=issued_on, by=by)
        case.breaches_on = case_breaches_on(case)
        history_save(case, "Final plan issued", by)
        plan_issue_documents(
            episode=case,
            stage=Stage.FINAL,
            content=content,
            issued_on=issued_on,
            by=by,
            sent=sent,
            today=today,
        )
    case.silent_consultations = recorded
    return case


# -- withdrawal of the request ---------------------------------------------------------------


def case_withdraw(
    *,
    case: Assessment,
    withdrawn_on: date,
    withdrawn_by_whom: str,
    reasons: str,
    by,
    today: date | None = None,
) -> Assessment:
    """Record that the parent or young person withdrew the request: the episode closes on the day
    of the withdrawal, with the reasons, and the child is free for a later request.

    Only the party withdraws: the parent of a child, a young person themselves, or the parent of a
    young person who lacks capacity (recorded) (`young_person.withdrawal_refusal`). The caller
    (workflows) ends the case's tasks and chasers in the same transaction."""
    today = today or timezone.localdate()
    if case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can record that a request was withdrawn")
    if not case.is_open:
        raise CaseRuleError(
            f"This case is closed (\u201c{case.get_status_display()}\u201d): there is no request "
            "to withdraw"
        )
    errors: list[str] = []
    try:
        date_check(
            withdrawn_on,
            today=today,
            not_before=case.request_received_on,
            what="the request was withdrawn",
        )
    except CaseRuleError as error:
        errors += error.messages
    reasons = (reasons or "").strip()
    if not reasons:
        errors.append("Enter the reasons the request was withdrawn")
    refusal = young_person_rules.withdrawal_refusal(
        withdrawn_by_whom,
        date_of_birth=case.child.date_of_birth,
        on=withdrawn_on,
        facts=case.child.young_person_facts(),
        first_name=case.child.first_name,
    )
    if refusal:
        errors.append(refusal)
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        _transition(
            case,
            "withdraw",
            on=withdrawn_on,
            by_whom=withdrawn_by_whom,
            reasons=reasons,
            recorded_by=by,
        )
        case.breaches_on = case_breaches_on(case)
        history_save(case, "Request withdrawn", by)
    return case


# -- exceptions to the time limits --------------------------------------------------------


def _time_limit_window(
    case: Assessment, period: deadlines.StatutoryPeriod, advice_request: AdviceRequest | None
) -> tuple[date, date]:
    """The start (day 0) and the statutory date of the time limit an exception excuses: from the
    request (or the advice request) to its due date."""
    if advice_request is not None:
        return advice_request.requested_on, advice_request.due_on
    if period is deadlines.REASSESS_FINAL:  # from the decision to re-assess (reg 27(2))
        return case.assessment_decided_on or case.decision_to_assess_due_on, case.final_plan_due_on
    return case.request_received_on, deadlines.due_on(period, case.request_received_on)


def exception_record(
    *,
    case: Assessment,
    period_code: str,
    limb: str,
    starts_on: date,
    ends_on: date | None,
    evidence: str,
    reasoning: str,
    advice_request: AdviceRequest | None = None,
    ongoing: bool = False,
    ongoing_evidence: str = "",
    family_told_on: date | None = None,
    by,
    today: date | None = None,
) -> StatutoryException:
    """Record a lawful exception to a time limit. The statutory date itself never moves.

    The circumstances need an end date, or to be recorded as still going on with the evidence
    for that (`exception_update` records the end date later); they must fall inside the time
    limit they excuse; and the family must have been told (CoP 9.40)."""
    today = today or timezone.localdate()
    if case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can record an exception on this case")
    period = PERIODS_BY_CODE.get(period_code)
    if period is None or period not in case.exception_periods:
        raise CaseRuleError("Choose a time limit of this case that allows exceptions")
    if period is deadlines.ADVICE and advice_request is None:
        raise CaseRuleError("Choose the advice request the exception is about")
    if period is not deadlines.ADVICE and advice_request is not None:
        raise CaseRuleError("Choose an advice request only for the advice time limit")
    if advice_request is not None and advice_request.case_id != case.pk:
        raise CaseRuleError("Choose advice requested for this case")
    period_starts_on, period_due_on = _time_limit_window(case, period, advice_request)
    ongoing_evidence = (ongoing_evidence or "").strip() if ongoing else ""
    errors = validate_exception(
        period,
        limb,
        starts_on=starts_on,
        ends_on=ends_on,
        ongoing=ongoing,
        period_starts_on=period_starts_on,
        period_due_on=period_due_on,
        today=today,
    )
    if ongoing and not ongoing_evidence:
        errors.append("Enter the evidence that the circumstances are still going on")
    if not evidence.strip():
        errors.append("Enter the evidence for the exception")
    if not reasoning.strip():
        errors.append("Explain why the exception made the time limit impractical to meet")
    errors += _family_told_errors(family_told_on, today=today)
    if errors:
        raise CaseRuleError(*errors)
    with transaction.atomic():
        exception = StatutoryException(
            case=case,
            period_code=period_code,
            limb=limb.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            ongoing=ongoing,
            ongoing_evidence=ongoing_evidence,
            evidence=evidence,
            reasoning=reasoning,
            advice_request=advice_request,
            family_told_on=family_told_on,
            recorded_by=by,
        )
        history_save(exception, f"Exception reg {exception.limb} recorded", by)
    return exception


def _family_told_errors(family_told_on: date | None, *, today: date) -> list[str]:
    if family_told_on is None:
        return ["Enter the date the family was told about the exception"]
    if family_told_on > today:
        return ["The date the family was told must be today or in the past"]
    return []


def exception_update(
    *,
    exception: StatutoryException,
    ends_on: date | None = None,
    ongoing: bool = False,
    ongoing_evidence: str = "",
    family_told_on: date | None = None,
    by,
    today: date | None = None,
) -> StatutoryException:
    """Complete an exception: the date its circumstances ended (for one still going on, or one
    recorded before an end date was asked for), or that they are still going on, with the
    evidence; and the date the family was told, where that is missing. A date already recorded
    is not changed. Saved with history."""
    today = today or timezone.localdate()
    with transaction.atomic():
        exception = (
            StatutoryException.objects.select_for_update(of=("self",))
            .select_related("case", "advice_request")
            .get(pk=exception.pk)
        )
        case = exception.case
        if case.council_id not in actor_for(by).council_agency_ids:
            raise CaseRuleError("Only the council's SEN team can change an exception on this case")
        ongoing_evidence = (ongoing_evidence or "").strip() if ongoing else ""
        errors: list[str] = []
        changes: list[str] = []
        if exception.ends_on is not None:
            if ends_on is not None or ongoing:
                errors.append("The date the circumstances ended is already recorded")
        elif ends_on is not None or ongoing or not exception.ongoing:
            period = PERIODS_BY_CODE[exception.period_code]
            period_starts_on, period_due_on = _time_limit_window(
                case, period, exception.advice_request
            )
            errors += validate_exception(
                period,
                exception.limb,
                starts_on=exception.starts_on,
                ends_on=ends_on,
                ongoing=ongoing,
                period_starts_on=period_starts_on,
                period_due_on=period_due_on,
                today=today,
            )
            if ongoing and not ongoing_evidence:
                errors.append("Enter the evidence that the circumstances are still going on")
            if ends_on is not None:
                changes.append("end date recorded")
            elif ongoing and (
                not exception.ongoing or ongoing_evidence != exception.ongoing_evidence
            ):
                changes.append("still going on")
        if exception.family_told_on is None:
            errors += _family_told_errors(family_told_on, today=today)
            changes.append("family told recorded")
        elif family_told_on is not None and family_told_on != exception.family_told_on:
            errors.append("The date the family was told is already recorded")
        if errors:
            raise CaseRuleError(*errors)
        if not changes:
            raise CaseRuleError("There is nothing to update on this exception")
        if ends_on is not None:
            exception.ends_on, exception.ongoing = ends_on, False
        elif ongoing:
            exception.ongoing, exception.ongoing_evidence = True, ongoing_evidence
        if exception.family_told_on is None:
            exception.family_told_on = family_told_on
        history_save(exception, f"Exception reg {exception.limb}: {'; '.join(changes)}", by)
    return exception


PERIODS_BY_CODE = {period.code: period for period in deadlines.ALL_PERIODS}
