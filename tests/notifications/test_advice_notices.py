"""People are told when advice is asked of them and when it comes back (issue 7, item 2).

An e-mail (the outbox) and an in-app notice go to everyone who works the agency's queue, and the
agency's mailbox, when advice is requested; to the case's caseworker when advice is submitted;
to the adviser when it is returned. The messages carry no personal data (DM-03).
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from agencies.models import Role
from ehcp.assessments.models import AdviceKind, AdviceRequest
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common import services as common_services
from notifications.models import Notice, Notification, NotificationKind
from tests import factories

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_asking_for_advice_tells_everyone_who_works_each_agencys_queue(
    walk, health, ep, health_adviser, psychologist, django_capture_on_commit_callbacks
):
    second_adviser = factories.member(health, Role.HEALTH_ADVISER, username="second_adviser")
    gone = factories.member(health, Role.HEALTH_ADVISER, username="gone")
    gone.memberships.update(is_active=False)
    not_queue = factories.member(
        health, Role.PANEL_MEMBER, username="not_queue"
    )  # not a health queue role
    walk.receive()
    walk.consent()
    with django_capture_on_commit_callbacks(execute=True):
        walk.decide_to_assess()

    requested = Notification.objects.filter(kind=NotificationKind.ADVICE_REQUESTED)
    health_advice = AdviceRequest.objects.get(case=walk.case, kind=AdviceKind.HEALTH)
    link = f"/tasks/advice/{health_advice.public_id}/"
    assert set(requested.filter(agency=health).values_list("email", "link")) == {
        (health_adviser.email, link),
        (second_adviser.email, link),
        (health.email, link),  # the agency's own mailbox
    }
    assert set(requested.filter(agency=ep).values_list("email", flat=True)) == {
        psychologist.email,
        ep.email,
    }
    # Nobody is told about the family's views: the council records those itself.
    assert not requested.filter(agency=walk.cast.council).exists()
    for person in (health_adviser, second_adviser, psychologist):
        assert kinds(person) == [NotificationKind.ADVICE_REQUESTED]
    assert kinds(gone) == kinds(not_queue) == kinds(walk.cast.caseworker) == []
    assert Notice.objects.get(recipient=health_adviser).link == link
    # Sent after the commit, with nothing about the child in it.
    sent = [message for message in mail.outbox if message.to == [health_adviser.email]]
    assert len(sent) == 1
    assert sent[0].subject == "The council has asked for advice for an EHC needs assessment"
    assert link in sent[0].body
    for detail in ("Zephyrine", "Quillfeather", walk.case.reference):
        assert detail not in sent[0].body and detail not in sent[0].subject


def test_a_refused_decision_tells_nobody(walk, django_capture_on_commit_callbacks):
    walk.receive()  # no consent on record: the gate refuses and nothing changes
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(common_services.CaseRuleError),
    ):
        assessment_services.case_assessment_decide(
            case=walk.case,
            assess=True,
            decided_on=walk.when.decided_on,
            advice=walk.advice_to_seek(),
            by=walk.cast.caseworker,
            today=walk.when.decided_on,
        )
    assert not Notification.objects.exists() and not Notice.objects.exists()
    assert mail.outbox == []


def test_submitted_advice_tells_the_caseworker(
    walk, health_adviser, django_capture_on_commit_callbacks
):
    walk.to("ASSESSING")
    caseworker = walk.cast.caseworker
    walk.submit_advice(AdviceKind.PARENT_VIEWS)  # the council's own record: nobody is told
    assert kinds(caseworker) == []
    with django_capture_on_commit_callbacks(execute=True):
        walk.submit_advice(AdviceKind.HEALTH, accept=False)
    advice = AdviceRequest.objects.get(case=walk.case, kind=AdviceKind.HEALTH)
    assert kinds(caseworker) == [NotificationKind.ADVICE_SUBMITTED]
    submitted = Notification.objects.get(kind=NotificationKind.ADVICE_SUBMITTED)
    assert (submitted.email, submitted.link) == (
        caseworker.email,
        f"/tasks/advice/{advice.public_id}/",
    )
    assert [m.subject for m in mail.outbox if m.to == [caseworker.email]] == [
        "Advice for an EHC needs assessment has been submitted"
    ]

    # Returned: the adviser who submitted it is told; resubmitted: the caseworker is told again.
    walk.review_advice(AdviceKind.HEALTH, accept=False)
    assert kinds(health_adviser)[-1] == NotificationKind.ADVICE_RETURNED
    walk.submit_advice(AdviceKind.HEALTH, accept=False)
    assert kinds(caseworker) == [NotificationKind.ADVICE_SUBMITTED] * 2


def test_with_no_caseworker_submitted_advice_goes_to_the_councils_queue(walk, manager):
    walk.receive(caseworker=None)
    walk.consent()
    walk.decide_to_assess()
    walk.submit_advice(AdviceKind.HEALTH, accept=False)
    assert kinds(manager) == [NotificationKind.ADVICE_SUBMITTED]
    assert kinds(walk.cast.caseworker) == [NotificationKind.ADVICE_SUBMITTED]  # works the queue too


# -- the pages -----------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 12, 16, 26, tzinfo=UTC), tick=False)
def test_notices_page_lists_only_my_notices_and_opening_one_marks_it_read(
    client, walk, health_adviser, psychologist
):
    walk.receive()
    walk.consent()
    walk.decide_to_assess()
    client.force_login(health_adviser)
    home = client.get("/").content.decode()
    assert 'href="/notifications/">Notifications <strong class="app-count">1</strong>' in home

    page = client.get("/notifications/").content.decode()
    mine = Notice.objects.get(recipient=health_adviser)
    theirs = Notice.objects.get(recipient=psychologist)
    assert f"/notifications/{mine.public_id}/" in page
    assert f"/notifications/{theirs.public_id}/" not in page
    assert "The council has asked for advice for an EHC needs assessment" in page
    assert "12 March 2026 at 4:26pm" in page and ">New<" in page
    assert "Zephyrine" not in page

    opened = client.get(f"/notifications/{mine.public_id}/")
    assert opened.status_code == 302 and opened["Location"] == mine.link
    task_page = client.get(mine.link)  # the advice page, which leads the adviser to the task
    assert task_page.status_code == 200 and "Go to the task" in task_page.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "app-count" not in client.get("/").content.decode()
    assert ">New<" not in client.get("/notifications/").content.decode()

    # Someone else's notice does not exist for me, and stays unread.
    assert client.get(f"/notifications/{theirs.public_id}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notices_page_needs_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_notices_page_costs_the_same_queries_with_one_notice_or_sixty(client, caseworker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client.force_login(caseworker)
        client.get("/notifications/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifications/").status_code == 200
        return len(ctx)

    Notice.objects.create(
        recipient=caseworker, kind=NotificationKind.ADVICE_SUBMITTED, link="/", key="n0"
    )
    one = queries()
    Notice.objects.bulk_create(
        Notice(recipient=caseworker, kind=NotificationKind.ADVICE_SUBMITTED, link="/", key=f"n{n}")
        for n in range(1, 60)
    )
    assert queries() == one
