"""The plan editor, its history and the issued documents. Each view parses input, calls one
service or selector, and renders; a refused rule shows its messages in the error summary.

The same pages serve each episode's working copy: an assessment's under /cases/<id>/plan/
(namespace `ehcp:plan`), and a review's that amends the plan under /reviews/<id>/plan/
(namespace `review-plan`, ehcp/plans/review_urls.py). Each view is given which (`episode`).

Who may do what:
* the plan pages (overview, editing, history, compare, preview): the SEN team of the council
  that holds the case or review (`_officer_episode`);
* the documents page and downloads: anyone who may see the case or review and its plans (the
  PLAN data type); every download is recorded;
* agreeing health provision (section G): the health agency that gave the medical advice (for a
  review, also the health body invited to it), or the SEN team recording the health body's
  written agreement (the service decides).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import actor_for
from ehcp.assessments.models import AdviceRequest, AssessmentStatus
from ehcp.common.display import CHILDS_SETTING, PROTECTED_SETTING
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, posted_data
from ehcp.governance.access import (
    case_get_with_access,
    review_get_with_access,
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
NAMES_SETTING = (
    DocumentKind.FINAL_PLAN,
    DocumentKind.FINAL_LETTER,
    DocumentKind.AMENDMENT_NOTICE,
    DocumentKind.AMENDED_PLAN_LETTER,
)
# The URL namespace of each episode's plan pages.
NAMESPACES = {"case": "ehcp:plan", "review": "review-plan"}


# -- the episode and who may see it -------------------------------------------------------------


def _episode_with_access(request, public_id, episode: str):
    """The case or review and how this person may see it (a 404 when they may not)."""
    if episode == "review":
        return review_get_with_access(public_id=public_id, user=request.user)
    return case_get_with_access(public_id=public_id, user=request.user)


def _officer_episode(request, public_id, episode: str):
    """The case or review, for the SEN team of the council that holds it (404 if unseen, 403
    otherwise), and the officer's access to it."""
    found, access = _episode_with_access(request, public_id, episode)
    if found.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    return found, access


def _audit(request, episode, *, what: str, access=None, data_types=None) -> None:
    """The read audit for a case's or a review's plan (a review's is recorded on its child)."""
    case = episode if plan_selectors.is_assessment(episode) else None
    audit_read(
        request,
        what=what,
        case=case,
        child=None if case is not None else episode.child,
        access=access,
        data_types=data_types,
    )


def _episode_page(episode) -> tuple[str, str]:
    """Where "back" goes from the plan: the case's page or the review's page."""
    if plan_selectors.is_assessment(episode):
        return reverse("ehcp:case-detail", args=[episode.public_id]), episode.reference
    return reverse("reviews:detail", args=[episode.public_id]), episode.reference


def _frame(episode) -> dict:
    """What every plan page's template needs to link within the episode's plan pages."""
    url, label = _episode_page(episode)
    review = not plan_selectors.is_assessment(episode)
    return {
        "episode": episode,
        "case": episode,
        "is_review": review,
        "plan_ns": NAMESPACES["review" if review else "case"],
        "episode_url": url,
        "episode_label": label,
    }


def _mask_setting(content: dict, access, episode) -> dict:
    """The content as this viewer may see it: without the whereabouts permission, no school of
    the episode is named (section I of a final plan, and versions frozen before names were
    withheld from the content of a protected child)."""
    if access.whereabouts:
        return content
    content = withhold_names(content, plan_selectors.episode_schools(episode, access=access))
    placement = content["sections"]["I"]
    stand_ins = (CHILDS_SETTING, PROTECTED_SETTING)
    if placement["name"] and placement["name"] not in stand_ins:
        sections = dict(content["sections"], I={**placement, "name": PROTECTED_SETTING})
        content = {**content, "sections": sections}
    return content


def _names_withheld(content, names: dict[str, str]) -> bool:
    return bool(names) and withhold_names(content, names) != content


def _names_a_setting(document) -> bool:
    """A final plan and its letter name the setting; so do a review's proposed amended plan
    (section I of the plan in force) and its notice."""
    if document.kind in NAMES_SETTING:
        return True
    placement = (document.content.get("sections") or {}).get("I") or {}
    return bool(placement.get("name"))


def _may_download(document, access, names: dict[str, str]) -> bool:
    """Statutory plans and letters are the PLAN data type of the sharing agreement; a document
    that names the setting is withheld where whereabouts are protected, as is any document whose
    frozen content names a school this viewer may not see (`names`, from
    `episode_schools(episode, access=access)`: documents issued before names were withheld)."""
    if not access.sees("PLAN"):
        return False
    if _names_a_setting(document) and not access.whereabouts:
        return False
    return not _names_withheld(document.content, names)


def _overview(episode):
    return redirect(f"{_frame(episode)['plan_ns']}:overview", public_id=episode.public_id)


def _plan_form(
    request,
    episode,
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
            return _overview(episode)
    _audit(request, episode, what="case", data_types=["IDENTITY", "PLAN"])
    return render(
        request,
        "ehcp/plans/form_page.html",
        {
            **_frame(episode),
            "form": form,
            "title": title,
            "button": button,
            "lead": lead,
            "advice": advice or [],
        },
    )


class _Refused(Exception):
    pass


def _plan(request, episode):
    """The episode's plan for editing: started (a review's: seeded from the version in force) by
    the first POST (a GET changes nothing, so it may be None). A refused rule (the plan cannot be
    changed now) goes back to the plan page."""
    try:
        if request.method == "POST":
            return plan_services.plan_get_or_create(episode=episode, by=request.user)
        if not plan_selectors.episode_plan_editable(episode):
            raise CaseRuleError("The plan cannot be changed at this stage")
        return plan_selectors.plan_for_episode(episode)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
        raise _Refused from error


def _entry(plan, kind: str, entry_id):
    """The working copy's entry that the pages link to by its key (`PlanEntry.key`): its own id,
    or, for an entry a review's working copy carried from an earlier version, the id the versions
    know it by (`carried_from`)."""
    model = ENTRY_MODELS.get(kind)
    if model is None or plan is None:
        raise Http404("No such entry")
    return get_object_or_404(
        model.objects.select_related("plan__case", "plan__review").filter(
            Q(public_id=entry_id) | Q(carried_from=entry_id)
        ),
        plan=plan,
    )


def _presumed_setting(episode):
    """For the checks shown before the final plan: the setting named, or the last one consulted
    (a review: the setting it names, or the next setting of a phase transfer)."""
    if not plan_selectors.is_assessment(episode):
        return episode.named_setting or episode.next_setting
    if episode.named_setting_id:
        return episode.named_setting
    consultation = (
        episode.consultations.select_related("setting").order_by("-sent_on", "-pk").first()
    )
    return consultation.setting if consultation else None


def _stage(episode) -> Stage:
    """Which checks the working copy faces next: an assessment's draft, then its final plan; a
    review's proposed amended plan until the decision to amend, then the final amended plan."""
    if plan_selectors.is_assessment(episode):
        return Stage.FINAL if episode.status in FINAL_STAGE_STATUSES else Stage.DRAFT
    return Stage.PROPOSED if episode.decided_on is None else Stage.FINAL


def _working_content(episode, plan, *, stage: Stage, in_force, plan_date, kind: str = "WORKING"):
    """The working copy's content as it would be issued at `stage` now."""
    setting = _presumed_setting(episode) if stage == Stage.FINAL else None
    return plan_selectors.plan_content(
        plan,
        episode=episode,
        advice=plan_selectors.episode_advice(episode),
        plan_date=plan_date,
        named_setting=setting,
        placement=in_force.placement if in_force is not None else None,
        stage=kind,
    )


def _in_force(episode):
    """For a review: the version in force it amends (None for an assessment)."""
    if plan_selectors.is_assessment(episode):
        return None
    return plan_selectors.plan_in_force(episode.ehc_plan_id, before=episode)


# -- the plan page -------------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_overview(request, public_id, episode="case"):
    episode, access = _officer_episode(request, public_id, episode)
    plan = plan_selectors.plan_for_episode(episode)
    if plan is not None:
        plan_selectors.plan_with_entries(plan)
    advice = plan_selectors.episode_advice(episode)
    today = timezone.localdate()
    stage = _stage(episode)
    in_force = _in_force(episode)
    setting = _presumed_setting(episode) if stage == Stage.FINAL else None
    placement = in_force.placement if in_force is not None else None
    content = plan_selectors.plan_content(
        plan,
        episode=episode,
        advice=advice,
        plan_date=today,
        named_setting=setting,
        placement=placement,
    )
    amendments = None
    if in_force is not None and plan is not None:
        amendments = plan_selectors.plan_amendments(
            _mask_setting(in_force.content, access, episode),
            _mask_setting(content, access, episode),
        )
    content = _mask_setting(content, access, episode)
    checks = plan_selectors.plan_check_results(
        plan,
        episode=episode,
        advice=advice,
        stage=stage,
        plan_date=today,
        named_setting=setting,
        placement=placement,
    )
    is_assessment = plan_selectors.is_assessment(episode)
    _audit(request, episode, what="case", access=access)
    return render(
        request,
        "ehcp/plans/overview.html",
        {
            **_frame(episode),
            "plan": plan,
            "content": content,
            "sections": content["sections"],
            "titles": plan_selectors.SECTION_TITLES,
            "suggestions": (
                plan_selectors.plan_suggestions(plan, whereabouts=access.whereabouts)
                if plan and is_assessment
                else {}
            ),
            "checks": checks,
            "checks_passed": all(result.passed for result in checks),
            "stage": stage,
            "editable": plan_selectors.episode_plan_editable(episode),
            "has_advice": any(a.received_on for a in advice),
            "has_accepted_advice": is_assessment
            and any(a.status == AdviceRequest.Status.ACCEPTED for a in advice),
            "documents": plan_selectors.episode_documents(episode),
            "in_force": in_force,
            "amendments": amendments,
        },
    )


@require_POST
@council_officer_required
@audited_view
def plan_seed(request, public_id, episode="review"):
    """A review's working copy, seeded from the version in force (the first step of preparing
    the proposed amendments)."""
    episode, _access = _officer_episode(request, public_id, episode)
    try:
        plan_services.plan_get_or_create(episode=episode, by=request.user)
    except CaseRuleError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            "The working copy is ready: it is the plan in force. Change it to propose the "
            "amendments.",
        )
    return _overview(episode)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def plan_details(request, public_id, episode="case"):
    episode, _access = _officer_episode(request, public_id, episode)
    try:
        plan = _plan(request, episode)
    except _Refused:
        return _overview(episode)
    form = plan_forms.PlanDetailsForm(posted_data(request))
    family = (
        plan_selectors.accepted_family_views(episode)
        if plan_selectors.is_assessment(episode)
        else []
    )
    lead = ""
    if request.method == "GET":
        if plan is not None:
            form.initial = {
                "views": plan.views,
                "placement_type": plan.placement_type,
                "personal_budget": plan.personal_budget,
            }
        if not plan_selectors.is_assessment(episode):
            form.fields["placement_type"].help_text = (
                "The type of school or setting the plan names. The school or setting itself is "
                "named when you issue the final amended plan."
            )
            if episode.family_views.strip():
                lead = f"The views given at the review meeting: \u201c{episode.family_views.strip()}\u201d"
        elif not form.initial.get("views"):
            # Section A starts from the family's views as the council recorded them; the
            # caseworker changes it as they need before saving.
            form.initial["views"] = "\n\n".join(
                filter(None, map(plan_selectors.family_views_text, family))
            )
            if form.initial["views"]:
                lead = "Section A is filled in from the family's views. Change it as you need, then save."
    return _plan_form(
        request,
        episode,
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
def plan_suggest(request, public_id, episode="case"):
    case, access = _officer_episode(request, public_id, episode)
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


def _need_page(request, public_id, episode, entry_id=None):
    case, access = _officer_episode(request, public_id, episode)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    need = _entry(plan, "needs", entry_id) if entry_id else None
    form = plan_forms.NeedForm(
        posted_data(request), plan=plan, episode=case, whereabouts=access.whereabouts
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


def _outcome_page(request, public_id, episode, entry_id=None):
    case, access = _officer_episode(request, public_id, episode)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    outcome = _entry(plan, "outcomes", entry_id) if entry_id else None
    form = plan_forms.OutcomeForm(
        posted_data(request), plan=plan, episode=case, whereabouts=access.whereabouts
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


def _provision_page(request, public_id, episode, entry_id=None):
    case, access = _officer_episode(request, public_id, episode)
    try:
        plan = _plan(request, case)
    except _Refused:
        return _overview(case)
    provision = _entry(plan, "provisions", entry_id) if entry_id else None
    form = plan_forms.ProvisionForm(
        posted_data(request), plan=plan, episode=case, whereabouts=access.whereabouts
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
def need_new(request, public_id, episode="case"):
    return _need_page(request, public_id, episode)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def need_edit(request, public_id, entry_id, episode="case"):
    return _need_page(request, public_id, episode, entry_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def outcome_new(request, public_id, episode="case"):
    return _outcome_page(request, public_id, episode)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def outcome_edit(request, public_id, entry_id, episode="case"):
    return _outcome_page(request, public_id, episode, entry_id)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def provision_new(request, public_id, episode="case"):
    return _provision_page(request, public_id, episode)


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def provision_edit(request, public_id, entry_id, episode="case"):
    return _provision_page(request, public_id, episode, entry_id)


@require_POST
@council_officer_required
@audited_view
def entry_accept(request, public_id, kind, entry_id, episode="case"):
    case, _access = _officer_episode(request, public_id, episode)
    entry = _entry(plan_selectors.plan_for_episode(case), kind, entry_id)
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
def entry_remove(request, public_id, kind, entry_id, episode="case"):
    case, _access = _officer_episode(request, public_id, episode)
    entry = _entry(plan_selectors.plan_for_episode(case), kind, entry_id)
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
def provision_agree(request, public_id, entry_id, episode="case"):
    episode, access = _episode_with_access(request, public_id, episode)
    actor = actor_for(request.user)
    is_officer = episode.council_id in actor.council_agency_ids
    is_health = bool(plan_selectors.episode_health_agency_ids(episode) & actor.agency_ids)
    if not (is_officer or is_health):
        raise PermissionDenied
    provision = _entry(plan_selectors.plan_for_episode(episode), "provisions", entry_id)
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
                return _overview(episode)
            return redirect(f"{_frame(episode)['plan_ns']}:documents", public_id=episode.public_id)
    _audit(request, episode, what="case", data_types=["IDENTITY", "PLAN"])
    return render(
        request,
        "ehcp/plans/agree.html",
        {**_frame(episode), "form": form, "provision": provision, "is_officer": is_officer},
    )


# -- history and versions ----------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_history(request, public_id, episode="case"):
    episode, access = _officer_episode(request, public_id, episode)
    plan = plan_selectors.plan_for_episode(episode)
    _audit(request, episode, what="case", data_types=["IDENTITY", "PLAN"])
    # Every change is reachable: newest first, a page at a time (the diffs are worked out in Python).
    changes = Paginator(
        plan_selectors.plan_changes(plan, whereabouts=access.whereabouts) if plan else [], 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "ehcp/plans/history.html",
        {
            **_frame(episode),
            "plan": plan,
            "changes": changes,
            "versions": plan_selectors.plan_versions(episode),
        },
    )


WORKING = "working"
WORKING_LABEL = "The working copy (not issued)"


def _version_content(episode, key: str, versions) -> tuple[str, dict] | None:
    if key == WORKING:
        plan = plan_selectors.plan_for_episode(episode)
        if plan is not None:
            plan_selectors.plan_with_entries(plan)
        in_force = _in_force(episode)
        setting = (
            episode.named_setting
            if plan_selectors.is_assessment(episode)
            else _presumed_setting(episode)
        )
        content = plan_selectors.plan_content(
            plan,
            episode=episode,
            advice=plan_selectors.episode_advice(episode),
            plan_date=timezone.localdate(),
            named_setting=setting,
            placement=in_force.placement if in_force is not None else None,
        )
        return WORKING_LABEL, content
    for version in versions:
        if version.key == key:
            return version.label, version.content
    return None


def _default_left(episode, versions) -> str:
    """The version the working copy is compared with first: the latest issued by the case; for
    a review, the version in force that it amends."""
    in_force = _in_force(episode)
    if in_force is not None:
        key = f"{in_force.episode.reference}-v{in_force.version}"
        if any(v.key == key for v in versions):
            return key
    return versions[0].key if versions else WORKING


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_compare(request, public_id, episode="case"):
    episode, access = _officer_episode(request, public_id, episode)
    versions = plan_selectors.plan_versions(episode)
    left_key = request.GET.get("a") or _default_left(episode, versions)
    right_key = request.GET.get("b") or WORKING
    left, right = (
        _version_content(episode, left_key, versions),
        _version_content(episode, right_key, versions),
    )
    if left is None or right is None:
        raise Http404("No such version")
    sections = plan_selectors.plan_compare(
        _mask_setting(left[1], access, episode), _mask_setting(right[1], access, episode)
    )
    _audit(request, episode, what="case", access=access)
    return render(
        request,
        "ehcp/plans/compare.html",
        {
            **_frame(episode),
            "choices": [(v.key, v.label) for v in versions] + [(WORKING, WORKING_LABEL)],
            "left_key": left_key,
            "right_key": right_key,
            "left_label": left[0],
            "right_label": right[0],
            "sections": sections,
            "counts": {
                change: sum(len(section.rows_with(change)) for section in sections)
                for change in ("Added", "Changed", "Removed")
            },
        },
    )


# -- preview before issuing ---------------------------------------------------------------------------


@require_http_methods(["GET"])
@council_officer_required
@audited_view
def plan_preview(request, public_id, episode="case"):
    """The working copy as the PDF it would be issued as now (a draft before the draft is issued,
    then the final plan; a review's proposed amended plan, then its final amended plan), marked
    PREVIEW. Rendered for the request: never stored, never frozen, never a `PlanDocument`. The
    council's SEN team only, and recorded as a read of the plan."""
    episode, access = _officer_episode(request, public_id, episode)
    plan = plan_selectors.plan_for_episode(episode)
    if plan is not None:
        plan_selectors.plan_with_entries(plan)
    stage = _stage(episode)
    kind = DocumentKind.FINAL_PLAN if stage == Stage.FINAL else DocumentKind.DRAFT_PLAN
    content = _working_content(
        episode,
        plan,
        stage=stage,
        in_force=_in_force(episode),
        plan_date=timezone.localdate(),
        kind=kind.value,
    )
    content = _mask_setting(content, access, episode)
    data = documents.render_plan_preview(content)
    _audit(request, episode, what="document", access=access)
    response = HttpResponse(data, content_type="application/pdf")
    name = "final-plan" if stage == Stage.FINAL else "draft-plan"
    if not plan_selectors.is_assessment(episode):
        name = "amended-plan" if stage == Stage.FINAL else "proposed-amended-plan"
    response["Content-Disposition"] = f'inline; filename="{episode.reference}-{name}-preview.pdf"'
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    return response


# -- documents ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@login_required
@audited_view
def plan_documents(request, public_id, episode="case"):
    episode, access = _episode_with_access(request, public_id, episode)
    if not access.sees("PLAN"):
        raise PermissionDenied
    actor = actor_for(request.user)
    to_agree = []
    if actor.agency_ids & plan_selectors.episode_health_agency_ids(
        episode
    ) and plan_selectors.episode_plan_editable(episode):
        to_agree = list(
            PlanProvision.objects.filter(
                **plan_selectors.episode_filter(episode, "plan__"),
                section="G",
                status=PlanEntryStatus.ACCEPTED,
            ).order_by("order", "pk")
        )
    withheld = plan_selectors.episode_schools(episode, access=access)
    shown = [
        d for d in plan_selectors.episode_documents(episode) if _may_download(d, access, withheld)
    ]
    for document in shown:
        document.label = plan_selectors.document_label(document)
    _audit(request, episode, what="list", access=access)
    return render(
        request,
        "ehcp/plans/documents.html",
        {
            **_frame(episode),
            "documents": shown,
            "pending": plan_selectors.episode_pending_documents(episode),
            "letters": plan_selectors.episode_letters(episode),
            "to_agree": to_agree,
            "may_edit": episode.council_id in actor.council_agency_ids,
        },
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def document_download(request, public_id, document_id, episode="case"):
    episode, access = _episode_with_access(request, public_id, episode)
    document = get_object_or_404(
        PlanDocument.objects.select_related("case", "review"),
        public_id=document_id,
        **plan_selectors.episode_filter(episode),
    )
    if not _may_download(document, access, plan_selectors.episode_schools(episode, access=access)):
        raise Http404("No such document")
    try:
        data = plan_services.document_open(document=document, by=request.user)
    except plan_services.DocumentIntegrityError as error:
        messages.error(request, error.messages[0])
        return redirect(f"{_frame(episode)['plan_ns']}:documents", public_id=episode.public_id)
    _audit(request, episode, what="document", access=access)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Content-Length"] = str(len(data))
    return response


# -- how a letter was sent -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def letter_sending(request, public_id, letter_id, episode="case"):
    """Record how and when a letter was sent, after the decision; or correct the record, with
    the reason (a new record: nothing is lost)."""
    episode, access = _officer_episode(request, public_id, episode)
    letter = get_object_or_404(
        DocumentRender.objects.filter(kind__in=LETTER_KINDS),
        public_id=letter_id,
        **plan_selectors.episode_filter(episode),
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
            return redirect(f"{_frame(episode)['plan_ns']}:documents", public_id=episode.public_id)
    _audit(request, episode, what="case", access=access)
    return render(
        request,
        "ehcp/plans/letter_sending.html",
        {**_frame(episode), "form": form, "letter": letter, "row": row},
    )
