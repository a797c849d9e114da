"""The site's navigation. It links to every app's pages, so it lives in config/, above them all:
agencies (the bottom layer) decides who may do what, and knows no app's URLs
(tests/test_project.py)."""

from django.conf import settings
from django.urls import reverse

from agencies.access import actor_for
from agencies.models import Role
from agencies.queues import works_partner_queue


def navigation(request):
    """Service name, council name and the navigation a person's roles give them."""
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        actor = actor_for(user)
        path = request.path
        links = [("Tasks", "workflows:inbox")]
        if works_partner_queue(actor):
            links.append(("Advice", "workflows:advice:list"))
        if actor.is_council_officer or actor.is_manager:
            links += [
                ("Cases", "ehcp:case-list"),
                ("Reviews", "workflows:pipeline:index"),
                ("New request", "workflows:request-new"),
            ]
        if actor.is_council_officer or actor.has_role(Role.PANEL_MEMBER, Role.PANEL_CHAIR):
            links.append(("Panel", "panel:home"))
        if actor.is_manager:
            links.append(("Caseload", "ehcp:caseload"))
            links.append(("Team tasks", "workflows:team"))
        if actor.is_ig_lead:
            links.append(("Information governance", "governance:index"))
        links.append(("Timeline calculator", "ehcp:calculator"))
        urls = [(label, reverse(name)) for label, name in links]
        # The most specific link that the page sits under is the active one.
        active = max((url for _, url in urls if path.startswith(url)), key=len, default=None)
        items = [{"label": label, "url": url, "active": url == active} for label, url in urls]
    return {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "nav_items": items,
        "source_code_url": settings.SOURCE_CODE_URL,
    }
