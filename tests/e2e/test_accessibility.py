"""axe-core over the main pages, as a caseworker, partners, a manager and the IG lead.

The world is built through the real services (tests/factories.CaseWalk); the pages are opened by
address, signed in through the sign-in page. Any axe-core violation on any page fails the test
with the rule, its impact, the elements and the page. The whole-assessment journey
(test_whole_assessment.py) checks every page it visits as well; this test covers the pages a
person opens most, at a stage the journey passes quickly, so that none of them regresses.
"""

import pytest
from django.urls import reverse

from agencies.models import Role
from ehcp.assessments.models import AdviceKind, AssessmentStatus
from tests import factories
from workflows import services as wf

from .axe import AccessibilityViolations, AxeGuard, assert_accessible, describe
from .conftest import axe_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "not-a-secret"  # tests/factories.UserFactory


@pytest.fixture
def world(walk, council):
    """A case being assessed: the health advice is submitted and waits for the council's review;
    the psychologist has claimed the psychological advice and saved a draft."""
    walk.to(AssessmentStatus.ASSESSING)
    walk.submit_advice(AdviceKind.HEALTH, accept=False)
    task = walk.advice_task(AdviceKind.PSYCHOLOGICAL)
    wf.task_claim(task=task, user=walk.cast.psychologist)
    walk.draft_advice(AdviceKind.PSYCHOLOGICAL)
    iglead = factories.member(council, Role.IG_LEAD, username="iglead")
    case = walk.refresh()
    health = walk.advice_request(AdviceKind.HEALTH)
    psych = walk.advice_request(AdviceKind.PSYCHOLOGICAL)
    review_task = walk.task("health_advice_review")
    case_pages = [
        reverse("ehcp:case-detail", args=[case.public_id]),
        reverse("workflows:inbox") + f"?case={case.public_id}",
    ]
    return {
        "caseworker": (
            walk.cast.caseworker,
            [
                reverse("workflows:inbox"),
                reverse("ehcp:case-list"),
                *case_pages,
                reverse("ehcp:calculator"),
                reverse("workflows:request-new"),
                reverse("ehcp:consent-new", args=[case.public_id]),
                reverse("ehcp:plan:overview", args=[case.public_id]),
                reverse("ehcp:plan:history", args=[case.public_id]),
                reverse("ehcp:plan:documents", args=[case.public_id]),
                reverse("workflows:advice:list"),
                reverse("workflows:advice:case", args=[case.public_id]),
                reverse("workflows:task", args=[review_task.public_id]),
                reverse("workflows:advice:review", args=[health.public_id]),
                reverse("notifications:list"),
            ],
        ),
        "psychologist": (
            walk.cast.psychologist,
            [
                reverse("workflows:inbox"),
                reverse("ehcp:case-detail", args=[case.public_id]),
                reverse("ehcp:calculator"),
                reverse("workflows:advice:list"),
                reverse("workflows:task", args=[task.public_id]),
                reverse("workflows:advice:edit", args=[psych.public_id]),
                reverse("workflows:advice:entry-new", args=[psych.public_id, "provision"]),
                reverse("workflows:advice:check", args=[psych.public_id]),
                reverse("workflows:advice:detail", args=[psych.public_id]),
            ],
        ),
        "health": (
            walk.cast.health_adviser,
            [
                reverse("workflows:inbox"),
                reverse("notifications:list"),
                reverse("workflows:advice:list"),
                reverse("workflows:advice:detail", args=[health.public_id]),
            ],
        ),
        "manager": (
            walk.cast.manager,
            [
                reverse("ehcp:caseload"),
                reverse("ehcp:caseload") + "?overdue=1",
                reverse("ehcp:caseload") + "?school=Nowhere",  # the school box's error
                reverse("ehcp:exception-new", args=[case.public_id]),
            ],
        ),
        "iglead": (
            iglead,
            [
                reverse("governance:index"),
                reverse("governance:access-by-child"),
                reverse("governance:break-glass-queue"),
                reverse("governance:incident-list"),
                reverse("governance:incident-new"),
                reverse("governance:access-by-person"),
            ],
        ),
    }


@pytest.mark.parametrize("who", ["caseworker", "psychologist", "health", "manager", "iglead"])
def test_main_pages_have_no_axe_violations(live_server, chromium, world, who):
    user, paths = world[who]
    context = axe_context(chromium)
    page = context.new_page()
    guard = AxeGuard(page)
    page.goto(f"{live_server.url}{reverse('login')}")
    guard.check()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    guard.check()  # the start page the sign-in leads to
    problems = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{who} got {response.status} for {path}"
        try:
            guard.check()
        except AccessibilityViolations as error:
            problems.append(str(error))
    guard.assert_all_checked()
    context.close()
    assert not problems, "\n\n".join(problems)


def test_a_violation_is_reported_with_rule_impact_elements_and_page(chromium):
    """The helper itself: a page with an unlabelled field and an image without alt text fails,
    and the message names the rules, their impact, the elements and the page."""
    page = axe_context(chromium).new_page()
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logo">'
        '<input type="text" id="nameless"></main></body></html>'
    )
    with pytest.raises(AccessibilityViolations) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt [critical]" in message and "#logo" in message
    assert "label [critical]" in message and "#nameless" in message
    assert "about:blank" in message and "'Broken'" in message


def test_describe_lists_each_rule_and_its_elements():
    text = describe(
        "http://x/cases/",
        "Cases",
        [
            {
                "id": "region",
                "impact": "moderate",
                "help": "All page content should be contained by landmarks",
                "targets": [".govuk-back-link"],
            }
        ],
    )
    assert text.splitlines() == [
        "axe-core found 1 violation(s) on http://x/cases/ ('Cases'):",
        "  - region [moderate]: All page content should be contained by landmarks",
        "      .govuk-back-link",
    ]


def test_the_guard_fails_when_a_page_was_reached_without_a_check(chromium):
    page = axe_context(chromium).new_page()
    guard = AxeGuard(page)
    ok = (
        '<html lang="en"><head><title>{0}</title></head>'
        "<body><main><h1>{0}</h1></main></body></html>"
    )
    page.goto("data:text/html," + ok.format("One"))
    guard.check()
    page.goto("data:text/html," + ok.format("Two"))
    guard.check()
    guard.assert_all_checked()
    page.goto("data:text/html," + ok.format("Three"))
    with pytest.raises(AssertionError, match="after the last axe check"):
        guard.assert_all_checked()
    page.goto("data:text/html," + ok.format("Four"))
    with pytest.raises(AssertionError, match="reached without an axe check"):
        guard.check()
    assert len(guard.pages) == 2
