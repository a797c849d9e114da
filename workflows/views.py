"""The inbox, the task pages (claim, release, reassign, complete) and the start of a new request."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies import agreements
from agencies.access import actor_for
from agencies.models import Agency, Role
from agencies.queues import works_partner_queue
from ehcp.assessments.forms import ChildRequestForm, RequestForm, WithdrawalForm
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services.assessment import ChildDetails, ParentDetails
from ehcp.children.selectors import child_get_with_access
from ehcp.common.display import agency_label
from ehcp.common.pagination import keyset_page
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, posted_data
from ehcp.governance.access import (
    case_access,
    case_get_for_user,
    review_access,
    review_get_with_access,
)
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans import selectors as plan_selectors
from ehcp.plans.models import EhcPlan
from ehcp.reviews.forms import ReviewStartForm
from ehcp.reviews.models import Review
from notifications.services import notifications_undelivered
from panel.models import FundingRequest

from . import selectors, services
from .steps import step_for

PERIODS = {p.code: p for p in deadlines.ALL_PERIODS}
# Roles that write advice for an assessment through the advice portal.
ADVISER_ROLES = (
    Role.EDUCATIONAL_PSYCHOLOGIST,
    Role.HEALTH_ADVISER,
    Role.SOCIAL_CARE_ADVISER,
    Role.SENCO,
)


HEALTH_AGREEMENTS_PAGE = 20


@require_http_methods(["GET"])
@login_required
def home(request):
    """A start page for each role: what is waiting for you, and where your work lives."""
    actor = actor_for(request.user)
    # Every plan waiting for this health body, a page at a time (never a hidden row).
    health_agreements = Paginator(
        plan_selectors.cases_awaiting_health_agreement(actor), HEALTH_AGREEMENTS_PAGE
    ).get_page(request.GET.get("page"))
    if health_agreements.object_list:
        child_ids = sorted({case.child_id for case in health_agreements.object_list})
        audit_read(request, what="list", child_ids=child_ids)
    return render(
        request,
        "home.html",
        {
            "memberships": request.user.memberships.active().select_related("agency"),
            "my_task_count": selectors.tasks_mine(request.user).count(),
            "queue_task_count": selectors.tasks_in_my_queues(request.user).count(),
            "is_council_officer": actor.is_council_officer,
            "is_manager": actor.is_manager,
            # Section G of a plan waits for the health body that gave the medical advice.
            "health_agreements": health_agreements,
            # Only the roles and agencies the sharing agreement names may use break-glass (AC-07).
            "may_break_glass": bool(
                agreements.break_glass_agency_ids(actor, today=timezone.localdate())
            ),
            "is_adviser": works_partner_queue(actor),
            "is_ig_lead": actor.is_ig_lead,
            "is_panel": actor.has_role(Role.PANEL_MEMBER, Role.PANEL_CHAIR),
            "is_administrator": actor.has_role(Role.ADMINISTRATOR),
        },
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def inbox(request):
    today = timezone.localdate()
    warn = settings.DEADLINE_WARN_DAYS
    mine_qs = selectors.tasks_mine(request.user)
    queue_qs = selectors.tasks_in_my_queues(request.user)
    case, others = None, []
    if request.GET.get("case"):
        try:
            case = case_get_for_user(public_id=request.GET["case"], user=request.user)
        except ValidationError as error:
            raise Http404("No such case") from error
        mine_qs, queue_qs = mine_qs.filter(case=case), queue_qs.filter(case=case)
        others = selectors.task_rows(
            selectors.tasks_of_case_for_user(case, request.user),
            user=request.user,
            today=today,
            warn_days=warn,
        )
    review = None
    if case is None and request.GET.get("review"):
        try:
            review, _ = review_get_with_access(public_id=request.GET["review"], user=request.user)
        except ValidationError as error:
            raise Http404("No such review") from error
        mine_qs, queue_qs = mine_qs.filter(review=review), queue_qs.filter(review=review)
        others = selectors.task_rows(
            selectors.tasks_of_episode_for_user(review, request.user),
            user=request.user,
            today=today,
            warn_days=warn,
        )
    # Every task is reachable: each list is paged by (due date, id) and shows its total.
    mine_page = keyset_page(mine_qs, params=request.GET, key="due_on", prefix="mine_")
    mine = selectors.task_rows(mine_page.rows, user=request.user, today=today, warn_days=warn)
    queue_page = keyset_page(queue_qs, params=request.GET, key="due_on", prefix="queue_")
    queue = selectors.task_rows(queue_page.rows, user=request.user, today=today, warn_days=warn)
    audit_read(
        request,
        what="list",
        child_ids=sorted({row.task.episode.child_id for row in (*mine, *queue, *others)}),
    )
    return render(
        request,
        "workflows/inbox.html",
        {
            "mine": mine,
            "mine_page": mine_page,
            "queue": queue,
            "queue_page": queue_page,
            "case": case,
            "review": review,
            "others": others,
        },
    )


def audit_episode(request, *, what: str, episode, access, data_types=None):
    """The read audit of a page about an assessment or a review (a review is recorded against
    its child)."""
    if isinstance(episode, Assessment):
        return audit_read(request, what=what, case=episode, access=access, data_types=data_types)
    return audit_read(request, what=what, child=episode.child, access=access, data_types=data_types)


def _task_context(request, task, form=None):
    actor = actor_for(request.user)
    episode = task.episode
    is_review = isinstance(episode, Review)
    funding = episode if isinstance(episode, FundingRequest) else None
    # A review's page is for the council, the arranging agency and those invited; an agency with
    # only this step to do (a college consulted about ceasing) sees the review through its task.
    review_visible = is_review and review_access(actor, episode) is not None
    access = selectors.episode_access(actor, episode, task=task)
    if access is None:  # membership revoked or relationship gone since the list was shown
        raise Http404("No such task")
    audit_episode(request, what="task", episode=episode, access=access)
    step = step_for(task)
    holder = task.owner_id == request.user.pk
    may_act = task.is_open and holder and task.flow_task.can_execute(request.user, task)
    # Advice and its review are done on their own pages (workflows.advice_views).
    page_url = step.page(task) if step.page else None
    if form is None and may_act and page_url is None:
        form = step.form_class(**step.form_kwargs(episode))
    today = timezone.localdate()
    return {
        "task": task,
        "episode": episode,
        "case": None if is_review or funding else episode,
        "review": episode if is_review else None,
        "funding": funding,
        "review_visible": review_visible,
        "child": episode.child,
        "period": PERIODS.get(task.rule_code),
        "status": deadlines.deadline_status(
            task.due_on,
            today=today,
            done_on=task.finished and timezone.localdate(task.finished),
            exception_recorded=getattr(task, "exception_recorded", False),
        )
        if task.due_on
        else None,
        "form": form if may_act else None,
        "button": step.button,
        "page_url": page_url,
        "page_button": step.page_button if may_act else "",
        "step_links": step.links(episode)
        if step.links and episode.council_id in actor.council_agency_ids
        else [],
        "may_claim": task.is_open and task.flow_task.can_assign(request.user, task),
        "may_release": task.is_open
        and task.status == "ASSIGNED"
        and task.flow_task.can_unassign(request.user, task),
        "may_reassign": task.is_open and actor.can_manage_agency(task.agency_id),
        "shows": access.shows,
        # Who was reminded or told about this step, and the messages about it that reached nobody.
        "alerts": list(task.alerts.all()),
        "undelivered": notifications_undelivered(f"task:{task.public_id}"),
        "queue_label": agency_label(
            task.agency, whereabouts=access.whereabouts or task.agency_id in actor.agency_ids
        ),
    }


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def task_detail(request, task_id):
    task = selectors.task_get_for_user(task_id=task_id, user=request.user)
    if request.method == "GET":
        return render(request, "workflows/task_detail.html", _task_context(request, task))
    step = step_for(task)
    if step.page:  # advice is written, checked and submitted on its own pages
        return redirect(step.page(task))
    form = step.form_class(request.POST, **step.form_kwargs(task.episode))
    if form.is_valid():
        data = dict(form.cleaned_data, _form=form)
        try:
            services.task_complete(
                task=task,
                user=request.user,
                perform=lambda episode: step.perform(
                    episode, task, data, request.user, timezone.localdate()
                ),
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("workflows:task", task_id=task.public_id)
        else:
            messages.success(request, f"{task.flow_task.task_title}: done")
            episode = task.episode
            actor = actor_for(request.user)
            if isinstance(episode, Review):  # its page, for everyone who may see it
                if review_access(actor, episode) is not None:
                    return redirect("reviews:detail", public_id=episode.public_id)
                return redirect("workflows:inbox")
            if isinstance(episode, FundingRequest):  # the council's request page
                if episode.council_id in actor.council_agency_ids:
                    return redirect("panel:request", public_id=episode.public_id)
                return redirect("workflows:inbox")
            if episode.council_id in actor.council_agency_ids:
                return redirect("ehcp:case-detail", public_id=episode.public_id)
            return redirect("workflows:inbox")
    task.refresh_from_db()
    return render(
        request, "workflows/task_detail.html", _task_context(request, task, form), status=200
    )


def _task_action(request, task_id, action, done_message):
    task = selectors.task_get_for_user(task_id=task_id, user=request.user)
    try:
        action(task)
    except services.TaskConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, done_message)
    return redirect("workflows:task", task_id=task.public_id)


@require_POST
@login_required
def task_claim(request, task_id):
    return _task_action(
        request,
        task_id,
        lambda task: services.task_claim(task=task, user=request.user),
        "You have claimed this task",
    )


@require_POST
@login_required
def task_release(request, task_id):
    return _task_action(
        request,
        task_id,
        lambda task: services.task_release(task=task, user=request.user),
        "The task is back in the queue",
    )


def _caseworkers(council):
    return (
        get_user_model()
        .objects.filter(
            memberships__agency=council,
            memberships__role__in=["CASEWORKER", "SEN_MANAGER"],
            memberships__is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
def request_new(request):
    actor = actor_for(request.user)
    councils = Agency.objects.filter(pk__in=actor.council_agency_ids).order_by("name")
    council = councils.first()
    if council is None:
        raise PermissionDenied
    caseworkers = _caseworkers(council)
    form = RequestForm(
        posted_data(request), caseworkers=caseworkers, initial={"caseworker": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.assessment_request_receive(
                council=council,
                child_details=ChildDetails(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    upn=data["upn"],
                    nhs_number=data["nhs_number"],
                    address=data["address"],
                    postcode=data["postcode"],
                    protected_whereabouts=data["protected_whereabouts"],
                    current_setting=data["current_setting"],
                    primary_need=data["primary_need"],
                    secondary_need=data["secondary_need"],
                ),
                parents=[
                    ParentDetails(
                        name=data["parent_name"],
                        relationship=data["parent_relationship"],
                        email=data["parent_email"],
                        phone=data["parent_phone"],
                    )
                ]
                if data["parent_name"]
                else [],
                requested_by=data["requested_by"],
                requester_name=data["requester_name"],
                received_on=data["received_on"],
                reasons=data["reasons"],
                caseworker=data["caseworker"],
                by=request.user,
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Request recorded as {case.reference}. Record consent before you request advice.",
            )
            return redirect("ehcp:case-detail", public_id=case.public_id)
    return render(
        request,
        "ehcp/assessments/form_page.html",
        {
            "form": form,
            "title": "Record a request for an EHC needs assessment",
            "button": "Record the request",
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def case_withdraw(request, case_id):
    """The caseworker records that the parent or young person withdrew the request: the case
    closes with the reasons, and its tasks and chasers end (services.case_withdraw)."""
    case = Assessment.objects.select_related("child", "council").filter(public_id=case_id).first()
    access = case_access(actor_for(request.user), case) if case is not None else None
    if access is None or access.relationship != "council":
        raise Http404("No such case")
    if not case.is_open:
        messages.error(request, "This case is closed: there is no request to withdraw")
        return redirect("ehcp:case-detail", public_id=case.public_id)
    form = WithdrawalForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_withdraw(case=case, by=request.user, **form.cleaned_data)
        except CaseRuleError as error:
            form_errors(form, error)
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                f"{case.reference} is closed: the request was withdrawn. Its tasks have ended, "
                f"and {case.child.first_name} can be the subject of a new request.",
            )
            return redirect("ehcp:case-detail", public_id=case.public_id)
    audit_read(request, what="case", case=case, access=access, data_types=["IDENTITY"])
    return render(
        request,
        "ehcp/assessments/form_page.html",
        {
            "form": form,
            "case": case,
            "title": "Record that the request was withdrawn",
            "lead": "The case closes on the day the request was withdrawn, with the reasons. "
            "Every open task for the case ends, nobody is chased for it, and a new request can "
            "be received later.",
            "button": "Record the withdrawal",
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def child_request_new(request, child_id):
    """A new request for a child or young person the council already knows: a request for a
    re-assessment where their plan is in force (SEND Regulations 2014, reg 24), otherwise a new
    request for an EHC needs assessment. The flow starts as for any request."""
    child, cases, access = child_get_with_access(public_id=child_id, user=request.user)
    if access.relationship != "council":
        raise PermissionDenied
    council = cases[0].council
    reassessment = EhcPlan.objects.live().filter(child=child).exists()
    form = ChildRequestForm(
        posted_data(request),
        caseworkers=_caseworkers(council),
        reassessment=reassessment,
        initial={"caseworker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.assessment_request_receive(
                council=council, child=child, by=request.user, **form.cleaned_data
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"Request recorded as {case.reference}. Record consent before you request advice.",
            )
            return redirect("ehcp:case-detail", public_id=case.public_id)
    audit_read(request, what="case", case=cases[0], child=child, access=access)
    name = child.full_name
    return render(
        request,
        "ehcp/assessments/form_page.html",
        {
            "form": form,
            "title": f"Record a request for a re-assessment of {name}'s needs"
            if reassessment
            else f"Record a new request for an EHC needs assessment of {name}",
            "lead": f"{child.first_name} has an EHC plan: this is a re-assessment. The council "
            "must say whether it will re-assess within 15 days of receiving the request (SEND "
            "Regulations 2014, reg 25(1)); the final amended or replacement plan is due 14 weeks "
            "from that decision (reg 27(2))."
            if reassessment
            else "",
            "button": "Record the request",
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def review_start(request, plan_id):
    """The council starts an early or an interim review of a plan in force, at any time, with a
    reason (services.review_start: the review and its flow, whose first task goes to the school
    or setting that arranges the meeting, or to the council)."""
    plan = EhcPlan.objects.select_related("child", "council").filter(public_id=plan_id).first()
    actor = actor_for(request.user)
    if plan is None or plan.council_id not in actor.council_agency_ids:
        raise Http404("No such plan")
    child = plan.child
    form = ReviewStartForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_start(
                ehc_plan=plan,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                today=timezone.localdate(),
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"{review.reference}: {review.get_kind_display().lower()} started. The meeting "
                f"is to be held by {review.latest_meeting_on:%-d %B %Y} at the latest.",
            )
            return redirect("reviews:detail", public_id=review.public_id)
    audit_read(request, what="case", child=child, data_types=["IDENTITY"])
    return render(
        request,
        "ehcp/reviews/form_page.html",
        {
            "form": form,
            "child": child,
            "caption": f"{plan.reference} · {child.full_name}",
            "title": f"Start an early or interim review of {child.first_name}'s EHC plan",
            "lead": "The council can review a plan at any time, for example when needs change or "
            "a child is at risk of exclusion. The school or setting arranges the meeting (SEND "
            "Regulations 2014, reg 20), or the council where the child attends none (reg 21); "
            "everyone the regulations name is invited. The reason is recorded with the review.",
            "button": "Start the review",
        },
    )
