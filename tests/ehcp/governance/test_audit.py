"""The read audit (AU-01, AU-02): one event per read with who, what, why, when and from where;
append-only; and a page that cannot write its event shows nothing."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from agencies.access import actor_for
from ehcp.children.models import Child
from ehcp.governance import audit
from ehcp.governance.access import case_access
from ehcp.governance.audit import AuditMissing, audit_read, audited_view
from ehcp.governance.models import AccessEvent, AppendOnlyError
from tests.ehcp.governance.conftest import consent

from .conftest import make_request

pytestmark = pytest.mark.django_db


def test_one_call_writes_exactly_one_event_with_who_what_and_where(cast, requested_case):
    user = cast.caseworker
    access = case_access(actor_for(user), requested_case)

    event = audit_read(make_request(user), what="case", case=requested_case, access=access)

    assert AccessEvent.objects.count() == 1
    event.refresh_from_db()
    assert event.user == user
    assert event.roles == ["CASEWORKER"]
    assert event.agency == cast.council
    assert event.child == requested_case.child and event.case == requested_case
    assert event.what == "case"
    assert event.relationship == "council"
    assert event.data_types == sorted(
        [
            "CONTACT",
            "EDUCATION",
            "HEALTH",
            "IDENTIFIERS",
            "IDENTITY",
            "PLAN",
            "SAFEGUARDING",
            "SOCIAL_CARE",
        ]
    )
    assert event.break_glass is None and event.child_ids == []
    assert event.request_id == "req-0001" and event.ip == "203.0.113.9"
    assert event.severity == "NORMAL"
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_event_holds_the_data_types_shown_and_never_their_values(cast, requested_case):
    # The EP service is asked for advice with the family's consent: its basis to see the case.
    consent(requested_case, cast, [cast.ep], on=timezone.localdate())
    requested_case.advice_requests.create(
        kind="PSYCHOLOGICAL",
        agency=cast.ep,
        requested_on=requested_case.request_received_on,
        due_on=requested_case.request_received_on + timedelta(weeks=6),
    )
    child = requested_case.child
    child.protected_whereabouts = True
    child.save()
    access = case_access(actor_for(cast.psychologist), requested_case)

    event = audit_read(
        make_request(cast.psychologist), what="case", case=requested_case, access=access
    )

    assert event.relationship == "partner" and event.agency == cast.ep
    # the EP service sees no health data, and nobody here may see protected whereabouts
    assert event.data_types == ["EDUCATION", "IDENTIFIERS", "IDENTITY", "PLAN"]
    stored = str(AccessEvent.objects.filter(pk=event.pk).values().get())
    for value in (child.first_name, child.address, child.postcode, child.upn, child.nhs_number):
        assert value not in stored


def test_list_page_event_carries_the_children_it_listed(cast):
    children = [
        Child.objects.create(first_name=f"C{n}", last_name="X", date_of_birth="2018-01-01")
        for n in range(3)
    ]

    event = audit_read(
        make_request(cast.caseworker), what="list", child_ids=[c.pk for c in reversed(children)]
    )

    assert event.child_ids == sorted(c.pk for c in children)
    assert event.child is None and event.case is None and event.relationship == "council"


def test_request_id_is_made_when_the_proxy_sends_none_or_an_unsafe_one(cast):
    for supplied in ("", "bad id\nforged: line", "x" * 65):
        event = audit_read(
            make_request(cast.caseworker, request_id=supplied), what="list", child_ids=[]
        )
        assert event.request_id != supplied and len(event.request_id) == 32


def test_unknown_kind_of_read_is_refused_and_nothing_written(cast):
    with pytest.raises(ValueError):
        audit_read(make_request(cast.caseworker), what="peek")
    with pytest.raises(ValueError):
        audit_read(make_request(cast.caseworker), what="case", data_types=["FAVOURITE_COLOUR"])
    assert not AccessEvent.objects.exists()


def test_middleware_gives_every_response_a_request_id(client, cast):
    made = client.get("/sign-in/")
    kept = client.get("/sign-in/", HTTP_X_REQUEST_ID="proxy-42")
    replaced = client.get("/sign-in/", HTTP_X_REQUEST_ID="evil\r\nSet-Cookie: x=1")
    assert len(made["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "proxy-42"
    assert "evil" not in replaced["X-Request-ID"]


# -- append-only ---------------------------------------------------------------------------------


@pytest.fixture
def event(cast, requested_case):
    return audit_read(make_request(cast.caseworker), what="case", case=requested_case)


def test_event_cannot_be_changed_or_deleted_by_the_application(event):
    event.what = "print"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(what="print")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.what == "case"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
@pytest.mark.parametrize(
    "sql", ["UPDATE ehcp_accessevent SET what = 'print'", "DELETE FROM ehcp_accessevent"]
)
def test_database_refuses_to_change_or_delete_an_event(event, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessEvent.objects.get().what == "case"


# -- fail closed (AU-02) -------------------------------------------------------------------------

SECRET_NAME = "Eulalia-Marker-5521"


@audited_view
def record_page(request, pk):
    """A record page as the lead's views are built: change something, audit the read, show."""
    child = Child.objects.get(pk=pk)
    Child.objects.filter(pk=pk).update(last_name="Changed")
    audit_read(request, what="case", child=child, data_types=["IDENTITY"])
    return HttpResponse(f"<h1>{child.first_name}</h1>")


@audited_view
def forgetful_page(request, pk):
    return HttpResponse(Child.objects.get(pk=pk).first_name)


urlpatterns = [
    path("record/<int:pk>/", record_page),
    path("forgetful/<int:pk>/", forgetful_page),
]


@pytest.fixture
def secret_child(db):
    return Child.objects.create(
        first_name=SECRET_NAME, last_name="Original", date_of_birth="2018-01-01"
    )


@pytest.mark.urls(__name__)
def test_page_shows_the_record_when_its_event_is_written(client, cast, secret_child):
    client.force_login(cast.caseworker)
    response = client.get(f"/record/{secret_child.pk}/")
    assert response.status_code == 200 and SECRET_NAME in response.content.decode()
    assert AccessEvent.objects.filter(child=secret_child, what="case").count() == 1


@pytest.mark.urls(__name__)
def test_page_shows_the_generic_error_and_changes_nothing_when_the_audit_write_fails(
    client, cast, secret_child, monkeypatch
):
    def broken(**kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(audit, "access_event_write", broken)
    client.raise_request_exception = False
    client.force_login(cast.caseworker)

    response = client.get(f"/record/{secret_child.pk}/")

    assert response.status_code == 500
    assert SECRET_NAME not in response.content.decode()
    secret_child.refresh_from_db()
    assert secret_child.last_name == "Original"  # the change in the same transaction rolled back
    assert not AccessEvent.objects.exists()


def test_writer_failure_propagates_and_rolls_back_the_transaction(cast, secret_child, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(audit, "access_event_write", broken)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            Child.objects.filter(pk=secret_child.pk).update(last_name="Changed")
            audit_read(make_request(cast.caseworker), what="case", child=secret_child)
    secret_child.refresh_from_db()
    assert secret_child.last_name == "Original"


@pytest.mark.urls(__name__)
def test_audited_page_that_writes_no_event_is_refused(client, cast, secret_child):
    client.force_login(cast.caseworker)
    with pytest.raises(AuditMissing):
        client.get(f"/forgetful/{secret_child.pk}/")
    client.raise_request_exception = False
    response = client.get(f"/forgetful/{secret_child.pk}/")
    assert response.status_code == 500 and SECRET_NAME not in response.content.decode()
