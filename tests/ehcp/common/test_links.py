"""ehcp links to pages of the layers above it by name; the app owning a page provides it
(ehcp/common/links.py, workflows/pages.py)."""

from types import SimpleNamespace
from uuid import UUID

import pytest
from django.template import Context, Engine

from ehcp.common import links

CASE = SimpleNamespace(public_id=UUID("00000000-0000-4000-8000-000000000001"))


@pytest.fixture
def empty(monkeypatch):
    monkeypatch.setattr(links, "_urls", {})
    monkeypatch.setattr(links, "_sections", {})


def test_a_provided_page_is_built_for_the_record_it_is_given(empty):
    links.provide("case-tasks", lambda case: f"/somewhere/?case={case.public_id}")
    assert links.url("case-tasks", CASE) == f"/somewhere/?case={CASE.public_id}"


def test_a_page_nobody_provides_is_an_error_not_an_empty_link(empty):
    with pytest.raises(links.PageNotProvided, match="case-tasks"):
        links.url("case-tasks", CASE)


def test_only_the_pages_ehcp_links_to_may_be_provided(empty):
    with pytest.raises(ValueError, match="no page called 'inbox'"):
        links.provide("inbox", lambda: "/tasks/")
    with pytest.raises(ValueError, match="no place called 'plan'"):
        links.provide_section("plan", "x.html")


def test_sections_keep_their_order_and_are_provided_once(empty):
    links.provide_section("case", "a.html")
    links.provide_section("case", "b.html")
    links.provide_section("case", "a.html")
    assert links.sections("case") == ("a.html", "b.html")
    assert links.sections("other") == ()


def test_workflows_provides_every_page_and_the_case_pages_advice_section():
    """Installed together, every page ehcp links to has a provider (WorkflowsConfig.ready)."""
    assert set(links._urls) == links.PAGES
    assert links.url("tasks") == "/tasks/"
    assert links.url("new-request") == "/tasks/new-request/"
    assert links.url("case-tasks", CASE) == f"/tasks/?case={CASE.public_id}"
    assert links.url("case-caseworker", CASE) == f"/tasks/team/cases/{CASE.public_id}/caseworker/"
    assert links.url("case-consult", CASE) == f"/tasks/cases/{CASE.public_id}/consult/"
    advice = SimpleNamespace(public_id=CASE.public_id)
    assert links.url("advice", advice) == f"/tasks/advice/{CASE.public_id}/"
    assert links.sections("case") == ("workflows/advice/_case_advice.html",)


def test_the_tags_give_the_link_and_render_sections_with_the_pages_context(empty):
    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {"section.html": "<p>{{ case.public_id }}</p>{% with after='lost' %}{% endwith %}"},
            )
        ],
        libraries={"ehcp_links": "ehcp.templatetags.ehcp_links"},
    )
    links.provide("case-tasks", lambda case: f"/t/?case={case.public_id}&a=1")
    links.provide_section("case", "section.html")
    template = engine.from_string(
        '{% load ehcp_links %}<a href="{% page_url "case-tasks" case %}">x</a>'
        '{% page_sections "case" %}{{ after|default:"still here" }}'
    )
    html = template.render(Context({"case": CASE}))
    assert f'href="/t/?case={CASE.public_id}&amp;a=1"' in html  # escaped like any value
    assert f"<p>{CASE.public_id}</p>" in html  # the section's HTML is not escaped
    assert html.endswith("still here")
