"""The review pipeline: every plan in force of the reader's council by the stage its review is at,
with what is late at each stage; each row links to the review's next task. A worklist, not a
report: from it a caseworker starts the reviews due in a term, records a batch of invitations
sent, and prints the list. The council's DfE annual review figures, for managers.

The pipeline's read side is `ehcp.reviews.pipeline` (stages, filters, counts, rows); this module
adds the tasks (a workflow row) and the bulk actions, which go through the workflow services.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import actor_for
from agencies.queues import may_work_queue
from ehcp.assessments.rules import deadlines
from ehcp.common.display import agency_label
from ehcp.common.pagination import PAGE_SIZE as LIST_PAGE_SIZE
from ehcp.common.pagination import keyset_page
from ehcp.common.views import council_officer_required, manager_required
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.reviews import figures, pipeline
from ehcp.reviews.models import Review
from ehcp.reviews.rules.terms import terms_from

from . import pipeline_services
from .flows.review import ReviewFlow
from .models import CaseTask
from .pipeline_forms import (
    BulkSelectionError,
    FiguresYearForm,
    InvitationsBatchForm,
    PipelineFilterForm,
    selected_ids,
    shown_token,
)

#: Rows on one page of a stage, as on the other lists (a bulk action applies to the rows shown;
#: the printed list has every row of the stage).
PAGE_SIZE = LIST_PAGE_SIZE
#: Terms offered by the "due in" filter: this one and the next three.
TERMS_SHOWN = 4
#: The bulk actions, by stage: what a page of that stage lets a caseworker do to its rows.
START = "start"
INVITE = "invite"
BULK_ACTIONS = {"due": START, "arranged": INVITE}


def _filters(request, council_ids, today):
    # Only the names the filter shows, as values: a council has hundreds of caseworkers.
    form = PipelineFilterForm(
        request.GET,
        caseworkers=pipeline.caseworker_choices(council_ids),
        years=pipeline.transfer_years(today),
        terms=terms_from(today, TERMS_SHOWN),
    )
    stage, filters = form.valid_filters()
    return form, stage, filters


def _query(request, **values) -> str:
    """The page's query string without its paging, with ``values`` set."""
    params = request.GET.copy()
    for name in ("after", "before"):
        params.pop(name, None)
    for name, value in values.items():
        params[name] = value
    return params.urlencode()


def _next_tasks(rows) -> dict[int, CaseTask]:
    """The next open task of each review shown (the soonest due): one query."""
    review_ids = [row.review.pk for row in rows if row.review is not None]
    found: dict[int, CaseTask] = {}
    if not review_ids:
        return found
    tasks = (
        CaseTask.objects.human()
        .open()
        .filter(review_id__in=review_ids)
        .select_related("agency", "owner")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    for task in tasks:
        found.setdefault(task.review_id, task)
    return found


def _with_tasks(rows, actor):
    """Each review's next task, and whose queue it is in (a protected child's school withheld
    unless the reader works there)."""
    tasks = _next_tasks(rows)
    found = []
    for row in rows:
        task = tasks.get(row.review.pk) if row.review is not None else None
        if task is None:
            found.append(row)
            continue
        whereabouts = row.whereabouts or task.agency_id in actor.agency_ids
        queue = agency_label(task.agency, whereabouts=whereabouts, child=row.child)
        found.append(row.with_task(task, queue if task.agency else ""))
    return found


def _selectable(action, rows, actor):
    """Which rows the page's bulk action can apply to, and why not the others: a review can only
    start for a plan in force; invitations are recorded here for the reviews whose next step is
    the invitations in a queue the reader works (a school records its own, reg 20)."""
    found = []
    for row in rows:
        if action == START:
            if row.plan.status == EhcPlanStatus.IN_FORCE:
                found.append(row.with_selection(True))
            else:
                found.append(row.with_selection(False, "The plan is proposed to cease"))
            continue
        task = row.next_task
        if task is None or task.flow_task != ReviewFlow.send_invitations:
            found.append(row.with_selection(False, "The invitations are not the next step"))
        elif not may_work_queue(actor, task.agency_id, task.agency.kind):
            found.append(row.with_selection(False, f"Recorded by {row.task_queue}"))
        elif task.owner_id not in (None, actor.user_id):
            holder = task.owner.get_full_name() or task.owner.username
            found.append(row.with_selection(False, f"Held by {holder}"))
        else:
            found.append(row.with_selection(True))
    return found


def _bulk_ids(action, rows) -> list[str]:
    """The rows a bulk form may post: those it can apply to."""
    if action == START:
        return [str(row.plan.public_id) for row in rows if row.selectable]
    return [str(row.review.public_id) for row in rows if row.selectable]


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def review_pipeline(request):
    today = timezone.localdate()
    actor = actor_for(request.user)
    council_ids = pipeline.council_ids_for(request.user)
    form, stage, filters = _filters(request, council_ids, today)
    counts = pipeline.stage_counts(council_ids, filters, today=today, actor=actor)
    rows_qs = pipeline.stage_rows_queryset(stage, council_ids, filters, today=today, actor=actor)
    page = keyset_page(
        rows_qs,
        params=request.GET,
        key=stage.key,
        descending=stage.descending,
        size=PAGE_SIZE,
        total=pipeline.stage_total(counts, stage, filters),
    )
    rows = _with_tasks(
        pipeline.rows_for(
            stage, page.rows, today=today, actor=actor, warn_days=settings.DEADLINE_WARN_DAYS
        ),
        actor,
    )
    audit_read(request, what="list", child_ids=sorted({row.child.pk for row in rows}))
    action = BULK_ACTIONS.get(stage.code) if actor.council_agency_ids else None
    if action:
        rows = _selectable(action, rows, actor)
    shown = _bulk_ids(action, rows) if action else []
    return render(
        request,
        "workflows/pipeline/pipeline.html",
        {
            "form": form,
            "stage": stage,
            "filters": filters,
            "counts": [(count, _query(request, stage=count.stage.code)) for count in counts],
            "page": page,
            "rows": rows,
            "today": today,
            "print_query": _query(request),
            "action": action,
            "shown": shown_token(user=request.user, action=action, ids=shown) if shown else "",
            "selectable": len(shown),
            "invitations_form": InvitationsBatchForm(None) if action == INVITE else None,
            "this_page": request.get_full_path(),
            "is_manager": actor.is_manager,
        },
    )


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def review_pipeline_print(request):
    """The filtered stage, every row on one page, to print."""
    today = timezone.localdate()
    actor = actor_for(request.user)
    council_ids = pipeline.council_ids_for(request.user)
    _form, stage, filters = _filters(request, council_ids, today)
    order = (
        F(stage.key).desc(nulls_last=True)
        if stage.descending
        else F(stage.key).asc(nulls_last=True)
    )
    objects = pipeline.stage_rows_queryset(
        stage, council_ids, filters, today=today, actor=actor
    ).order_by(order, "-pk" if stage.descending else "pk")
    rows = _with_tasks(
        pipeline.rows_for(
            stage, objects, today=today, actor=actor, warn_days=settings.DEADLINE_WARN_DAYS
        ),
        actor,
    )
    audit_read(request, what="print", child_ids=sorted({row.child.pk for row in rows}))
    return render(
        request,
        "workflows/pipeline/print.html",
        {
            "stage": stage,
            "filters": filters,
            "rows": rows,
            "today": today,
            "back_query": _query(request),
        },
    )


@require_http_methods(["GET"])
@manager_required
def review_figures(request):
    """The DfE annual review figures of the manager's council for a calendar year. Counts only:
    no child is named, so nothing here is a read of a child's record."""
    today = timezone.localdate()
    form = FiguresYearForm(request.GET or None, first=figures.FIRST_YEAR, last=today.year)
    year = form.chosen(default=today.year)
    found = figures.review_figures(pipeline.council_ids_for(request.user), year, today=today)
    return render(
        request,
        "workflows/pipeline/figures.html",
        {
            "form": form,
            "figures": found,
            "year": year,
            "today": today,
            "current_year": year == today.year,
            "outcomes": [
                (label, (count, found.outcome_percent(count)))
                for label, count in (
                    ("Maintained (kept as it is, or not amended)", found.maintained),
                    ("Amended", found.amended),
                    ("Ceased", found.ceased),
                )
            ],
            "decision_period": deadlines.REVIEW_DECISION,
            "review_period": deadlines.REVIEW_COMPLETE,
        },
    )


def _casework_only(request):
    """Bulk actions change casework: the council's caseworkers and SEN managers only."""
    if not actor_for(request.user).council_agency_ids:
        raise PermissionDenied


def _back(request) -> str:
    """The pipeline page the batch came from (its filters and page), or the pipeline."""
    base = reverse("workflows:pipeline:index")
    target = request.POST.get("next", "")
    return target if target.startswith(base) and "//" not in target else base


def _in_order(ids, found) -> list:
    by_id = {str(obj.public_id): obj for obj in found}
    return [by_id[i] for i in ids if i in by_id]


def _refused(request, *, title, report=None, errors=(), children=()):
    """The batch was refused: nothing changed; say what and why."""
    audit_read(request, what="list", child_ids=sorted({child.pk for child in children}))
    chosen = len(report.done) + len(report.refused) if report else 0
    return render(
        request,
        "workflows/pipeline/bulk_result.html",
        {
            "title": title,
            "report": report,
            "errors": list(errors),
            "chosen": chosen,
            "back": _back(request),
        },
    )


@require_POST
@council_officer_required
@audited_view
def reviews_start(request):
    """Start the reviews of the plans chosen on the page (those ticked, or every one shown)."""
    _casework_only(request)
    actor = actor_for(request.user)
    title = "No review was started"
    try:
        ids = selected_ids(request.POST, user=request.user, action=START)
    except BulkSelectionError as error:
        return _refused(request, title=title, errors=[error.message])
    plans = _in_order(
        ids,
        EhcPlan.objects.filter(
            public_id__in=ids, council_id__in=actor.council_agency_ids
        ).select_related("child", "child__current_setting", "council"),
    )
    if len(plans) != len(ids):
        return _refused(request, title=title, errors=["Choose only your council's plans"])
    report = pipeline_services.reviews_start(
        plans=plans, by=request.user, today=timezone.localdate()
    )
    if not report.ok:
        return _refused(
            request, title=title, report=report, children=[plan.child for plan in plans]
        )
    count = len(report.done)
    messages.success(
        request,
        f"{count} review{pluralize(count)} started. Each school or setting has its task to "
        "arrange the meeting (the council, for a child in none).",
    )
    return redirect(_back(request))


@require_POST
@council_officer_required
@audited_view
def invitations_send(request):
    """Record that the invitations were sent for the reviews chosen on the page."""
    _casework_only(request)
    actor = actor_for(request.user)
    title = "No invitations were recorded"
    form = InvitationsBatchForm(request.POST)
    try:
        ids = selected_ids(request.POST, user=request.user, action=INVITE)
    except BulkSelectionError as error:
        return _refused(request, title=title, errors=[error.message])
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return _refused(request, title=title, errors=errors)
    reviews = _in_order(
        ids,
        Review.objects.filter(
            public_id__in=ids, council_id__in=actor.council_agency_ids
        ).select_related("child", "council"),
    )
    if len(reviews) != len(ids):
        return _refused(request, title=title, errors=["Choose only your council's reviews"])
    report = pipeline_services.invitations_send(
        reviews=reviews,
        sent_on=form.cleaned_data["sent_on"],
        late_reason=form.cleaned_data["late_reason"],
        by=request.user,
        today=timezone.localdate(),
    )
    if not report.ok:
        return _refused(
            request, title=title, report=report, children=[review.child for review in reviews]
        )
    count = len(report.done)
    messages.success(request, f"Invitations recorded as sent for {count} review{pluralize(count)}")
    return redirect(_back(request))
