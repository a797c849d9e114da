"""Bad input gets a GOV.UK message and changes nothing; it never gives a 500.

Dates near the end of the calendar (9999-12-31) overflowed when a statutory period was added to
them; numbers too big for the database overflowed in SQLite; digits that are not ASCII ("²")
passed ``str.isdigit()`` and then failed ``int()``.
"""

# ruff: noqa: F811 (the `people` fixture is imported and used as an argument)
from datetime import date

import pytest
import time_machine
from django import forms as django_forms
from django.core.management import CommandError, call_command

import ehcp.assessments.forms
import ehcp.governance.forms
import ehcp.plans.forms
import workflows.advice_forms
from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.assessments.rules import deadlines
from ehcp.children.models import ConsentRecord
from ehcp.common import forms
from tests.workflows.test_task_views import as_user, d, open_task, people, record_request  # noqa: F401

HUGE = "99999999999999999999999"  # beyond 64 bits


def get(client, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# -- dates -----------------------------------------------------------------------------------------


def every_date_field():
    """(form, field name, field) for every date input declared on a form of ours."""
    found = []
    pending = [forms.GovForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateInputField):
                found.append(pytest.param(form, name, field, id=f"{form.__name__}.{name}"))
    return found


def test_every_date_field_module_is_searched():
    modules = {param.values[0].__module__ for param in every_date_field()}
    assert {
        ehcp.assessments.forms.__name__,
        ehcp.plans.forms.__name__,
        ehcp.governance.forms.__name__,
    } <= modules
    assert workflows.advice_forms.__name__ in modules


@pytest.mark.parametrize(("form", "name", "field"), every_date_field())
def test_every_date_field_refuses_dates_a_statutory_period_cannot_be_added_to(form, name, field):
    assert isinstance(field, forms.GovDateField)
    label = field.name_in_messages
    cases = [
        (["31", "12", "9999"], f"{label} must be the same as or before 31 December 2099"),
        (["1", "1", "1899"], f"{label} must be the same as or after 1 January 1900"),
        (["1", "1", HUGE], f"{label} must be a real date"),
        (["31", "2", "2026"], f"{label} must be a real date"),
        (["1", "13", "2026"], f"{label} must be a real date"),
    ]
    for value, message in cases:
        with pytest.raises(django_forms.ValidationError) as raised:
            field.clean(value)
        assert raised.value.messages == [message], (value, raised.value.messages)
    assert field.clean(["31", "12", "2099"]) == date(2099, 12, 31)
    assert field.clean(["1", "1", "1900"]) == date(1900, 1, 1)


def test_optional_in_a_label_is_left_out_of_the_message():
    field = forms.date_field("Date advice was requested (optional)", required=False)
    with pytest.raises(django_forms.ValidationError) as raised:
        field.clean(["30", "2", "2026"])
    assert raised.value.messages == ["Date advice was requested must be a real date"]


@pytest.mark.django_db
def test_calculator_with_a_received_date_of_9999_12_31_shows_a_message(client, caseworker):
    client.force_login(caseworker)
    page = get(
        client, "/cases/timeline-calculator/?received_on_0=31&received_on_1=12&received_on_2=9999"
    )
    assert "There is a problem" in page
    assert "Date the request was received must be the same as or before 31 December 2099" in page


@pytest.mark.django_db
def test_calculator_with_an_advice_date_of_9999_12_31_shows_a_message(client, caseworker):
    client.force_login(caseworker)
    page = get(
        client,
        "/cases/timeline-calculator/?received_on_0=12&received_on_1=1&received_on_2=2026"
        "&advice_requested_on_0=31&advice_requested_on_1=12&advice_requested_on_2=9999",
    )
    assert "Date advice was requested must be the same as or before 31 December 2099" in page


@pytest.mark.django_db
def test_calculator_still_works_for_a_good_date(client, caseworker):
    client.force_login(caseworker)
    page = get(
        client, "/cases/timeline-calculator/?received_on_0=12&received_on_1=1&received_on_2=2026"
    )
    assert "There is a problem" not in page and "1 June 2026" in page


@pytest.mark.django_db
@time_machine.travel(date(2026, 9, 8))
def test_request_received_on_9999_12_31_shows_a_message_and_records_nothing(client, people):
    client.raise_request_exception = False
    response = as_user(client, people["caseworker"]).post(
        "/tasks/new-request/",
        {
            "first_name": "A",
            "last_name": "B",
            **d(date(2016, 5, 1), "date_of_birth"),
            "requested_by": "PARENT",
            **d(date(9999, 12, 31), "received_on"),
            "reasons": "x",
        },
    )
    assert response.status_code == 200
    assert (
        "Date the request was received must be the same as or before 31 December 2099"
        in response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_the_rule_refuses_a_start_date_at_the_end_of_the_calendar_with_a_value_error():
    with pytest.raises(ValueError, match="cannot be worked out from 31 December 9999"):
        deadlines.due_on(deadlines.FINAL_PLAN, date(9999, 12, 31))
    with pytest.raises(ValueError, match="cannot be worked out"):
        deadlines.assessment_deadlines(date(9999, 11, 30))


def test_statutory_dates_command_with_9999_12_31_is_a_one_line_error():
    with pytest.raises(CommandError, match="cannot be worked out from 31 December 9999"):
        call_command("statutory_dates", "--received", "9999-12-31")


# -- numbers and choices in query strings and forms ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"caseworker={HUGE}", "Select a caseworker from the list"),
        (f"agency={HUGE}", "Select an agency from the list"),
        ("caseworker=%C2%B2", "Select a caseworker from the list"),  # "²" passes str.isdigit()
        ("agency=-1", "Select an agency from the list"),
        ("status=NOT_A_STAGE", "Select a stage from the list"),
    ],
)
def test_caseload_with_a_bad_filter_shows_a_message_and_the_other_filters(
    client, people, query, message
):
    with time_machine.travel(date(2026, 9, 8)):
        record_request(client, people)
    as_user(client, people["manager"])
    page = get(client, f"/cases/caseload/?{query}&overdue=1")
    assert "<title>Error: Caseload" in page and "There is a problem" in page and message in page
    assert (
        'id="f-overdue" name="overdue" type="checkbox" value="1" checked' in page
    )  # still applied


@pytest.mark.django_db
def test_caseload_filters_still_work(client, people):
    with time_machine.travel(date(2026, 9, 8)):
        record_request(client, people)
    as_user(client, people["manager"])
    mine = get(client, f"/cases/caseload/?caseworker={people['caseworker'].pk}")
    assert "There is a problem" not in mine and "1 open case." in mine
    nobody = get(client, f"/cases/caseload/?caseworker={people['manager'].pk}")
    assert "0 open cases." in nobody


@pytest.mark.django_db
@time_machine.travel(date(2026, 9, 8))
def test_consent_for_an_agency_number_too_big_for_the_database_shows_a_message(client, people):
    case = record_request(client, people)
    client.raise_request_exception = False
    response = client.post(
        f"/cases/{case.public_id}/consent/new/",
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": [HUGE],
            "given_by": "PARENT",
            "given_by_name": "Annabella Lovelace",
            **d(date(2026, 9, 7), "given_on"),
            "method": "EMAIL",
        },
    )
    assert response.status_code == 200
    assert "Select the agencies the consent covers from the list" in response.content.decode()
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_a_plain_django_multiple_choice_field_on_a_gov_form_cannot_overflow():
    class Pick(forms.GovForm):
        agencies = django_forms.ModelMultipleChoiceField(queryset=Agency.objects.all())

    form = Pick({"agencies": [HUGE, "-" + HUGE]})
    assert not form.is_valid()
    assert "agencies" in form.errors


@pytest.mark.django_db
@time_machine.travel(date(2026, 9, 8))
def test_reassign_to_a_person_given_as_a_superscript_digit_shows_a_message(client, people):
    case = record_request(client, people)
    as_user(client, people["manager"])
    task = open_task(case, "decide_to_assess")
    client.raise_request_exception = False
    response = client.post(
        f"/tasks/{task.public_id}/reassign/", {"user": "²", "reason": "Annual leave"}, follow=True
    )
    assert response.status_code == 200
    assert "Select someone who works this queue" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == people["caseworker"]
