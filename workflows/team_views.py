"""Managing the team's work: every open task in the queues a manager runs, who holds it and when
it is due; giving a task to someone else; giving a case to another caseworker. Each change needs
a reason, which is recorded."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from ehcp.assessments.models import OPEN_STATUSES, Assessment
from ehcp.assessments.services.casework import CASEWORKER_REASON_PREFIX as PREFIX
from ehcp.assessments.services.casework import caseworkers_of
from ehcp.common.display import agency_label
from ehcp.common.pagination import keyset_page
from ehcp.common.services import CaseRuleError
from ehcp.governance.access import case_access
from ehcp.governance.audit import audit_read, audited_view

from . import selectors, services
from .team_forms import CaseworkerForm, ReassignForm
from .views import audit_episode


def _next_url(request, default: str) -> str:
    """Where to go back to: the team page the manager came from, or `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET"])
@login_required
@audited_view
def team_tasks(request):
    if not selectors.managed_agency_ids(request.user):
        raise PermissionDenied
    holder = request.GET.get("holder", "")
    holders = selectors.team_holders(request.user)
    if holder and holder not in {h.value for h in holders}:
        holder = ""  # someone who holds none of the team's tasks (or a hand-edited URL): show all
    page = keyset_page(
        selectors.team_tasks(request.user, holder=holder), params=request.GET, key="due_on"
    )
    rows = selectors.task_rows(
        page.rows,
        user=request.user,
        today=timezone.localdate(),
        warn_days=settings.DEADLINE_WARN_DAYS,
    )
    audit_read(request, what="list", child_ids=sorted({row.task.episode.child_id for row in rows}))
    return render(
        request,
        "workflows/team.html",
        {
            "rows": rows,
            "page": page,
            "holders": holders,
            "holder_choices": [(h.value, f"{h.label} ({h.count})") for h in holders],
            "holder": holder,
            "this_page": request.get_full_path(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def task_reassign(request, task_id):
    task = selectors.task_get_for_user(task_id=task_id, user=request.user)
    actor = actor_for(request.user)
    if not actor.can_manage_agency(task.agency_id):
        raise PermissionDenied
    access = selectors.episode_access(actor, task.episode, task=task)
    if access is None:
        raise Http404("No such task")
    back = reverse("workflows:task", kwargs={"task_id": task.public_id})
    if not task.is_open:
        messages.error(request, "This task has already been completed")
        return redirect(back)
    form = ReassignForm(
        request.POST if request.method == "POST" else None,
        people=services.users_who_work_queue(task),
        initial={"user": task.owner_id},
    )
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["user"]
        try:
            services.task_reassign(
                task=task, user=request.user, to_user=to_user, reason=form.cleaned_data["reason"]
            )
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request, f"Task given to {to_user.get_full_name() or to_user.username}"
            )
            return redirect(_next_url(request, back))
    audit_episode(
        request, what="task", episode=task.episode, access=access, data_types=["IDENTITY"]
    )
    return render(
        request,
        "workflows/team_form.html",
        {
            "form": form,
            "title": "Give this task to someone else",
            "button": "Give the task",
            "task": task,
            "case": task.episode,
            "earlier": [
                (r.at, r.by, r.from_user, r.to_user, r.reason)
                for r in task.reassignments.select_related("by", "from_user", "to_user").order_by(
                    "at", "pk"
                )
            ],
            "queue_label": agency_label(
                task.agency, whereabouts=access.whereabouts or task.agency_id in actor.agency_ids
            ),
            "next": _next_url(request, ""),
            "back": _next_url(request, back),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def case_caseworker(request, case_id):
    case = (
        Assessment.objects.select_related("child", "council", "caseworker")
        .filter(public_id=case_id)
        .first()
    )
    actor = actor_for(request.user)
    access = case_access(actor, case) if case is not None else None
    if access is None or access.relationship != "council":
        raise Http404("No such case")
    if not actor.can_manage_agency(case.council_id):
        raise PermissionDenied
    back = reverse("ehcp:case-detail", kwargs={"public_id": case.public_id})
    if case.status not in OPEN_STATUSES:
        messages.error(request, "This case is closed, so its caseworker cannot be changed")
        return redirect(back)
    form = CaseworkerForm(
        request.POST if request.method == "POST" else None, people=caseworkers_of(case.council_id)
    )
    if request.method == "POST" and form.is_valid():
        caseworker = form.cleaned_data["caseworker"]
        try:
            moved = services.case_caseworker_change(
                case=case,
                caseworker=caseworker,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            name = caseworker.get_full_name() or caseworker.username
            tasks = (
                f"; {len(moved)} open task{'s' if len(moved) != 1 else ''} moved to them"
                if moved
                else ""
            )
            messages.success(request, f"{case.reference} is now with {name}{tasks}")
            return redirect(_next_url(request, back))
    audit_read(request, what="case", case=case, access=access, data_types=["IDENTITY"])
    return render(
        request,
        "workflows/team_form.html",
        {
            "form": form,
            "title": "Change the caseworker",
            "button": "Change the caseworker",
            "case": case,
            "current": case.caseworker,
            "earlier": [
                (
                    h.history_date,
                    h.history_user,
                    None,
                    h.caseworker,
                    h.history_change_reason[len(PREFIX) :],
                )
                for h in case.history.filter(history_change_reason__startswith=PREFIX)
                .select_related("history_user", "caseworker")
                .order_by("history_date", "history_id")
            ],
            "next": _next_url(request, ""),
            "back": _next_url(request, back),
        },
    )
