"""The plan editor, its history and the issued documents. Each view parses input, calls one
service or selector, and renders; a refused rule shows its messages in the error summary.

Who may do what:
* the plan pages (overview, editing, history, compare): the SEN team of the council that holds
  the case (`council_officer_required` and `case_for_officer`);
* the documents page and downloads: anyone who may see the case (`case_get_for_user`); every
  download is recorded;
* agreeing health provision (section G): the health agency that gave the case's medical advice,
  or the SEN team recording the health body's written agreement (the service decides).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import actor_for
from agencies.models import AgencyKind
from ehcp.assessments.models import PLAN_EDITABLE_STATUSES, AdviceRequest, AssessmentStatus
from ehcp.common.display import CHILDS_SETTING, PROTECTED_SETTING
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, posted_data
from ehcp.governance.access import (
    case_for_officer,
    case_get_for_user,
    case_get_with_access,
    case_schools,
    withhold_names,
)
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans import documents
from ehcp.plans import forms as plan_forms
from ehcp.plans import selectors as plan_selectors
from ehcp.plans import services as plan_services
from ehcp.plans.models import (
    LETTER_KINDS,
    DocumentKind,
    DocumentRender,
    PlanDocument,
    PlanEntryStatus,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    SendingMethod,
)
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.rules.plan_checks import Stage

ENTRY_MODELS = {"needs": PlanNeed, "outcomes": PlanOutcome, "provisions": PlanProvision}
FINAL_STAGE_STATUSES = (
    AssessmentStatus.DRAFT_ISSUED,
    AssessmentStatus.CONSULTING,
    AssessmentStatus.FINAL_ISSUED,
)
# Documents that name the child's school or setting: a whereabouts fact when it is protected.
NAMES_SETTING = (DocumentKind.FINAL_PLAN, DocumentKind.FINAL_LETTER)


def _officer_case(request, public_id):
    """The case and the officer's access to it: only the SEN team of the council that holds it."""
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    return case, access


def _mask_setting(content: dict, access, case) -> dict:
    """The content as this viewer may see it: without the whereabouts permission, no school of
    the case is named (section I of a final plan, and versions frozen before names were withheld
    from the content of a protected child)."""
    if access.whereabouts:
        return content
    content = withhold_names(content, case_schools(case, access=access))
    placement = content["sections"]["I"]
    stand_ins = (CHILDS_SETTING, PROTECTED_SETTING)
    if placement["name"] and placement["name"] not in stand_ins:
        sections = dict(content["sections"], I={**placement, "name": PROTECTED_SETTING})
        content = {**content, "sections": sections}
    return content


def _names_withheld(content, names: dict[str, str]) -> bool:
    return bool(names) and withhold_names(content, names) != content


def _may_download(document, case, access, names: dict[str, str]) -> bool:
    """Statutory plans and letters are the PLAN data type of the sharing agreement; a final plan
    and its letter name the setting, so they are withheld where whereabouts are protected, as is
    any document whose frozen content names a school this viewer may not see (`names`, from
    `case_schools(case, access=access)`: documents issued before names were withheld)."""
    if not access.sees("PLAN"):
        return False
    if document.kind in NAMES_SETTING and not access.whereabouts:
        return False
    return not _names_withheld(document.content, names)


def _overview(case):
    return redirect("ehcp:plan:overview", public_id=case.public_id)


def _plan_form(
    request,
    case,
    form,
    *,
    perform,
    success: str,
    title: str,
    button: str,
    lead: str = "",
    advice=None,
):
    """`_case_form`'s shape for the plan: success returns to the plan page."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, success)
            return _overview(case)
    audit_read(request, what="case", case=case, data_types=["IDENTITY", "PLAN"])
    return render(
        request,
        "ehcp/plans/form_page.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "button": button,
            "lead": lead,
            "advice": advice or [],
        },
    )


class _Refused(Exception):
    pass


def _plan(request, case):
    """The case's plan for editing: started by the first POST (a GET changes nothing, so it may
    be None). A refused rule (the plan cannot be changed now) goes back to the plan page."""
    try:
        if request.method == "POST":
            return plan_services.plan_get_or_create(case=case, by=request.user)
        if case.status not in PLAN_EDITABLE_STATUSES:
            raise CaseRuleError("The plan cannot be changed at this stage")
        return plan_selectors.plan_for_case(case)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
        raise _Refused from error


def _entry(plan, kind: str, entry_id):
    model = ENTRY_MODELS.get(kind)
    if model is None or plan is None:
        raise Http404("No such entry")
    return get_object_or_404(
        model.objects.select_related("plan__case"), public_id=entry_id, plan=plan
    )


def _presumed_setting(case):
    """For the checks shown before the final plan: the setting named, or the last one consulted."""
    if case.named_setting_id:
        return case.named_setting
    consultation = case.consultations.select_related("setting").order_by("-sent_on", "-pk").first()
    return consultation.setting if consultation else None


# -- the plan page -------------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_overview(request, public_id):
    case, access = _officer_case(request, public_id)
    plan = plan_selectors.plan_for_case(case)
    if plan is not None:
        plan_selectors.plan_with_entries(plan)
    advice = plan_selectors.case_advice(case)
    today = timezone.localdate()
    stage = Stage.FINAL if case.status in FINAL_STAGE_STATUSES else Stage.DRAFT
    setting = _presumed_setting(case) if stage == Stage.FINAL else None
    content = plan_selectors.plan_content(
        plan, case=case, advice=advice, plan_date=today, named_setting=setting
    )
    content = _mask_setting(content, access, case)
    checks = plan_selectors.plan_check_results(
        plan, case=case, advice=advice, stage=stage, plan_date=today, named_setting=setting
    )
    audit_read(request, what="case", case=case, access=access)
    return render(
        request,
        "ehcp/plans/overview.html",
        {
            "case": case,
            "plan": plan,
            "content": content,
            "sections": content["sections"],
            "titles": plan_selectors.SECTION_TITLES,
            "suggestions": (
                plan_selectors.plan_suggestions(plan, whereabouts=access.whereabouts)
                if plan
                else {}
            ),
            "checks": checks,
            "checks_passed": all(result.passed for result in checks),
            "stage": stage,
            "editable": case.status in PLAN_EDITABLE_STATUSES,
            "has_advice": any(a.received_on for a in advice),
            "has_accepted_advice": any(a.status == AdviceRequest.Status.ACCEPTED for a in advice),
            "documents": plan_selectors.case_documents(case),
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def plan_details(request, public_id):
    case = case_for_officer(request, public_id)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    form = plan_forms.PlanDetailsForm(posted_data(request))
    family = plan_selectors.accepted_family_views(case)
    lead = ""
    if request.method == "GET":
        if plan is not None:
            form.initial = {
                "views": plan.views,
                "placement_type": plan.placement_type,
                "personal_budget": plan.personal_budget,
            }
        if not form.initial.get("views"):
            # Section A starts from the family's views as the council recorded them; the
            # caseworker changes it as they need before saving.
            form.initial["views"] = "\n\n".join(
                filter(None, map(plan_selectors.family_views_text, family))
            )
            if form.initial["views"]:
                lead = "Section A is filled in from the family's views. Change it as you need, then save."
    return _plan_form(
        request,
        case,
        form,
        perform=lambda data: plan_services.plan_details_update(plan=plan, by=request.user, **data),
        success="Sections A, I and J saved",
        title="Sections A, I and J",
        button="Save",
        lead=lead,
        advice=family,
    )


@require_POST
@council_officer_required
@audited_view
def plan_suggest(request, public_id):
    case = case_for_officer(request, public_id)
    before = plan_selectors.plan_for_case(case)
    had_views = bool(before and before.views.strip())
    try:
        count = plan_services.plan_fill_from_advice(case=case, by=request.user)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        text = (
            f"{count} suggestion{'s' if count != 1 else ''} made from the accepted advice. "
            "Accept, change or drop each one."
            if count
            else "No new suggestions: everything in the accepted advice has already been suggested."
        )
        if not had_views and plan_selectors.plan_for_case(case).views.strip():
            text += " Section A is filled in from the family's views: check it and change it as you need."
        messages.success(request, text)
    return _overview(case)


# -- entries -------------------------------------------------------------------------------------


def _need_page(request, public_id, entry_id=None):
    case, access = _officer_case(request, public_id)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    need = _entry(plan, "needs", entry_id) if entry_id else None
    form = plan_forms.NeedForm(
        posted_data(request), plan=plan, case=case, whereabouts=access.whereabouts
    )
    if request.method == "GET" and need is not None:
        form.initial = {
            "section": need.section,
            "text": need.text,
            "need_code": need.need_code,
            "advice": list(need.advice.all()),
        }
    return _plan_form(
        request,
        case,
        form,
        perform=lambda data: plan_services.need_save(plan=plan, need=need, by=request.user, **data),
        success="Need saved" if need else "Need added",
        title="Change a need" if need else "Add a need",
        button="Save",
        lead="Saving a suggestion accepts it into the plan." if need and need.is_suggestion else "",
    )


def _outcome_page(request, public_id, entry_id=None):
    case, access = _officer_case(request, public_id)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    outcome = _entry(plan, "outcomes", entry_id) if entry_id else None
    form = plan_forms.OutcomeForm(
        posted_data(request), plan=plan, case=case, whereabouts=access.whereabouts
    )
    if request.method == "GET" and outcome is not None:
        form.initial = {
            "text": outcome.text,
            "by_when": outcome.by_when,
            "needs": list(outcome.needs.all()),
            "advice": list(outcome.advice.all()),
        }
    return _plan_form(
        request,
        case,
        form,
        perform=lambda data: plan_services.outcome_save(
            plan=plan, outcome=outcome, by=request.user, **data
        ),
        success="Outcome saved" if outcome else "Outcome added",
        title="Change an outcome" if outcome else "Add an outcome",
        button="Save",
        lead="Saving a suggestion accepts it into the plan."
        if outcome and outcome.is_suggestion
        else "",
    )


def _provision_page(request, public_id, entry_id=None):
    case, access = _officer_case(request, public_id)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    provision = _entry(plan, "provisions", entry_id) if entry_id else None
    form = plan_forms.ProvisionForm(
        posted_data(request), plan=plan, case=case, whereabouts=access.whereabouts
    )
    if request.method == "GET" and provision is not None:
        form.initial = {
            name: getattr(provision, name)
            for name in (
                "section",
                "what",
                "who",
                "frequency_count",
                "frequency_period",
                "session_minutes",
                "starts_on",
                "ends_on",
            )
        }
        form.initial.update(
            needs=list(provision.needs.all()),
            outcomes=list(provision.outcomes.all()),
            advice=list(provision.advice.all()),
        )
    lead = "Provision in section F must say what, who, how often and for how long."
    if provision is not None and provision.health_agreed:
        lead += " The health body has agreed this provision: changing it means they must agree it again."
    return _plan_form(
        request,
        case,
        form,
        perform=lambda data: plan_services.provision_save(
            plan=plan, provision=provision, by=request.user, **data
        ),
        success="Provision saved" if provision else "Provision added",
        title="Change provision" if provision else "Add provision",
        button="Save",
        lead=lead,
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def need_new(request, public_id):
    return _need_page(request, public_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def need_edit(request, public_id, entry_id):
    return _need_page(request, public_id, entry_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def outcome_new(request, public_id):
    return _outcome_page(request, public_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def outcome_edit(request, public_id, entry_id):
    return _outcome_page(request, public_id, entry_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def provision_new(request, public_id):
    return _provision_page(request, public_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def provision_edit(request, public_id, entry_id):
    return _provision_page(request, public_id, entry_id)


@require_POST
@council_officer_required
@audited_view
def entry_accept(request, public_id, kind, entry_id):
    case = case_for_officer(request, public_id)
    entry = _entry(plan_selectors.plan_for_case(case), kind, entry_id)
    try:
        plan_services.suggestion_accept(entry=entry, by=request.user)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Suggestion accepted into the plan")
    return _overview(case)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def entry_remove(request, public_id, kind, entry_id):
    case = case_for_officer(request, public_id)
    entry = _entry(plan_selectors.plan_for_case(case), kind, entry_id)
    suggestion = entry.status == PlanEntryStatus.SUGGESTED
    return _plan_form(
        request,
        case,
        plan_forms.ConfirmForm(posted_data(request)),
        perform=lambda data: plan_services.entry_remove(entry=entry, by=request.user),
        success="Suggestion dropped" if suggestion else "Removed from the plan",
        title="Drop this suggestion?" if suggestion else "Remove this from the plan?",
        button="Drop the suggestion" if suggestion else "Remove it",
        lead=f"\u201c{entry}\u201d. It is kept in the plan's history.",
    )


# -- health provision ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def provision_agree(request, public_id, entry_id):
    case = case_get_for_user(public_id=public_id, user=request.user)
    actor = actor_for(request.user)
    is_officer = case.council_id in actor.council_agency_ids
    is_health = case.advice_requests.filter(
        agency__kind=AgencyKind.HEALTH, agency_id__in=actor.agency_ids
    ).exists()
    if not (is_officer or is_health):
        raise PermissionDenied
    provision = _entry(plan_selectors.plan_for_case(case), "provisions", entry_id)
    form = plan_forms.HealthAgreementForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.provision_health_agree(
                provision=provision, by=request.user, **form.cleaned_data
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Agreement to the health provision recorded")
            if is_officer:
                return _overview(case)
            return redirect("ehcp:plan:documents", public_id=case.public_id)
    audit_read(request, what="case", case=case, data_types=["IDENTITY", "PLAN"])
    return render(
        request,
        "ehcp/plans/agree.html",
        {"case": case, "form": form, "provision": provision, "is_officer": is_officer},
    )


# -- history and versions ----------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_history(request, public_id):
    case, access = _officer_case(request, public_id)
    plan = plan_selectors.plan_for_case(case)
    audit_read(request, what="case", case=case, data_types=["IDENTITY", "PLAN"])
    # Every change is reachable: newest first, a page at a time (the diffs are worked out in Python).
    changes = Paginator(
        plan_selectors.plan_changes(plan, whereabouts=access.whereabouts) if plan else [], 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "ehcp/plans/history.html",
        {
            "case": case,
            "plan": plan,
            "changes": changes,
            "versions": plan_selectors.plan_versions(case),
        },
    )


def _version_content(case, key: str, versions) -> tuple[str, dict] | None:
    if key == "working":
        plan = plan_selectors.plan_for_case(case)
        if plan is not None:
            plan_selectors.plan_with_entries(plan)
        content = plan_selectors.plan_content(
            plan,
            case=case,
            advice=plan_selectors.case_advice(case),
            plan_date=timezone.localdate(),
            named_setting=case.named_setting,
        )
        return "The working copy (not issued)", content
    for version in versions:
        if version.key == key:
            return version.label, version.content
    return None


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_compare(request, public_id):
    case, access = _officer_case(request, public_id)
    versions = plan_selectors.plan_versions(case)
    keys = [v.key for v in versions] + ["working"]
    default_left = versions[0].key if versions else "working"
    left_key = request.GET.get("a") or default_left
    right_key = request.GET.get("b") or "working"
    left, right = (
        _version_content(case, left_key, versions),
        _version_content(case, right_key, versions),
    )
    if left is None or right is None:
        raise Http404("No such version")
    audit_read(request, what="case", case=case, access=access)
    return render(
        request,
        "ehcp/plans/compare.html",
        {
            "case": case,
            "choices": [(v.key, v.label) for v in versions]
            + [("working", "The working copy (not issued)")],
            "keys": keys,
            "left_key": left_key,
            "right_key": right_key,
            "left_label": left[0],
            "right_label": right[0],
            "sections": plan_selectors.plan_compare(
                _mask_setting(left[1], access, case), _mask_setting(right[1], access, case)
            ),
        },
    )


# -- preview before issuing ---------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_preview(request, public_id):
    """The working copy as the PDF it would be issued as now (a draft before the draft is issued,
    then the final plan), marked PREVIEW. Rendered for the request: never stored, never frozen,
    never a `PlanDocument`. The council's SEN team only, and recorded as a read of the plan."""
    case, access = _officer_case(request, public_id)
    plan = plan_selectors.plan_for_case(case)
    if plan is not None:
        plan_selectors.plan_with_entries(plan)
    stage = Stage.FINAL if case.status in FINAL_STAGE_STATUSES else Stage.DRAFT
    kind = DocumentKind.FINAL_PLAN if stage == Stage.FINAL else DocumentKind.DRAFT_PLAN
    content = plan_selectors.plan_content(
        plan,
        case=case,
        advice=plan_selectors.case_advice(case),
        plan_date=timezone.localdate(),
        named_setting=_presumed_setting(case) if stage == Stage.FINAL else None,
        stage=kind.value,
    )
    content = _mask_setting(content, access, case)
    data = documents.render_plan_preview(content)
    audit_read(request, what="document", case=case, access=access)
    response = HttpResponse(data, content_type="application/pdf")
    name = "final-plan" if stage == Stage.FINAL else "draft-plan"
    response["Content-Disposition"] = f'inline; filename="{case.reference}-{name}-preview.pdf"'
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    return response


# -- documents ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
@audited_view
def plan_documents(request, public_id):
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    if not access.sees("PLAN"):
        raise PermissionDenied
    actor = actor_for(request.user)
    health_agencies = set(
        case.advice_requests.filter(agency__kind=AgencyKind.HEALTH).values_list(
            "agency_id", flat=True
        )
    )
    to_agree = []
    if actor.agency_ids & health_agencies and case.status in PLAN_EDITABLE_STATUSES:
        to_agree = list(
            PlanProvision.objects.filter(
                plan__case=case, section="G", status=PlanEntryStatus.ACCEPTED
            ).order_by("order", "pk")
        )
    withheld = case_schools(case, access=access)
    audit_read(request, what="list", case=case, access=access)
    return render(
        request,
        "ehcp/plans/documents.html",
        {
            "case": case,
            "documents": [
                d
                for d in plan_selectors.case_documents(case)
                if _may_download(d, case, access, withheld)
            ],
            "pending": plan_selectors.case_pending_documents(case),
            "letters": plan_selectors.case_letters(case),
            "to_agree": to_agree,
            "may_edit": case.council_id in actor.council_agency_ids,
        },
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def document_download(request, public_id, document_id):
    case, access = case_get_with_access(public_id=public_id, user=request.user)
    document = get_object_or_404(
        PlanDocument.objects.select_related("case"), public_id=document_id, case=case
    )
    if not _may_download(document, case, access, case_schools(case, access=access)):
        raise Http404("No such document")
    try:
        data = plan_services.document_open(document=document, by=request.user)
    except plan_services.DocumentIntegrityError as error:
        messages.error(request, error.messages[0])
        return redirect("ehcp:plan:documents", public_id=case.public_id)
    audit_read(request, what="document", case=case, access=access)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Content-Length"] = str(len(data))
    return response


# -- how a letter was sent -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def letter_sending(request, public_id, letter_id):
    """Record how and when a letter was sent, after the decision; or correct the record, with
    the reason (a new record: nothing is lost)."""
    case, access = _officer_case(request, public_id)
    letter = get_object_or_404(
        DocumentRender.objects.filter(kind__in=LETTER_KINDS), public_id=letter_id, case=case
    )
    row = plan_selectors.letter_row(
        letter, list(letter.sendings.select_related("recorded_by").order_by("recorded_at", "pk"))
    )
    form = plan_forms.LetterSendingForm(posted_data(request), correcting=row.is_sent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.letter_sending_record(
                letter=letter,
                sent=LetterSent(data["sent_on"], SendingMethod(data["method"])),
                reason=data.get("reason", ""),
                by=request.user,
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, "How the letter was sent is recorded")
            return redirect("ehcp:plan:documents", public_id=case.public_id)
    audit_read(request, what="case", case=case, access=access)
    return render(
        request,
        "ehcp/plans/letter_sending.html",
        {"case": case, "form": form, "letter": letter, "row": row},
    )
