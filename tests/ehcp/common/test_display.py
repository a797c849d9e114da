"""Due days and roles read as words, in pages and messages (dates and times: test_formats.py)."""

import pytest
from django.template import Context, Template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from ehcp.common import display


@pytest.mark.parametrize(
    "days, expected",
    [
        (-17, "17 days late"),
        (-1, "1 day late"),
        (0, "Due today"),
        (1, "1 day left"),
        (3, "3 days left"),
    ],
)
def test_days_to_due(days, expected):
    assert display.days_to_due(days) == expected


def test_the_template_filters():
    template = Template("{% load send_display %}{{ late|days_to_due }} | {{ roles|role_labels }}")
    assert template.render(Context({"late": -17, "roles": ["CASEWORKER"]})) == (
        "17 days late | SEND caseworker"
    )


def test_role_codes_read_as_their_names():
    assert display.role_labels(["CASEWORKER", "SEN_MANAGER"]) == "SEND caseworker, SEN manager"
    assert (
        display.role_labels(["IG_LEAD", "RETIRED_ROLE"])
        == "Information governance lead, RETIRED_ROLE"
    )
    assert display.role_labels([]) == ""


@pytest.mark.parametrize(
    ("status", "html"),
    [
        ("ASSESSING", '<strong class="govuk-tag govuk-tag--teal">Label</strong>\n'),
        ("OVERDUE", '<strong class="govuk-tag govuk-tag--red">Label</strong>\n'),
        ("DONE_LATE_EXCEPTION", '<strong class="govuk-tag govuk-tag--orange">Label</strong>\n'),
        ("REQUESTED", '<strong class="govuk-tag">Label</strong>\n'),  # the plain (blue) tag
        (None, '<strong class="govuk-tag">Label</strong>\n'),
    ],
)
def test_a_status_is_drawn_as_a_tag_in_its_colour(status, html):
    template = Template("{% load send_display %}{% status_tag status label %}")
    assert template.render(Context({"status": status, "label": "Label"})) == html


def test_a_status_tags_label_is_escaped():
    template = Template('{% load send_display %}{% status_tag "OVERDUE" label %}')
    assert "&lt;b&gt;" in template.render(Context({"label": "<b>"}))


@pytest.mark.parametrize(
    ("selected", "marked"),
    [(12, "12"), ("12", "12"), ("", None), (None, None), ("7", None)],
)
def test_select_options_marks_the_chosen_value(selected, marked):
    template = Template("{% load ehcp_tags %}{% select_options choices selected %}")
    html = template.render(
        Context({"choices": [("", "Anyone"), ("12", "Sam <Smith>")], "selected": selected})
    )
    assert html.count("<option") == 2 and "Sam &lt;Smith&gt;" in html
    if marked is None:
        assert "selected" not in html
    else:
        assert f'<option value="{marked}" selected>' in html


def test_select_options_escape_as_django_does():
    """Text is escaped as `format_html` escapes it; text already marked safe is kept."""
    choices = [('x"&', "O'Brien & <Co>"), (3, mark_safe("<i>kept</i>"))]
    template = Template("{% load ehcp_tags %}{% select_options choices selected %}")
    html = template.render(Context({"choices": choices, "selected": 3}))
    assert html == format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == 3 else "", label) for value, label in choices),
    )
    assert "O&#x27;Brien &amp; &lt;Co&gt;" in html and "<i>kept</i>" in html
