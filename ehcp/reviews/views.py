"""The review episode's pages, under /reviews/.

The review's page (/reviews/<id>/): where the review stands, every statutory date with its
source, who was invited, the meeting, the report, the decision and what followed it (the
amendment, or the cease: `ehcp/reviews/_cease.html`), and the documents and letters it issued.

Ceasing a plan: the council's officers record a mediation certificate, an appeal to the SEND
Tribunal and the Tribunal's decision on a review that is ceasing the plan, and cease a plan without
a review from the child's page, only where the law allows it; that episode has no flow, so its
replies, its decision (to cease, or not) and the cease itself are recorded on its page too. A
move between post-16 institutions (reg 18(2)) is recorded on an open review's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from ehcp.assessments.rules import deadlines
from ehcp.common import links
from ehcp.common.display import agency_label
from ehcp.common.services import CaseRuleError
from ehcp.common.views import council_officer_required, form_errors, posted_data
from ehcp.governance.access import review_get_with_access, review_schools, withhold_names
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentKind, EhcPlan, PlanDocument
from ehcp.reviews import forms, selectors
from ehcp.reviews.models import Review
from ehcp.reviews.rules import cease as cease_rules
from ehcp.reviews.rules import phase
from ehcp.reviews.services import cease
from ehcp.reviews.services import review as review_services

#: What the cease pages show of the child's record (for the read audit).
CEASE_DATA_TYPES = ["IDENTITY", "EDUCATION", "PLAN"]


def _whereabouts(user, council_id: int, child) -> bool:
    """Whether this officer may see the child's school named (protected whereabouts)."""
    return not child.protected_whereabouts or council_id in actor_for(user).whereabouts_agency_ids


def _officer_review(request, review_id) -> Review:
    """A review of the officer's own council (another council's does not exist for them)."""
    review = selectors.review_for_officer(
        public_id=review_id, user_council_ids=actor_for(request.user).council_agency_ids
    )
    if review is None:
        raise Http404("No such review")
    return review


def _review_step(
    request,
    review_id,
    *,
    form_class,
    title,
    lead,
    button,
    perform,
    done,
    cease_only=False,
    form_kwargs=None,
):
    """One step recorded on a review's page (the cease's, a post-16 move): the form, the service,
    the cease facts beside it when the review is ceasing; back to the review's page when done.
    `cease_only`: a step a review's flow takes in its own tasks, so here only for a cease
    without a review (which has no flow)."""
    review = _officer_review(request, review_id)
    if cease_only and not review.is_cease_only:
        raise Http404("This step is a task of the review")
    form = form_class(posted_data(request), **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            perform(review, form.cleaned_data)
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("reviews:detail", public_id=review.public_id)
    audit_read(request, what="case", child=review.child, data_types=CEASE_DATA_TYPES)
    today = timezone.localdate()
    return render(
        request,
        "ehcp/reviews/cease_step.html",
        {
            "review": review,
            "form": form,
            "title": title,
            "lead": lead,
            "button": button,
            "cease": selectors.review_cease(
                review,
                today=today,
                whereabouts=_whereabouts(request.user, review.council_id, review.child),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def post16_move(request, review_id):
    """A move between post-16 institutions at another time (reg 18(2)): any amended plan is due
    5 months before it."""
    return _review_step(
        request,
        review_id,
        form_class=forms.Post16MoveForm,
        title="Record a move between post-16 institutions",
        lead=(
            "When a young person is moving from one post-16 institution to another at a time "
            "other than the start of the academic year, the review, and any amended plan naming "
            "the new institution, must be finished at least 5 months before the move (SEND "
            "Regulations 2014, reg 18(2))."
        ),
        button="Record the move",
        perform=lambda review, data: review_services.review_post16_move_record(
            review=review, move_on=data["move_on"], by=request.user
        ),
        done="The move is recorded: the review's dates follow it",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_replies(request, review_id):
    """A cease without a review: what the family and the school or college said (reg 31(1))."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseConsultationForm,
        title="Record the replies to the consultation",
        lead=(
            "Before deciding to cease the plan the council consults the child's parent or the "
            "young person and the school or college (SEND Regulations 2014, reg 31(1)). Recording "
            "the replies again, before the notice, replaces them; the history keeps both."
        ),
        button="Record the replies",
        perform=lambda review, data: cease.cease_consultation_record(
            review=review, replied_on=data["replied_on"], reply=data["reply"], by=request.user
        ),
        done="The replies to the consultation are recorded: the notice of the decision is next",
        cease_only=True,
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_notice(request, review_id):
    """A cease without a review: having consulted, the decision, to cease (the notice, with the
    right to appeal) or not to cease (the plan stays as it is; the family is told)."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseNoticeForm,
        title="Decide whether to cease the plan",
        lead=(
            "Having consulted, the council decides. To cease the plan: the notice goes to the "
            "child's parent or the young person, copied to the school or college and the health "
            "body, with the right to appeal, its time limit, mediation and the information and "
            "advice services (SEND Regulations 2014, reg 31(2)-(3)); the plan stays in force "
            "until the time to appeal has passed or an appeal is decided. Not to cease it: the "
            "plan stays in force as it is, and the letter tells the family."
        ),
        button="Record the decision",
        perform=lambda review, data: cease.cease_decide(
            review=review,
            cease=data["outcome"] == forms.CEASE_NOTICE,
            decided_on=data["issued_on"],
            reasons=data.get("withdrawn_reasons", ""),
            by=request.user,
            sent=data.get("letter_sent"),
        ),
        done="The decision is recorded",
        cease_only=True,
        form_kwargs={"review": None},
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_ceased(request, review_id):
    """A cease without a review: nobody appealed in time, so the plan ceases."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseCarriedOutForm,
        title="Cease the plan: nobody appealed",
        lead=(
            "Nobody appealed within the time allowed, so the plan ceases, at the earliest the day "
            "after the time to appeal ends (Children and Families Act 2014, s.45). If the family "
            "appealed, record the appeal instead: the plan stays in force until the Tribunal "
            "decides."
        ),
        button="Cease the plan",
        perform=lambda review, data: cease.cease_carry_out(
            review=review, on=data["on"], by=request.user
        ),
        done="The plan has ceased",
        cease_only=True,
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_mediation(request, review_id):
    """A mediation certificate was issued: the time to appeal may end later."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseMediationForm,
        title="Record a mediation certificate",
        lead=(
            "An appeal may be made up to 1 month after the mediation certificate was issued, if "
            "that is later than 2 months after the notice was sent (Tribunal Procedure Rules "
            "2008, r.20(1)(c)). The plan stays in force until then."
        ),
        button="Record the certificate",
        perform=lambda review, data: cease.cease_mediation_certificate_record(
            review=review, issued_on=data["issued_on"], by=request.user
        ),
        done="The mediation certificate is recorded",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_appeal(request, review_id):
    """The family appealed to the SEND Tribunal against the cease."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseAppealForm,
        title="Record an appeal to the SEND Tribunal",
        lead=(
            "While the appeal is open the plan stays in force, and the council goes on making "
            "the provision in it, until the Tribunal decides."
        ),
        button="Record the appeal",
        perform=lambda review, data: cease.cease_appeal_record(
            review=review,
            lodged_on=data["lodged_on"],
            late_admitted=data["late_admitted"],
            by=request.user,
        ),
        done="The appeal is recorded: the plan stays in force until the Tribunal decides",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_appeal_decision(request, review_id):
    """The Tribunal's decision on the appeal against the cease."""
    return _review_step(
        request,
        review_id,
        form_class=forms.CeaseAppealDecisionForm,
        title="Record the Tribunal's decision",
        lead=(
            "If the Tribunal dismissed the appeal, the plan ceases at once (SEND Regulations "
            "2014, reg 44(2)(a)). If it upheld the appeal, the plan stays in force."
        ),
        button="Record the decision",
        perform=lambda review, data: cease.cease_appeal_decide(
            review=review,
            decided_on=data["decided_on"],
            upheld=data["outcome"] == forms.APPEAL_UPHELD,
            by=request.user,
        ),
        done="The Tribunal's decision is recorded",
    )


@require_http_methods(["GET", "POST"])
@council_officer_required
@audited_view
def cease_without_review(request, plan_id):
    """Cease a plan without a review (from the child's page): only where the law allows it."""
    plan = get_object_or_404(
        EhcPlan.objects.select_related("child", "council"),
        public_id=plan_id,
        council_id__in=actor_for(request.user).council_agency_ids,
    )
    child = plan.child
    form = forms.CeaseWithoutReviewForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = cease.cease_without_review(
                ehc_plan=plan,
                reason=data["reason"],
                reasons=data["reasons"],
                on=data["on"],
                sent=data["letter_sent"],
                by=request.user,
            )
        except CaseRuleError as error:
            form_errors(form, error)
        else:
            if review.ceased_on:
                messages.success(request, f"{child.first_name}'s plan has ceased")
                return redirect("children:child-detail", public_id=child.public_id)
            messages.success(
                request,
                f"{child.first_name}'s family has been told that ceasing the plan is being "
                f"considered ({review.reference}): record their replies, then the notice",
            )
            return redirect("reviews:detail", public_id=review.public_id)
    audit_read(request, what="case", child=child, data_types=CEASE_DATA_TYPES)
    today = timezone.localdate()
    return render(
        request,
        "ehcp/reviews/cease_without_review.html",
        {
            "plan": plan,
            "child": child,
            "form": form,
            "age": child.age_on(today),
            "turns_25_on": cease_rules.birthday(child.date_of_birth, cease_rules.MAXIMUM_AGE),
            "maximum_age_ends_on": cease_rules.maximum_age_end(child.date_of_birth),
            "academic_year_ends_on": cease_rules.academic_year_end(today),
        },
    )


#: Documents that name the school or college: withheld where whereabouts are protected.
NAMES_SETTING = (DocumentKind.FINAL_PLAN, DocumentKind.FINAL_LETTER)


def may_download(document, access, names: dict[str, str]) -> bool:
    """A review's plans and letters are the PLAN data type of the sharing agreement; a plan
    names the setting, so it is withheld where whereabouts are protected, as is any document
    whose frozen content names a school this viewer may not see (`names`, from
    `review_schools`)."""
    if not access.sees("PLAN"):
        return False
    if document.kind in NAMES_SETTING and not access.whereabouts:
        return False
    return not (names and withhold_names(document.content, names) != document.content)


@require_http_methods(["GET"])
@login_required
@audited_view
def review_detail(request, public_id):
    review, access = review_get_with_access(public_id=public_id, user=request.user)
    audit_read(request, what="case", child=review.child, access=access)
    actor = actor_for(request.user)
    today = timezone.localdate()
    warn = settings.DEADLINE_WARN_DAYS
    council = access.relationship == "council"
    whereabouts = access.whereabouts
    dates = [
        (
            row,
            deadlines.deadline_status(row.due_on, today=today, done_on=row.done_on, warn_days=warn),
        )
        for row in selectors.review_dates(review)
    ]
    names = review_schools(review, access=access)
    documents = [
        document
        for document in selectors.review_documents(review)
        if may_download(document, access, names)
    ]
    return render(
        request,
        "ehcp/reviews/review_detail.html",
        {
            "review": review,
            "child": review.child,
            "access": access,
            "shows": access.shows,
            "council_view": council,
            "dates": dates,
            "arranged_by": agency_label(
                review.arranged_by,
                whereabouts=whereabouts or review.arranged_by_id in actor.agency_ids,
                child=review.child,
            ),
            "invitees": [
                (
                    invitee,
                    invitee.label(whereabouts=whereabouts or invitee.agency_id in actor.agency_ids),
                )
                for invitee in selectors.review_invitees(review)
            ],
            "documents": documents,
            "pending": selectors.review_pending_documents(review) if council else [],
            "sendings": selectors.review_letter_sendings(review) if council else [],
            "may_see_documents": access.sees("PLAN"),
            "tasks_url": links.url("review-tasks", review),
            "cease": selectors.review_cease(review, today=today, whereabouts=whereabouts),
            # The cease's own actions: a review with a flow records the appeal and the Tribunal's
            # decision in its tasks; a cease without a review, here.
            "may_act_on_cease": council and actor.is_council_officer,
            # A young person in post-16 education may move institutions at any time (reg 18(2)).
            "may_record_post16_move": council
            and actor.is_council_officer
            and review.is_open
            and review.amended_plan_issued_on is None
            and phase.year_group(review.child.date_of_birth, today) >= phase.POST16_YEAR_GROUP,
            "cease_by_tasks": not review.is_cease_only,
        },
    )


@require_http_methods(["GET"])
@login_required
@audited_view
def document_download(request, public_id, document_id):
    """An issued plan or letter of the review, checked against its checksum."""
    review, access = review_get_with_access(public_id=public_id, user=request.user)
    document = get_object_or_404(
        PlanDocument.objects.select_related("review"), public_id=document_id, review=review
    )
    if not may_download(document, access, review_schools(review, access=access)):
        raise Http404("No such document")
    try:
        data = plan_services.document_open(document=document, by=request.user)
    except plan_services.DocumentIntegrityError as error:
        messages.error(request, error.messages[0])
        return redirect("reviews:detail", public_id=review.public_id)
    audit_read(request, what="document", child=review.child, access=access)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Content-Length"] = str(len(data))
    return response
