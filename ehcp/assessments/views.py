"""Case pages. Each view parses input, calls one service or selector, and renders the result."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind
from ehcp.assessments import forms
from ehcp.assessments import selectors as assessment_selectors
from ehcp.assessments.models import OPEN_STATUSES, AssessmentStatus, StatutoryException
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules import notices as notice_rules
from ehcp.assessments.rules.deadlines import format_date
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services import notices as notice_services
from ehcp.children import services as child_services
from ehcp.children.models import ConsentRecord, YoungPersonRecord
from ehcp.children.rules.consent import Step
from ehcp.common.calendar import bank_holidays_around
from ehcp.common.pagination import keyset_page
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, manager_required, posted_data
from ehcp.governance.access import (
    case_for_officer,
    case_get_with_access,
    case_list_for_user,
    shows_consents,
)
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans import selectors as plan_selectors


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def case_list(request):
    mine = request.GET.get("show") != "all"
    cases = (
        case_list_for_user(request.user)
        .select_related("child", "caseworker")
        .order_by("final_plan_due_on", "pk")
    )
    if mine:
        cases = cases.filter(caseworker=request.user)
    if request.GET.get("closed") != "1":
        cases = cases.open()
    page = keyset_page(cases, params=request.GET, key="final_plan_due_on")
    today = timezone.localdate()
    rows = [(case, assessment_selectors.case_current_due(case)) for case in page.rows]
    audit_read(request, what="list", child_ids=[case.child_id for case in page.rows])
    return render(
        request,
        "ehcp/assessments/case_list.html",
        {"page": page, "rows": rows, "mine": mine, "today": today},
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def case_detail(request, public_id):
    case, access = case_get_with_access(
        public_id=public_id,
        user=request.user,
        prefetch=[
            assessment_selectors.case_advice_prefetch(),
            assessment_selectors.case_consents_prefetch(),
        ],
        annotate=assessment_selectors.case_page_annotations(),
    )
    assessment_selectors.case_with_details(case)
    audit_read(request, what="case", case=case, access=access)
    today = timezone.localdate()
    actor = actor_for(request.user)
    council = access.relationship == "council"
    letters = plan_selectors.case_letters(case) if council and case.has_letters else []
    return render(
        request,
        "ehcp/assessments/case_detail.html",
        {
            "case": case,
            "child": case.child,
            "access": access,
            "shows": access.shows,
            "council_view": council,
            "requested_by": assessment_selectors.requester_label(case, access=access),
            "today": today,
            "age": case.child.age_on(today),
            "timeline": assessment_selectors.case_timeline(
                case,
                today=today,
                warn_days=settings.DEADLINE_WARN_DAYS,
                whereabouts=access.whereabouts,
            ),
            "appeal": assessment_selectors.case_appeal_rights(case, letters) if council else None,
            "letters": letters,
            "reassessment": assessment_selectors.case_reassessment(case),
            "young_person": assessment_selectors.case_young_person(case, today=today)
            if council
            else None,
            "consents": case.child.consents.all() if shows_consents(access) else (),
            "overrides": case.consent_overrides.all(),
            "exceptions": case.exceptions.all() if council else (),
            "advice_gaps": assessment_selectors.case_advice_gaps(
                case, whereabouts=access.whereabouts
            )
            if council
            else (),
            "notices": assessment_selectors.case_notices(case) if council else None,
            "may_edit": council and actor.is_council_officer,
            "may_withdraw": council and actor.is_council_officer and case.is_open,
            "may_override": actor.may_override_consent(case.council_id)
            and case.status == AssessmentStatus.REQUESTED,
            "may_change_caseworker": council
            and actor.can_manage_agency(case.council_id)
            and case.status in OPEN_STATUSES,
        },
    )


def _case_form(
    request, case, form, *, perform, success: str, title: str, button: str, lead: str = ""
):
    """The shape every case form shares: a valid form calls one service; a refused rule shows its
    message in the error summary and changes nothing; success returns to the case page."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("ehcp:case-detail", public_id=case.public_id)
    audit_read(request, what="case", case=case, data_types=["IDENTITY"])
    return render(
        request,
        "ehcp/assessments/form_page.html",
        {"case": case, "form": form, "title": title, "button": button, "lead": lead},
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def consent_new(request, public_id):
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    form = forms.ConsentForm(posted_data(request), case=case, whereabouts=access.whereabouts)
    return _case_form(
        request,
        case,
        form,
        perform=lambda data: child_services.consent_record(
            child=case.child, case=case, by=request.user, **data
        ),
        success="Consent recorded",
        title="Record consent",
        button="Record consent",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def consent_withdraw(request, public_id, consent_id):
    case = case_for_officer(request, public_id)
    consent = get_object_or_404(ConsentRecord, public_id=consent_id, child=case.child)
    return _case_form(
        request,
        case,
        forms.ConsentWithdrawForm(posted_data(request)),
        perform=lambda data: child_services.consent_withdraw(
            consent=consent, by=request.user, **data
        ),
        success="Withdrawal of consent recorded",
        title="Record that consent was withdrawn",
        button="Record withdrawal",
        lead=str(consent),
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def young_person_record_new(request, public_id):
    case = case_for_officer(request, public_id)
    first = case.child.first_name
    return _case_form(
        request,
        case,
        forms.YoungPersonRecordForm(posted_data(request)),
        perform=lambda data: child_services.young_person_record(
            child=case.child, by=request.user, **data
        ),
        success="Recorded. Who gives consent and who is sent the letters follow it.",
        title=f"Record {first}'s capacity or agreement",
        button="Record it",
        lead=f"{first} is a young person from {case.child.young_person_from:%-d %B %Y}. From "
        "then the decisions and letters are theirs; their parent or carer acts for them only if "
        "they lack capacity, and is sent the letters too only if they agree.",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def young_person_record_end(request, public_id, record_id):
    case = case_for_officer(request, public_id)
    record = get_object_or_404(YoungPersonRecord, public_id=record_id, child=case.child)
    return _case_form(
        request,
        case,
        forms.YoungPersonRecordEndForm(posted_data(request)),
        perform=lambda data: child_services.young_person_record_end(
            record=record, by=request.user, **data
        ),
        success="Recorded that it has ended",
        title="Record that it has ended",
        button="Record the end",
        lead=str(record),
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def consent_override(request, public_id):
    case = case_for_officer(request, public_id)
    return _case_form(
        request,
        case,
        forms.ConsentOverrideForm(posted_data(request)),
        perform=lambda data: child_services.consent_override_record(
            case=case, step=Step.REQUEST_ADVICE, by=request.user, **data
        ),
        success="Decision to request advice without consent recorded",
        title="Request advice without consent",
        button="Record the decision",
        lead="Only an SEN manager can record this. It is shown on the case to everyone who works on it.",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def exception_new(request, public_id):
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    return _case_form(
        request,
        case,
        forms.ExceptionForm(posted_data(request), case=case, whereabouts=access.whereabouts),
        perform=lambda data: assessment_services.exception_record(
            case=case, by=request.user, **data
        ),
        success="Exception recorded. The statutory date does not change.",
        title="Record an exception to a time limit",
        button="Record the exception",
        lead="An exception does not stop the clock: the council must still act as soon as practicable.",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def exception_update(request, public_id, exception_id):
    case = case_for_officer(request, public_id)
    exception = get_object_or_404(StatutoryException, public_id=exception_id, case=case)
    return _case_form(
        request,
        case,
        forms.ExceptionUpdateForm(posted_data(request), exception=exception),
        perform=lambda data: assessment_services.exception_update(
            exception=exception, by=request.user, **data
        ),
        success="Exception updated. The statutory date does not change.",
        title="Complete an exception to a time limit",
        button="Save",
        lead=(
            f"Reg {exception.limb}: {exception.get_period_code_display()} "
            f"Circumstances began {format_date(exception.starts_on)}."
        ),
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def notice_new(request, public_id):
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    today = timezone.localdate()
    facts = assessment_selectors.notice_facts(case)
    regulations = [notice_rules.Regulation.REG_4_2]
    if facts.assessment_decided_on is not None:
        regulations.append(notice_rules.Regulation.REG_5_2)
    if facts.not_to_issue_on is not None:
        regulations.append(notice_rules.Regulation.REG_10_2)
    form = forms.NoticeForm(
        posted_data(request),
        case=case,
        whereabouts=access.whereabouts,
        regulations=regulations,
        education=notice_rules.education_recipients(facts),
        prefill=assessment_selectors.notice_agencies(case, today=today),
    )
    return _case_form(
        request,
        case,
        form,
        perform=lambda data: notice_services.notice_record(
            case=case,
            regulation=data["regulation"],
            recipients=form.notice_to(),
            sent_on=data["sent_on"],
            method=data["method"],
            by=request.user,
            today=today,
        ),
        success="Notices recorded",
        title="Record notices to partners",
        button="Record the notices",
        lead="While it considers whether to assess, the council must tell the health body, "
        "social care and the child's school or setting, and then tell them of its decision "
        "(SEND Regulations 2014, regs 4(2) and 5(2)). Each notice to an agency in this service "
        "is logged as a disclosure of the child's name and date of birth.",
    )


@require_http_methods(["GET"])
@manager_required
@audited_view
def caseload(request):
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    actor = actor_for(request.user)
    caseworkers = list(
        get_user_model()
        .objects.filter(
            memberships__agency_id__in=actor.agency_ids,
            memberships__role__in=["CASEWORKER", "SEN_MANAGER"],
        )
        .distinct()
        .order_by("first_name", "last_name")
        .only("first_name", "last_name", "username")  # the filter's names: hundreds of them
    )
    # The partner agencies, not every school: a school is typed in its own box (issue 12).
    agencies = list(
        Agency.objects.exclude(kind__in=[AgencyKind.SEN_TEAM, AgencyKind.SCHOOL])
        .order_by("kind", "name")
        .only("name")
    )
    statuses = [
        (s.value, s.label) for s in AssessmentStatus if s.value in {x.value for x in OPEN_STATUSES}
    ]
    form = forms.CaseloadFilterForm(
        request.GET, statuses=statuses, agencies=agencies, caseworkers=caseworkers
    )
    chosen = form.valid_filters()
    filters = assessment_selectors.CaseloadFilters(
        status=chosen["status"],
        agency_id=chosen["agency"],
        caseworker_id=chosen["caseworker"],
        school_id=chosen["school"].pk if chosen["school"] else None,
        overdue=chosen["overdue"],
    )
    cases = assessment_selectors.caseload(user=request.user, today=today, filters=filters)
    page = keyset_page(cases, params=request.GET, key="final_plan_due_on")
    rows = [(case, (case.final_plan_due_on - today).days) for case in page.rows]
    audit_read(request, what="list", child_ids=[case.child_id for case in page.rows])
    return render(
        request,
        "ehcp/assessments/caseload.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "filters": filters,
            "today": today,
        },
    )


@require_http_methods(["GET"])
@login_required
def calculator(request):
    form = forms.CalculatorForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            due = deadlines.assessment_deadlines(
                data["received_on"],
                advice_requested_on=data["advice_requested_on"],
                draft_issued_on=data["draft_issued_on"],
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            holidays = bank_holidays_around(data["received_on"])
            results = [
                {
                    "deadline": d,
                    "warning": deadlines.previous_working_day(d.due_on, holidays)
                    if deadlines.is_non_working_day(d.due_on, holidays)
                    else None,
                }
                for d in due.values()
            ]
    return render(request, "ehcp/assessments/calculator.html", {"form": form, "results": results})
