"""What every view shares: who may open a council officer's or a manager's page, and how a
form's data and a refused rule's messages reach the page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from agencies.access import actor_for
from ehcp.common import services


def council_officer_required(view):
    """Casework pages: only the council's SEN team (caseworkers and managers)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not (actor.is_council_officer or actor.is_manager):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not actor_for(request.user).is_manager:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def posted_data(request):
    """Form data for a POST (even an empty one, which must show its errors), None for a GET."""
    return request.POST if request.method == "POST" else None


def form_errors(form, error: services.CaseRuleError) -> None:
    """Show a refused rule's messages in the form's error summary."""
    for message in error.messages:
        form.add_error(None, message)
