"""The case forms through the pages: consent withdrawal, the consent override, exceptions."""

from datetime import date

import pytest
import time_machine

from ehcp.assessments.models import AssessmentStatus, StatutoryException
from ehcp.children.models import ConsentOverride, ConsentRecord
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


@time_machine.travel(date(2026, 11, 30))
def test_exception_is_recorded_and_the_late_step_shows_it(client, people):  # noqa: F811
    case = record_request(client, people, received=date(2026, 9, 7))
    form = {
        "period_code": "EHCP-DECIDE-6W",
        "limb": "8(2)(a)",
        **d(date(2026, 10, 1), "starts_on"),
        "evidence": "Hospital letter",
        "reasoning": "The child was in hospital",
    }
    wrong_limb = client.post(f"/cases/{case.public_id}/exceptions/new/", form)
    assert "There is a problem" in wrong_limb.content.decode()
    assert not StatutoryException.objects.exists()

    response = client.post(f"/cases/{case.public_id}/exceptions/new/", {**form, "limb": "5(4)(c)"})
    assert response.status_code == 302
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Overdue by 42 days, exception recorded" in page
    assert case.status == AssessmentStatus.REQUESTED
