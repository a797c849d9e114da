"""The Joint Agency Panel's pages, under /panel/.

- /panel/: the panels the person clerks or sits on, their meetings to come and past (paged), and
  for the council's SEN team the requests waiting for a panel.
- /panel/requests/...: the council's funding requests: raise one from the child's plan, complete
  its evidence, send it to the panel, answer a deferral, withdraw it.
- /panel/meetings/<id>/: a meeting: agenda, attendance, the papers, the chair's confirmation,
  the minutes and the letters.
- /panel/items/<id>/: one item as the reader's agency may see it (their papers), with the
  declared interests and the decision; a member declares an interest or records the decision.
- /panel/commitments/: every agreed package in force in a financial year, and the totals.

Views parse and render; the services decide (`panel.services`). Who may see what is
`panel.access`: anyone else gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import ALL_DATA_TYPES, actor_for
from agencies.models import Role
from ehcp.common.pagination import keyset_page
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, posted_data
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans.models import EhcPlan
from ehcp.plans.selectors import plan_in_force
from panel import documents as panel_documents
from panel import forms, selectors
from panel.access import commitment_council_ids, panel_access, panel_access_or_404, panels_for
from panel.models import (
    AGENDA_OPEN_STATUSES,
    AgendaItem,
    AttendanceStatus,
    Decision,
    FundingRequest,
    Meeting,
    MeetingStatus,
    Panel,
    PanelDocument,
    PanelDocumentKind,
    PanelMember,
    RequestStatus,
)
from panel.rules import money, papers
from panel.rules import requests as request_rules
from panel.rules.money import FUNDERS
from panel.services import meetings as meeting_services
from panel.services import requests as request_services
from panel.services.documents import member_data_types

PAGE_SIZE = 25
#: A request can be changed or withdrawn until it is on an agenda (and again once deferred).
EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.READY, RequestStatus.DEFERRED)
#: What the panel's pages show of a child's record, for the read audit.
PANEL_DATA_TYPES = ["IDENTITY", "EDUCATION", "PLAN"]


# -- home ----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
def home(request):
    """The panels the person clerks or sits on, and their meetings: those to come soonest first,
    the past ones newest first, each paged by (date, id) with its own links."""
    panels = list(panels_for(request.user).select_related("council"))
    actor = actor_for(request.user)
    if not panels and not (
        actor.is_council_officer or actor.has_role(Role.PANEL_MEMBER, Role.PANEL_CHAIR)
    ):
        raise Http404("No panel")  # the page is for the SEN team and panel members only
    today = timezone.localdate()
    meetings = (
        Meeting.objects.filter(panel__in=panels)
        .select_related("panel")
        .annotate(item_count=Count("items"))
    )
    council_ids = actor.council_agency_ids
    ready = []
    if council_ids:
        ready = list(
            FundingRequest.objects.filter(
                council_id__in=council_ids, status=RequestStatus.READY
            ).values_list("pk", flat=True)[:1]
        )
    return render(
        request,
        "panel/home.html",
        {
            "panels": panels,
            "upcoming": keyset_page(
                meetings.filter(meets_on__gte=today).exclude(status=MeetingStatus.CONFIRMED),
                params=request.GET,
                key="meets_on",
                size=PAGE_SIZE,
                prefix="upcoming_",
            ),
            "past": keyset_page(
                meetings.filter(Q(meets_on__lt=today) | Q(status=MeetingStatus.CONFIRMED)),
                params=request.GET,
                key="meets_on",
                descending=True,
                size=PAGE_SIZE,
                prefix="past_",
            ),
            "clerk": bool(council_ids),
            "any_ready": bool(ready),
        },
    )


# -- funding requests ------------------------------------------------------------------------


def _officer_request(request, public_id) -> FundingRequest:
    funding = (
        FundingRequest.objects.filter(
            public_id=public_id, council_id__in=actor_for(request.user).council_agency_ids
        )
        .select_related("child", "panel", "provider", "ehc_plan", "consent", "raised_by")
        .first()
    )
    if funding is None:
        raise Http404("No such request")
    return funding


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def request_list(request):
    """The council's funding requests, newest first, by status (paged by (raised on, id))."""
    status = request.GET.get("status", "")
    rows = FundingRequest.objects.filter(
        council_id__in=actor_for(request.user).council_agency_ids
    ).select_related("child", "panel")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    page = keyset_page(rows, params=request.GET, key="raised_on", descending=True, size=PAGE_SIZE)
    audit_read(
        request,
        what="list",
        child_ids=[r.child_id for r in page],
        data_types=PANEL_DATA_TYPES,
    )
    return render(
        request,
        "panel/request_list.html",
        {
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


def _version_choices(ehc_plan: EhcPlan) -> tuple[list[dict], list[dict]]:
    """The provision (F, G, H1, H2) and the advice (K) of the version in force."""
    version = plan_in_force(ehc_plan.pk)
    if version is None:
        return [], []
    sections = version.content["sections"]
    entries = [
        row for section in request_services.FUNDED_SECTIONS for row in sections.get(section, [])
    ]
    placement = request_services.placement_entry(
        sections.get("I") or {}, protected=ehc_plan.child.protected_whereabouts
    )
    return entries + ([placement] if placement else []), list(sections.get("K", []))


def _details(data) -> dict:
    return {
        "summary": data["summary"],
        "provider": data.get("provider"),
        "provider_name": data.get("provider_name", ""),
        "plan_entry_keys": data.get("plan_entries", []),
        "advice_keys": data.get("advice", []),
        "evidence_notes": data.get("evidence_notes", ""),
        "options_tried": data.get("options_tried", ""),
        "proposed_cost": data.get("proposed_cost"),
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"),
    }


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def request_new(request, plan_id):
    """Raise a funding request from the child's plan."""
    ehc_plan = get_object_or_404(
        EhcPlan.objects.select_related("child", "council"),
        public_id=plan_id,
        council_id__in=actor_for(request.user).council_agency_ids,
    )
    panels = list(Panel.objects.filter(council_id=ehc_plan.council_id, is_active=True))
    if not panels:
        raise Http404("The council has no panel")
    entries, advice = _version_choices(ehc_plan)
    form = forms.RaiseRequestForm(
        posted_data(request),
        panels=panels,
        providers=selectors.providers_for(request.user, ehc_plan),
        entries=entries,
        advice=advice,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            funding = request_services.request_raise(
                ehc_plan=ehc_plan,
                panel=data["panel"],
                kind=data["kind"],
                by=request.user,
                today=timezone.localdate(),
                shares=form.shares(),
                override_justification=data.get("override_justification", ""),
                **_details(data),
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"Funding request {funding.reference} raised: "
                + (
                    "it is ready for the panel"
                    if funding.status == RequestStatus.READY
                    else "complete its evidence to send it to the panel"
                ),
            )
            return redirect("panel:request", public_id=funding.public_id)
    audit_read(request, what="case", child=ehc_plan.child, data_types=PANEL_DATA_TYPES)
    return render(
        request,
        "panel/request_form.html",
        {
            "form": form,
            "child": ehc_plan.child,
            "ehc_plan": ehc_plan,
            "title": "Request funding from the panel",
            "button": "Raise the request",
        },
    )


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def request_detail(request, public_id):
    funding = _officer_request(request, public_id)
    audit_read(request, what="case", child=funding.child, data_types=PANEL_DATA_TYPES)
    decisions = list(
        Decision.objects.filter(request=funding)
        .select_related("item__meeting", "recorded_by_member__user", "supersedes__request")
        .order_by("-recorded_at", "-pk")
    )
    items = list(
        AgendaItem.objects.filter(request=funding)
        .select_related("meeting__panel")
        .order_by("-meeting__meets_on")
    )
    letters = list(
        PanelDocument.objects.filter(request=funding)
        .select_related("meeting")
        .order_by("-issued_at", "-pk")
    )
    missing = (
        request_rules.evidence_missing(selectors.request_facts(funding))
        if funding.status in (RequestStatus.DRAFT, RequestStatus.DEFERRED)
        else []
    )
    return render(
        request,
        "panel/request_detail.html",
        {
            "funding": funding,
            "missing": missing,
            "decisions": decisions,
            "items": items,
            "letters": letters,
            "shares": [(f, funding.shares()[f]) for f in FUNDERS],
            "in_force": selectors.decision_in_force_for(funding),
            "provider": selectors.provider_label_for(request.user, funding),
            "may_edit": funding.status in EDITABLE_STATUSES,
            "may_ready": funding.status in (RequestStatus.DRAFT, RequestStatus.DEFERRED)
            and not missing,
            "may_withdraw": funding.status in EDITABLE_STATUSES,
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def request_edit(request, public_id):
    funding = _officer_request(request, public_id)
    if funding.status not in EDITABLE_STATUSES:
        messages.error(
            request,
            f"{funding.reference} is {funding.get_status_display().lower()}: it cannot be changed",
        )
        return redirect("panel:request", public_id=funding.public_id)
    entries, advice = _version_choices(funding.ehc_plan)
    initial = {
        "summary": funding.summary,
        "provider": str(funding.provider.public_id) if funding.provider_id else "",
        "provider_name": funding.provider_name,
        "plan_entries": [e["key"] for e in funding.plan_entries],
        "advice": [a["key"] for a in funding.evidence_advice],
        "evidence_notes": funding.evidence_notes,
        "options_tried": funding.options_tried,
        "proposed_cost": funding.proposed_cost,
        "starts_on": funding.starts_on,
        "ends_on": funding.ends_on,
        "information_provided": funding.information_provided,
        **{forms.SHARE_FIELDS[f]: v for f, v in funding.shares().items()},
        "seen": selectors.request_version(funding),
    }
    form = forms.UpdateRequestForm(
        posted_data(request),
        initial=initial,
        providers=selectors.providers_for(request.user, funding.ehc_plan),
        entries=entries,
        advice=advice,
        deferred=funding.status == RequestStatus.DEFERRED,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            request_services.request_update(
                request=funding,
                by=request.user,
                shares=form.shares(),
                information_provided=data.get("information_provided", ""),
                seen=data.get("seen") or None,
                **_details(data),
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, "The request is saved")
            return redirect("panel:request", public_id=funding.public_id)
    audit_read(request, what="case", child=funding.child, data_types=PANEL_DATA_TYPES)
    return render(
        request,
        "panel/request_form.html",
        {
            "form": form,
            "child": funding.child,
            "funding": funding,
            "title": f"Change {funding.reference}",
            "button": "Save the request",
        },
    )


@require_POST
@council_officer_required
def request_ready(request, public_id):
    funding = _officer_request(request, public_id)
    try:
        request_services.request_ready(request=funding, by=request.user)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{funding.reference} is ready for the panel")
    return redirect("panel:request", public_id=funding.public_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def request_withdraw(request, public_id):
    funding = _officer_request(request, public_id)
    if funding.status not in EDITABLE_STATUSES:
        messages.error(
            request,
            f"{funding.reference} is {funding.get_status_display().lower()}: it cannot be "
            "withdrawn",
        )
        return redirect("panel:request", public_id=funding.public_id)
    form = forms.ReasonForm(
        posted_data(request),
        label="Why is the request withdrawn?",
        required_message="Enter why the request is withdrawn",
    )
    if request.method == "POST" and form.is_valid():
        try:
            request_services.request_withdraw(
                request=funding, by=request.user, reason=form.cleaned_data["reason"]
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, f"{funding.reference} is withdrawn")
            return redirect("panel:request", public_id=funding.public_id)
    audit_read(request, what="case", child=funding.child, data_types=PANEL_DATA_TYPES)
    return render(
        request,
        "panel/simple_form.html",
        {
            "form": form,
            "title": f"Withdraw {funding.reference}",
            "caption": funding.child.full_name,
            "button": "Withdraw the request",
            "back": ("panel:request", funding.public_id),
        },
    )


# -- meetings ----------------------------------------------------------------------------------


def _meeting(request, public_id) -> tuple[Meeting, object]:
    meeting = get_object_or_404(Meeting.objects.select_related("panel"), public_id=public_id)
    return meeting, panel_access_or_404(request.user, meeting.panel)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request, panel_id):
    panel = get_object_or_404(Panel, public_id=panel_id)
    access = panel_access_or_404(request.user, panel)
    if not (access.clerk or access.chairs):
        raise Http404("No such page")
    form = forms.MeetingForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_services.meeting_schedule(
                panel=panel,
                meets_on=data["meets_on"],
                starts_at=data.get("starts_at"),
                location=data.get("location", ""),
                by=request.user,
                today=timezone.localdate(),
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, "The meeting is in the diary: list the requests for it")
            return redirect("panel:meeting", public_id=meeting.public_id)
    return render(
        request,
        "panel/simple_form.html",
        {
            "form": form,
            "title": f"Schedule a meeting of the {panel.name}",
            "caption": panel.get_cadence_display(),
            "button": "Schedule the meeting",
            "back": ("panel:home", None),
        },
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def meeting_detail(request, public_id):
    meeting, access = _meeting(request, public_id)
    items = list(
        meeting.items.select_related("request__child", "decision")
        .annotate(conflict_count=Count("conflicts"))
        .order_by("position")
    )
    audit_read(
        request, what="list", child_ids=[i.request.child_id for i in items], data_types=["IDENTITY"]
    )
    attendance = selectors.meeting_attendance(meeting)
    members = list(
        PanelMember.objects.current()
        .filter(panel=meeting.panel)
        .select_related("user", "agency")
        .order_by("role", "user__last_name", "pk")
    )
    # The minutes for everyone on the panel; papers: a member their own, the SEN team all.
    readable = Q(kind=PanelDocumentKind.MINUTES) | Q(kind=PanelDocumentKind.PAPERS)
    if not access.clerk:
        readable = Q(kind=PanelDocumentKind.MINUTES) | Q(
            kind=PanelDocumentKind.PAPERS, member=access.seat
        )
    documents = list(
        PanelDocument.objects.filter(meeting=meeting)
        .filter(readable)
        .select_related("member__user")
        .order_by("kind", "pk")
    )
    ready = []
    if access.clerk and meeting.status in AGENDA_OPEN_STATUSES:
        ready = list(
            FundingRequest.objects.filter(panel=meeting.panel, status=RequestStatus.READY)
            .select_related("child")
            .order_by("raised_on", "pk")[:200]
        )
    clerk_or_chair = access.clerk or access.chairs
    in_session = meeting.status == MeetingStatus.IN_SESSION
    room = {a.member_id for a in attendance if a.in_the_room}
    return render(
        request,
        "panel/meeting_detail.html",
        {
            "meeting": meeting,
            "access": access,
            "items": items,
            "attendance": attendance,
            "members": members,
            "documents": documents,
            "agenda_form": forms.AgendaAddForm(requests=ready) if ready else None,
            "attendance_form": forms.AttendanceForm(members=members)
            if clerk_or_chair
            and meeting.status in (MeetingStatus.PAPERS_SENT, MeetingStatus.IN_SESSION)
            else None,
            "may_send_papers": clerk_or_chair and meeting.status == MeetingStatus.PLANNED and items,
            "may_open": clerk_or_chair and meeting.status == MeetingStatus.PAPERS_SENT,
            "may_close": clerk_or_chair and in_session,
            "may_reopen": clerk_or_chair and meeting.status == MeetingStatus.CLOSED,
            "may_confirm": access.chairs and meeting.status == MeetingStatus.CLOSED,
            "may_cancel": clerk_or_chair and meeting.status in AGENDA_OPEN_STATUSES,
            "in_the_room": len(room),
            "quorum": meeting.panel.quorum_rule,
        },
    )


def _clerk_or_chair(access) -> bool:
    return access.clerk or access.chairs


def _meeting_action(request, public_id, action, done, *, allowed=_clerk_or_chair):
    """A button on the meeting's page: only for those it is for (anyone else: 404); the
    service's refusal comes back as a message on the page."""
    meeting, access = _meeting(request, public_id)
    if not allowed(access):
        raise Http404("No such page")
    try:
        action(meeting)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("panel:meeting", public_id=meeting.public_id)


@require_POST
@login_required
def meeting_agenda_add(request, public_id):
    meeting, access = _meeting(request, public_id)
    if not access.clerk:
        raise Http404("No such page")
    ready = FundingRequest.objects.filter(
        panel=meeting.panel, status=RequestStatus.READY
    ).select_related("child")
    form = forms.AgendaAddForm(request.POST, requests=ready)
    if not form.is_valid() or form.cleaned_data["request"] is None:
        messages.error(request, "Choose a request that is ready for the panel")
        return redirect("panel:meeting", public_id=meeting.public_id)
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.agenda_add(
            meeting=m, request=form.cleaned_data["request"], by=request.user
        ),
        f"{form.cleaned_data['request'].reference} is on the agenda",
        allowed=lambda access: access.clerk,
    )


@require_POST
@login_required
def meeting_papers(request, public_id):
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.papers_send(meeting=m, by=request.user, now=timezone.now()),
        "The papers are sent: each member has their own pack",
    )


@require_POST
@login_required
def meeting_open(request, public_id):
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.meeting_open(meeting=m, by=request.user, now=timezone.now()),
        "The meeting is in session",
    )


@require_POST
@login_required
def meeting_close(request, public_id):
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.meeting_close(meeting=m, by=request.user, now=timezone.now()),
        "The meeting is closed: the chair confirms its decisions",
    )


@require_POST
@login_required
def meeting_reopen(request, public_id):
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.meeting_reopen(meeting=m, by=request.user),
        "The meeting is back in session",
    )


@require_POST
@login_required
def meeting_confirm(request, public_id):
    return _meeting_action(
        request,
        public_id,
        lambda m: meeting_services.meeting_confirm(meeting=m, by=request.user, now=timezone.now()),
        "The decisions are confirmed: the minutes and letters are issued",
        allowed=lambda access: access.chairs,
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_cancel(request, public_id):
    meeting, access = _meeting(request, public_id)
    if not (access.clerk or access.chairs):
        raise Http404("No such page")
    form = forms.ReasonForm(
        posted_data(request),
        label="Why is the meeting cancelled?",
        required_message="Enter why the meeting is cancelled",
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.meeting_cancel(
                meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, "The meeting is cancelled: its requests are ready again")
            return redirect("panel:meeting", public_id=meeting.public_id)
    return render(
        request,
        "panel/simple_form.html",
        {
            "form": form,
            "title": "Cancel the meeting",
            "caption": meeting.reference,
            "button": "Cancel the meeting",
            "back": ("panel:meeting", meeting.public_id),
        },
    )


@require_POST
@login_required
def meeting_attendance(request, public_id):
    meeting, access = _meeting(request, public_id)
    if not (access.clerk or access.chairs):
        raise Http404("No such page")
    members = PanelMember.objects.current().filter(panel=meeting.panel).select_related("agency")
    form = forms.AttendanceForm(request.POST, members=members)
    if not form.is_valid() or form.cleaned_data["member"] is None:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("panel:meeting", public_id=meeting.public_id)
    member, status = form.cleaned_data["member"], form.cleaned_data["status"]
    now = timezone.now()
    if status == "LEFT":
        action = lambda m: meeting_services.attendance_leave(  # noqa: E731
            meeting=m, member=member, by=request.user, now=now
        )
        done = f"{member.name} has left the meeting"
    else:
        action = lambda m: meeting_services.attendance_record(  # noqa: E731
            meeting=m, member=member, status=status, by=request.user, now=now
        )
        done = f"{member.name}: {AttendanceStatus(status).label.lower()}"
    return _meeting_action(request, public_id, action, done)


# -- items ---------------------------------------------------------------------------------------


def _item(request, public_id):
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__panel", "request__child", "request__provider"),
        public_id=public_id,
    )
    return item, panel_access_or_404(request.user, item.meeting.panel)


def _reader_data_types(access, item) -> frozenset[str]:
    """What the reader may see of an item: the SEN team all of it, a member what their agency
    may see for the request's purpose."""
    if access.clerk:
        return ALL_DATA_TYPES
    return member_data_types(access.seat, item.request.consent_purpose)


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def item_detail(request, public_id):
    """The item as the reader's agency may see it, its interests and decision; a member declares
    an interest or records the decision here."""
    item, access = _item(request, public_id)
    meeting = item.meeting
    data_types = _reader_data_types(access, item)
    pack = panel_documents.item_display(
        papers.item_for_member(selectors.item_content(item), data_types)
    )
    conflicts = list(item.conflicts.select_related("member__user").order_by("declared_at"))
    decision = (
        Decision.objects.filter(item=item)
        .select_related("recorded_by_member__user", "supersedes__item__meeting")
        .first()
    )
    seat = access.seat
    conflicted = seat is not None and any(c.member_id == seat.pk for c in conflicts)
    in_session = meeting.status == MeetingStatus.IN_SESSION
    interest_form = decision_form = None
    if (
        seat is not None
        and not conflicted
        and meeting.status
        not in (
            MeetingStatus.CONFIRMED,
            MeetingStatus.CANCELLED,
        )
    ):
        interest_form = forms.InterestForm(
            request.POST if request.POST.get("action") == "interest" else None
        )
    if seat is not None and not conflicted and in_session:
        initial = {"seen": selectors.decision_version(decision)}
        if decision is None:
            initial |= {
                "agreed_cost": item.request.proposed_cost,
                "starts_on": item.request.starts_on,
                "ends_on": item.request.ends_on,
                **{forms.SHARE_FIELDS[f]: v for f, v in item.request.shares().items()},
            }
        decision_form = forms.DecisionForm(
            request.POST if request.POST.get("action") == "decision" else None, initial=initial
        )
    if request.method == "POST":
        action = request.POST.get("action")
        now = timezone.now()
        if {"interest": interest_form, "decision": decision_form}.get(action) is None:
            raise Http404("No such form")  # not offered to this person at this stage
        if action == "interest" and interest_form.is_valid():
            try:
                meeting_services.conflict_declare(
                    item=item,
                    by=request.user,
                    interest=interest_form.cleaned_data["interest"],
                    now=now,
                )
            except CaseRuleError as error:
                form_errors(interest_form, error)
            else:
                messages.success(
                    request, "Your interest is recorded: you take no part in this item"
                )
                return redirect("panel:item", public_id=item.public_id)
        elif action == "decision" and decision_form.is_valid():
            data = decision_form.cleaned_data
            try:
                meeting_services.decision_record(
                    item=item,
                    by=request.user,
                    now=now,
                    outcome=data["outcome"],
                    reasons=data["reasons"],
                    changes=data.get("changes", ""),
                    information_requested=data.get("information_requested", ""),
                    agreed_cost=data.get("agreed_cost"),
                    shares=decision_form.shares(),
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    review_on=data.get("review_on"),
                    seen=data.get("seen") or None,
                )
            except CaseRuleError as error:
                form_errors(decision_form, error)
            else:
                messages.success(request, "The decision is recorded")
                return redirect("panel:item", public_id=item.public_id)
    audit_read(
        request,
        what="case",
        child=item.request.child,
        data_types=sorted(
            set(data_types) & {"IDENTITY", "EDUCATION", "HEALTH", "SOCIAL_CARE", "PLAN"}
        ),
    )
    taking_part, shortfall = meeting_services.quorum_now(item)
    return render(
        request,
        "panel/item_detail.html",
        {
            "item": item,
            "meeting": meeting,
            "access": access,
            "pack": pack,
            "conflicts": conflicts,
            "conflicted": conflicted,
            "decision": decision,
            "decision_display": panel_documents.decision_facts_display(decision)
            if decision
            else None,
            "interest_form": interest_form,
            "decision_form": decision_form,
            "taking_part": taking_part,
            "shortfall": shortfall if in_session else [],
            "in_session": in_session,
        },
    )


# -- documents -----------------------------------------------------------------------------------


def may_read_document(document: PanelDocument, access) -> bool:
    """Papers: the member they were sent to, and the council's SEN team. Minutes: everyone on
    the panel. Letters: the council's SEN team (it sends them)."""
    if access.clerk:
        return True
    if document.kind == PanelDocumentKind.PAPERS:
        return access.seat is not None and document.member_id == access.seat.pk
    if document.kind == PanelDocumentKind.MINUTES:
        return access.seat is not None
    return False


@require_http_methods(["GET"])
@login_required
@audited_view
def document_download(request, public_id):
    document = get_object_or_404(
        PanelDocument.objects.select_related("meeting__panel", "request__child", "member"),
        public_id=public_id,
    )
    access = panel_access(request.user, document.meeting.panel)
    if access is None or not may_read_document(document, access):
        raise Http404("No such document")
    if document.request_id:
        audit_read(
            request, what="document", child=document.request.child, data_types=PANEL_DATA_TYPES
        )
    else:
        child_ids = list(document.meeting.items.values_list("request__child_id", flat=True))
        audit_read(request, what="document", child_ids=child_ids, data_types=PANEL_DATA_TYPES)
    pdf = panel_documents.render_document(document)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{document.kind.lower()}-{document.meeting.meets_on:%Y-%m-%d}-{document.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- commitments ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
@audited_view
def commitments(request):
    """Every agreed package in force in the financial year: its annual cost per funder, what
    falls in the year, its review date; and the totals by funder and by kind."""
    council_ids = commitment_council_ids(request.user)
    if not council_ids:
        raise Http404("No such page")
    today = timezone.localdate()
    this_year = money.financial_year(today)
    years = [
        money.financial_year(this_year.starts_on.replace(year=this_year.starts_on.year + offset))
        for offset in (-2, -1, 0, 1)
    ]
    try:
        year = (
            money.financial_year_from_label(request.GET["year"])
            if request.GET.get("year")
            else this_year
        )
    except money.MoneyError:
        year = this_year
    # In the order they are reviewed (packages with no review date last), by (review on, id).
    rows = selectors.commitments_in_year(council_ids, year)
    totals = selectors.commitment_totals(council_ids, year)
    # The totals counted the packages (the same rows): the page need not count them again.
    page = keyset_page(
        rows, params=request.GET, key="review_on", size=PAGE_SIZE, total=totals.packages
    )
    audit_read(
        request,
        what="list",
        child_ids=[d.request.child_id for d in page],
        data_types=PANEL_DATA_TYPES,
    )
    return render(
        request,
        "panel/commitments.html",
        {
            "page": page,
            "commitments": [selectors.commitment(d, year) for d in page],
            "totals": totals,
            "year": year,
            "years": years,
            "funders": FUNDERS,
            "form": forms.FinancialYearForm(initial={"year": year.label}, years=years),
        },
    )
