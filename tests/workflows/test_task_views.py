"""The whole statutory assessment through the web pages, as each person would do it.

Every step form is posted through the real views (forms -> steps -> services -> flow), with the
clock fixed by time-machine so the statutory dates are known.
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import AdviceRequest, Assessment, AssessmentStatus
from ehcp.children.models import ConsentRecord
from ehcp.plans.models import PlanNeed, PlanOutcome
from tests.factories import CaseWalk
from workflows.flows import StatutoryAssessmentFlow
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db


def d(value: date, name: str) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


@pytest.fixture
def people():
    User = get_user_model()
    council = Agency.objects.create(name="SEN team", kind=AgencyKind.SEN_TEAM)
    health_trust = Agency.objects.create(name="Health trust", kind=AgencyKind.HEALTH)
    ep = Agency.objects.create(name="EP service", kind=AgencyKind.EP_SERVICE)
    school = Agency.objects.create(name="Hill Top School", kind=AgencyKind.SCHOOL)
    other_council = Agency.objects.create(name="Other council", kind=AgencyKind.SEN_TEAM)

    def person(username, agency, role):
        user = User.objects.create_user(
            username, first_name=username.title(), email=f"{username}@example.org"
        )
        Membership.objects.create(user=user, agency=agency, role=role)
        return user

    return {
        "council": council,
        "ep": ep,
        "school": school,
        "caseworker": person("caseworker", council, Role.CASEWORKER),
        "manager": person("manager", council, Role.SEN_MANAGER),
        "health": person("health", health_trust, Role.HEALTH_ADVISER),
        "psychologist": person("psychologist", ep, Role.EDUCATIONAL_PSYCHOLOGIST),
        "senco": person("senco", school, Role.SENCO),
        "outsider": person("outsider", other_council, Role.CASEWORKER),
        "health_agency": health_trust,
    }


def as_user(client, user):
    client.force_login(user)
    return client


def open_task(case, name):
    return CaseTask.objects.get(
        case=case,
        flow_task_type="HUMAN",
        status__in=["NEW", "ASSIGNED"],
        flow_task=StatutoryAssessmentFlow.instance.node(name),
    )


def write_plan(client, case):
    """The plan through its pages: a need, an outcome, and quantified provision for both."""
    plan = f"/cases/{case.public_id}/plan/"
    assert (
        client.post(
            f"{plan}needs/new/",
            {"section": "B", "text": "Finds reading and spelling hard", "need_code": "SPLD"},
        ).status_code
        == 302
    )
    need = PlanNeed.objects.get(plan__case=case)
    assert (
        client.post(
            f"{plan}outcomes/new/", {"text": "Reads a short book independently", "needs": [need.pk]}
        ).status_code
        == 302
    )
    outcome = PlanOutcome.objects.get(plan__case=case)
    response = client.post(
        f"{plan}provisions/new/",
        {
            "section": "F",
            "what": "Small-group phonics",
            "who": "Trained teaching assistant",
            "frequency_count": "4",
            "frequency_period": "WEEK",
            "session_minutes": "20",
            **d(date(2027, 7, 16), "ends_on"),
            "needs": [need.pk],
            "outcomes": [outcome.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Every check is met" in client.get(plan).content.decode()


def record_request(client, people, received=date(2026, 9, 7)):
    response = as_user(client, people["caseworker"]).post(
        "/tasks/new-request/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            **d(date(2016, 5, 1), "date_of_birth"),
            "current_setting": people["school"].name,
            "primary_need": "SPLD",
            "parent_name": "Annabella Lovelace",
            "parent_relationship": "mother",
            "parent_email": "a@example.org",
            "requested_by": "PARENT",
            "requester_name": "Annabella Lovelace",
            **d(received, "received_on"),
            "reasons": "Reading and attention",
            "caseworker": people["caseworker"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Assessment.objects.get(child__last_name="Lovelace")


@time_machine.travel(date(2026, 9, 8))
def test_request_page_records_child_parent_and_statutory_dates(client, people):
    case = record_request(client, people)
    assert case.decision_to_assess_due_on == date(2026, 10, 19)
    assert case.final_plan_due_on == date(2027, 1, 25)
    assert case.child.parents.get().name == "Annabella Lovelace"
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "19 October 2026" in page and "SEND Regulations 2014, regs 4(1) and 5(1)" in page
    assert "25 January 2027" in page


@time_machine.travel(date(2026, 9, 8))
def test_bad_input_shows_errors_and_changes_nothing(client, people):
    response = as_user(client, people["caseworker"]).post(
        "/tasks/new-request/",
        {"first_name": "Ada", "received_on_0": "30", "received_on_1": "2", "received_on_2": "2026"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the last name" in page
    assert not Assessment.objects.exists()
    future = as_user(client, people["caseworker"]).post(
        "/tasks/new-request/",
        {
            "first_name": "A",
            "last_name": "B",
            **d(date(2016, 5, 1), "date_of_birth"),
            "requested_by": "PARENT",
            **d(date(2026, 9, 20), "received_on"),
            "reasons": "x",
        },
    )
    assert (
        "The date the request was received must be today or in the past" in future.content.decode()
    )
    assert not Assessment.objects.exists()


def test_whole_assessment_through_the_pages(client, people):
    with time_machine.travel(date(2026, 9, 8)):
        case = record_request(client, people)
        decide = open_task(case, "decide_to_assess")
        assert decide.owner == people["caseworker"]  # the case's caseworker holds it at once

    with time_machine.travel(date(2026, 9, 21)):
        as_user(client, people["caseworker"])  # sessions end after 12 hours
        decision = {
            "decision": "yes",
            **d(date(2026, 9, 21), "decided_on"),
            "ask_parent_views": "on",
            "advice_health": people["health_agency"].pk,
            "advice_psychological": people["ep"].pk,
        }
        blocked = client.post(f"/tasks/{decide.public_id}/", decision)
        assert (
            "Record consent for an EHC needs assessment that covers EP service, Health trust"
            in blocked.content.decode()
        )
        assert (
            not AdviceRequest.objects.exists()
            and Assessment.objects.get().status == AssessmentStatus.REQUESTED
        )

        client.post(
            f"/cases/{case.public_id}/consent/new/",
            {
                "purpose": "STATUTORY_ASSESSMENT",
                "agencies": [people["health_agency"].pk, people["ep"].pk],
                "given_by": "PARENT",
                "given_by_name": "Annabella Lovelace",
                **d(date(2026, 9, 15), "given_on"),
                "method": "WRITTEN",
            },
        )
        assert ConsentRecord.objects.count() == 1
        response = client.post(f"/tasks/{decide.public_id}/", decision)
        assert response.status_code == 302
        assert Assessment.objects.get().status == AssessmentStatus.ASSESSING
        assert {a.kind: a.due_on for a in AdviceRequest.objects.all()} == {
            "PARENT_VIEWS": date(2026, 11, 2),
            "HEALTH": date(2026, 11, 2),
            "PSYCHOLOGICAL": date(2026, 11, 2),
        }

    with time_machine.travel(date(2026, 10, 20)):
        # Each adviser claims their task, writes a need in the advice editor and submits it.
        for username, node in (
            ("health", "health_advice"),
            ("psychologist", "psychological_advice"),
            ("caseworker", "parent_views"),
        ):
            task = open_task(case, node)
            as_user(client, people[username])
            if task.owner_id is None:
                assert client.post(f"/tasks/{task.public_id}/claim/").status_code == 302
            advice = AdviceRequest.objects.get(pk=task.subject_id)
            editor = f"/tasks/advice/{advice.public_id}"
            response = client.post(
                f"{editor}/entries/new/need/",
                {"plan_section": "B", "text": f"A need seen by {username}"},
            )
            assert response.status_code == 302, response.content.decode()[:3000]
            views_given = d(date(2026, 10, 19), "received_on") if node == "parent_views" else {}
            response = client.post(f"{editor}/check/", views_given)
            assert response.status_code == 302, response.content.decode()[:3000]
        # The caseworker reviews and accepts the partner agencies' advice.
        as_user(client, people["caseworker"])
        for node in ("health_advice_review", "psychological_advice_review"):
            advice = AdviceRequest.objects.get(pk=open_task(case, node).subject_id)
            response = client.post(
                f"/tasks/advice/{advice.public_id}/review/", {"decision": "accept"}
            )
            assert response.status_code == 302, response.content.decode()[:3000]
        assert AdviceRequest.objects.filter(received_on__isnull=True).count() == 0
        assert set(AdviceRequest.objects.values_list("status", flat=True)) == {"ACCEPTED"}

        as_user(client, people["caseworker"])
        task = open_task(case, "decide_to_issue")
        client.post(
            f"/tasks/{task.public_id}/", {"decision": "yes", **d(date(2026, 10, 20), "decided_on")}
        )
        task = open_task(case, "issue_draft")
        sent = {"letter_sent_how": "EMAIL"}  # sent on the day: served that day (reg 13(1))
        blocked = client.post(
            f"/tasks/{task.public_id}/", {**d(date(2026, 10, 20), "issued_on"), **sent}
        )
        assert "The draft cannot be issued: Section B lists" in blocked.content.decode()
        write_plan(client, case)
        client.post(f"/tasks/{task.public_id}/", {**d(date(2026, 10, 20), "issued_on"), **sent})
        assert Assessment.objects.get().draft_comments_due_on == date(2026, 11, 3)

    with time_machine.travel(date(2026, 11, 4)):
        as_user(client, people["caseworker"])
        task = open_task(case, "record_comments")
        response = client.post(
            f"/tasks/{task.public_id}/",
            {"responded": "no", "requested_setting": people["school"].name},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        task = open_task(case, "reply_to_consultation")
        assert task.agency == people["school"] and task.due_on == date(2026, 11, 18)
        as_user(client, people["senco"])
        client.post(f"/tasks/{task.public_id}/claim/")
        client.post(
            f"/tasks/{task.public_id}/",
            {
                "response": "AGREES",
                **d(date(2026, 11, 4), "replied_on"),
                "notes": "We can meet the needs",
            },
        )

    with time_machine.travel(date(2026, 11, 10)):
        as_user(client, people["caseworker"])
        task = open_task(case, "issue_final")
        response = client.post(
            f"/tasks/{task.public_id}/",
            {
                **d(date(2026, 11, 10), "issued_on"),
                "named_setting": people["school"].pk,
                "letter_sent_how": "EMAIL",
            },
        )
        assert response.status_code == 302
        case = Assessment.objects.get()
        assert (
            case.status == AssessmentStatus.FINAL_ISSUED and case.named_setting == people["school"]
        )
        page = client.get(f"/cases/{case.public_id}/").content.decode()
        assert "On time" in page and "Appeal by" in page
        assert (
            not CaseTask.objects.filter(case=case, flow_task_type="HUMAN")
            .exclude(status__in=["DONE", "CANCELED"])
            .exists()
        )


@time_machine.travel(date(2026, 9, 8))
def test_refusal_through_the_page_ends_the_case_with_appeal_rights(client, people):
    case = record_request(client, people)
    task = open_task(case, "decide_to_assess")
    missing_reason = client.post(
        f"/tasks/{task.public_id}/", {"decision": "no", **d(date(2026, 9, 8), "decided_on")}
    )
    assert "Enter the reasons for refusing to assess" in missing_reason.content.decode()
    client.post(
        f"/tasks/{task.public_id}/",
        {
            "decision": "no",
            **d(date(2026, 9, 8), "decided_on"),
            "reasons": "Needs met at SEN support",
            "letter_sent_how": "EMAIL",
        },
    )
    case.refresh_from_db()
    assert case.status == AssessmentStatus.REFUSED
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Sunday 8 November 2026" in page  # mediation contact: 2 months after the letter
    assert case.processes.get().status == "DONE"


@time_machine.travel(date(2026, 9, 8))
def test_claim_conflict_and_queue_permissions_show_clear_messages(client, people):
    case = record_request(client, people)
    as_user(client, people["manager"])
    task = open_task(case, "decide_to_assess")
    response = client.post(f"/tasks/{task.public_id}/claim/", follow=True)
    assert "This task has already been claimed by Caseworker" in response.content.decode()
    response = client.post(f"/tasks/{task.public_id}/reassign/", {"user": people["manager"].pk})
    assert "Enter the reason for giving the task to someone else" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == people["caseworker"]
    response = client.post(
        f"/tasks/{task.public_id}/reassign/",
        {"user": people["manager"].pk, "reason": "Cover"},
        follow=True,
    )
    assert "Task given to Manager" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == people["manager"]
    as_user(client, people["health"])
    assert client.get(f"/tasks/{task.public_id}/").status_code == 404


@time_machine.travel(date(2026, 9, 8))
def test_outsiders_see_nothing_and_roles_are_enforced(client, people):
    case = record_request(client, people)
    task = open_task(case, "decide_to_assess")
    as_user(client, people["outsider"])
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert client.get(f"/tasks/{task.public_id}/").status_code == 404
    assert client.post(f"/tasks/{task.public_id}/claim/").status_code == 404
    assert client.get(f"/tasks/?case={case.public_id}").status_code == 404
    as_user(client, people["caseworker"])
    assert client.get("/cases/caseload/").status_code == 403
    as_user(client, people["health"])
    assert client.get("/tasks/new-request/").status_code == 403
    client.logout()
    for url in (
        "/",
        "/tasks/",
        f"/cases/{case.public_id}/",
        "/cases/caseload/",
        "/tasks/new-request/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_calculator_shows_dates_with_sources_and_rejects_bad_dates(client, people):
    as_user(client, people["health"])
    page = client.get(
        "/cases/timeline-calculator/", {**d(date(2026, 1, 12), "received_on")}
    ).content.decode()
    assert "Monday 23 February 2026" in page and "Monday 1 June 2026" in page
    assert "Not a working day: aim for Friday 1 May" in page
    bad = client.get(
        "/cases/timeline-calculator/",
        {"received_on_0": "31", "received_on_1": "2", "received_on_2": "2026"},
    )
    assert "There is a problem" in bad.content.decode()


def test_early_comments_do_not_end_the_15_days_but_a_written_statement_does(client, cast):
    """Reg 13(1): the final plan waits for the 15 days even when the family commented early,
    unless the parent or young person said in writing that they have nothing more to add; the
    caseworker records that date on the comments page, and the timeline shows it."""
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    case, commented = walk.case, walk.when.draft_on + timedelta(days=3)
    with time_machine.travel(commented):
        as_user(client, cast.caseworker)
        task = open_task(case, "record_comments")
        page = client.get(f"/tasks/{task.public_id}/").content.decode()
        assert 'name="no_further_comments_on_0"' in page
        response = client.post(
            f"/tasks/{task.public_id}/",
            {
                "responded": "yes",
                **d(commented, "received_on"),
                "summary": "We agree with the draft",
                "requested_setting": cast.school.name,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    walk.refresh()
    walk.reply_to_consultation()

    final_on = walk.when.replied_on + timedelta(days=1)
    assert final_on <= case.draft_comments_due_on  # still inside the 15 days
    with time_machine.travel(final_on):
        as_user(client, cast.caseworker)
        task = open_task(case, "issue_final")
        refused = client.post(
            f"/tasks/{task.public_id}/",
            {
                **d(final_on, "issued_on"),
                "named_setting": cast.school.pk,
                "letter_sent_how": "EMAIL",
            },
        ).content.decode()
        day_after = case.draft_comments_due_on + timedelta(days=1)
        assert f"The final plan cannot be issued until {day_after:%-d %B %Y}" in refused
        assert Assessment.objects.get(pk=case.pk).status == AssessmentStatus.CONSULTING


def test_a_written_statement_of_no_more_to_say_lets_the_final_plan_come_early(client, cast):
    walk = CaseWalk(cast).to(AssessmentStatus.DRAFT_ISSUED)
    case, commented = walk.case, walk.when.draft_on + timedelta(days=3)
    with time_machine.travel(commented):
        as_user(client, cast.caseworker)
        task = open_task(case, "record_comments")
        response = client.post(
            f"/tasks/{task.public_id}/",
            {
                "responded": "yes",
                **d(commented, "received_on"),
                "summary": "We agree with the draft and have nothing more to add",
                "requested_setting": cast.school.name,
                **d(commented, "no_further_comments_on"),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
    walk.refresh()
    walk.reply_to_consultation()
    final_on = walk.when.replied_on + timedelta(days=1)
    with time_machine.travel(final_on):
        as_user(client, cast.caseworker)
        task = open_task(case, "issue_final")
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
    assert Assessment.objects.get(pk=case.pk).final_issued_on < case.draft_comments_due_on
    assert f"Said in writing on {commented:%-d %B %Y} that they have nothing more to add" in page
