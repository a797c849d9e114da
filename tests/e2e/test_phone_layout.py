"""Pages work on a phone and with long text, in a real browser (Playwright + Debian's Chromium).

- At 375 px wide the inbox's Status column can be reached by scrolling the table's own region
  (focusable and named, so a keyboard can scroll it), and the page itself never scrolls sideways.
- A 300-character word in a suggested need does not push the plan editor's Accept, Change and
  Drop controls off-screen.
"""

import pytest

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.models import Child
from ehcp.plans import services
from ehcp.plans.models import PlanEntryStatus, PlanNeed
from tests.e2e.test_caseworker_journey import browser_page  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "not-a-secret"  # tests.factories.UserFactory
PHONE = {"width": 375, "height": 800}
LONG_WORD = "Needs" + "x" * 295  # 300 characters, no break opportunity


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def page_scrolls_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def within_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_inbox_works_at_375px(live_server, browser_page, walk, cast):  # noqa: F811
    walk.receive()
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, cast.caseworker)
    page.goto(f"{live_server.url}/tasks/")

    region = page.locator(".app-table-scroll").first
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    status = region.locator("th", has_text="Status")
    assert status.count() == 1
    assert not page_scrolls_sideways(page)

    if not within_viewport(page, status):
        # The table is wider than the phone: its region scrolls, from the keyboard too.
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")
        region.focus()
        for _ in range(40):
            page.keyboard.press("ArrowRight")
        assert region.evaluate("el => el.scrollLeft") > 0
        region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert within_viewport(page, status)
    assert not page_scrolls_sideways(page)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_a_300_character_word_does_not_push_the_plan_buttons_off_screen(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    walk,
    cast,
    viewport,
):
    case = walk.to(AssessmentStatus.DRAFTING).case
    plan = services.plan_fill_example(case=case, by=cast.caseworker)
    PlanNeed.objects.create(
        plan=plan, section="B", text=LONG_WORD, status=PlanEntryStatus.SUGGESTED
    )
    page = browser_page
    page.set_viewport_size(viewport)
    sign_in(page, live_server, cast.caseworker)
    page.goto(f"{live_server.url}/cases/{case.public_id}/plan/")

    row = page.locator("tr", has_text=LONG_WORD[:40])
    assert row.count() == 1
    region = row.locator("xpath=ancestor::div[contains(@class, 'app-table-scroll')]")
    # The word wraps inside its cell: the table is no wider than a table without it would be
    # (its own minimum on a phone, the page's width on a desktop).
    table_width = region.evaluate("el => el.scrollWidth")
    assert table_width <= max(viewport["width"], 40 * 16), table_width
    text_cell = row.locator("td").nth(1)
    assert text_cell.evaluate("el => el.scrollWidth <= el.clientWidth")
    for control in ("Accept", "Change and accept", "Drop"):
        target = row.get_by_text(control, exact=False).first
        if viewport is PHONE:  # the table scrolls in its region on a phone
            target.scroll_into_view_if_needed()
        assert within_viewport(page, target), control
    assert not page_scrolls_sideways(page)


def test_no_casework_page_scrolls_sideways_on_a_phone_even_with_long_words(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    walk,
    cast,
    manager,
):
    case = walk.to(AssessmentStatus.DRAFTING).case
    services.plan_fill_example(case=case, by=cast.caseworker)
    Assessment.objects.filter(pk=case.pk).update(
        request_reasons=f"Reasons: {LONG_WORD}", requester_name=LONG_WORD[:200]
    )
    Child.objects.filter(pk=case.child_id).update(last_name=LONG_WORD[:100])
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, cast.caseworker)
    paths = [
        "/",
        "/tasks/",
        "/cases/",
        f"/cases/{case.public_id}/",
        f"/cases/{case.public_id}/plan/",
        f"/cases/{case.public_id}/plan/history/",
        "/cases/timeline-calculator/?received_on_0=12&received_on_1=1&received_on_2=2026",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main").count() == 1, path
        assert not page_scrolls_sideways(page), path
        # Every table sits in its own scrollable, named region.
        assert (
            page.locator("table").count()
            == page.locator(".app-table-scroll[role=region] > table").count()
        ), path
    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/cases/caseload/")
    assert not page_scrolls_sideways(page)
