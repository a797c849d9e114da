"""Break-glass (AC-07): a reason and a justification, time-boxed, audited at high severity, in the
IG lead's review queue, and never a way to see protected whereabouts."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from agencies.access import actor_for
from ehcp import services
from ehcp.access import case_access
from ehcp.models import AccessEvent, BreakGlassGrant
from ehcp.services.assessment import CaseRuleError

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2027, 3, 10, 14, 0))
JUSTIFICATION = "Child presented at A&E; need the care plan now"


def request(user, case_reference, **overrides):
    kwargs = dict(
        case_reference=case_reference,
        user=user,
        reason="URGENT_CARE",
        justification=JUSTIFICATION,
        now=NOW,
        request_id="req-bg-1",
        ip="198.51.100.7",
    )
    kwargs.update(overrides)
    return services.break_glass_request(**kwargs)


def test_grant_lasts_the_configured_time_and_writes_one_high_severity_event(cast, other_health, requested_case):
    grant = request(other_health, requested_case.reference.lower())

    assert grant.expires_at == NOW + timedelta(minutes=60)
    event = AccessEvent.objects.get()
    assert (event.what, event.severity, event.relationship) == ("break-glass", "HIGH", "break-glass")
    assert event.break_glass == grant and event.case == requested_case and event.user == other_health
    assert event.request_id == "req-bg-1" and event.ip == "198.51.100.7"
    assert "HEALTH" in event.data_types and "SOCIAL_CARE" not in event.data_types
    assert BreakGlassGrant.objects.filter(reviewed_at__isnull=True).get() == grant  # in the review queue


@override_settings(BREAK_GLASS_MINUTES=15)
def test_access_ends_when_the_grant_expires(cast, other_health, requested_case):
    request(other_health, requested_case.reference)
    actor = actor_for(other_health)
    assert case_access(actor, requested_case, now=NOW + timedelta(minutes=14)).relationship == "break-glass"
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


@pytest.mark.parametrize("reference", ["EHC999999", "EHC", "not a reference", ""])
def test_unknown_reference_is_refused_with_one_message(cast, other_health, reference):
    with pytest.raises(CaseRuleError) as refused:
        request(other_health, reference)
    assert refused.value.messages[0] == "No case with that reference"
    assert not BreakGlassGrant.objects.exists() and not AccessEvent.objects.exists()


def test_another_councils_case_gets_the_same_message_as_a_case_that_does_not_exist(cast, requested_case):
    with pytest.raises(CaseRuleError) as refused:
        request(cast.outsider, requested_case.reference)
    assert refused.value.messages == ["No case with that reference"]
    assert not BreakGlassGrant.objects.exists()


def test_someone_who_can_already_see_the_case_is_told_to_open_it(cast, requested_case):
    with pytest.raises(CaseRuleError, match="You can already see"):
        request(cast.caseworker, requested_case.reference)
    request_twice = cast.senco  # a second grant while the first is live is refused too
    request(request_twice, requested_case.reference)
    with pytest.raises(CaseRuleError, match="already have emergency access"):
        request(request_twice, requested_case.reference, now=NOW + timedelta(minutes=5))
    assert BreakGlassGrant.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"justification": "too short"}, "at least 20 characters"),
        ({"justification": " " * 30}, "at least 20 characters"),
        ({"reason": "CURIOSITY"}, "Select why you need access"),
    ],
)
def test_grant_is_refused_without_a_reason_code_and_justification(cast, other_health, requested_case, overrides, message):
    with pytest.raises(CaseRuleError, match=message):
        request(other_health, requested_case.reference, **overrides)
    assert not BreakGlassGrant.objects.exists() and not AccessEvent.objects.exists()


def test_review_is_recorded_once_by_an_ig_lead_who_is_not_the_grantee(cast, ig_lead, other_health, requested_case):
    grant = request(other_health, requested_case.reference)
    with pytest.raises(CaseRuleError, match="Only the information governance lead"):
        services.break_glass_review(grant=grant, outcome="APPROPRIATE", notes="", by=cast.manager)
    with pytest.raises(CaseRuleError, match="Enter what was wrong"):
        services.break_glass_review(grant=grant, outcome="INAPPROPRIATE", notes="", by=ig_lead)

    services.break_glass_review(grant=grant, outcome="APPROPRIATE", notes="A&E confirmed", by=ig_lead, now=NOW)

    grant.refresh_from_db()
    assert (grant.review_outcome, grant.reviewed_by, grant.reviewed_at) == ("APPROPRIATE", ig_lead, NOW)
    with pytest.raises(CaseRuleError, match="already been reviewed"):
        services.break_glass_review(grant=grant, outcome="INAPPROPRIATE", notes="Second thoughts", by=ig_lead)


def test_ig_lead_cannot_review_their_own_emergency_access(cast, ig_lead, requested_case):
    grant = request(ig_lead, requested_case.reference)
    with pytest.raises(CaseRuleError, match="cannot review your own"):
        services.break_glass_review(grant=grant, outcome="APPROPRIATE", notes="", by=ig_lead)
