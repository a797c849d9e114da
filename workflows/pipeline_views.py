"""The review pipeline: every plan in force of the reader's council by the stage its review is at,
with what is late at each stage; each row links to the review's next task. A worklist, not a
report: from it a caseworker starts the reviews due in a term, records a batch of invitations
sent, and prints the list. The council's DfE annual review figures, for managers.

The pipeline's read side is `ehcp.reviews.pipeline` (stages, filters, counts, rows); this module
adds the tasks (a workflow row) and the bulk actions, which go through the workflow services.
"""

from django.conf import settings
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from ehcp.assessments.rules import deadlines
from ehcp.common.display import agency_label
from ehcp.common.pagination import keyset_page
from ehcp.common.views import council_officer_required, manager_required
from ehcp.governance.audit import audit_read, audited_view
from ehcp.reviews import figures, pipeline
from ehcp.reviews.rules.terms import terms_from

from .models import CaseTask
from .pipeline_forms import FiguresYearForm, PipelineFilterForm, shown_token

#: Rows on one page of a stage: a caseworker's reviews due in a term fit on one or two.
PAGE_SIZE = 100
#: Terms offered by the "due in" filter: this one and the next three.
TERMS_SHOWN = 4
#: The bulk actions, by stage: what a page of that stage lets a caseworker do to its rows.
BULK_ACTIONS: dict[str, str] = {}


def _filters(request, council_ids, today):
    caseworkers = list(pipeline.caseworkers_of(council_ids))
    form = PipelineFilterForm(
        request.GET,
        caseworkers=caseworkers,
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


def _bulk_ids(stage, rows) -> list[str]:
    if stage.code == "due":
        return [str(row.plan.public_id) for row in rows]
    return [str(row.review.public_id) for row in rows if row.review is not None]


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
        rows_qs, params=request.GET, key=stage.key, descending=stage.descending, size=PAGE_SIZE
    )
    rows = _with_tasks(
        pipeline.rows_for(
            stage, page.rows, today=today, actor=actor, warn_days=settings.DEADLINE_WARN_DAYS
        ),
        actor,
    )
    audit_read(request, what="list", child_ids=sorted({row.child.pk for row in rows}))
    action = BULK_ACTIONS.get(stage.code) if actor.council_agency_ids else None
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
            "shown": shown_token(user=request.user, action=action, ids=_bulk_ids(stage, rows))
            if action and rows
            else "",
            "this_page": request.get_full_path(),
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
    form, stage, filters = _filters(request, council_ids, today)
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
            "form": form,
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
