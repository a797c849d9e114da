from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .access import actor_for


@require_http_methods(["GET"])
@login_required
def home(request):
    """A start page for each role: what is waiting for you, and where your work lives."""
    from workflows.selectors import tasks_in_my_queues, tasks_mine

    actor = actor_for(request.user)
    return render(
        request,
        "home.html",
        {
            "memberships": request.user.memberships.active().select_related("agency"),
            "my_task_count": tasks_mine(request.user).count(),
            "queue_task_count": tasks_in_my_queues(request.user).count(),
            "is_council_officer": actor.is_council_officer,
            "is_manager": actor.is_manager,
        },
    )
