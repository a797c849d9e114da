"""The pages a caseworker uses to consult settings and to issue the final plan when a setting
never replies (s.39/s.40 CFA 2014; SEND Code of Practice 9.83; reg 13(1)-(2)). Each test posts
only the fields the page shows."""

from datetime import timedelta

import pytest
import time_machine

from agencies.models import AgencyKind
from ehcp.assessments.models import Assessment, AssessmentStatus, SettingConsultation
from tests.factories import AgencyFactory, CaseWalk
from tests.workflows.test_task_views import as_user, d, open_task
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _consult_on_the_page(client, cast, walk, other):
    case, on = walk.case, walk.when.draft_on + 3 * DAY
    with time_machine.travel(on):
        as_user(client, cast.caseworker)
        task = open_task(case, "record_comments")
        page = client.get(f"/tasks/{task.public_id}/").content.decode()
        assert 'name="requested_setting"' in page and 'name="alternatives"' in page
        assert "School or setting the family asked for" in page
        response = client.post(
            f"/tasks/{task.public_id}/",
            {
                "responded": "yes",
                **d(on, "received_on"),
                "summary": "The family ask for Riverside Primary",
                "requested_setting": cast.school.name,
                "alternatives": other.name,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    return on


def test_the_comments_page_consults_the_familys_school_and_an_alternative(client, cast):
    """s.39(2), s.40(2): both consulted, each with its own task and 15 days (CoP 9.83)."""
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    other = AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")

    on = _consult_on_the_page(client, cast, walk, other)

    consultations = SettingConsultation.objects.filter(case=walk.case).order_by("pk")
    assert [(c.setting, c.requested_by_family, c.reply_due_on) for c in consultations] == [
        (cast.school, True, on + 14 * DAY),
        (other, False, on + 14 * DAY),
    ]
    tasks = CaseTask.objects.filter(case=walk.case, rule_code="EHCP-CONSULT-15D").order_by("pk")
    assert [t.agency for t in tasks] == [cast.school, other]
    with time_machine.travel(on):
        page = client.get(f"/cases/{walk.case.public_id}/").content.decode()
    assert "Riverside Primary (family&#x27;s preference)" in page
    assert "Hillside Academy (council&#x27;s alternative)" in page
    assert "Waiting for a reply" in page
    assert "Consult another school or setting" in page


def test_the_comments_page_refuses_no_setting_and_the_same_setting_twice(client, cast):
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    on = walk.when.draft_on + 3 * DAY
    with time_machine.travel(on):
        as_user(client, cast.caseworker)
        task = open_task(walk.case, "record_comments")
        base = {"responded": "yes", **d(on, "received_on"), "summary": "Comments"}
        none = client.post(f"/tasks/{task.public_id}/", base).content.decode()
        assert "Enter at least one school or setting to consult" in none
        twice = client.post(
            f"/tasks/{task.public_id}/",
            {**base, "requested_setting": cast.school.name, "alternatives": cast.school.name},
        ).content.decode()
        assert "is the family&#x27;s preference: do not choose it again" in twice
    assert Assessment.objects.get(pk=walk.case.pk).status == AssessmentStatus.DRAFT_ISSUED
    assert not SettingConsultation.objects.filter(case=walk.case).exists()


def test_a_setting_that_never_replies_does_not_stop_the_final_plan(client, cast):
    """Reg 13(2), CoP 9.83: the alternative never replies; the day after its 15 days the
    caseworker issues the final plan from the page, naming the school that agreed; the silence
    shows on the case page."""
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    other = AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")
    _consult_on_the_page(client, cast, walk, other)
    walk.reply_to_consultation(cast.school)
    silent = SettingConsultation.objects.get(case=walk.case, setting=other)
    case = walk.case

    with time_machine.travel(silent.reply_due_on):
        as_user(client, cast.caseworker)
        task = open_task(case, "issue_final")
        page = client.get(f"/tasks/{task.public_id}/").content.decode()
        assert "Riverside Primary, replied: the setting can meet the child&#x27;s needs" in page
        assert f"Hillside Academy, no reply yet (due {silent.reply_due_on:%-d %B %Y})" in page
        assert 'name="named_setting_type"' in page
        refused = client.post(
            f"/tasks/{task.public_id}/",
            {
                **d(silent.reply_due_on, "issued_on"),
                "named_setting": cast.school.pk,
                "letter_sent_how": "EMAIL",
            },
        ).content.decode()
        assert "waiting for Hillside Academy" in refused
    final_on = silent.reply_due_on + DAY
    with time_machine.travel(final_on):
        as_user(client, cast.caseworker)
        response = client.post(
            f"/tasks/{task.public_id}/",
            {
                **d(final_on, "issued_on"),
                "named_setting": cast.school.pk,
                "letter_sent_how": "EMAIL",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client.get(f"/cases/{case.public_id}/").content.decode()
    case.refresh_from_db()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert f"No reply by {silent.reply_due_on:%-d %B %Y}" in page


def test_the_caseworker_consults_another_setting_from_the_case_page(client, cast):
    """s.40(2): the first school declined; the council consults another, with its own task."""
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    later = AgencyFactory(kind=AgencyKind.SCHOOL, name="Meadow Special School")
    on = walk.when.consulted_on + 3 * DAY
    url = f"/tasks/cases/{walk.case.public_id}/consult/"
    with time_machine.travel(on):
        as_user(client, cast.caseworker)
        page = client.get(url).content.decode()
        assert 'name="setting"' in page
        response = client.post(url, {"setting": later.name.upper()})
        assert response.status_code == 302, response.content.decode()[:3000]
        again = client.post(url, {"setting": later.name.upper()}).content.decode()
        assert "Meadow Special School is already being consulted" in again
    consultation = SettingConsultation.objects.get(case=walk.case, setting=later)
    assert consultation.reply_due_on == on + 14 * DAY
    task = CaseTask.objects.get(
        case=walk.case, subject_id=consultation.pk, rule_code="EHCP-CONSULT-15D"
    )
    assert task.agency == later and task.is_open


def test_only_the_councils_officers_consult_and_only_while_consulting(client, cast):
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    url = f"/tasks/cases/{walk.case.public_id}/consult/"
    as_user(client, cast.senco)
    assert client.get(url).status_code == 404
    as_user(client, cast.caseworker)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/cases/{walk.case.public_id}/"
    )
