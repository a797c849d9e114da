"""The back link sits in a labelled <nav> landmark; pages without one get no empty landmark."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

BASE = (
    "{% load layout_tags %}{% navigation_if_content 'Back' %}{{ inner }}"
    "{% endnavigation_if_content %}"
)


def render(source, **context):
    return Template(source).render(Context(context))


def test_content_is_wrapped_in_a_labelled_navigation_landmark():
    html = render(BASE.replace("{{ inner }}", '<a href="/x" class="govuk-back-link">Back</a>'))
    assert html == (
        '<nav class="app-before-content" aria-label="Back">'
        '<a href="/x" class="govuk-back-link">Back</a></nav>'
    )


def test_blank_content_renders_nothing():
    assert render(BASE, inner="  \n ") == ""


def test_content_is_escaped_once():
    html = render(BASE, inner="<script>")
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_label_is_required():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load layout_tags %}{% navigation_if_content %}{% endnavigation_if_content %}")


@pytest.mark.django_db
def test_base_puts_a_child_templates_back_link_inside_the_landmark(client, caseworker):
    from tests import factories

    case = factories.CaseFactory(council=caseworker.memberships.get().agency)
    client.force_login(caseworker)
    html = client.get(f"/cases/{case.public_id}/").content.decode()
    nav_start = html.index('<nav class="app-before-content" aria-label="Back">')
    assert nav_start < html.index("govuk-back-link") < html.index("</nav>", nav_start)
    assert nav_start < html.index("<main")

    home = client.get("/").content.decode()
    assert "app-before-content" not in home
