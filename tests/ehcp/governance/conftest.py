"""People and cases for the information governance tests (on top of the root conftest's cast)."""

from datetime import date

import pytest
from django.test import RequestFactory

from agencies.models import AgencyKind, Role
from ehcp.assessments.models import AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as services
from ehcp.children import services as child_services
from tests import factories

RECEIVED = factories.RECEIVED  # Monday 1 March 2027
CONSENT_ON = date(2027, 3, 8)
DECIDED_ON = date(2027, 3, 25)


@pytest.fixture
def ig_lead(council):
    return factories.member(
        council, Role.IG_LEAD, username="iglead", first_name="Ingrid", last_name="Governor"
    )


@pytest.fixture
def agreement(cast):
    """The council's information sharing agreement, in force, with its partner agencies."""
    return factories.agreement(cast.council, [cast.health, cast.ep, cast.social_care, cast.school])


@pytest.fixture
def other_health(agreement):
    """A health adviser at a trust that is a party to the agreement but has no part in the case."""
    trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Westshire Mental Health Trust")
    agreement.parties.add(trust)
    return factories.member(trust, Role.HEALTH_ADVISER, username="other_health")


def make_request(user, *, path="/", request_id="req-0001", ip="203.0.113.9"):
    request = RequestFactory().get(path, HTTP_X_REQUEST_ID=request_id, REMOTE_ADDR=ip)
    request.user = user
    return request


@pytest.fixture
def requested_case(cast):
    """A REQUESTED case (no flow) for a child with contact details and identifiers."""
    child = factories.ChildFactory(
        first_name="Marigold",
        upn="A123456789012",
        nhs_number="9434765919",
        address="12 Lantern Row, Northtown",
        postcode="NT1 4QP",
        current_setting=cast.school,
        primary_need="SLCN",
    )
    child.parents.create(
        name="Rowena Quillfeather", relationship="mother", email="rowena@example.org"
    )
    return factories.CaseFactory(child=child, council=cast.council, caseworker=cast.caseworker)


def consent(case, cast, agencies, *, on=CONSENT_ON):
    return child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=agencies,
        given_by="PARENT",
        given_by_name="Rowena Quillfeather",
        given_on=on,
        method="WRITTEN",
        by=cast.caseworker,
        today=on,
    )


def decide_to_assess(case, cast, kinds=("HEALTH", "PSYCHOLOGICAL"), *, on=DECIDED_ON, today=None):
    return services.case_assessment_decide(
        case=case,
        assess=True,
        decided_on=on,
        advice=[services.AdviceToSeek(kind, cast.agency_for(kind)) for kind in kinds],
        by=cast.caseworker,
        today=today or on,
    )


@pytest.fixture
def draft_issued_case(cast):
    """A case whose draft plan has been issued, built without the flow (the protected FSM field
    takes its first value on construction), with advice received from health and the EP."""
    draft_on = date(2027, 5, 3)
    case = factories.CaseFactory(
        child=factories.ChildFactory(
            first_name="Tamsin", address="3 Weir Lane", postcode="NT2 8RL"
        ),
        council=cast.council,
        caseworker=cast.caseworker,
        status=AssessmentStatus.DRAFT_ISSUED,
        assessment_decided_on=DECIDED_ON,
        issue_decided_on=date(2027, 4, 30),
        draft_issued_on=draft_on,
        draft_comments_due_on=deadlines.due_on(deadlines.DRAFT_COMMENTS, draft_on),
    )
    for kind, text in (
        ("HEALTH", "Asthma plan in school"),
        ("PSYCHOLOGICAL", "Working memory support"),
    ):
        case.advice_requests.create(
            kind=kind,
            agency=cast.agency_for(kind),
            requested_on=DECIDED_ON,
            due_on=deadlines.due_on(deadlines.ADVICE, DECIDED_ON),
            received_on=date(2027, 4, 20),
            summary=text,
        )
    # The advice was asked for with the family's consent: the advisers' basis to see the case.
    consent(case, cast, [cast.health, cast.ep])
    return case


def record_comments(case, cast, *, on=date(2027, 5, 10)):
    return services.draft_comments_record(
        case=case,
        received_on=on,
        summary="Family agree",
        setting_to_consult=cast.school,
        requested_by_family=True,
        by=cast.caseworker,
        today=on,
    )
