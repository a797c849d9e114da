"""Every field the server accepts is on the page (issue 7).

A field a form declares but the page does not draw is a field nobody can fill in, while the
server would still accept it (the advice agencies on "Decide whether to assess" were such
fields). For every page that shows a form, the names of the <input>, <select> and <textarea>
elements in the HTML must equal the fields of the forms in the template context: a date field's
day, month and year boxes count as that field.

Pages: every GET route of the URL walk's world as each person allowed to use it, and the task
page of every step of the assessment, as the person who holds the task.
"""

from html.parser import HTMLParser

import pytest
import time_machine
from django import forms
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from ehcp.assessments.models import AdviceKind, AdviceRequest, AssessmentStatus, SettingConsultation
from tests.security.test_url_walk import (  # noqa: F401 (world is a fixture)
    EXPECTED,
    TODAY,
    all_routes,
    params_for,
    url_for,
    world,
)
from workflows import services as wf
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

IGNORED = {"csrfmiddlewaretoken"}
# Controls drawn by hand in a template, outside any Django form, with the view reading them
# directly: (route name, control name). Each is a plain choice the view checks itself.
HAND_DRAWN = {
    ("workflows:task", "user"),  # the manager's "Reassign to" list: workflows.views.task_reassign
    # The pipeline's bulk forms: the rows ticked, the signed list of rows the page showed and the
    # page to come back to (workflows.pipeline_views: selected_ids refuses a row not shown)
    ("workflows:pipeline:index", "row"),
    ("workflows:pipeline:index", "shown"),
    ("workflows:pipeline:index", "next"),
}


class _Controls(HTMLParser):
    """The names of the form controls on a page (buttons excluded: they carry no field)."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in {"input", "select", "textarea"} or not attrs.get("name"):
            return
        if tag == "input" and attrs.get("type", "text").lower() in {
            "submit",
            "button",
            "image",
            "reset",
        }:
            return
        self.names.add(attrs["name"])


def drawn_names(html: str) -> set[str]:
    parser = _Controls()
    parser.feed(html)
    return parser.names - IGNORED


def _field_names(form: forms.BaseForm) -> set[str]:
    names = set()
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            names |= {html_name + suffix for suffix in widget.widgets_names}
        else:
            names.add(html_name)
    return names


def forms_in(response) -> list[forms.BaseForm]:
    """Every form (and every form of a formset) the template was given."""
    found, seen = [], set()

    def add(value):
        if isinstance(value, BaseFormSet):
            for form in [value.management_form, *value.forms]:
                add(form)
        elif isinstance(value, forms.BaseForm) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, (forms.BaseForm, BaseFormSet)):
                    add(item)

    for context in response.context or []:
        for layer in context.dicts:
            for value in layer.values():
                add(value)
    return found


def declared_names(response) -> set[str]:
    names = set()
    for form in forms_in(response):
        names |= _field_names(form)
    return names


def mismatch(response, route_name: str = "") -> dict:
    """What the forms declare but the page does not draw, and the reverse ({} when they agree)."""
    drawn = drawn_names(response.content.decode())
    declared = declared_names(response)
    hand_drawn = {name for route, name in HAND_DRAWN if route == route_name}
    problems = {}
    if declared - drawn:
        problems["declared but not drawn"] = sorted(declared - drawn)
    if drawn - declared - hand_drawn:
        problems["drawn but no form field"] = sorted(drawn - declared - hand_drawn)
    return problems


# -- the check itself ----------------------------------------------------------------------------


class _Form(forms.Form):
    name = forms.CharField()
    born = forms.MultiValueField(
        fields=[forms.IntegerField()] * 3, widget=forms.MultiWidget([forms.TextInput()] * 3)
    )


class _Response:
    def __init__(self, html, form):
        self.content = html.encode()
        self.context = [type("Context", (), {"dicts": [{"form": form}]})()]


def test_the_check_finds_a_field_that_is_not_drawn():
    form = _Form()
    everything = (
        '<input name="csrfmiddlewaretoken"><input name="name"><input name="born_0">'
        '<input name="born_1"><input name="born_2"><button name="go">Save</button>'
    )
    assert mismatch(_Response(everything, form)) == {}
    missing_year = everything.replace('<input name="born_2">', "")
    assert mismatch(_Response(missing_year, form)) == {"declared but not drawn": ["born_2"]}
    form.fields["agency"] = forms.CharField()  # added after the layout: the bug of issue 7
    assert mismatch(_Response(everything, form)) == {"declared but not drawn": ["agency"]}
    stray = everything + '<textarea name="notes"></textarea>'
    assert mismatch(_Response(stray, _Form())) == {"drawn but no form field": ["notes"]}


# -- every page of the URL walk ------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_every_form_page_draws_exactly_the_fields_its_forms_declare(client, world):  # noqa: F811
    problems, checked = [], set()
    for route, name in all_routes():
        method, allowed = EXPECTED[name]
        if method != "GET":
            continue
        url = url_for(route, params_for(world, name))
        for username in sorted(allowed):
            client.force_login(world["people"][username])
            response = client.get(url)
            if response.status_code != 200 or not forms_in(response):
                continue
            checked.add(name)
            found = mismatch(response, name)
            if found:
                problems.append((name, username, found))
    assert problems == [], "\n".join(map(str, problems))
    # The walk reached the form pages (a page that stops showing its form would drop out here).
    assert {
        "workflows:request-new",
        "workflows:case-withdraw",
        "workflows:child-request",
        "ehcp:consent-new",
        "ehcp:consent-withdraw",
        "ehcp:consent-override",
        "ehcp:exception-new",
        "ehcp:plan:details",
        "ehcp:plan:need-new",
        "ehcp:plan:need-edit",
        "ehcp:plan:outcome-new",
        "ehcp:plan:provision-new",
        "ehcp:plan:provision-edit",
        "ehcp:plan:provision-agree",
        "ehcp:plan:entry-remove",
        "governance:break-glass-request",
        "governance:incident-new",
        "notifications:preferences",
        "governance:incident-decision",
        "governance:break-glass-review",
        "workflows:advice:edit",
        "workflows:advice:entry-new",
        "workflows:advice:entry-edit",
        "workflows:advice:more-time",
        "workflows:advice:extension",
    } <= checked, sorted(checked)


# -- the task page of every step -----------------------------------------------------------------


def _task_page(client, walk, node, user):
    task = walk.task(node)
    if task.owner_id is None:
        wf.task_claim(task=task, user=user)
    client.force_login(user)
    response = client.get(f"/tasks/{task.public_id}/")
    assert response.status_code == 200
    return response


def _check(response, label, problems, *, form_expected=True):
    if form_expected and not forms_in(response):
        problems.append((label, "no form on the page"))
    found = mismatch(response, "workflows:task")
    if found:
        problems.append((label, found))


def _advice_pages(client, walk, kind, problems):
    """The adviser's task leads to the advice pages, where the advice is written and sent."""
    advice = AdviceRequest.objects.get(case=walk.case, kind=kind)
    worker = walk.cast.worker_for(advice.agency)
    task = walk.advice_task(kind)
    if task.owner_id is None:
        wf.task_claim(task=task, user=worker)
    client.force_login(worker)
    pages = [("edit", {}), ("entry-new", {"kind": "need"}), ("check", {})]
    if kind != AdviceKind.PARENT_VIEWS:  # the council records the family's views: no more time
        pages.append(("more-time", {}))
    for page, extra in pages:
        response = client.get(
            reverse(f"workflows:advice:{page}", kwargs={"advice_id": advice.public_id, **extra})
        )
        assert response.status_code in (200, 302), (kind, page, response.status_code)
        if response.status_code == 200:
            _check(response, f"{kind} advice {page}", problems, form_expected=page != "check")


def test_every_step_task_page_draws_exactly_the_fields_its_form_declares(client, walk):
    cast, problems = walk.cast, []
    walk.receive()
    walk.consent()
    _check(
        _task_page(client, walk, "decide_to_assess", cast.caseworker), "decide_to_assess", problems
    )
    walk.decide_to_assess()
    for kind in walk.advice:
        _advice_pages(client, walk, kind, problems)
    walk.submit_advice(AdviceKind.HEALTH, accept=False)
    _task_page(client, walk, "health_advice_review", cast.caseworker)  # its form is the review page
    advice = AdviceRequest.objects.get(case=walk.case, kind=AdviceKind.HEALTH)
    review = client.get(reverse("workflows:advice:review", kwargs={"advice_id": advice.public_id}))
    assert review.status_code == 200
    _check(review, "health advice review", problems)
    walk.review_advice(AdviceKind.HEALTH)
    for kind in (AdviceKind.PARENT_VIEWS, AdviceKind.PSYCHOLOGICAL):
        walk.submit_advice(kind)
    assert walk.refresh().status == AssessmentStatus.ASSESSING
    _check(
        _task_page(client, walk, "decide_to_issue", cast.caseworker), "decide_to_issue", problems
    )
    walk.decide_to_issue()
    _check(_task_page(client, walk, "issue_draft", cast.caseworker), "issue_draft", problems)
    walk.issue_draft()
    _check(
        _task_page(client, walk, "record_comments", cast.caseworker), "record_comments", problems
    )
    walk.record_comments()
    assert SettingConsultation.objects.filter(case=walk.case).exists()
    reply = _task_page(client, walk, "reply_to_consultation", cast.senco)
    _check(reply, "reply_to_consultation", problems)
    walk.reply_to_consultation()
    _check(_task_page(client, walk, "issue_final", cast.caseworker), "issue_final", problems)
    assert problems == [], "\n".join(map(str, problems))
    assert CaseTask.objects.filter(case=walk.case).exists()
