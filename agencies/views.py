"""The agencies' one page: suggestions for the school or setting boxes of the council's forms."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from agencies import schools
from agencies.access import actor_for


@require_GET
@login_required
def setting_search(request):
    """JSON: the schools and settings whose name or URN matches ``q`` (at least 2 characters; at
    most 20 results), for the council's officers, whose forms offer every active school. A list
    of schools holds nothing about a child, so the read is not audited."""
    if not actor_for(request.user).is_council_officer:
        raise PermissionDenied
    found = schools.setting_suggest(schools.settings_offered(), request.GET.get("q", ""))
    response = JsonResponse(
        {
            "results": [
                {"label": schools.setting_label(a), "name": a.name, "urn": a.urn} for a in found
            ]
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response
