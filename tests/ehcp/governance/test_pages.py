"""The information governance pages (AU-06, AC-07, AU-08): IG lead only, reports chosen by POST,
each report run audited, results in a fixed number of queries; the break-glass request page for
everyone signed in."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Role
from ehcp.common import formats
from ehcp.common import services as common_services
from ehcp.governance import services as governance_services
from ehcp.governance.audit import access_event_write
from ehcp.governance.models import (
    AccessEvent,
    AppendOnlyError,
    BreakGlassAttempt,
    BreakGlassGrant,
    SecurityIncident,
)
from tests import factories
from tests.workflows.test_task_views import d

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2027, 3, 10, 14, 0))
IG_ROUTES = [
    "/governance/",
    "/governance/access/child/",
    "/governance/access/person/",
    "/governance/break-glass/review/",
    "/governance/break-glass/refused/",
    "/governance/incidents/",
    "/governance/incidents/new/",
]


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", IG_ROUTES)
def test_ig_pages_are_for_the_ig_lead_only(client, cast, ig_lead, path):
    assert client.get(path).status_code == 302  # anonymous: to sign in
    for user in (cast.caseworker, cast.manager, cast.health_adviser, cast.senco, cast.outsider):
        assert signed_in(client, user).get(path).status_code == 403
        assert signed_in(client, user).post(path, {}).status_code in (403, 405)
    assert signed_in(client, ig_lead).get(path).status_code == 200


def test_ig_object_pages_are_for_the_ig_lead_only(
    client, cast, ig_lead, other_health, requested_case
):
    grant = governance_services.break_glass_request(
        case_reference=requested_case.reference,
        date_of_birth=factories.DATE_OF_BIRTH,
        child_identifier="Quillfeather",
        user=other_health,
        reason="COVER",
        justification="Covering for a colleague on leave this week",
        request_id="r1",
    )
    incident = governance_services.incident_record(
        kind="C", description="Letter sent to the wrong address", aware_at=NOW, by=ig_lead, now=NOW
    )
    paths = [
        f"/governance/break-glass/review/{grant.public_id}/",
        f"/governance/incidents/{incident.public_id}/",
        f"/governance/incidents/{incident.public_id}/decision/",
    ]
    for path in paths:
        assert signed_in(client, cast.manager).get(path).status_code == 403
        assert signed_in(client, other_health).get(path).status_code == 403
        assert signed_in(client, ig_lead).get(path).status_code == 200


# -- access reports (AU-06) ---------------------------------------------------------------------


def seed(user, case, when, what="case", **kwargs):
    with time_machine.travel(when):
        return access_event_write(user=user, what=what, case=case, request_id="seed", **kwargs)


def report_child(client, reference, start=date(2027, 3, 1), end=date(2027, 3, 31)):
    return client.post(
        "/governance/access/child/",
        {"case_reference": reference, **d(start, "from_date"), **d(end, "to_date")},
    )


def test_who_accessed_this_child_returns_exactly_the_seeded_set_and_is_audited(
    client, cast, ig_lead, requested_case
):
    other = factories.CaseFactory(council=cast.council)
    inside = [
        seed(cast.caseworker, requested_case, NOW),
        seed(cast.health_adviser, requested_case, NOW + timedelta(days=1), what="document"),
        seed(
            cast.senco,
            None,
            NOW + timedelta(days=2),
            what="list",
            child_ids=[other.child_id, requested_case.child_id],
        ),
    ]
    seed(
        cast.psychologist, requested_case, timezone.make_aware(datetime(2027, 4, 1, 0, 1))
    )  # after the period
    seed(cast.manager, other, NOW)  # another child
    seed(
        cast.social_worker, None, NOW, what="list", child_ids=[other.child_id]
    )  # a list without this child

    response = report_child(signed_in(client, ig_lead), requested_case.reference.lower())

    assert response.status_code == 200
    assert [e.pk for e in response.context["events"]] == [e.pk for e in inside]
    page = response.content.decode()
    for user in (cast.caseworker, cast.health_adviser, cast.senco):
        assert user.get_full_name() in page
    for user in (cast.psychologist, cast.manager, cast.social_worker):
        assert user.get_full_name() not in page
    assert "SEND caseworker" in page and "CASEWORKER" not in page  # roles by name, not code
    run = AccessEvent.objects.get(what="report")
    assert (run.user, run.relationship, run.child, run.case) == (
        ig_lead,
        "ig",
        requested_case.child,
        requested_case,
    )


def test_report_runs_in_the_same_number_of_queries_however_many_events(
    client, cast, ig_lead, requested_case
):
    signed_in(client, ig_lead)
    seed(cast.caseworker, requested_case, NOW)
    report_child(client, requested_case.reference)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        report_child(client, requested_case.reference)
    for n in range(30):
        seed(
            cast.caseworker if n % 2 else cast.health_adviser,
            requested_case,
            NOW + timedelta(minutes=n),
        )
    with CaptureQueriesContext(connection) as many:
        response = report_child(client, requested_case.reference)
    assert len(response.context["events"]) > 30
    assert len(many) == len(few)


def test_unknown_reference_shows_an_error_and_runs_no_report(client, ig_lead, cast):
    response = report_child(signed_in(client, ig_lead), "EHC999999")
    assert "No case with that reference" in response.content.decode()
    assert response.context["events"] is None
    assert not AccessEvent.objects.exists()


def test_report_choices_never_go_in_the_url(client, ig_lead):
    response = signed_in(client, ig_lead).get("/governance/access/child/?case_reference=EHC000001")
    assert response.status_code == 200 and response.context["events"] is None
    assert 'method="post"' in response.content.decode()


def test_what_did_this_person_access_returns_exactly_their_events_and_is_audited(
    client, cast, ig_lead, requested_case
):
    mine = [
        seed(cast.health_adviser, requested_case, NOW),
        seed(
            cast.health_adviser,
            None,
            NOW + timedelta(hours=1),
            what="list",
            child_ids=[requested_case.child_id],
        ),
    ]
    seed(cast.caseworker, requested_case, NOW)
    seed(cast.health_adviser, requested_case, NOW - timedelta(days=30))

    response = signed_in(client, ig_lead).post(
        "/governance/access/person/",
        {
            "person": cast.health_adviser.pk,
            **d(date(2027, 3, 1), "from_date"),
            **d(date(2027, 3, 31), "to_date"),
        },
    )

    assert [e.pk for e in response.context["events"]] == [e.pk for e in mine]
    assert requested_case.child.full_name in response.content.decode()
    run = AccessEvent.objects.get(what="report")
    assert run.child_ids == [requested_case.child_id] and run.relationship == "ig"


def test_end_date_before_start_date_is_refused(client, ig_lead, requested_case):
    response = report_child(
        signed_in(client, ig_lead), requested_case.reference, date(2027, 3, 31), date(2027, 3, 1)
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()


# -- break-glass: asking for access and the review queue ------------------------------------------


def ask(
    client,
    reference,
    justification="Child presented at A&E; need the care plan now",
    reason="URGENT_CARE",
    identifier="Quillfeather",
    born=factories.DATE_OF_BIRTH,
):
    return client.post(
        "/governance/break-glass/",
        {
            "case_reference": reference,
            "reason": reason,
            "justification": justification,
            "child_identifier": identifier,
            **d(born, "date_of_birth"),
        },
    )


def test_a_partner_adviser_can_ask_for_emergency_access_and_is_sent_to_the_case(
    client, cast, other_health, requested_case
):
    assert client.get("/governance/break-glass/").status_code == 302  # sign in first
    signed_in(client, other_health)
    page = client.get("/governance/break-glass/")
    assert page.status_code == 200
    assert 'name="date_of_birth_0"' in page.content.decode()
    assert 'name="child_identifier"' in page.content.decode()

    response = ask(client, requested_case.reference)

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{requested_case.public_id}/"
    grant = BreakGlassGrant.objects.get()
    event = AccessEvent.objects.get()
    assert (event.what, event.severity, event.break_glass) == ("break-glass", "HIGH", grant)
    assert event.request_id == response["X-Request-ID"]
    assert BreakGlassAttempt.objects.get().request_id == response["X-Request-ID"]


@pytest.mark.parametrize("reference", ["EHC999999", "Quillfeather"])
def test_unknown_reference_gets_the_same_message_as_a_wrong_date_of_birth(
    client, cast, other_health, requested_case, reference
):
    signed_in(client, other_health)
    unknown = ask(client, reference).content.decode()
    wrong_dob = ask(client, requested_case.reference, born=date(2018, 5, 15)).content.decode()
    message = "The case reference, date of birth and last name or NHS number do not match"
    assert message in unknown and message in wrong_dob
    assert not BreakGlassGrant.objects.exists()
    assert BreakGlassAttempt.objects.filter(outcome="NOT_MATCHED").count() == 2


@pytest.mark.parametrize("who", ["caseworker", "senco", "outsider", "ig_lead", "non_party"])
def test_people_the_agreement_does_not_name_get_a_403_that_says_why(
    client, cast, ig_lead, agreement, requested_case, who
):
    clinic = factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Private Therapy Clinic")
    people = {"ig_lead": ig_lead, "non_party": factories.member(clinic, Role.HEALTH_ADVISER)}
    person = people.get(who) or getattr(cast, who)
    signed_in(client, person)
    page = client.get("/governance/break-glass/")
    assert page.status_code == 403
    assert "You cannot get emergency access to a case" in page.content.decode()
    posted = ask(client, requested_case.reference)
    assert posted.status_code == 403
    assert not BreakGlassGrant.objects.exists() and not AccessEvent.objects.exists()
    attempt = BreakGlassAttempt.objects.get()
    assert (attempt.outcome, attempt.user) == ("NOT_ALLOWED", person)


def test_the_rate_limit_is_explained_on_the_page(client, cast, other_health):
    signed_in(client, other_health)
    case = factories.CaseFactory(council=cast.council)
    for _ in range(3):
        ask(client, case.reference, identifier="Smith")
    page = ask(client, case.reference).content.decode()
    assert "You have entered details that did not match a case 3 times in the last 24 hours" in page
    assert not BreakGlassGrant.objects.exists()


def test_short_justification_is_refused_on_the_page(client, other_health, requested_case):
    response = ask(
        signed_in(client, other_health), requested_case.reference, justification="urgent"
    )
    assert "at least 20 characters" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_review_queue_lists_unreviewed_access_and_a_review_takes_it_off(
    client, cast, ig_lead, other_health, requested_case
):
    ask(signed_in(client, other_health), requested_case.reference)
    grant = BreakGlassGrant.objects.get()
    signed_in(client, ig_lead)
    assert (
        requested_case.reference in client.get("/governance/break-glass/review/").content.decode()
    )

    missing_notes = client.post(
        f"/governance/break-glass/review/{grant.public_id}/", {"outcome": "INAPPROPRIATE"}
    )
    assert "Enter what was wrong" in missing_notes.content.decode()

    done = client.post(
        f"/governance/break-glass/review/{grant.public_id}/",
        {"outcome": "APPROPRIATE", "notes": "Confirmed with A&E"},
    )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.review_outcome == "APPROPRIATE" and grant.reviewed_by == ig_lead
    assert (
        "no emergency access waiting"
        in client.get("/governance/break-glass/review/").content.decode()
    )


# -- the security incident register (AU-08) -------------------------------------------------------


@time_machine.travel(NOW)
def test_incident_is_recorded_with_its_ico_deadline_72_hours_after_awareness(
    client, cast, ig_lead, requested_case
):
    response = signed_in(client, ig_lead).post(
        "/governance/incidents/new/",
        {
            "kind": "C",
            "description": "Advice emailed to the wrong school",
            **d(date(2027, 3, 9), "aware_on"),
            "aware_time": "16:45",
            "case_references": f"{requested_case.reference}, ",
            "schools_to_notify": cast.school.urn,
            "actions": "Recall requested",
        },
    )
    assert response.status_code == 302
    incident = SecurityIncident.objects.get()
    aware = timezone.make_aware(datetime(2027, 3, 9, 16, 45))
    assert incident.aware_at == aware and incident.ico_deadline == aware + timedelta(hours=72)
    assert list(incident.affected_children.all()) == [requested_case.child]
    assert list(incident.partners_to_notify.all()) == [cast.school]
    assert incident.decision == "PENDING" and incident.recorded_by == ig_lead

    detail = client.get(f"/governance/incidents/{incident.public_id}/")
    assert "12 March 2027 at 4:45pm" in detail.content.decode()
    assert (
        AccessEvent.objects.filter(what="report", child_ids=[requested_case.child_id]).count() == 1
    )


def incident_post(**fields) -> dict:
    return {
        "kind": "C",
        "description": "Advice emailed to the wrong school",
        **d(date(2027, 3, 9), "aware_on"),
        "aware_time": "16:45",
        **fields,
    }


@time_machine.travel(NOW)
def test_incident_form_ticks_partner_agencies_and_takes_schools_typed(client, cast, ig_lead):
    """The checkboxes list the active partner agencies but no school (there may be thousands:
    issue 12); schools are typed, one a line, in a text area."""
    factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Closed Primary", is_active=False)
    factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Closed Clinic", is_active=False)
    page = signed_in(client, ig_lead).get("/governance/incidents/new/").content.decode()
    ticks = set(re.findall(r'name="partners_to_notify"[^>]*value="(\d+)"', page))
    southshire = Agency.objects.get(name="Southshire Council SEN team")  # the outsider's
    partners = (cast.council, cast.health, cast.ep, cast.social_care, southshire)
    assert ticks == {str(a.pk) for a in partners}
    assert "Riverside Primary" not in page and "Closed" not in page
    assert 'name="schools_to_notify"' in page and "Schools or settings to tell" in page


@time_machine.travel(NOW)
def test_incident_records_the_agencies_ticked_and_the_schools_typed(client, cast, ig_lead):
    hill = factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Hill Top Academy", urn="100002")
    response = signed_in(client, ig_lead).post(
        "/governance/incidents/new/",
        incident_post(
            partners_to_notify=[cast.health.pk, cast.ep.pk],
            schools_to_notify="100001\n  hill top academy \n\nRiverside Primary (URN 100001)",
        ),
    )
    assert response.status_code == 302
    incident = SecurityIncident.objects.get()
    assert set(incident.partners_to_notify.all()) == {cast.health, cast.ep, cast.school, hill}
    detail = client.get(f"/governance/incidents/{incident.public_id}/").content.decode()
    assert "Riverside Primary" in detail and "Hill Top Academy" in detail


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Nowhere School", "No school or setting matches “Nowhere School”"),
        ("Primary", "2 schools match “Primary”: type more of the name, or the URN"),
    ],
)
@time_machine.travel(NOW)
def test_a_school_line_that_matches_none_or_several_is_an_error_and_records_nothing(
    client, cast, ig_lead, line, message
):
    factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Hill Top Primary", urn="100002")
    response = signed_in(client, ig_lead).post(
        "/governance/incidents/new/",
        incident_post(
            partners_to_notify=[cast.health.pk], schools_to_notify=f"Riverside Primary\n{line}"
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page and "There is a problem" in page and message in page
    assert 'href="#id_schools_to_notify"' in page
    assert not SecurityIncident.objects.exists()


@time_machine.travel(NOW)
def test_a_school_cannot_be_ticked_as_a_partner_agency(client, cast, ig_lead):
    """A school's key posted as a checkbox (a forged or stale form) is an invalid choice."""
    response = signed_in(client, ig_lead).post(
        "/governance/incidents/new/", incident_post(partners_to_notify=[cast.school.pk])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SecurityIncident.objects.exists()


@time_machine.travel(NOW)
def test_not_notifying_without_reasons_is_refused_and_with_reasons_recorded(client, ig_lead):
    incident = governance_services.incident_record(
        kind="A", description="Service down for two hours", aware_at=NOW, by=ig_lead
    )
    signed_in(client, ig_lead)
    url = f"/governance/incidents/{incident.public_id}/decision/"

    refused = client.post(url, {"decision": "NOT_NOTIFY", "reasons": ""})
    assert "Explain why the breach does not need to be reported" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.decision == "PENDING"

    assert (
        client.post(
            url, {"decision": "NOT_NOTIFY", "reasons": "No personal data affected"}
        ).status_code
        == 302
    )
    incident.refresh_from_db()
    assert incident.decision == "NOT_NOTIFY" and incident.decided_by == ig_lead
    assert incident.history.count() == 2


def test_incident_records_cannot_be_deleted(ig_lead):
    incident = governance_services.incident_record(
        kind="I", description="Wrong date of birth imported", aware_at=NOW, by=ig_lead, now=NOW
    )
    with pytest.raises(AppendOnlyError):
        incident.delete()
    with pytest.raises(AppendOnlyError):
        SecurityIncident.objects.all().delete()
    assert SecurityIncident.objects.count() == 1


def test_only_the_ig_lead_records_incidents(cast):
    with pytest.raises(common_services.CaseRuleError, match="Only the information governance lead"):
        governance_services.incident_record(
            kind="C", description="Lost laptop", aware_at=NOW, by=cast.manager
        )


def test_case_page_opens_through_break_glass_without_protected_whereabouts(
    client, cast, other_health, requested_case
):
    child = requested_case.child
    child.protected_whereabouts = True
    child.save()
    signed_in(client, other_health)
    assert (
        client.get(f"/cases/{requested_case.public_id}/").status_code == 404
    )  # no relationship yet

    response = ask(
        client,
        requested_case.reference,
    )
    page = client.get(response["Location"])

    assert page.status_code == 200
    body = page.content.decode()
    assert requested_case.reference in body
    for marker in (child.address, child.postcode, "rowena@example.org", cast.school.name):
        assert marker not in body


def test_the_start_page_offers_emergency_access_only_to_those_who_may_use_it(
    client, cast, other_health, ig_lead
):
    link = "/governance/break-glass/"
    assert link in signed_in(client, other_health).get("/").content.decode()
    assert link in signed_in(client, cast.psychologist).get("/").content.decode()
    for person in (cast.caseworker, cast.senco, cast.outsider, ig_lead):
        assert link not in signed_in(client, person).get("/").content.decode()


def test_the_ig_lead_sees_who_was_refused_in_a_fixed_number_of_queries(
    client, cast, ig_lead, other_health, agreement, django_assert_max_num_queries
):
    signed_in(client, ig_lead)
    with CaptureQueriesContext(connection) as empty:
        assert (
            "Nobody has been refused"
            in client.get("/governance/break-glass/refused/").content.decode()
        )
    case = factories.CaseFactory(council=cast.council)
    for _ in range(4):
        ask(signed_in(client, other_health), case.reference, identifier="Smith")
    for n in range(3):
        ask(
            signed_in(client, factories.member(cast.school, Role.SENCO, username=f"senco{n}")),
            case.reference,
        )

    signed_in(client, ig_lead)
    with CaptureQueriesContext(connection) as full:
        page = client.get("/governance/break-glass/refused/").content.decode()
    assert len(full.captured_queries) == len(empty.captured_queries)
    assert "(other_health)" in page and "(senco0)" in page and "(senco2)" in page
    row = page[page.index("(other_health)") :]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:4]]
    assert cells == ["3", "0", "1"]


def test_emergency_access_says_until_when_in_words(client, other_health, requested_case):
    signed_in(client, other_health)
    page = client.get(ask(client, requested_case.reference)["Location"]).content.decode()
    grant = BreakGlassGrant.objects.get()
    expected = formats.govuk_time(grant.expires_at)
    assert f"You have emergency access to {requested_case.reference} until {expected}" in page
    assert re.fullmatch(r"(1[0-2]|[1-9])(:[0-5]\d)?(am|pm)|midday|midnight", expected)
