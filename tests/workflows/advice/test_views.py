"""The advice portal's pages: who may see and do what, the editor round trip, downloads, chasing,
more time and the review. The clock is fixed so the statutory dates are known (advice is due on
Thu 6 May 2027)."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Role
from ehcp.assessments.models import AdviceStatus, StatutoryException
from ehcp.assessments.services import advice as services
from ehcp.governance.models import AccessEvent
from notifications.models import Notification
from tests.factories import advice_entries, member
from tests.factories import db_state as all_rows
from workflows.models import CaseTask
from workflows.services import task_claim

from .conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db

BEFORE_DUE = date(2027, 4, 20)


def db_state():
    """Every row, except the read audit (showing a page is a read, and is recorded)."""
    state = all_rows()
    state.pop("governance.AccessEvent", None)
    return state


AFTER_DUE = date(2027, 5, 10)


@pytest.fixture
def claimed(cast, assessing):
    """The health advice task, claimed by the health adviser."""
    task = assessing.advice_task("HEALTH")
    task_claim(task=task, user=cast.health_adviser)
    return assessing


def urls(advice) -> dict[str, str]:
    base = f"/tasks/advice/{advice.public_id}"
    return {
        "detail": f"{base}/",
        "edit": f"{base}/edit/",
        "check": f"{base}/check/",
        "review": f"{base}/review/",
        "more": f"{base}/more-time/",
        "need": f"{base}/entries/new/need/",
        "upload": f"{base}/attachments/",
        "provision": f"{base}/entries/new/provision/",
        "chase": f"{base}/chase/",
    }


def submit_health(walk, cast, *, with_file=True):
    advice = walk.advice_request("HEALTH")
    files = [SimpleUploadedFile("clinic letter.pdf", MINIMAL_PDF)]
    services.advice_draft_save(
        advice=advice,
        entries=advice_entries("HEALTH"),
        attachments=files if with_file else (),
        by=cast.health_adviser,
    )
    walk.submit_advice("HEALTH", accept=False)
    return advice


# -- the adviser's round trip --------------------------------------------------------------------


@time_machine.travel(BEFORE_DUE)
def test_adviser_writes_saves_comes_back_checks_and_submits(client, cast, claimed):
    advice = claimed.advice_request("HEALTH")
    task = claimed.advice_task("HEALTH")
    u = urls(advice)
    client.force_login(cast.health_adviser)

    page = client.get(f"/tasks/{task.public_id}/").content.decode()
    assert "Write your advice" in page and u["edit"] in page and 'name="received_on' not in page
    # The task page never completes advice itself: it sends the adviser to the editor.
    assert client.post(f"/tasks/{task.public_id}/", {"summary": "x"})["Location"] == u["edit"]

    assert (
        client.post(
            u["need"], {"plan_section": "C", "text": "Poor sleep affects learning"}
        ).status_code
        == 302
    )
    need = advice.entries.get()
    response = client.post(
        u["provision"],
        {
            "plan_section": "G",
            "text": "Sleep clinic",
            "who": "Paediatric nurse",
            "frequency_count": "1",
            "frequency_period": "MONTH",
            "session_minutes": "45",
            "links": [str(need.public_id)],
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            u["upload"], {"files": [SimpleUploadedFile("letter.pdf", MINIMAL_PDF)]}
        ).status_code
        == 302
    )
    saved = client.post(u["edit"], follow=True)
    assert "Your draft advice has been saved" in saved.content.decode()
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.DRAFT and advice.received_on is None

    editor = client.get(u["edit"]).content.decode()
    assert (
        "Poor sleep affects learning" in editor
        and "once a month" in editor
        and "letter.pdf" in editor
    )
    check = client.get(u["check"]).content.decode()
    assert "Check your advice before you submit it" in check and "Submit advice" in check

    response = client.post(u["check"], follow=True)

    assert "Your advice has been sent to the council" in response.content.decode()
    advice.refresh_from_db()
    assert (advice.status, advice.received_on) == (AdviceStatus.SUBMITTED, BEFORE_DUE)
    task.refresh_from_db()
    assert task.status == "DONE"
    detail = client.get(u["detail"]).content.decode()
    assert "What you submitted" in detail and "Sleep clinic" in detail and "On time" in detail
    # Once submitted, the editor shows the read-only advice instead.
    assert client.get(u["edit"])["Location"] == u["detail"]


@time_machine.travel(BEFORE_DUE)
def test_submission_is_refused_with_the_rules_messages_and_nothing_changes(client, cast, claimed):
    advice = claimed.advice_request("HEALTH")
    client.force_login(cast.health_adviser)
    client.post(urls(advice)["provision"], {"plan_section": "G", "text": "Sleep clinic"})
    check = client.get(urls(advice)["check"]).content.decode()
    assert (
        "Before you can submit" in check
        and "Add at least one need" in check
        and "Not quantified" in check
    )
    before = db_state()

    response = client.post(urls(advice)["check"])

    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Add at least one need (section B, C or D)" in page
    assert "Say who provides it and how often for the provision “Sleep clinic”" in page
    assert db_state() == before


@time_machine.travel(BEFORE_DUE)
def test_bad_uploads_show_the_reason_and_store_nothing(client, cast, claimed):
    advice = claimed.advice_request("HEALTH")
    client.force_login(cast.health_adviser)

    response = client.post(
        urls(advice)["upload"],
        {"files": [SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf")]},
    )

    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "“invoice.pdf” must be a PDF, Word document (.docx), PNG or JPEG" in page
    assert not advice.attachments.exists()


# -- who may see what ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_DUE)
def test_only_the_holder_writes_and_other_agencies_see_nothing(client, cast, claimed):
    advice = claimed.advice_request("HEALTH")
    u = urls(advice)
    colleague = member(cast.health, Role.HEALTH_ADVISER)
    client.force_login(colleague)
    assert client.get(u["edit"])["Location"] == u["detail"]
    assert client.get(u["detail"]).status_code == 200
    before = db_state()
    client.post(u["need"], {"plan_section": "C", "text": "Forged"})
    assert db_state() == before

    for person in (cast.psychologist, cast.social_worker, cast.senco, cast.outsider):
        client.force_login(person)
        for name in ("detail", "edit", "check", "review", "more", "need"):
            assert client.get(u[name]).status_code == 404, (person, name)
        assert client.post(u["chase"]).status_code == 404


@time_machine.travel(BEFORE_DUE)
def test_files_are_served_only_as_downloads_to_those_who_may_see_the_advice(
    client, cast, assessing
):
    advice = submit_health(assessing, cast)
    attachment = advice.attachments.get()
    url = f"/tasks/advice/attachments/{attachment.public_id}/"

    for person in (cast.psychologist, cast.outsider, cast.senco):
        client.force_login(person)
        assert client.get(url).status_code == 404
    for person in (cast.health_adviser, cast.caseworker):
        client.force_login(person)
        events = AccessEvent.objects.count()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="clinic_letter.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == MINIMAL_PDF
        assert AccessEvent.objects.count() == events + 1
        assert AccessEvent.objects.latest("pk").what == "document"
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


@time_machine.travel(BEFORE_DUE)
def test_the_council_does_not_see_a_draft_until_it_is_submitted(client, cast, claimed):
    advice = claimed.advice_request("HEALTH")
    services.advice_draft_save(
        advice=advice,
        entries=advice_entries("HEALTH"),
        attachments=[SimpleUploadedFile("a.pdf", MINIMAL_PDF)],
        by=cast.health_adviser,
    )
    client.force_login(cast.caseworker)
    page = client.get(urls(advice)["detail"]).content.decode()
    assert "The adviser has not submitted this advice yet" in page
    assert "Finds it hard to follow spoken instructions" not in page
    assert (
        client.get(f"/tasks/advice/attachments/{advice.attachments.get().public_id}/").status_code
        == 404
    )


# -- the council ---------------------------------------------------------------------------------


@time_machine.travel(AFTER_DUE)
def test_late_advice_is_flagged_and_chased_once_a_day(client, cast, assessing):
    advice = assessing.advice_request("PSYCHOLOGICAL")
    task = assessing.advice_task("PSYCHOLOGICAL")
    client.force_login(cast.caseworker)

    case_page = client.get(f"/cases/{assessing.case.public_id}/").content.decode()
    assert "Overdue by 4 days" in case_page and urls(advice)["detail"] in case_page
    overview = client.get(f"/tasks/advice/case/{assessing.case.public_id}/").content.decode()
    assert "Overdue by 4 days" in overview and urls(advice)["chase"] in overview

    response = client.post(urls(advice)["chase"], follow=True)
    client.post(urls(advice)["chase"])

    assert "has been chased" in response.content.decode()
    note = Notification.objects.get(kind="ADVICE_CHASED")
    assert (note.agency, note.email, note.link) == (cast.ep, cast.ep.email, urls(advice)["detail"])
    task.refresh_from_db()
    assert task.last_chased_on == AFTER_DUE
    assert "Zephyrine" not in note.link


@time_machine.travel(BEFORE_DUE)
def test_a_partner_sees_only_its_own_agencys_advice_on_the_case_page(client, cast, assessing):
    client.force_login(cast.health_adviser)
    page = client.get(f"/cases/{assessing.case.public_id}/").content.decode()
    assert urls(assessing.advice_request("HEALTH"))["detail"] in page
    assert urls(assessing.advice_request("PSYCHOLOGICAL"))["detail"] not in page
    assert "See, chase and review all the advice" not in page
    assert client.get(f"/tasks/advice/case/{assessing.case.public_id}/").status_code == 404


@time_machine.travel(BEFORE_DUE)
def test_caseworker_returns_advice_and_the_adviser_is_told(client, cast, assessing):
    advice = submit_health(assessing, cast)
    client.force_login(cast.caseworker)
    review = client.get(urls(advice)["review"]).content.decode()
    assert "Finds it hard to follow spoken instructions" in review and "clinic_letter.pdf" in review
    missing = client.post(urls(advice)["review"], {"decision": "return"})
    assert "Enter what the adviser needs to change" in missing.content.decode()

    response = client.post(
        urls(advice)["review"], {"decision": "return", "reasons": "Add how long the clinic runs"}
    )

    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.RETURNED
    again = assessing.advice_task("HEALTH")
    assert again.owner == cast.health_adviser
    note = Notification.objects.get(kind="ADVICE_RETURNED")
    assert (note.recipient, note.link) == (cast.health_adviser, urls(advice)["detail"])
    client.force_login(cast.health_adviser)
    editor = client.get(urls(advice)["edit"]).content.decode()
    assert "The council returned this advice" in editor and "Add how long the clinic runs" in editor


@time_machine.travel(BEFORE_DUE)
def test_only_the_holder_of_the_review_decides(client, cast, assessing):
    advice = submit_health(assessing, cast, with_file=False)
    other = member(cast.council, Role.CASEWORKER)
    client.force_login(other)
    page = client.get(urls(advice)["review"]).content.decode()
    assert "is reviewing this advice" in page and 'name="decision"' not in page
    before = db_state()
    client.post(urls(advice)["review"], {"decision": "accept"})
    assert db_state() == before


@time_machine.travel(BEFORE_DUE)
def test_adviser_asks_for_more_time_and_an_accepted_reg_8_2_reason_is_an_exception(
    client, cast, claimed
):
    advice = claimed.advice_request("HEALTH")
    task = claimed.advice_task("HEALTH")
    client.force_login(cast.health_adviser)
    response = client.post(
        urls(advice)["more"],
        {
            "new_date_0": "20",
            "new_date_1": "5",
            "new_date_2": "2027",
            "reason": "Ada missed her clinic appointment",
            "limb": "8(2)(c)",
            "starts_on_0": "12",
            "starts_on_1": "4",
            "starts_on_2": "2027",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    extension = advice.extension_requests.get()
    asked = Notification.objects.get(kind="ADVICE_MORE_TIME")
    assert (
        asked.recipient == cast.caseworker
        and asked.link == f"/tasks/advice/more-time/{extension.public_id}/"
    )

    client.force_login(cast.caseworker)
    assert "More time asked for" in client.get(f"/cases/{claimed.case.public_id}/").content.decode()
    decision = {
        "decision": "accept",
        "exception_limb": "8(2)(c)",
        "starts_on_0": "12",
        "starts_on_1": "4",
        "starts_on_2": "2027",
        "ends_on_0": "12",
        "ends_on_1": "4",
        "ends_on_2": "2027",
        "decision_reason": "The clinic could not see Ada before 10 May",
    }
    # The family must have been told of the exception (CoP 9.40): the page asks for the date.
    response = client.post(asked.link, decision)
    assert "Enter the date the family was told about the exception" in response.content.decode()
    assert not StatutoryException.objects.exists()
    response = client.post(
        asked.link,
        {**decision, "family_told_on_0": "20", "family_told_on_1": "4", "family_told_on_2": "2027"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    exception = StatutoryException.objects.get()
    assert (exception.limb, exception.advice_request) == ("8(2)(c)", advice)
    timer = CaseTask.objects.get(flow_task_type="TIMER", previous=task)
    expected = timezone.make_aware(datetime.combine(date(2027, 5, 21), time(8, 0)))
    assert timer.scheduled == expected  # chased the morning after the agreed date, not before
    told = Notification.objects.get(kind="ADVICE_MORE_TIME_DECIDED")
    assert told.recipient == cast.health_adviser
    with time_machine.travel(AFTER_DUE):
        client.force_login(cast.caseworker)  # sessions end after 12 hours
        overview = client.get(f"/tasks/advice/case/{claimed.case.public_id}/").content.decode()
        assert (
            "Overdue by 4 days, exception recorded" in overview
            and "More time agreed until 20 May 2027" in overview
        )


@time_machine.travel(BEFORE_DUE)
def test_the_agency_list_shows_advice_asked_of_the_agency_only(client, cast, assessing):
    client.force_login(cast.health_adviser)
    page = client.get("/tasks/advice/").content.decode()
    assert urls(assessing.advice_request("HEALTH"))["detail"] in page
    assert urls(assessing.advice_request("PSYCHOLOGICAL"))["detail"] not in page


@time_machine.travel(BEFORE_DUE)
def test_caseworker_records_the_familys_views_through_the_same_pages(client, cast, assessing):
    advice = assessing.advice_request("PARENT_VIEWS")
    u = urls(advice)
    client.force_login(cast.caseworker)  # the case's caseworker holds the task from the start
    assert client.get(f"{u['detail']}entries/new/views/").status_code == 200
    client.post(
        f"{u['detail']}entries/new/views/",
        {"text": "Ada loves music; her parents want her to feel safe at school"},
    )
    missing_date = client.post(u["check"])
    assert "Enter the date the family gave their views" in missing_date.content.decode()

    response = client.post(
        u["check"], {"received_on_0": "14", "received_on_1": "4", "received_on_2": "2027"}
    )

    assert response.status_code == 302
    advice.refresh_from_db()
    assert (advice.status, advice.received_on) == (AdviceStatus.ACCEPTED, date(2027, 4, 14))
    assert advice.summary == "Views: Ada loves music; her parents want her to feel safe at school"
    assert not [t for t in assessing.open_tasks() if t.flow_task.name.startswith("parent_views")]
    # Views are the family's: partner advice has no section A entry page.
    assert (
        client.get(
            f"{urls(assessing.advice_request('HEALTH'))['detail']}entries/new/views/"
        ).status_code
        == 404
    )
