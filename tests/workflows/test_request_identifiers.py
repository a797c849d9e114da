"""The request page accepts identifiers as people type them and refuses ones that are not real."""

from datetime import date

import pytest
import time_machine

from ehcp.assessments.models import Assessment
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common import services as common_services
from tests.workflows.test_task_views import as_user, d, people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def post_request(client, people, **identifiers):  # noqa: F811
    return as_user(client, people["caseworker"]).post(
        "/tasks/new-request/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            **d(date(2016, 5, 1), "date_of_birth"),
            "requested_by": "PARENT",
            **d(date(2026, 9, 7), "received_on"),
            "reasons": "Reading",
            **identifiers,
        },
    )


@time_machine.travel(date(2026, 9, 8))
def test_identifiers_typed_with_spaces_are_accepted_and_stored_normalised(client, people):  # noqa: F811
    response = post_request(
        client, people, nhs_number="943 476 5919", upn="a123 4567 89012", postcode="sw1a1aa"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    child = Assessment.objects.get().child
    assert (child.nhs_number, child.upn, child.postcode) == (
        "9434765919",
        "A123456789012",
        "SW1A 1AA",
    )


@time_machine.travel(date(2026, 9, 8))
def test_identifiers_that_are_not_real_are_refused_and_nothing_is_saved(client, people):  # noqa: F811
    response = post_request(
        client, people, nhs_number="943 476 5918", upn="B123456789012", postcode="SW1A"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a real NHS number: check the digits you have typed" in page
    assert "Enter a real UPN: the first letter does not match the numbers" in page
    assert "Enter a real postcode, like SW1A 1AA" in page
    assert 'value="943 476 5918"' in page  # what they typed stays on the page to correct
    assert not Assessment.objects.exists()


def test_the_service_itself_refuses_identifiers_that_are_not_real(cast):
    """Whoever calls it (the page, the demo, an import), the service checks the identifiers."""
    from tests.factories import request_kwargs

    details = assessment_services.ChildDetails(
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(2016, 5, 1),
        nhs_number="9434765918",
        upn="A123456789012",
        postcode="not a postcode",
    )
    with pytest.raises(common_services.CaseRuleError) as refused:
        assessment_services.case_request_receive(**request_kwargs(cast, child_details=details))
    assert refused.value.messages == [
        "Enter a real NHS number: check the digits you have typed",
        "Enter a real postcode, like SW1A 1AA",
    ]
    assert not Assessment.objects.exists()

    ok = assessment_services.ChildDetails(
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(2016, 5, 1),
        nhs_number="943 476 5919",
        upn="a123456789012",
        postcode="sw1a 1aa",
    )
    child = assessment_services.case_request_receive(**request_kwargs(cast, child_details=ok)).child
    assert (child.nhs_number, child.upn, child.postcode) == (
        "9434765919",
        "A123456789012",
        "SW1A 1AA",
    )
