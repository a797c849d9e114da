"""The case forms through the pages: consent withdrawal, the consent override, exceptions."""

from datetime import date

import pytest
import time_machine

from ehcp.assessments.models import AssessmentStatus, StatutoryException
from ehcp.children.models import ConsentOverride, ConsentRecord
from tests.test_forms_rendered import drawn_names
from tests.workflows.test_task_views import as_user, d, people, record_request  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2026, 9, 8))
def test_consent_withdrawal_is_recorded_and_the_record_kept(client, people):  # noqa: F811
    case = record_request(client, people)
    client.post(
        f"/cases/{case.public_id}/consent/new/",
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": [people["health_agency"].pk],
            "given_by": "PARENT",
            "given_by_name": "Annabella Lovelace",
            **d(date(2026, 9, 7), "given_on"),
            "method": "EMAIL",
        },
    )
    consent = ConsentRecord.objects.get()
    empty = client.post(f"/cases/{case.public_id}/consent/{consent.public_id}/withdraw/", {})
    assert "Enter the date consent was withdrawn" in empty.content.decode()
    response = client.post(
        f"/cases/{case.public_id}/consent/{consent.public_id}/withdraw/",
        {**d(date(2026, 9, 8), "withdrawn_on"), "reason": "Phone call from mother"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 9, 8) and consent.withdrawn_by == people["caseworker"]
    assert "Withdrawn 8 September 2026" in client.get(f"/cases/{case.public_id}/").content.decode()


@time_machine.travel(date(2026, 9, 8))
def test_only_the_sen_manager_sees_and_records_the_override(client, people):  # noqa: F811
    case = record_request(client, people)
    assert (
        "Request advice without consent"
        not in client.get(f"/cases/{case.public_id}/").content.decode()
    )
    refused = client.post(
        f"/cases/{case.public_id}/consent-override/",
        {
            "justification": "Safeguarding concern raised by the school nurse",
            "legal_condition": "DPA 2018 Sch 1 para 18",
        },
    )
    assert "Only an SEN manager can record" in refused.content.decode()
    assert not ConsentOverride.objects.exists()

    as_user(client, people["manager"])
    assert (
        "Request advice without consent" in client.get(f"/cases/{case.public_id}/").content.decode()
    )
    client.post(
        f"/cases/{case.public_id}/consent-override/",
        {
            "justification": "Safeguarding concern raised by the school nurse",
            "legal_condition": "DPA 2018 Sch 1 para 18",
        },
    )
    override = ConsentOverride.objects.get()
    assert override.authorised_by == people["manager"]
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert (
        "Advice was requested without consent: Safeguarding concern raised by the school nurse"
        in page
    )


def post_drawn(client, url, data):
    """Post only the fields the page draws (a date's day, month and year boxes included)."""
    drawn = drawn_names(client.get(url).content.decode())
    assert set(data) <= drawn, f"not on the page: {sorted(set(data) - drawn)}"
    return client.post(url, data)


def errors_of(response) -> str:
    html = response.content.decode()
    assert "There is a problem" in html
    return html


@time_machine.travel(date(2026, 11, 30))
def test_exception_is_recorded_and_the_late_step_shows_it(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    url = f"/cases/{case.public_id}/exceptions/new/"
    form = {
        "period_code": "EHCP-DECIDE-6W",
        "limb": "8(2)(a)",
        **d(date(2026, 10, 1), "starts_on"),
        **d(date(2026, 10, 9), "ends_on"),
        "evidence": "Hospital letter",
        "reasoning": "The child was in hospital",
        **d(date(2026, 10, 12), "family_told_on"),
    }
    wrong_limb = post_drawn(client, url, form)
    assert "Reg 8(2)(a) does not apply" in errors_of(wrong_limb)
    assert not StatutoryException.objects.exists()

    response = post_drawn(client, url, {**form, "limb": "5(4)(c)"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Overdue by 42 days, exception recorded" in page
    assert "1 October 2026 to 9 October 2026." in page
    assert "family told 12 October 2026" in page
    assert case.status == AssessmentStatus.REQUESTED


@time_machine.travel(date(2026, 11, 30))
@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"ends_on_0": "", "ends_on_1": "", "ends_on_2": ""},
            "Enter the date the circumstances ended, or say they are still going on",
            id="no-end-date",
        ),
        pytest.param(
            {"ongoing": "on"},
            "Enter the date the circumstances ended or say they are still going on, not both",
            id="end-date-and-ongoing",
        ),
        pytest.param(
            {"ends_on_0": "", "ends_on_1": "", "ends_on_2": "", "ongoing": "on"},
            "Enter the evidence that the circumstances are still going on",
            id="ongoing-without-evidence",
        ),
        pytest.param(
            {"family_told_on_0": "", "family_told_on_1": "", "family_told_on_2": ""},
            "Enter the date the family was told",
            id="family-not-told",
        ),
        pytest.param(
            {**d(date(2026, 10, 20), "starts_on"), **d(date(2026, 10, 25), "ends_on")},
            "The circumstances must have begun by 19 October 2026, the end of the time limit",
            id="after-the-six-weeks",
        ),
        pytest.param(
            {**d(date(2026, 8, 1), "starts_on"), **d(date(2026, 9, 6), "ends_on")},
            "The circumstances must have lasted until at least 7 September 2026",
            id="before-the-request",
        ),
    ],
)
def test_exception_page_refuses_bad_input_with_a_clear_message(client, people, change, message):  # noqa: F811
    """Regs 5(4), 10(4): an end date or "still going on" with evidence; inside the time limit
    it excuses; and the date the family was told (CoP 9.40)."""
    case = record_request(client, people, received=date(2026, 9, 7))
    form = {
        "period_code": "EHCP-DECIDE-6W",
        "limb": "5(4)(c)",
        **d(date(2026, 10, 1), "starts_on"),
        **d(date(2026, 10, 9), "ends_on"),
        "evidence": "Hospital letter",
        "reasoning": "The child was in hospital",
        **d(date(2026, 10, 12), "family_told_on"),
    }
    response = post_drawn(client, f"/cases/{case.public_id}/exceptions/new/", {**form, **change})
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not StatutoryException.objects.exists()


@time_machine.travel(date(2026, 11, 30))
def test_exception_still_going_on_then_its_end_date_through_the_pages(client, people):  # noqa: F811
    """Reg 5(4)(c): recorded as still going on with evidence (it counts), then the end date is
    recorded later, with history."""
    case = record_request(client, people, received=date(2026, 9, 7))
    response = post_drawn(
        client,
        f"/cases/{case.public_id}/exceptions/new/",
        {
            "period_code": "EHCP-DECIDE-6W",
            "limb": "5(4)(c)",
            **d(date(2026, 10, 1), "starts_on"),
            "ongoing": "on",
            "ongoing_evidence": "Ward sister's letter of 27 November",
            "evidence": "Hospital letter",
            "reasoning": "The child was in hospital",
            **d(date(2026, 10, 12), "family_told_on"),
        },
    )
    assert response.status_code == 302
    exception = StatutoryException.objects.get()
    assert exception.ongoing and exception.ends_on is None
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Overdue by 42 days, exception recorded" in page
    assert "still going on. Evidence that they are still going on: Ward sister" in page
    update = f"/cases/{case.public_id}/exceptions/{exception.public_id}/"
    assert update in page and "Record the end date" in page

    form_page = client.get(update).content.decode()
    assert "family_told_on_0" not in form_page  # already recorded: not asked again
    bad = post_drawn(client, update, d(date(2026, 9, 30), "ends_on"))
    assert "The end date must be the same as or after the start date" in errors_of(bad)

    done = post_drawn(client, update, d(date(2026, 11, 20), "ends_on"))
    assert done.status_code == 302
    exception.refresh_from_db()
    assert (exception.ends_on, exception.ongoing) == (date(2026, 11, 20), False)
    assert exception.history.latest("history_date").history_user == people["caseworker"]
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "1 October 2026 to 20 November 2026." in page
    assert update not in page  # nothing left to complete


@time_machine.travel(date(2026, 11, 30))
def test_an_older_exception_without_an_end_date_shows_it_does_not_count(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    post_drawn(
        client,
        f"/cases/{case.public_id}/exceptions/new/",
        {
            "period_code": "EHCP-DECIDE-6W",
            "limb": "5(4)(c)",
            **d(date(2026, 10, 1), "starts_on"),
            **d(date(2026, 10, 9), "ends_on"),
            "evidence": "Hospital letter",
            "reasoning": "The child was in hospital",
            **d(date(2026, 10, 12), "family_told_on"),
        },
    )
    # As recorded before an end date and the day the family was told were asked for.
    StatutoryException.objects.update(ends_on=None, family_told_on=None)
    exception = StatutoryException.objects.get()
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Does not count: no end date" in page
    assert "Overdue by 42 days</strong>" in page
    assert "the date the family was told is not recorded" in page

    update = f"/cases/{case.public_id}/exceptions/{exception.public_id}/"
    response = post_drawn(
        client,
        update,
        {**d(date(2026, 10, 9), "ends_on"), **d(date(2026, 10, 12), "family_told_on")},
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Overdue by 42 days, exception recorded" in page
    assert "Does not count" not in page


@time_machine.travel(date(2026, 11, 30))
def test_only_the_council_opens_the_exception_pages(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    post_drawn(
        client,
        f"/cases/{case.public_id}/exceptions/new/",
        {
            "period_code": "EHCP-DECIDE-6W",
            "limb": "5(4)(c)",
            **d(date(2026, 10, 1), "starts_on"),
            "ongoing": "on",
            "ongoing_evidence": "Ward sister's letter",
            "evidence": "Hospital letter",
            "reasoning": "The child was in hospital",
            **d(date(2026, 10, 12), "family_told_on"),
        },
    )
    exception = StatutoryException.objects.get()
    as_user(client, people["health"])
    update = f"/cases/{case.public_id}/exceptions/{exception.public_id}/"
    assert client.get(update).status_code in (403, 404)
    assert client.post(update, d(date(2026, 11, 20), "ends_on")).status_code in (403, 404)
    exception.refresh_from_db()
    assert exception.ends_on is None
