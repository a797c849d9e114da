"""No form lists every school (issue 12), in a real browser: the manager filters the caseload by
a school taken from the box's suggestions, and the IG lead tells a school typed by its URN about
an incident, beside the partner agencies ticked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from ehcp.assessments.models import AdviceKind, AdviceRequest
from ehcp.governance.models import SecurityIncident
from tests import factories
from tests.e2e.test_caseworker_journey import browser_page  # noqa: F401 (a fixture)
from tests.e2e.test_phone_layout import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_filters_the_caseload_by_a_school_chosen_from_the_suggestions(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    cast,
):
    page = browser_page
    riverside, other = (factories.CaseFactory(council=cast.council) for _ in range(2))
    AdviceRequest.objects.create(
        case=riverside,
        kind=AdviceKind.EDUCATIONAL,
        agency=cast.school,
        requested_on=factories.RECEIVED,
        due_on=factories.RECEIVED + timedelta(weeks=6),
    )
    sign_in(page, live_server, cast.manager)
    page.goto(f"{live_server.url}/cases/caseload/")
    agencies = page.get_by_label("Agency involved").locator("option").all_inner_texts()
    assert "Riverside Primary" not in agencies and "Northshire Community Health" in agencies
    box = page.get_by_label("School or setting involved")
    box.fill("Rivers")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#f-school-suggestions option')]"
        ".some((option) => option.value === 'Riverside Primary (URN 100001)')"
    )
    box.fill("Riverside Primary (URN 100001)")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "school=Riverside" in page.url
    assert page.get_by_text("1 open case.").is_visible()
    assert page.get_by_role("link", name=riverside.reference, exact=True).is_visible()
    assert page.get_by_role("link", name=other.reference, exact=True).count() == 0

    page.get_by_label("School or setting involved").fill("Nowhere")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="No school or setting matches “Nowhere”").is_visible()
    assert page.get_by_text("2 open cases.").is_visible()


def test_the_ig_lead_tells_partners_ticked_and_a_school_typed_about_an_incident(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    cast,
):
    page = browser_page
    ig_lead = factories.member(cast.council, Role.IG_LEAD, username="iglead")
    sign_in(page, live_server, ig_lead)
    page.goto(f"{live_server.url}/governance/incidents/new/")
    assert page.get_by_role("checkbox", name="Riverside Primary").count() == 0
    page.get_by_role("radio").first.check()
    page.get_by_label("What happened?").fill("A letter went to the wrong address")
    group = page.get_by_role("group", name="Date the council became aware")
    yesterday = timezone.localdate() - timedelta(days=1)
    group.get_by_label("Day").fill(str(yesterday.day))
    group.get_by_label("Month").fill(str(yesterday.month))
    group.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time the council became aware").fill("09:30")
    page.get_by_role("checkbox", name="Northshire Community Health").check()
    schools = page.get_by_label("Schools or settings to tell")
    schools.fill("Nowhere School")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the incident").click()
    assert page.get_by_role(
        "link", name="No school or setting matches “Nowhere School”"
    ).is_visible()
    assert not SecurityIncident.objects.exists()
    page.get_by_label("Schools or settings to tell").fill("100001")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the incident").click()
    assert page.get_by_text("recorded").first.is_visible()
    incident = SecurityIncident.objects.get()
    assert set(incident.partners_to_notify.all()) == {cast.health, cast.school}
