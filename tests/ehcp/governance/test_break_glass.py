"""Break-glass (AC-07): only the roles and agencies the information sharing agreement names, for
a child identified by more than a reference, rate-limited, with a reason and a justification,
time-boxed, audited at high severity, alerted to the IG lead at once and in their review queue,
and never a way to see protected whereabouts."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import AgencyKind, Role
from ehcp.common.services import CaseRuleError
from ehcp.governance import services
from ehcp.governance.access import case_access
from ehcp.governance.models import AccessEvent, BreakGlassAttempt, BreakGlassGrant
from ehcp.governance.rules.break_glass import NO_MATCH
from ehcp.governance.services import NOT_ALLOWED, BreakGlassRefused
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2027, 3, 10, 14, 0))
JUSTIFICATION = "Child presented at A&E; need the care plan now"
DOB = factories.DATE_OF_BIRTH  # the requested case's child (ChildFactory)
SURNAME = "Quillfeather"


def request(user, case_reference, **overrides):
    kwargs = dict(
        case_reference=case_reference,
        date_of_birth=DOB,
        child_identifier=SURNAME,
        user=user,
        reason="URGENT_CARE",
        justification=JUSTIFICATION,
        now=NOW,
        request_id="req-bg-1",
        ip="198.51.100.7",
    )
    kwargs.update(overrides)
    return services.break_glass_request(**kwargs)


def refused(user, reference, **overrides) -> BreakGlassRefused:
    with pytest.raises(BreakGlassRefused) as caught:
        request(user, reference, **overrides)
    return caught.value


def nothing_granted():
    return not BreakGlassGrant.objects.exists() and not AccessEvent.objects.exists()


def test_grant_lasts_the_configured_time_and_writes_one_high_severity_event(
    cast, other_health, requested_case
):
    grant = request(other_health, requested_case.reference.lower())

    assert grant.expires_at == NOW + timedelta(minutes=60)
    event = AccessEvent.objects.get()
    assert (event.what, event.severity, event.relationship) == (
        "break-glass",
        "HIGH",
        "break-glass",
    )
    assert (
        event.break_glass == grant and event.case == requested_case and event.user == other_health
    )
    assert event.request_id == "req-bg-1" and event.ip == "198.51.100.7"
    assert "HEALTH" in event.data_types and "SOCIAL_CARE" not in event.data_types
    assert (
        BreakGlassGrant.objects.filter(reviewed_at__isnull=True).get() == grant
    )  # in the review queue
    attempt = BreakGlassAttempt.objects.get()
    assert (attempt.outcome, attempt.grant, attempt.case) == ("GRANTED", grant, requested_case)


@override_settings(BREAK_GLASS_MINUTES=15)
def test_access_ends_when_the_grant_expires(cast, other_health, requested_case):
    request(other_health, requested_case.reference)
    actor = actor_for(other_health)
    assert (
        case_access(actor, requested_case, now=NOW + timedelta(minutes=14)).relationship
        == "break-glass"
    )
    assert case_access(actor, requested_case, now=NOW + timedelta(minutes=15)) is None
    with time_machine.travel(NOW + timedelta(minutes=16)):
        assert case_access(actor, requested_case) is None


def test_break_glass_never_shows_protected_whereabouts(cast, other_health, requested_case):
    membership = other_health.memberships.get()
    membership.may_see_protected_whereabouts = True  # even with the permission at their own agency
    membership.save()
    requested_case.child.protected_whereabouts = True
    requested_case.child.save()

    request(other_health, requested_case.reference)
    access = case_access(actor_for(other_health), requested_case, now=NOW + timedelta(minutes=1))

    assert access.relationship == "break-glass"
    assert access.whereabouts is False
    assert access.shows["CONTACT"] is False and access.shows["WHEREABOUTS"] is False
    assert "CONTACT" not in AccessEvent.objects.get().data_types


# -- who may: the roles and agencies the agreement names ----------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.CASEWORKER,
        Role.SEN_MANAGER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.ADMINISTRATOR,
        Role.IG_LEAD,
    ],
)
def test_council_roles_cannot_break_glass(cast, agreement, requested_case, role):
    person = factories.member(cast.council, role)
    assert refused(person, requested_case.reference).messages == [NOT_ALLOWED]
    assert nothing_granted()
    assert BreakGlassAttempt.objects.get().outcome == "NOT_ALLOWED"


def test_a_schools_senco_cannot_break_glass_even_at_a_party_school(cast, agreement, requested_case):
    other_school = factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")
    agreement.parties.add(other_school)
    senco = factories.member(other_school, Role.SENCO)
    assert refused(senco, requested_case.reference).outcome == "NOT_ALLOWED"
    assert nothing_granted()


def test_an_agency_outside_the_agreement_gets_nothing_whatever_details_it_has(
    cast, agreement, requested_case
):
    """The probe in the issue: a member of an agency that never signed the agreement."""
    clinic = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Private Therapy Clinic")
    probe = factories.member(clinic, Role.HEALTH_ADVISER)
    error = refused(probe, requested_case.reference)  # even with every detail right
    assert error.outcome == "NOT_ALLOWED" and error.messages == [NOT_ALLOWED]
    assert nothing_granted()
    assert case_access(actor_for(probe), requested_case, now=NOW) is None


@pytest.mark.parametrize(
    "starts_on, ends_on, allowed",
    [
        (date(2021, 6, 3), date(2027, 3, 9), False),  # ended yesterday
        (date(2021, 6, 3), date(2027, 3, 10), True),  # its last day
        (date(2027, 3, 11), None, False),  # not started yet
        (date(2027, 3, 10), None, True),  # its first day
    ],
)
def test_only_an_agreement_in_force_lets_its_parties_break_glass(
    cast, requested_case, starts_on, ends_on, allowed
):
    trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Westshire Mental Health Trust")
    factories.agreement(cast.council, [trust], starts_on=starts_on, ends_on=ends_on)
    adviser = factories.member(trust, Role.HEALTH_ADVISER)
    if allowed:
        assert request(adviser, requested_case.reference).case == requested_case
    else:
        assert refused(adviser, requested_case.reference).outcome == "NOT_ALLOWED"
        assert nothing_granted()


def test_a_party_to_another_councils_agreement_only_is_told_the_details_do_not_match(
    cast, requested_case
):
    southshire = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM, name="Southshire SEN team")
    trust = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Southshire Trust")
    factories.agreement(southshire, [trust])
    adviser = factories.member(trust, Role.HEALTH_ADVISER)
    error = refused(adviser, requested_case.reference)
    assert error.outcome == "NOT_MATCHED" and error.messages == [NO_MATCH]
    assert nothing_granted()


# -- identifying the child by more than a reference ---------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"date_of_birth": date(2018, 5, 15)},
        {"date_of_birth": None},
        {"child_identifier": "Quillfeathers"},
        {"child_identifier": ""},
        {"child_identifier": "9434765918"},  # an NHS number one digit out
        {"case_reference": "EHC999999"},
        {"case_reference": "EHC"},
        {"case_reference": "not a reference"},
    ],
)
def test_any_wrong_detail_gets_one_message_and_counts_as_a_failed_attempt(
    cast, other_health, requested_case, overrides
):
    reference = overrides.pop("case_reference", requested_case.reference)
    error = refused(other_health, reference, **overrides)
    assert error.messages == [NO_MATCH]
    assert nothing_granted()
    attempt = BreakGlassAttempt.objects.get()
    assert attempt.outcome == "NOT_MATCHED" and attempt.user == other_health
    assert attempt.request_id == "req-bg-1" and attempt.ip == "198.51.100.7"


@pytest.mark.parametrize(
    "identifier", ["quillfeather", "  QUILLFEATHER ", "9434765919", "943 476 5919"]
)
def test_the_last_name_in_any_case_or_the_nhs_number_identifies_the_child(
    cast, other_health, requested_case, identifier
):
    assert (
        request(other_health, requested_case.reference, child_identifier=identifier).case
        == requested_case
    )


def test_a_failed_attempt_keeps_the_reference_typed_but_none_of_the_childs_details(
    cast, other_health, requested_case
):
    refused(other_health, requested_case.reference, child_identifier="Smith")
    attempt = BreakGlassAttempt.objects.get()
    assert attempt.reference_entered == requested_case.reference and attempt.case == requested_case
    stored = " ".join(str(value) for value in attempt.__dict__.values())
    assert "Smith" not in stored and "2018" not in stored and SURNAME not in stored


# -- the rate limit ------------------------------------------------------------------------------


def test_sequential_references_are_stopped_after_the_failure_limit(cast, other_health):
    """The probe in the issue granted itself 7 cases in a row by their sequential references."""
    cases = [factories.CaseFactory(council=cast.council) for _ in range(7)]
    outcomes = []
    for n, case in enumerate(cases):
        try:
            request(
                other_health,
                case.reference,
                child_identifier="Smith",
                now=NOW + timedelta(minutes=n),
            )
        except BreakGlassRefused as error:
            outcomes.append(error.outcome)
    assert outcomes == ["NOT_MATCHED"] * 3 + ["LIMITED"] * 4
    assert nothing_granted()
    # Now even the right details are refused until the period has passed.
    error = refused(
        other_health, cases[0].reference, child_identifier=SURNAME, now=NOW + timedelta(hours=1)
    )
    assert error.outcome == "LIMITED"
    assert error.messages == [
        "You have entered details that did not match a case 3 times in the last 24 hours. "
        "You can try again after 11 March 2027 at 2pm, or ask the council's SEN team"
    ]
    later = NOW + timedelta(hours=24, minutes=1)
    assert (
        request(other_health, cases[0].reference, child_identifier=SURNAME, now=later).case
        == cases[0]
    )


def test_grants_are_limited_per_person_in_a_rolling_period(cast, other_health):
    cases = [factories.CaseFactory(council=cast.council) for _ in range(4)]
    for n, case in enumerate(cases[:3]):
        request(other_health, case.reference, now=NOW + timedelta(hours=n))
    error = refused(other_health, cases[3].reference, now=NOW + timedelta(hours=3))
    assert error.outcome == "LIMITED"
    assert "You have had emergency access 3 times in the last 24 hours" in error.messages[0]
    assert "after 11 March 2027 at 2pm" in error.messages[0]
    assert BreakGlassGrant.objects.count() == 3
    # The first grant leaves the rolling period a day after it was given.
    assert request(other_health, cases[3].reference, now=NOW + timedelta(hours=24, seconds=1))


@override_settings(
    BREAK_GLASS_MAX_FAILED_ATTEMPTS=1, BREAK_GLASS_MAX_GRANTS=1, BREAK_GLASS_LIMIT_HOURS=2
)
def test_the_limits_come_from_the_settings(cast, other_health, requested_case):
    other = factories.CaseFactory(council=cast.council)
    refused(other_health, other.reference, child_identifier="Smith")
    assert (
        refused(other_health, requested_case.reference, now=NOW + timedelta(minutes=1)).outcome
        == "LIMITED"
    )
    assert request(other_health, requested_case.reference, now=NOW + timedelta(hours=2, seconds=1))


def test_the_limit_is_per_person(cast, other_health, agreement):
    colleague = factories.member(other_health.memberships.get().agency, Role.HEALTH_ADVISER)
    case = factories.CaseFactory(council=cast.council)
    for _ in range(3):
        refused(other_health, case.reference, child_identifier="Smith")
    assert request(colleague, case.reference).user == colleague


# -- the immediate alert to the IG lead ------------------------------------------------------------


def test_every_ig_lead_of_the_council_is_alerted_at_once_without_personal_details(
    cast, other_health, requested_case, ig_lead, django_capture_on_commit_callbacks
):
    second = factories.member(cast.council, Role.IG_LEAD, username="iglead2")
    elsewhere = factories.member(
        cast.outsider.memberships.get().agency, Role.IG_LEAD, username="iglead_south"
    )
    with django_capture_on_commit_callbacks(execute=True):
        grant = request(other_health, requested_case.reference)

    alerts = Notification.objects.filter(kind="BREAK_GLASS_GRANTED")
    assert {n.recipient for n in alerts} == {ig_lead, second}
    assert elsewhere not in {n.recipient for n in alerts}
    assert {n.link for n in alerts} == {f"/governance/break-glass/review/{grant.public_id}/"}
    assert {m.to[0] for m in mail.outbox} == {ig_lead.email, second.email}
    for message in mail.outbox:
        assert message.subject == "Emergency access to a SEND case needs your review"
        text = message.subject + message.body
        for personal in (requested_case.child.first_name, SURNAME, requested_case.reference, "A&E"):
            assert personal not in text


def test_with_no_ig_lead_the_councils_mailbox_is_alerted(cast, other_health, requested_case):
    request(other_health, requested_case.reference)
    alert = Notification.objects.get(kind="BREAK_GLASS_GRANTED")
    assert alert.recipient is None and alert.email == cast.council.email


def test_a_refused_attempt_alerts_nobody_until_the_person_is_stopped(
    cast, other_health, requested_case, ig_lead
):
    elsewhere = factories.member(
        cast.outsider.memberships.get().agency, Role.IG_LEAD, username="iglead_south"
    )
    for n in range(2):
        refused(
            other_health,
            requested_case.reference,
            child_identifier="Smith",
            now=NOW + timedelta(minutes=n),
        )
    assert not Notification.objects.exists()

    refused(
        other_health,
        requested_case.reference,
        child_identifier="Smith",
        now=NOW + timedelta(minutes=2),
    )
    alert = Notification.objects.get()
    assert (alert.kind, alert.recipient, alert.link) == (
        "BREAK_GLASS_STOPPED",
        ig_lead,
        "/governance/break-glass/refused/",
    )
    assert alert.recipient != elsewhere
    # Further refusals while stopped do not alert again.
    refused(other_health, requested_case.reference, now=NOW + timedelta(minutes=3))
    assert Notification.objects.count() == 1


# -- the rest of the request and the review ------------------------------------------------------


def test_someone_who_can_already_see_the_case_is_told_to_open_it(
    cast, other_health, draft_issued_case
):
    # The health trust was asked for advice on this case: its adviser already sees it.
    with pytest.raises(CaseRuleError, match="You can already see"):
        request(cast.health_adviser, draft_issued_case.reference)
    request(
        other_health, draft_issued_case.reference
    )  # a second grant while the first is live is refused
    with pytest.raises(CaseRuleError, match="already have emergency access"):
        request(other_health, draft_issued_case.reference, now=NOW + timedelta(minutes=5))
    assert BreakGlassGrant.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"justification": "too short"}, "at least 20 characters"),
        ({"justification": " " * 30}, "at least 20 characters"),
        ({"reason": "CURIOSITY"}, "Select why you need access"),
    ],
)
def test_grant_is_refused_without_a_reason_code_and_justification(
    cast, other_health, requested_case, overrides, message
):
    with pytest.raises(CaseRuleError, match=message):
        request(other_health, requested_case.reference, **overrides)
    assert nothing_granted()
    assert not BreakGlassAttempt.objects.exists()  # an incomplete form is not an attempt


def test_review_is_recorded_once_by_an_ig_lead_who_is_not_the_grantee(
    cast, ig_lead, other_health, requested_case
):
    grant = request(other_health, requested_case.reference)
    with pytest.raises(CaseRuleError, match="Only the information governance lead"):
        services.break_glass_review(grant=grant, outcome="APPROPRIATE", notes="", by=cast.manager)
    with pytest.raises(CaseRuleError, match="Enter what was wrong"):
        services.break_glass_review(grant=grant, outcome="INAPPROPRIATE", notes="", by=ig_lead)

    services.break_glass_review(
        grant=grant, outcome="APPROPRIATE", notes="A&E confirmed", by=ig_lead, now=NOW
    )

    grant.refresh_from_db()
    assert (grant.review_outcome, grant.reviewed_by, grant.reviewed_at) == (
        "APPROPRIATE",
        ig_lead,
        NOW,
    )
    with pytest.raises(CaseRuleError, match="already been reviewed"):
        services.break_glass_review(
            grant=grant, outcome="INAPPROPRIATE", notes="Second thoughts", by=ig_lead
        )


def test_ig_lead_cannot_review_their_own_emergency_access(cast, ig_lead, requested_case):
    # An IG lead cannot break glass now; a grant from before (or from another role) still
    # cannot be reviewed by its holder.
    grant = BreakGlassGrant.objects.create(
        case=requested_case,
        user=ig_lead,
        reason="COVER",
        justification=JUSTIFICATION,
        granted_at=NOW,
        expires_at=NOW + timedelta(hours=1),
    )
    with pytest.raises(CaseRuleError, match="cannot review your own"):
        services.break_glass_review(grant=grant, outcome="APPROPRIATE", notes="", by=ig_lead)
