"""The advice portal's pages: advisers write, save, attach, ask for more time and submit; the
council sees all the advice on a case, chases what is missing, decides requests for more time and
accepts or returns each piece of advice.

Who sees what (AC-02): a person reaches advice only through `ehcp.governance.access.case_access`. The
council that holds the case sees all its advice (the content once it is submitted); a partner
agency sees only its own agency's advice. Anyone else gets a 404. Writing needs the open
adviser's task, claimed by the person (read afresh from their memberships on every request).
Submitting and reviewing complete flow tasks through `workflows.services.task_complete`.
"""

import csv
import dataclasses
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import actor_for
from agencies.models import MANAGER_ROLES, Agency, AgencyKind, Role
from agencies.queues import may_work_queue
from ehcp.assessments.figures import advice_asked, advice_facts
from ehcp.assessments.models import (
    AdviceAttachment,
    AdviceEntry,
    AdviceEntryKind,
    AdviceExtensionRequest,
    AdviceKind,
    AdviceRequest,
    AdviceStatus,
    Assessment,
    ExtensionDecision,
)
from ehcp.assessments.rules import advice as rules
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.deadlines import DeadlineStatus
from ehcp.assessments.rules.timeliness import advice_timeliness
from ehcp.assessments.selectors import advice_prefetched
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services.advice import attachment_max_bytes, attachments_max
from ehcp.common.display import agency_label
from ehcp.common.pagination import keyset_page
from ehcp.common.services import CaseRuleError
from ehcp.common.views import posted_data
from ehcp.governance.access import case_access

from . import advice_forms, selectors, services
from .flows import ADVICE_NODES, ADVICE_REVIEW_NODES
from .models import CaseTask
from .pipeline_forms import FiguresYearForm
from .selectors import advice_open_task
from .steps import step_for

ENTRY_KIND_SLUGS = {
    "views": "VIEWS",
    "need": "NEED",
    "outcome": "OUTCOME",
    "provision": "PROVISION",
}
SHOWN_TO_COUNCIL = (AdviceStatus.SUBMITTED, AdviceStatus.ACCEPTED)


# -- access ------------------------------------------------------------------------------------


def _audit_read(
    request, *, what: str, case: Assessment | None = None, access=None, child_ids=None
) -> None:
    """AU-01: record that this person was shown (part of) a child's record. The read audit is
    ehcp.governance.audit's (another engineer's); it is called here whenever it is there."""
    try:
        from ehcp.governance.audit import audit_read
    except ImportError:  # pragma: no cover - before ehcp.governance.audit exists
        return
    audit_read(request, what=what, case=case, access=access, child_ids=child_ids)


@dataclass(frozen=True)
class Seen:
    """Advice as one person may see it."""

    advice: AdviceRequest
    access: object  # ehcp.governance.access.CaseAccess
    actor: object  # agencies.access.Actor

    @property
    def is_council(self) -> bool:
        return self.access.relationship == "council"

    @property
    def is_adviser(self) -> bool:
        """A member of the agency the advice was asked of."""
        return self.advice.agency_id in self.actor.agency_ids

    @property
    def shows_content(self) -> bool:
        """The adviser's agency sees its drafts; the council sees what has been submitted."""
        return self.is_adviser or self.advice.status in SHOWN_TO_COUNCIL

    @property
    def agency_name(self) -> str:
        return agency_label(
            self.advice.agency, whereabouts=self.access.whereabouts or self.is_adviser
        )


def _seen(user, advice: AdviceRequest | None) -> Seen:
    if advice is None:
        raise Http404("No such advice")
    actor = actor_for(user)
    access = case_access(actor, advice.case)
    if access is None:
        raise Http404("No such advice")
    seen = Seen(advice, access, actor)
    if not (seen.is_council or seen.is_adviser):
        raise Http404("No such advice")
    return seen


def _advice_seen(request, advice_id) -> Seen:
    advice = (
        AdviceRequest.objects.select_related(
            "case",
            "case__child",
            "case__council",
            "agency",
            "submitted_by",
            "accepted_by",
            "returned_by",
        )
        .filter(public_id=advice_id)
        .first()
    )
    return _seen(request.user, advice)


def _holds(user, task: CaseTask | None) -> bool:
    return task is not None and task.owner_id == user.pk and task.flow_task.can_execute(user, task)


def _writer(request, advice_id) -> tuple[Seen, CaseTask | None]:
    """The advice and its adviser's task, when this person holds the task; None otherwise."""
    seen = _advice_seen(request, advice_id)
    task = advice_open_task(seen.advice, review=False)
    return seen, task if _holds(request.user, task) and seen.advice.is_editable else None


def _not_writing(request, seen: Seen):
    """Someone who may see the advice but not change it: a page shows them the advice as it
    stands; a change is refused (AC-05: the server decides, not the button that was shown)."""
    if request.method == "POST":
        raise PermissionDenied
    return redirect("workflows:advice:detail", advice_id=seen.advice.public_id)


# -- what the pages show -----------------------------------------------------------------------


@dataclass
class AdviceSheet:
    """One piece of advice with everything the pages show about it."""

    advice: AdviceRequest
    deadline: DeadlineStatus
    agency_name: str
    shows_content: bool
    entries: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    exception_recorded: bool = False

    def _of(self, kind):
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def views(self):
        return self._of(AdviceEntryKind.VIEWS)

    @property
    def needs(self):
        return self._of(AdviceEntryKind.NEED)

    @property
    def outcomes(self):
        return self._of(AdviceEntryKind.OUTCOME)

    @property
    def provisions(self):
        return self._of(AdviceEntryKind.PROVISION)

    @property
    def pending_extension(self):
        return next((e for e in self.extensions if e.decision == ExtensionDecision.PENDING), None)

    @property
    def agreed_until(self) -> date | None:
        agreed = [e.new_date for e in self.extensions if e.decision == ExtensionDecision.ACCEPTED]
        return max(agreed) if agreed else None

    @property
    def is_late(self) -> bool:
        return self.deadline.is_late

    @property
    def problems(self) -> list[str]:
        """What stops the advice being submitted now (empty when it can be)."""
        return rules.submission_problems(
            self.advice.kind, [entry.as_fact() for entry in self.entries]
        )

    @property
    def is_missing(self) -> bool:
        return self.advice.is_editable


def advice_sheets(
    advice_list, *, viewer: Seen | None = None, actor=None, access=None, today: date | None = None
):
    """Sheets for advice already fetched with `advice_prefetched`."""
    today = today or timezone.localdate()
    sheets = []
    for advice in advice_list:
        seen = viewer or Seen(advice, access, actor)
        exception = any(e.counts for e in advice.exceptions.all())
        sheets.append(
            AdviceSheet(
                advice=advice,
                deadline=rules.advice_deadline(
                    advice.due_on,
                    today=today,
                    received_on=advice.received_on,
                    exception_recorded=exception,
                    warn_days=settings.DEADLINE_WARN_DAYS,
                ),
                agency_name=seen.agency_name,
                shows_content=seen.shows_content,
                entries=list(advice.entries.all()) if seen.shows_content else [],
                attachments=list(advice.attachments.all()) if seen.shows_content else [],
                extensions=list(advice.extension_requests.all()),
                exception_recorded=exception,
            )
        )
    return sheets


def _sheet(seen: Seen) -> AdviceSheet:
    advice = advice_prefetched(AdviceRequest.objects.filter(pk=seen.advice.pk)).get()
    return advice_sheets([advice], viewer=Seen(advice, seen.access, seen.actor))[0]


def _context(request, seen: Seen, **extra) -> dict:
    advice = seen.advice
    context = {
        "advice": advice,
        "case": advice.case,
        "child": advice.case.child,
        "sheet": _sheet(seen),
        "period": deadlines.ADVICE,
        "seen": seen,
        "max_files": attachments_max(),
        "max_mb": attachment_max_bytes() // (1024 * 1024),
    }
    context.update(extra)
    return context


def _page(request, template: str, seen: Seen, *, status: int = 200, **extra):
    _audit_read(request, what="case", case=seen.advice.case, access=seen.access)
    return render(request, template, _context(request, seen, **extra), status=status)


# -- the adviser: write, attach, save, check and submit ----------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def editor(request, advice_id):
    """The adviser's draft: needs, outcomes and provision, with files. "Save and come back later"
    keeps it; nothing reaches the council until it is submitted."""
    seen, task = _writer(request, advice_id)
    if task is None:
        return _not_writing(request, seen)
    if request.method == "POST":
        try:
            advice_services.advice_draft_save(advice=seen.advice, by=request.user)
        except CaseRuleError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("workflows:advice:edit", advice_id=seen.advice.public_id)
        messages.success(
            request, "Your draft advice has been saved. You can come back to it from your tasks."
        )
        return redirect("workflows:inbox")
    return _page(
        request,
        "workflows/advice/editor.html",
        seen,
        task=task,
        upload_form=advice_forms.AttachmentForm(),
    )


def _entry_page(request, seen: Seen, task, kind: str, entry: AdviceEntry | None = None):
    form = advice_forms.EntryForm(posted_data(request), kind=kind, advice=seen.advice, entry=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice_services.advice_entry_save(
                advice=seen.advice,
                entry=entry,
                data=advice_services.EntryInput(
                    kind=kind,
                    plan_section=form.plan_section(),
                    text=data["text"],
                    who=data.get("who", ""),
                    frequency_count=data.get("frequency_count"),
                    frequency_period=data.get("frequency_period", ""),
                    session_minutes=data.get("session_minutes"),
                    duration=data.get("duration", ""),
                ),
                links=data.get("links") or (),
                by=request.user,
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            noun = rules.ENTRY_KINDS[kind].lower()
            messages.success(request, f"{noun[0].upper()}{noun[1:]} saved in your draft")
            return redirect(
                f"{reverse('workflows:advice:edit', args=[seen.advice.public_id])}#{kind.lower()}"
            )
    verb = "Change" if entry else "Add"
    titles = {
        "VIEWS": "the family's views",
        "NEED": "a need",
        "OUTCOME": "an outcome",
        "PROVISION": "provision",
    }
    title = f"{verb} {titles[kind] if not entry else titles[kind].split(' ', 1)[-1]}"
    return _page(
        request,
        "workflows/advice/entry_form.html",
        seen,
        form=form,
        title=title,
        task=task,
        kind=kind,
    )


@require_http_methods(["GET", "POST"])
@login_required
def entry_new(request, advice_id, kind):
    seen, task = _writer(request, advice_id)
    kind = ENTRY_KIND_SLUGS.get(kind)
    if kind is None or (kind == "VIEWS" and seen.advice.kind != AdviceKind.PARENT_VIEWS):
        raise Http404("No such kind of entry")
    if task is None:
        return _not_writing(request, seen)
    return _entry_page(request, seen, task, kind)


def _entry_of(seen: Seen, entry_id) -> AdviceEntry:
    entry = AdviceEntry.objects.filter(public_id=entry_id, advice_request=seen.advice).first()
    if entry is None:
        raise Http404("No such entry")
    return entry


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request, advice_id, entry_id):
    seen, task = _writer(request, advice_id)
    entry = _entry_of(seen, entry_id)
    if task is None:
        return _not_writing(request, seen)
    return _entry_page(request, seen, task, entry.kind, entry)


@require_POST
@login_required
def entry_remove(request, advice_id, entry_id):
    seen, task = _writer(request, advice_id)
    entry = _entry_of(seen, entry_id)
    if task is None:
        return _not_writing(request, seen)
    try:
        advice_services.advice_entry_remove(entry=entry, by=request.user)
    except CaseRuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{entry.get_kind_display()} removed from your draft")
    return redirect("workflows:advice:edit", advice_id=seen.advice.public_id)


@require_POST
@login_required
def attachment_upload(request, advice_id):
    seen, task = _writer(request, advice_id)
    if task is None:
        return _not_writing(request, seen)
    form = advice_forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = advice_services.attachment_add(
                advice=seen.advice, files=form.cleaned_data["files"], by=request.user
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error("files", message)
        else:
            names = ", ".join(a.original_name for a in added)
            messages.success(request, f"Attached {names}")
            return redirect(
                f"{reverse('workflows:advice:edit', args=[seen.advice.public_id])}#attachments"
            )
    return _page(request, "workflows/advice/editor.html", seen, task=task, upload_form=form)


@require_POST
@login_required
def attachment_remove(request, advice_id, attachment_id):
    seen, task = _writer(request, advice_id)
    attachment = AdviceAttachment.objects.filter(
        public_id=attachment_id, advice_request=seen.advice
    ).first()
    if attachment is None:
        raise Http404("No such file")
    if task is None:
        return _not_writing(request, seen)
    try:
        advice_services.attachment_remove(attachment=attachment, by=request.user)
    except CaseRuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed {attachment.original_name}")
    return redirect(f"{reverse('workflows:advice:edit', args=[seen.advice.public_id])}#attachments")


@require_http_methods(["GET", "POST"])
@login_required
def check(request, advice_id):
    """Check your answers, then submit: this completes the adviser's task."""
    seen, task = _writer(request, advice_id)
    if task is None:
        return _not_writing(request, seen)
    step = step_for(task)
    form = step.form_class(posted_data(request), **step.form_kwargs(task.case))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, _form=form)
        today = timezone.localdate()
        try:
            services.task_complete(
                task=task,
                user=request.user,
                perform=lambda case: step.perform(case, task, data, request.user, today),
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("workflows:advice:detail", advice_id=seen.advice.public_id)
        else:
            if seen.advice.kind == AdviceKind.PARENT_VIEWS:
                messages.success(request, "The family's views are recorded")
            else:
                messages.success(request, "Your advice has been sent to the council")
            return redirect("workflows:advice:detail", advice_id=seen.advice.public_id)
    return _page(
        request, "workflows/advice/check.html", seen, task=task, form=form, button=step.button
    )


@require_http_methods(["GET", "POST"])
@login_required
def more_time(request, advice_id):
    """The adviser asks the council for more time (the statutory date does not move)."""
    seen = _advice_seen(request, advice_id)
    advice = seen.advice
    if (
        not may_work_queue(seen.actor, advice.agency_id, advice.agency.kind)
        or advice.kind == AdviceKind.PARENT_VIEWS
    ):
        raise Http404("No such page")
    if not advice.is_editable:
        messages.error(request, "This advice has already been submitted")
        return redirect("workflows:advice:detail", advice_id=advice.public_id)
    form = advice_forms.ExtensionRequestForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice_services.extension_request(advice=advice, by=request.user, **data)
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "You have asked for more time. The council will tell you its decision."
            )
            return redirect("workflows:advice:detail", advice_id=advice.public_id)
    return _page(request, "workflows/advice/more_time.html", seen, form=form)


# -- anyone who may see it: the advice as it stands ----------------------------------------------


@require_GET
@login_required
def detail(request, advice_id):
    """The advice, read-only: what the adviser submitted, its status, and what happens next."""
    seen = _advice_seen(request, advice_id)
    task = advice_open_task(seen.advice, review=False)
    review_task = advice_open_task(seen.advice, review=True) if seen.is_council else None
    return _page(
        request,
        "workflows/advice/detail.html",
        seen,
        task=task,
        may_write=_holds(request.user, task) and seen.advice.is_editable,
        may_ask_more_time=seen.advice.is_editable
        and seen.advice.kind != AdviceKind.PARENT_VIEWS
        and may_work_queue(seen.actor, seen.advice.agency_id, seen.advice.agency.kind),
        review_task=review_task,
    )


@require_GET
@login_required
def attachment_download(request, attachment_id):
    """Serve an attached file: only to someone who may see the advice, always as a download
    under its sanitised name, never rendered by the browser (IN-08)."""
    attachment = (
        AdviceAttachment.objects.select_related(
            "advice_request",
            "advice_request__case",
            "advice_request__case__child",
            "advice_request__agency",
        )
        .filter(public_id=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404("No such file")
    seen = _seen(request.user, attachment.advice_request)
    if not seen.shows_content:
        raise Http404("No such file")
    _audit_read(request, what="document", case=seen.advice.case, access=seen.access)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def agency_list(request):
    """The advice asked of the person's agencies: what they are writing and what they submitted."""
    actor = actor_for(request.user)
    queue_agencies = [
        agency for agency, kind, role in actor.memberships if may_work_queue(actor, agency, kind)
    ]
    advice = AdviceRequest.objects.filter(agency_id__in=queue_agencies).exclude(
        kind=AdviceKind.PARENT_VIEWS
    )
    # Most recently asked first; every piece of advice reachable through the pages.
    page = keyset_page(
        advice.select_related("case", "case__child", "agency").prefetch_related("exceptions"),
        params=request.GET,
        key="requested_on",
        descending=True,
    )
    today = timezone.localdate()
    rows = [
        (
            item,
            rules.advice_deadline(
                item.due_on,
                today=today,
                received_on=item.received_on,
                exception_recorded=any(e.counts for e in item.exceptions.all()),
                warn_days=settings.DEADLINE_WARN_DAYS,
            ),
        )
        for item in page.rows
    ]
    _audit_read(request, what="list", child_ids=[item.case.child_id for item in page.rows])
    return render(request, "workflows/advice/list.html", {"page": page, "rows": rows})


# -- the council: all the advice on a case, chasing, more time, review --------------------------


def _council_case(request, case_id) -> tuple[Assessment, object, object]:
    case = (
        Assessment.objects.select_related("child", "council", "caseworker")
        .filter(public_id=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    actor = actor_for(request.user)
    access = case_access(actor, case)
    if access is None or access.relationship != "council":
        raise Http404("No such case")
    return case, access, actor


@require_GET
@login_required
def case_advice(request, case_id):
    """Every piece of advice asked for on the case: what is in, what is late, what to chase."""
    case, access, actor = _council_case(request, case_id)
    advice = advice_prefetched(case.advice_requests.all()).order_by("kind")
    sheets = advice_sheets(advice, actor=actor, access=access)
    tasks = {}
    for task in (
        CaseTask.objects.human()
        .open()
        .filter(case=case, subject_id__isnull=False)
        .select_related("owner")
    ):
        name = task.flow_task.name
        if name in ADVICE_NODES or name in ADVICE_REVIEW_NODES:
            tasks[(task.subject_id, name in ADVICE_REVIEW_NODES)] = task
    rows = [
        (sheet, tasks.get((sheet.advice.pk, False)), tasks.get((sheet.advice.pk, True)))
        for sheet in sheets
    ]
    _audit_read(request, what="case", case=case, access=access)
    return render(
        request,
        "workflows/advice/case_advice.html",
        {
            "case": case,
            "child": case.child,
            "rows": rows,
            "period": deadlines.ADVICE,
            "may_change": case.status in advice_services.ADVICE_CHANGE_STATUSES,
        },
    )


@require_POST
@login_required
def chase(request, advice_id):
    seen = _advice_seen(request, advice_id)
    if not seen.is_council:
        raise Http404("No such advice")
    back = reverse("workflows:advice:case", args=[seen.advice.case.public_id])
    try:
        services.advice_chase(advice=seen.advice, by=request.user)
    except CaseRuleError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request,
        f"{seen.agency_name} has been chased for the {seen.advice.get_kind_display().split(' (')[0].lower()}",
    )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def extension_decide(request, extension_id):
    """The council agrees more time or refuses it; an accepted reg 8(2) reason is recorded as an
    exception on the case."""
    extension = (
        AdviceExtensionRequest.objects.select_related("advice_request", "requested_by")
        .filter(public_id=extension_id)
        .first()
    )
    if extension is None:
        raise Http404("No such request")
    seen = _advice_seen(request, extension.advice_request.public_id)
    if not seen.is_council:
        if seen.is_adviser:
            return redirect("workflows:advice:detail", advice_id=seen.advice.public_id)
        raise Http404("No such request")
    if not extension.is_pending:
        messages.error(request, "This request for more time has already been decided")
        return redirect("workflows:advice:detail", advice_id=seen.advice.public_id)
    initial = {
        "exception_limb": extension.limb,
        "starts_on": extension.starts_on,
        "ends_on": extension.ends_on,
    }
    form = advice_forms.ExtensionDecisionForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.advice_extension_decide(
                extension=extension,
                accept=data["decision"],
                decision_reason=data.get("decision_reason", ""),
                exception_limb=data.get("exception_limb", "") if data["decision"] else "",
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                ongoing=data.get("ongoing", False),
                ongoing_evidence=data.get("ongoing_evidence", ""),
                family_told_on=data.get("family_told_on"),
                by=request.user,
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if decided.decision == ExtensionDecision.ACCEPTED:
                done = f"More time agreed until {decided.new_date:%-d %B %Y}"
                if decided.exception_id:
                    done += f". Exception reg {decided.exception.limb} recorded"
            else:
                done = "More time refused"
            messages.success(request, done)
            return redirect("workflows:advice:case", case_id=seen.advice.case.public_id)
    return _page(
        request, "workflows/advice/extension_decide.html", seen, form=form, extension=extension
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request, advice_id):
    """The caseworker reads the advice and accepts it, or returns it with reasons. This completes
    the "Review ... advice" task; returned advice goes back to the adviser."""
    seen = _advice_seen(request, advice_id)
    if not seen.is_council:
        raise Http404("No such advice")
    task = advice_open_task(seen.advice, review=True)
    holder = _holds(request.user, task)
    form = None
    if holder:
        step = step_for(task)
        form = step.form_class(posted_data(request), **step.form_kwargs(task.case))
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data, _form=form)
            today = timezone.localdate()
            try:
                services.task_complete(
                    task=task,
                    user=request.user,
                    perform=lambda case: step.perform(case, task, data, request.user, today),
                )
            except CaseRuleError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except services.TaskConflict as conflict:
                messages.error(request, conflict.message)
                return redirect("workflows:advice:review", advice_id=seen.advice.public_id)
            else:
                done = "Advice accepted" if data["decision"] else "Advice returned to the adviser"
                messages.success(request, done)
                return redirect("workflows:advice:case", case_id=seen.advice.case.public_id)
    elif request.method == "POST":
        raise PermissionDenied  # only the holder of the review task decides
    return _page(request, "workflows/advice/review.html", seen, task=task, form=form, holder=holder)


# -- the council: cancel a request, ask for more advice -------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request, advice_id):
    """The caseworker cancels a request for advice with a reason (ADVICE-CANCEL): its tasks and
    chasers end, its agency is told, and it no longer counts as missing."""
    seen = _advice_seen(request, advice_id)
    if not seen.is_council:
        raise Http404("No such advice")
    back = reverse("workflows:advice:case", args=[seen.advice.case.public_id])
    if not seen.advice.is_outstanding:
        messages.error(request, "This advice is not outstanding: there is nothing to cancel")
        return redirect(back)
    form = advice_forms.AdviceCancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_cancel(
                advice=seen.advice, reason=form.cleaned_data["reason"], by=request.user
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                f"Request for {seen.advice.short_label.lower()} cancelled: {seen.agency_name} has been told",
            )
            return redirect(back)
    return _page(request, "workflows/advice/cancel.html", seen, form=form, back=back)


@require_http_methods(["GET", "POST"])
@login_required
def add(request, case_id):
    """The caseworker asks for more advice after the decision to assess (reg 6(1); due in 6 weeks,
    reg 8(1)), behind the same consent gate as the first requests."""
    case, access, actor = _council_case(request, case_id)
    back = reverse("workflows:advice:case", args=[case.public_id])
    form = advice_forms.AdviceAddForm(
        posted_data(request), case=case, initial={"requested_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            advice = services.advice_add(
                case=case,
                kind=data["kind"],
                agency=data["agency"],
                requested_on=data["requested_on"],
                by=request.user,
            )
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                f"{advice.short_label} asked for, due {advice.due_on:%-d %B %Y}",
            )
            return redirect(back)
    _audit_read(request, what="case", case=case, access=access)
    return render(
        request,
        "workflows/advice/add.html",
        {"case": case, "child": case.child, "form": form, "back": back},
    )


# -- how on time each agency's advice has been ----------------------------------------------------

# Council roles that see every agency's figures for their council (issue 14: managers and the IG
# lead); a partner's advisers see their own agency's.
FIGURES_COUNCIL_ROLES = frozenset({*MANAGER_ROLES, Role.IG_LEAD})
# Advice is counted from the year the SEND Regulations 2014 came into force.
FIRST_YEAR = 2014
SCHOOLS = -1  # the row of every school and setting, in the council's figures
CSV_COLUMNS = (
    ("Agency", "name"),
    ("Requested", "requested"),
    ("Returned within 6 weeks", "on_time"),
    ("Returned late", "late"),
    ("Of which late with an exception recorded", "late_excused"),
    ("Not yet due", "outstanding"),
    ("Overdue, not returned", "overdue"),
    ("Per cent on time", "percent_on_time"),
    ("Median days to return", "median_days"),
    ("Escalated to the agency's managers", "escalated"),
)


@require_GET
@login_required
def figures(request):
    """How on time each agency's advice was, for the requests made in a calendar year: for the
    council's managers and IG lead, every agency asked by their council; for a partner's
    advisers, their own agency (for every council that asked it). Counts only, no child named;
    `?format=csv` downloads the table."""
    actor = actor_for(request.user)
    councils = {
        agency_id
        for agency_id, kind, role in actor.memberships
        if kind == AgencyKind.SEN_TEAM and role in FIGURES_COUNCIL_ROLES
    }
    own = {
        agency_id
        for agency_id, kind, _role in actor.memberships
        if kind != AgencyKind.SEN_TEAM and may_work_queue(actor, agency_id, kind)
    }
    if not councils and not own:
        raise PermissionDenied
    today = timezone.localdate()
    form = FiguresYearForm(request.GET or None, first=FIRST_YEAR, last=today.year)
    year = form.chosen(default=today.year)
    start, end = date(year, 1, 1), date(year, 12, 31)
    scope = {"council_ids": councils} if councils else {"agency_ids": own}
    facts = advice_facts(start=start, end=end, **scope)
    escalated = selectors.advice_escalations(advice_asked(start=start, end=end, **scope))
    agencies = {
        pk: (name, kind)
        for pk, name, kind in Agency.objects.filter(
            pk__in={f.agency_id for f in facts} | set(escalated)
        ).values_list("pk", "name", "kind")
    }
    if councils:
        # Schools are one row: a school's name beside a handful of requests could say where a
        # child whose whereabouts are protected goes to school (DM-02).
        group = {pk: SCHOOLS for pk, (_, kind) in agencies.items() if kind == AgencyKind.SCHOOL}
        facts = [
            dataclasses.replace(f, agency_id=group.get(f.agency_id, f.agency_id)) for f in facts
        ]
        grouped: dict[int, int] = {}
        for pk, count in escalated.items():
            grouped[group.get(pk, pk)] = grouped.get(group.get(pk, pk), 0) + count
        escalated = grouped
    names = {pk: name for pk, (name, _) in agencies.items()} | {SCHOOLS: "Schools and settings"}
    rows = sorted(
        advice_timeliness(facts, today=today, escalated=escalated),
        key=lambda row: (row.agency_id == SCHOOLS, names[row.agency_id]),
    )
    total = advice_timeliness(
        [dataclasses.replace(fact, agency_id=0) for fact in facts],
        today=today,
        escalated={0: sum(escalated.values())} if escalated else None,
    )
    if request.GET.get("format") == "csv":
        return _figures_csv(rows, names, year)
    return render(
        request,
        "workflows/advice/figures.html",
        {
            "form": form,
            "year": year,
            "rows": [(names[row.agency_id], row) for row in rows],
            "total": total[0] if total and len(rows) > 1 else None,
            "council_view": bool(councils),
            "current_year": year == today.year,
            "period": deadlines.ADVICE,
        },
    )


def _figures_csv(rows, names, year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="advice-timeliness-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow([label for label, _ in CSV_COLUMNS])
    for row in rows:
        values = {"name": names[row.agency_id]}
        writer.writerow(
            [
                values["name"] if key == "name" else _blank_if_none(getattr(row, key))
                for _, key in CSV_COLUMNS
            ]
        )
    return response


def _blank_if_none(value):
    return "" if value is None else value
