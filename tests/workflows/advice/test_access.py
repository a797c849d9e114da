"""Every advice portal route, as each person (AC-01, AC-02, AC-05): who gets the page (200), whose
action goes through (302), and that everyone else is refused (403 or 404) with nothing changed.

The health advice is a draft with an entry, a file and a pending request for more time; its task
waits, unclaimed, in the health provider's queue. (The same table, in the project-wide URL walk,
is tests/security/test_url_walk.py.)"""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from ehcp.assessments.models import AdviceRequest
from ehcp.assessments.services import advice as services
from tests.factories import advice_entries

from .conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db

TODAY = date(2027, 4, 20)
COUNCIL = {"caseworker", "manager"}
PEOPLE = (
    "caseworker",
    "manager",
    "health_adviser",
    "psychologist",
    "social_worker",
    "senco",
    "outsider",
)

# route name -> (method, who gets 200 for a GET or 302 for a POST)
EXPECTED = {
    "workflows:advice:list": ("GET", set(PEOPLE)),
    # Advice timeliness: a council's SEN managers (the outsider manages another council) and the
    # partners' advisers, for their own agency; not a caseworker.
    "workflows:advice:figures": ("GET", set(PEOPLE) - {"caseworker"}),
    "workflows:advice:case": ("GET", COUNCIL),
    "workflows:advice:download": (
        "GET",
        {"health_adviser"},
    ),  # the council sees files once submitted
    "workflows:advice:extension": ("GET", COUNCIL),
    "workflows:advice:detail": ("GET", COUNCIL | {"health_adviser"}),
    "workflows:advice:edit": ("GET", set()),  # only the task's holder; others are shown the advice
    "workflows:advice:entry-new": ("GET", set()),
    "workflows:advice:entry-edit": ("GET", set()),
    "workflows:advice:entry-remove": ("POST", set()),
    "workflows:advice:upload": ("POST", set()),
    "workflows:advice:attachment-remove": ("POST", set()),
    "workflows:advice:check": ("GET", set()),
    "workflows:advice:more-time": ("GET", {"health_adviser"}),
    "workflows:advice:review": ("GET", COUNCIL),
    "workflows:advice:chase": ("POST", COUNCIL),
    "workflows:advice:cancel": ("GET", COUNCIL),  # the form; the post is tested on its page
    "workflows:advice:add": ("GET", COUNCIL),
}


@pytest.fixture
def world(cast, assessing):
    advice = assessing.advice_request("HEALTH")
    services.advice_draft_save(
        advice=advice,
        entries=advice_entries("HEALTH"),
        attachments=[SimpleUploadedFile("letter.pdf", MINIMAL_PDF)],
        by=cast.health_adviser,
        today=TODAY,
    )
    extension = services.extension_request(
        advice=advice,
        new_date=date(2027, 5, 20),
        reason="Clinic appointment missed",
        by=cast.health_adviser,
        today=TODAY,
    )
    return {
        "advice_id": advice.public_id,
        "case_id": assessing.case.public_id,
        "attachment_id": advice.attachments.get().public_id,
        "extension_id": extension.public_id,
        "entry_id": advice.entries.first().public_id,
        "kind": "need",
    }


def advice_routes() -> list[tuple[str, str]]:
    """(route, "namespace:name") of every advice portal URL."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = (
                    ":".join(filter(None, [namespace, pattern.namespace]))
                    if pattern.namespace
                    else namespace
                )
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                yield (
                    prefix + str(pattern.pattern),
                    ":".join(filter(None, [namespace, pattern.name or ""])),
                )

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if name.startswith("workflows:advice:")
    ]


def url_for(route: str, params: dict) -> str:
    return "/" + re.sub(r"<\w+:(\w+)>", lambda match: str(params[match.group(1)]), route)


def draft_size(world) -> tuple[int, int]:
    advice = AdviceRequest.objects.get(public_id=world["advice_id"])
    return advice.entries.count(), advice.attachments.count()


def test_every_advice_route_is_declared():
    assert sorted(name for _, name in advice_routes()) == sorted(EXPECTED)


@pytest.mark.parametrize("who", PEOPLE)
@time_machine.travel(TODAY)
def test_each_person_gets_exactly_what_the_table_allows(client, cast, world, who):
    client.force_login(getattr(cast, who))
    problems = []
    for route, name in advice_routes():
        method, allowed = EXPECTED[name]
        before = draft_size(world)
        response = getattr(client, method.lower())(url_for(route, world))
        ok = response.status_code == (302 if method == "POST" else 200)
        if ok != (who in allowed):
            problems.append((name, response.status_code))
        if who not in allowed and response.status_code not in (302, 403, 404):
            problems.append((name, "refused with", response.status_code))
        if method == "POST" and draft_size(world) != before:
            problems.append((name, "changed the draft"))
    assert problems == [], f"{who}: {problems}"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for route, name in advice_routes():
        method, _ = EXPECTED[name]
        response = getattr(client, method.lower())(url_for(route, world))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), name
