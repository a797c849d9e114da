"""The review's page (/reviews/<id>/): where the review stands, every statutory date with its
source, who was invited, the meeting, the report, the decision and what followed it, and the
documents and letters it issued."""

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
from ehcp.governance.access import review_get_with_access, review_schools, withhold_names
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentKind, PlanDocument
from ehcp.reviews import selectors

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
