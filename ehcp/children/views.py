"""The child's page (/children/<id>/): the plan in force and the episode history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from ehcp.children import selectors
from ehcp.governance.audit import audit_read, audited_view
from ehcp.plans.models import EhcPlanStatus


@require_http_methods(["GET"])
@login_required
@audited_view
def child_detail(request, public_id):
    """The child's page: the plan in force, the episodes this person may see, one timeline."""
    child, cases, access = selectors.child_get_with_access(public_id=public_id, user=request.user)
    audit_read(request, what="case", case=cases[0], child=child, access=access)
    today = timezone.localdate()
    plans = selectors.child_plans(child)
    council_view = access.relationship == "council"
    plan = plans[0] if plans and plans[0].is_live else None
    reviews = selectors.child_reviews(child, user=request.user)
    officer = council_view and actor_for(request.user).is_council_officer
    return render(
        request,
        "ehcp/children/child_detail.html",
        {
            "child": child,
            "access": access,
            "shows": access.shows,
            "council_view": council_view,
            "age": child.age_on(today),
            "plan": plan,
            # A new request (a re-assessment where a plan is in force) once no episode is open.
            "may_request": officer and not any(case.is_open for case in cases),
            # An early or interim review, with a reason, while the plan is in force and has no
            # review open (the annual reviews are started as they fall due).
            "may_start_review": officer
            and plan is not None
            and plan.status == EhcPlanStatus.IN_FORCE
            and not any(review.is_open and review.ehc_plan_id == plan.pk for review in reviews),
            "open_review": next((review for review in reviews if review.is_open), None),
            "plans": plans,
            "ceasing": selectors.plan_ceasing(plan),
            "may_cease_without_review": council_view
            and actor_for(request.user).is_council_officer
            and plan is not None
            and plan.status == EhcPlanStatus.IN_FORCE,
            "latest_final": next((c for c in cases if c.final_issued_on), None),
            "consents": selectors.child_consents(child, access=access),
            "episodes": selectors.child_episodes(cases, reviews),
            "timeline": selectors.child_timeline(cases, plans, reviews),
            "versions": selectors.child_plan_versions(
                child, plans, cases=cases, access=access, user=request.user
            ),
        },
    )
