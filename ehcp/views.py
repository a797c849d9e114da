"""Case pages. Each view parses input, calls one service or selector, and renders the result."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind

from . import forms, selectors, services
from .models import CaseStatus, ConsentRecord
from .rules import deadlines
from .rules.consent import Step


def council_officer_required(view):
    """Casework pages: only the council's SEN team (caseworkers and managers)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not (actor.is_council_officer or actor.is_manager):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not actor_for(request.user).is_manager:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _form_errors(form, error: services.CaseRuleError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@require_http_methods(["GET"])
@council_officer_required
def case_list(request):
    mine = request.GET.get("show") != "all"
    cases = selectors.case_list_for_user(request.user).select_related("child", "caseworker").order_by(
        "final_plan_due_on", "pk"
    )
    if mine:
        cases = cases.filter(caseworker=request.user)
    if request.GET.get("closed") != "1":
        cases = cases.open()
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(case, selectors.case_current_due(case)) for case in page.object_list]
    return render(
        request,
        "ehcp/case_list.html",
        {"page": page, "rows": rows, "mine": mine, "today": today},
    )


@require_http_methods(["GET"])
@login_required
def case_detail(request, public_id):
    case = selectors.case_get_for_user(public_id=public_id, user=request.user)
    selectors.case_with_details(case)
    today = timezone.localdate()
    actor = actor_for(request.user)
    return render(
        request,
        "ehcp/case_detail.html",
        {
            "case": case,
            "child": case.child,
            "today": today,
            "age": case.child.age_on(today),
            "timeline": selectors.case_timeline(case, today=today, warn_days=settings.DEADLINE_WARN_DAYS),
            "appeal": selectors.case_appeal_rights(case),
            "consents": case.child.consents.all(),
            "overrides": case.consent_overrides.all(),
            "exceptions": case.exceptions.all(),
            "may_edit": actor.is_council_officer and case.council_id in actor.council_agency_ids,
            "may_override": actor.may_override_consent(case.council_id) and case.status == CaseStatus.REQUESTED,
        },
    )


def _case_for_officer(request, public_id):
    case = selectors.case_get_for_user(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    return case


@require_http_methods(["GET", "POST"])
@council_officer_required
def consent_new(request, public_id):
    case = _case_for_officer(request, public_id)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "GET":
        form.initial["agencies"] = list(case.advice_requests.values_list("agency_id", flat=True)) or [case.council_id]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                child=case.child,
                case=case,
                purpose=data["purpose"],
                agencies=data["agencies"],
                given_by=data["given_by"],
                given_by_name=data["given_by_name"],
                given_on=data["given_on"],
                method=data["method"],
                notes=data["notes"],
                by=request.user,
            )
        except services.CaseRuleError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Consent recorded")
            return redirect("ehcp:case-detail", public_id=case.public_id)
    return render(request, "ehcp/form_page.html", {"case": case, "form": form, "title": "Record consent", "button": "Record consent"})


@require_http_methods(["GET", "POST"])
@council_officer_required
def consent_withdraw(request, public_id, consent_id):
    case = _case_for_officer(request, public_id)
    consent = get_object_or_404(ConsentRecord, public_id=consent_id, child=case.child)
    form = forms.ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.CaseRuleError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Withdrawal of consent recorded")
            return redirect("ehcp:case-detail", public_id=case.public_id)
    return render(
        request,
        "ehcp/form_page.html",
        {"case": case, "form": form, "title": "Record that consent was withdrawn", "lead": str(consent), "button": "Record withdrawal"},
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
def consent_override(request, public_id):
    case = _case_for_officer(request, public_id)
    form = forms.ConsentOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_override_record(
                case=case,
                step=Step.REQUEST_ADVICE,
                justification=form.cleaned_data["justification"],
                legal_condition=form.cleaned_data["legal_condition"],
                by=request.user,
            )
        except services.CaseRuleError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Decision to request advice without consent recorded")
            return redirect("ehcp:case-detail", public_id=case.public_id)
    return render(
        request,
        "ehcp/form_page.html",
        {
            "case": case,
            "form": form,
            "title": "Request advice without consent",
            "lead": "Only an SEN manager can record this. It is shown on the case to everyone who works on it.",
            "button": "Record the decision",
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
def exception_new(request, public_id):
    case = _case_for_officer(request, public_id)
    form = forms.ExceptionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.exception_record(
                case=case,
                period_code=data["period_code"],
                limb=data["limb"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                evidence=data["evidence"],
                reasoning=data["reasoning"],
                family_told_on=data["family_told_on"],
                advice_request=data["advice_request"],
                by=request.user,
            )
        except services.CaseRuleError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Exception recorded. The statutory date does not change.")
            return redirect("ehcp:case-detail", public_id=case.public_id)
    return render(
        request,
        "ehcp/form_page.html",
        {
            "case": case,
            "form": form,
            "title": "Record an exception to a time limit",
            "lead": "An exception does not stop the clock: the council must still act as soon as practicable.",
            "button": "Record the exception",
        },
    )


@require_http_methods(["GET"])
@manager_required
def caseload(request):
    today = timezone.localdate()

    def int_or_none(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    filters = selectors.CaseloadFilters(
        status=request.GET.get("status", "") if request.GET.get("status") in CaseStatus.values else "",
        agency_id=int_or_none("agency"),
        caseworker_id=int_or_none("caseworker"),
        overdue=request.GET.get("overdue") == "1",
    )
    cases = selectors.caseload(user=request.user, today=today, filters=filters)
    page = Paginator(cases, 100).get_page(request.GET.get("page"))
    rows = [(case, (case.final_plan_due_on - today).days) for case in page.object_list]
    from django.contrib.auth import get_user_model

    actor = actor_for(request.user)
    caseworkers = (
        get_user_model()
        .objects.filter(memberships__agency_id__in=actor.agency_ids, memberships__role__in=["CASEWORKER", "SEN_MANAGER"])
        .distinct()
        .order_by("first_name", "last_name")
    )
    return render(
        request,
        "ehcp/caseload.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "statuses": [(s.value, s.label) for s in CaseStatus if s.value in {x.value for x in selectors.OPEN_STATUSES}],
            "agencies": Agency.objects.exclude(kind=AgencyKind.SEN_TEAM).order_by("kind", "name"),
            "caseworkers": caseworkers,
            "today": today,
            "query": _without_page(request.GET),
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
            from .calendar import bank_holidays_around

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
    return render(request, "ehcp/calculator.html", {"form": form, "results": results})
