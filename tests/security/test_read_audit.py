"""Each read of a child's record writes exactly one access event, in the page's transaction,
and no audit means no page (AU-01, AU-02)."""

import pytest
import time_machine

from ehcp.assessments.models import Assessment
from ehcp.governance.models import AccessEvent
from tests.security.test_url_walk import TODAY, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def events():
    return list(AccessEvent.objects.order_by("pk"))


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "username, page, what",
    [
        ("caseworker", "case", "case"),
        ("health", "case", "case"),
        ("health", "task", "task"),
        ("health", "inbox", "list"),
        ("caseworker", "cases", "list"),
        ("manager", "caseload", "list"),
        ("caseworker", "plan", "case"),
    ],
)
def test_each_read_writes_exactly_one_access_event(client, world, username, page, what):  # noqa: F811
    case = world["case"]
    url = {
        "case": f"/cases/{case.public_id}/",
        "task": f"/tasks/{world['health_task'].public_id}/",
        "inbox": "/tasks/",
        "cases": "/cases/",
        "caseload": "/cases/caseload/",
        "plan": f"/cases/{case.public_id}/plan/",
    }[page]
    user = world["people"][username]
    client.force_login(user)
    before = AccessEvent.objects.count()
    assert client.get(url).status_code == 200
    new = events()[before:]
    assert len(new) == 1
    event = new[0]
    assert event.user == user and event.what == what and event.request_id
    if what == "list":
        assert case.child_id in event.child_ids
    else:
        assert event.case == case and event.child_id == case.child_id
        assert event.relationship == ("council" if username == "caseworker" else "partner")
    # the event records which kinds of data were shown, never the values
    assert "Hidden Lane" not in str(event.data_types) and case.child.first_name not in str(
        event.child_ids
    )


@time_machine.travel(TODAY)
def test_partner_event_records_only_the_data_types_their_agency_may_see(client, world):  # noqa: F811
    client.force_login(world["people"]["psychologist"])
    client.get(f"/cases/{world['case'].public_id}/")
    event = AccessEvent.objects.latest("pk")
    assert "HEALTH" not in event.data_types and "SOCIAL_CARE" not in event.data_types
    assert "CONTACT" not in event.data_types  # whereabouts are protected for this child
    assert "IDENTITY" in event.data_types


@time_machine.travel(TODAY)
def test_no_audit_no_page(client, world, monkeypatch):  # noqa: F811
    """If the access event cannot be written the record is not shown (fail closed)."""
    import ehcp.governance.audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(ehcp.governance.audit, "access_event_write", broken)
    client.raise_request_exception = False
    client.force_login(world["people"]["caseworker"])
    before = AccessEvent.objects.count()
    response = client.get(f"/cases/{world['case'].public_id}/")
    assert response.status_code == 500
    assert "Priyanka" not in response.content.decode()
    assert AccessEvent.objects.count() == before
    assert Assessment.objects.filter(pk=world["case"].pk).exists()
