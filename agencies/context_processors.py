from django.conf import settings
from django.urls import reverse

from .access import actor_for


def navigation(request):
    """Service name, council name and the navigation a person's roles give them."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        actor = actor_for(user)
        path = request.path
        links = [("Tasks", "workflows:inbox")]
        if actor.is_council_officer or actor.is_manager:
            links += [("Cases", "ehcp:case-list"), ("New request", "workflows:request-new")]
        if actor.is_manager:
            links.append(("Caseload", "ehcp:caseload"))
        links.append(("Timeline calculator", "ehcp:calculator"))
        for label, name in links:
            url = reverse(name)
            items.append({"label": label, "url": url, "active": path.startswith(url)})
    return {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "nav_items": items,
    }
