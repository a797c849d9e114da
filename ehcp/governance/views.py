"""Information governance pages.

The information governance (IG) lead's pages: access reports (AU-06), the break-glass review
queue (AC-07) and the security incident register (AU-08). Everyone else gets a 403. Reports are
chosen in POSTed forms, so no case reference or name ever appears in a URL (DM-04), and running
one writes an access event. The reports read from the read replica when there is one
(`ehcp.common.replica`): they read first, outside any transaction, then write their event.

The break-glass request page is for the roles and agencies the information sharing agreement
names (`agencies.models.BREAK_GLASS_ROLES`, parties to an agreement in force); anyone else gets a
403 that says so.
"""

import csv
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies import agreements
from agencies.access import actor_for
from ehcp.common.formats import govuk_datetime, govuk_time
from ehcp.common.pagination import keyset_page
from ehcp.common.replica import reporting_reads
from ehcp.common.services import CaseRuleError
from ehcp.common.views import form_errors, posted_data
from ehcp.governance import forms, selectors, services
from ehcp.governance.audit import access_event_write, audit_read, request_context
from ehcp.governance.models import (
    AccessRelationship,
    AccessWhat,
    BreakGlassGrant,
    BreakGlassOutcome,
    NotifyDecision,
    SecurityIncident,
)
from ehcp.governance.rules import incidents as incident_rules


def ig_lead_required(view):
    """Only the information governance lead."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not actor_for(request.user).is_ig_lead:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET"])
@ig_lead_required
def index(request):
    return render(
        request,
        "ehcp/governance/index.html",
        {
            "unreviewed": selectors.break_glass_review_queue().count(),
            "undecided": SecurityIncident.objects.filter(decision=NotifyDecision.PENDING).count(),
        },
    )


# -- access reports (AU-06) ---------------------------------------------------------------------


REPORT_PAGE_SIZE = 25
_NOT_REPLAYED = {"csrfmiddlewaretoken", "page", "download"}


def _replay(request) -> list[tuple[str, str]]:
    """The report's choices, re-sent by the page buttons (reports are chosen by POST, DM-04)."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_REPLAYED
        for value in values
    ]


def _audit_export(request, **kwargs) -> None:
    """The download is itself recorded, as the IG lead's work (AU-06)."""
    access_event_write(
        user=request.user,
        what=AccessWhat.EXPORT,
        relationship=AccessRelationship.IG,
        **kwargs,
        **request_context(request),
    )


def _period_name(form) -> str:
    return f"{form.cleaned_data['from_date']:%Y-%m-%d}-to-{form.cleaned_data['to_date']:%Y-%m-%d}"


def _csv_download(rows, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so spreadsheet programs read the names as UTF-8
    csv.writer(response).writerows(rows)
    return response


def _report_context(request, form, events, *, start, person_view: bool) -> dict:
    """One page of the report over the queryset `events`, at a fixed cost however many events
    the period holds: the page's person-days (and their count) from one grouped query, then only
    those days' events, grouped into rows; the count of events from an aggregate."""
    page = Paginator(selectors.access_days(events), REPORT_PAGE_SIZE).get_page(
        request.POST.get("page")
    )
    shown = list(selectors.access_events_on_days(events, list(page.object_list)))
    page.object_list = selectors.access_by_person_and_day(shown)
    listed = selectors.children_listed(shown) if person_view else {}
    rows = [
        (day, sorted(listed[pk].full_name for pk in day.listed if pk in listed))
        for day in page.object_list
    ]
    return {
        "events": events,
        "event_count": events.count(),
        "page": page,
        "rows": rows,
        "start": start,
        "last_day": form.cleaned_data["to_date"],
        "replay": _replay(request),
        "person_view": person_view,
    }


@require_http_methods(["GET", "POST"])
@ig_lead_required
def access_by_child(request):
    form = forms.ChildAccessReportForm(posted_data(request))
    context = {"form": form, "events": None}
    if request.method == "POST" and form.is_valid():
        start, end = form.period()
        case = form.case
        events = selectors.access_events_for_child(case.child, start=start, end=end)
        # A list page is reported as having named this child; the others on it are not named.
        listed = {case.child_id: case.child}
        with reporting_reads():  # the read replica, if there is one; before any write
            if "download" in request.POST:
                response = _csv_download(
                    selectors.access_csv_rows(events.iterator(), listed),
                    filename=f"access-to-a-childs-record-{_period_name(form)}.csv",
                )
            else:
                response = None
                context.update(
                    _report_context(request, form, events, start=start, person_view=False)
                )
        with transaction.atomic():
            if response is not None:
                _audit_export(request, case=case, data_types=["IDENTITY"])
                return response
            audit_read(request, what=AccessWhat.REPORT, case=case, data_types=["IDENTITY"])
        context.update(case=case, child=case.child)
    return render(request, "ehcp/governance/access_by_child.html", context)


@require_http_methods(["GET", "POST"])
@ig_lead_required
def access_by_person(request):
    form = forms.PersonAccessReportForm(posted_data(request))
    context = {"form": form, "events": None}
    if request.method == "POST" and form.is_valid():
        start, end = form.period()
        person = form.cleaned_data["person"]
        events = selectors.access_events_by_user(person, start=start, end=end)
        with reporting_reads():  # the read replica, if there is one; before any write
            shown = selectors.children_seen(events)
            if "download" in request.POST:
                response = _csv_download(
                    selectors.access_csv_rows(
                        events.iterator(), selectors.children_listed_in(events)
                    ),
                    filename=f"access-by-{person.username}-{_period_name(form)}.csv",
                )
            else:
                response = None
                context.update(
                    _report_context(request, form, events, start=start, person_view=True)
                )
        with transaction.atomic():
            if response is not None:
                _audit_export(request, child_ids=shown, data_types=["IDENTITY"] if shown else [])
                return response
            audit_read(
                request,
                what=AccessWhat.REPORT,
                child_ids=shown,
                data_types=["IDENTITY"] if shown else [],
            )
        context.update(person=person)
    return render(request, "ehcp/governance/access_by_person.html", context)


# -- break-glass: the review queue (AC-07) -------------------------------------------------------


@require_http_methods(["GET"])
@ig_lead_required
def break_glass_queue(request):
    page = keyset_page(selectors.break_glass_review_queue(), params=request.GET, key="granted_at")
    return render(
        request, "ehcp/governance/break_glass_queue.html", {"grants": page.rows, "page": page}
    )


@require_http_methods(["GET", "POST"])
@ig_lead_required
def break_glass_review(request, public_id):
    grant = get_object_or_404(
        BreakGlassGrant.objects.select_related("case", "user", "reviewed_by"), public_id=public_id
    )
    form = forms.BreakGlassReviewForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(grant=grant, by=request.user, **form.cleaned_data)
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, f"Review of emergency access to {grant.case.reference} recorded"
            )
            return redirect("governance:break-glass-queue")
    events = selectors.break_glass_access_events(grant)
    return render(
        request,
        "ehcp/governance/break_glass_review.html",
        {"grant": grant, "form": form, "events": events},
    )


REFUSALS_DAYS = 30


@require_http_methods(["GET"])
@ig_lead_required
def break_glass_attempts(request):
    """Who has been refused emergency access in the last 30 days, and how often (AC-07)."""
    since = timezone.now() - timedelta(days=REFUSALS_DAYS)
    # One row per person (aggregated in one query), a page at a time.
    with reporting_reads():
        refusals = selectors.break_glass_refusals_by_person(since=since)
    page = Paginator(refusals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "ehcp/governance/break_glass_attempts.html",
        {"rows": page.object_list, "page": page, "days": REFUSALS_DAYS},
    )


# -- break-glass: asking for access (the roles and agencies the agreement names) -----------------


@require_http_methods(["GET", "POST"])
@login_required
def break_glass_request(request):
    """Only the roles and agencies the information sharing agreement names may ask (AC-07);
    anyone else is told so, with a 403, and a POST from them is recorded as a refused attempt."""
    may_ask = agreements.break_glass_agency_ids(actor_for(request.user), today=timezone.localdate())
    if not may_ask and request.method == "GET":
        return _break_glass_unavailable(request)
    form = forms.BreakGlassRequestForm(posted_data(request))
    if request.method == "POST" and (form.is_valid() or not may_ask):
        data = form.cleaned_data
        try:
            grant = services.break_glass_request(
                case_reference=data.get("case_reference", ""),
                date_of_birth=data.get("date_of_birth"),
                child_identifier=data.get("child_identifier", ""),
                user=request.user,
                reason=data.get("reason", ""),
                justification=data.get("justification", ""),
                **request_context(request),
            )
        except services.BreakGlassRefused as error:
            if error.outcome == BreakGlassOutcome.NOT_ALLOWED:
                return _break_glass_unavailable(request)
            form_errors(form, error)
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            until = govuk_time(grant.expires_at)
            messages.success(
                request, f"You have emergency access to {grant.case.reference} until {until}"
            )
            return redirect("ehcp:case-detail", public_id=grant.case.public_id)
    return render(request, "ehcp/governance/break_glass_request.html", {"form": form})


def _break_glass_unavailable(request):
    return render(
        request,
        "ehcp/governance/break_glass_unavailable.html",
        {"message": services.NOT_ALLOWED},
        status=403,
    )


# -- the security incident register (AU-08) ------------------------------------------------------


@require_http_methods(["GET"])
@ig_lead_required
def incident_list(request):
    now = timezone.now()
    page = keyset_page(
        selectors.incident_list(), params=request.GET, key="aware_at", descending=True
    )
    incidents = [
        (incident, incident_rules.hours_until_deadline(incident.aware_at, now))
        for incident in page.rows
    ]
    return render(
        request, "ehcp/governance/incident_list.html", {"incidents": incidents, "page": page}
    )


@require_http_methods(["GET", "POST"])
@ig_lead_required
def incident_new(request):
    form = forms.IncidentForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_record(
                kind=data["kind"],
                description=data["description"],
                aware_at=data["aware_at"],
                affected_children=data["affected_children"],
                partners_to_notify=data["agencies_to_notify"],
                actions=data["actions"],
                by=request.user,
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Incident {incident.reference} recorded")
            return redirect("governance:incident-detail", public_id=incident.public_id)
    return render(
        request,
        "ehcp/governance/form_page.html",
        {
            "form": form,
            "title": "Record a security incident",
            "button": "Record the incident",
            "back": "governance:incident-list",
        },
    )


@require_http_methods(["GET"])
@ig_lead_required
def incident_detail(request, public_id):
    incident = get_object_or_404(
        SecurityIncident.objects.select_related("recorded_by", "decided_by").prefetch_related(
            "affected_children__cases", "partners_to_notify"
        ),
        public_id=public_id,
    )
    children = list(incident.affected_children.all())
    with transaction.atomic():
        if children:
            audit_read(
                request,
                what=AccessWhat.REPORT,
                child_ids=[c.pk for c in children],
                data_types=["IDENTITY"],
            )
    return render(
        request,
        "ehcp/governance/incident_detail.html",
        {
            "incident": incident,
            "children": [(child, child.cases.all()) for child in children],
            "hours_left": incident_rules.hours_until_deadline(incident.aware_at, timezone.now()),
            "rule": incident_rules.ICO_NOTIFICATION,
        },
    )


@require_http_methods(["GET", "POST"])
@ig_lead_required
def incident_decision(request, public_id):
    incident = get_object_or_404(SecurityIncident, public_id=public_id)
    form = forms.IncidentDecisionForm(posted_data(request))
    if request.method == "GET":
        form.initial.update(
            decision=incident.decision, reasons=incident.decision_reasons, actions=incident.actions
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_decision_record(
                incident=incident,
                decision=data["decision"],
                reasons=data["reasons"],
                notified_ico_at=data["notified_ico_at"],
                actions=data["actions"],
                by=request.user,
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"Decision on {incident.reference} recorded")
            return redirect("governance:incident-detail", public_id=incident.public_id)
    due = timezone.localtime(incident.ico_deadline)
    return render(
        request,
        "ehcp/governance/form_page.html",
        {
            "form": form,
            "title": f"Decide whether to report {incident.reference} to the ICO",
            "button": "Record the decision",
            "back": "governance:incident-list",
            "lead": f"Report it by {govuk_datetime(due)}, unless it is unlikely to result in a risk "
            "to people's rights and freedoms.",
        },
    )
