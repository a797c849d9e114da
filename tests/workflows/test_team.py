"""Managers manage the team: every open task of their queues with who holds it, filterable and
paged; reassigning needs a reason, which is recorded; an SEN manager changes a case's
caseworker with a reason (in the case's history) and the case's council tasks follow."""

import pytest
from django.db import DatabaseError, connection, transaction
from viewflow.workflow.status import STATUS

from agencies.models import Role
from ehcp.assessments.models import AssessmentStatus
from tests.factories import CaseWalk, member
from tests.factories import db_state as factories_db_state
from tests.workflows.test_inbox_paging import clone_tasks
from workflows.models import CaseTask, TaskReassignment
from workflows.services import task_reassign

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessing(cast):
    """A case being assessed: the family's views with the caseworker; health and EP advice
    waiting in their agencies' queues."""
    return CaseWalk(cast).to(AssessmentStatus.ASSESSING)


def db_state():
    """Every row of our tables except the read audit (showing a form again is a recorded read)."""
    state = factories_db_state()
    state.pop("governance.AccessEvent")
    return state


def open_tasks(case):
    return (
        CaseTask.objects.human()
        .open()
        .filter(case=case)
        .select_related("agency", "owner")
        .order_by("pk")
    )


def views_task(case, council):
    """The council's task of recording the family's views (the decision whether to issue is open
    beside it from the start)."""
    tasks = [
        t for t in open_tasks(case).filter(agency=council) if t.flow_task.name == "parent_views"
    ]
    assert len(tasks) == 1
    return tasks[0]


# -- the team view -------------------------------------------------------------------------------


def test_manager_sees_every_open_task_of_the_council_queue_with_its_holder(client, cast, assessing):
    colleague = member(cast.council, Role.CASEWORKER, first_name="Colin", last_name="League")
    task = views_task(assessing.case, cast.council)
    clone_tasks(task, 3, owner=colleague)
    clone_tasks(task, 2, owner=None)
    client.force_login(cast.manager)
    response = client.get("/tasks/team/")
    assert response.status_code == 200
    rows = response.context["rows"]
    # The family's views, the decision whether to issue (open beside the advice) and 5 clones.
    assert len(rows) == response.context["page"].total == 7
    assert {row.task.agency for row in rows} == {cast.council}  # not the health or EP queues
    holders = {h.label: h.count for h in response.context["holders"]}
    assert holders == {
        cast.caseworker.get_full_name() or cast.caseworker.username: 2,
        "Colin League": 3,
        "Not claimed": 2,
    }
    body = response.content.decode()
    assert "Colin League" in body and "Reassign" in body

    only = client.get("/tasks/team/", {"holder": colleague.pk})
    assert [row.task.owner for row in only.context["rows"]] == [colleague] * 3
    waiting = client.get("/tasks/team/", {"holder": "none"})
    assert [row.task.owner for row in waiting.context["rows"]] == [None, None]
    bogus = client.get("/tasks/team/", {"holder": "99999"})
    assert bogus.context["page"].total == 7


def test_every_team_task_is_reachable_through_the_pages(client, cast, assessing):
    task = views_task(assessing.case, cast.council)
    clone_tasks(task, 120, owner=cast.caseworker)
    client.force_login(cast.manager)
    seen, query = [], ""
    while True:
        response = client.get(f"/tasks/team/?{query}")
        page = response.context["page"]
        seen += [row.task.pk for row in response.context["rows"]]
        if page.next_query is None:
            break
        query = page.next_query
    expected = set(
        CaseTask.objects.human().open().filter(agency=cast.council).values_list("pk", flat=True)
    )
    assert len(seen) == len(set(seen)) == len(expected) == 122
    assert set(seen) == expected


def test_a_partner_agencys_administrator_manages_that_agencys_queue(client, cast, assessing):
    admin = member(cast.health, Role.ADMINISTRATOR)
    client.force_login(admin)
    rows = client.get("/tasks/team/").context["rows"]
    assert [row.task.agency for row in rows] == [cast.health]


@pytest.mark.parametrize("who", ["caseworker", "health_adviser", "senco"])
def test_people_who_manage_no_queue_cannot_see_the_team_view(client, cast, assessing, who):
    client.force_login(getattr(cast, who))
    assert client.get("/tasks/team/").status_code == 403


def test_managers_have_team_tasks_in_the_menu(client, cast):
    client.force_login(cast.manager)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "Team tasks" in labels
    client.force_login(cast.caseworker)
    assert "Team tasks" not in [item["label"] for item in client.get("/").context["nav_items"]]


# -- reassigning from the team view --------------------------------------------------------------


def test_reassigning_asks_a_reason_and_records_it(client, cast, assessing):
    colleague = member(cast.council, Role.CASEWORKER, first_name="Colin", last_name="League")
    task = views_task(assessing.case, cast.council)
    client.force_login(cast.manager)
    url = f"/tasks/{task.public_id}/reassign/"
    page = client.get(url, {"next": "/tasks/team/?holder=none"})
    assert page.status_code == 200 and "Colin League" in page.content.decode()

    before = db_state()
    refused = client.post(url, {"user": colleague.pk, "reason": "  "})
    assert refused.status_code == 200
    assert "Enter the reason for giving the task to someone else" in refused.content.decode()
    assert db_state() == before

    not_in_queue = client.post(url, {"user": cast.health_adviser.pk, "reason": "Cover"})
    assert "Select someone who works this queue" in not_in_queue.content.decode()
    assert db_state() == before

    done = client.post(
        url,
        {
            "user": colleague.pk,
            "reason": "Covering annual leave",
            "next": "/tasks/team/?holder=none",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/tasks/team/?holder=none"
    task.refresh_from_db()
    assert task.owner == colleague
    record = TaskReassignment.objects.get()
    assert (record.from_user, record.to_user, record.by, record.reason) == (
        cast.caseworker,
        colleague,
        cast.manager,
        "Covering annual leave",
    )
    assert "Covering annual leave" in client.get(url).content.decode()  # shown with the task


def test_reassign_never_redirects_off_the_site(client, cast, assessing):
    colleague = member(cast.council, Role.CASEWORKER)
    task = views_task(assessing.case, cast.council)
    client.force_login(cast.manager)
    done = client.post(
        f"/tasks/{task.public_id}/reassign/",
        {"user": colleague.pk, "reason": "Cover", "next": "https://evil.example/"},
    )
    assert done["Location"] == f"/tasks/{task.public_id}/"


def test_a_caseworker_cannot_reassign(client, cast, assessing):
    task = views_task(assessing.case, cast.council)
    client.force_login(cast.caseworker)
    assert client.get(f"/tasks/{task.public_id}/reassign/").status_code == 403
    assert (
        client.post(
            f"/tasks/{task.public_id}/reassign/", {"user": cast.manager.pk, "reason": "x"}
        ).status_code
        == 403
    )
    task.refresh_from_db()
    assert task.owner == cast.caseworker


# -- changing a case's caseworker ----------------------------------------------------------------


def change(client, case, **data):
    return client.post(f"/tasks/team/cases/{case.public_id}/caseworker/", data)


def test_changing_the_caseworker_records_why_and_the_council_tasks_follow(client, cast, assessing):
    case = assessing.case
    newcomer = member(cast.council, Role.CASEWORKER, first_name="Nia", last_name="Newcomer")
    colleague = member(cast.council, Role.CASEWORKER)
    council_task = views_task(case, cast.council)
    (decision_task,) = open_tasks(case).filter(agency=cast.council).exclude(pk=council_task.pk)
    held_by_colleague = clone_tasks(council_task, 1, owner=colleague)[0]
    waiting = clone_tasks(council_task, 1, owner=None)[0]
    partner_tasks = {t.pk: t.owner_id for t in open_tasks(case).exclude(agency=cast.council)}
    client.force_login(cast.manager)

    response = change(client, case, caseworker=newcomer.pk, reason="Caseload balancing")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker == newcomer
    latest = case.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason, latest.caseworker_id) == (
        cast.manager,
        "Caseworker changed: Caseload balancing",
        newcomer.pk,
    )
    council_task.refresh_from_db()
    waiting.refresh_from_db()
    held_by_colleague.refresh_from_db()
    assert (council_task.owner, waiting.owner, held_by_colleague.owner) == (
        newcomer,
        newcomer,
        colleague,
    )
    assert waiting.status == STATUS.ASSIGNED
    assert {
        t.pk: t.owner_id for t in open_tasks(case).exclude(agency=cast.council)
    } == partner_tasks
    records = TaskReassignment.objects.order_by("task_id")
    assert [(r.task_id, r.from_user_id, r.to_user, r.reason) for r in records] == sorted(
        [
            (t.pk, owner, newcomer, "Caseworker changed: Caseload balancing")
            for t, owner in (
                (council_task, cast.caseworker.pk),
                (decision_task, cast.caseworker.pk),
                (waiting, None),
            )
        ],
        key=lambda record: record[0],
    )
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Nia Newcomer" in page
    form_page = client.get(f"/tasks/team/cases/{case.public_id}/caseworker/").content.decode()
    assert "Caseload balancing" in form_page and "to Nia Newcomer" in form_page
    # the new caseworker now finds the task in their inbox
    client.force_login(newcomer)
    assert council_task.public_id in [
        r.task.public_id for r in client.get("/tasks/").context["mine"]
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reason": "Caseload balancing"}, "Select the new caseworker"),
        (
            {"caseworker": "HEALTH", "reason": "Caseload balancing"},
            "Select a caseworker or SEN manager who works",
        ),
        ({"caseworker": "NEWCOMER", "reason": ""}, "Enter the reason for changing the caseworker"),
        (
            {"caseworker": "NEWCOMER", "reason": "x" * 81},
            "The reason must be 80 characters or fewer",
        ),
        (
            {"caseworker": "CASEWORKER", "reason": "Caseload balancing"},
            "is already the caseworker for this case",
        ),
    ],
)
def test_a_bad_caseworker_change_shows_why_and_changes_nothing(
    client, cast, assessing, data, message
):
    newcomer = member(cast.council, Role.CASEWORKER)
    people = {
        "HEALTH": cast.health_adviser.pk,
        "NEWCOMER": newcomer.pk,
        "CASEWORKER": cast.caseworker.pk,
    }
    data = {k: people.get(v, v) for k, v in data.items()}
    client.force_login(cast.manager)
    before = db_state()
    response = change(client, assessing.case, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert db_state() == before


def test_only_a_manager_of_the_council_changes_the_caseworker(client, cast, assessing):
    newcomer = member(cast.council, Role.CASEWORKER)
    before = db_state()
    client.force_login(cast.caseworker)
    assert (
        change(client, assessing.case, caseworker=newcomer.pk, reason="Because").status_code == 403
    )
    client.force_login(cast.outsider)
    assert (
        change(client, assessing.case, caseworker=newcomer.pk, reason="Because").status_code == 404
    )
    client.force_login(cast.health_adviser)
    assert (
        change(client, assessing.case, caseworker=newcomer.pk, reason="Because").status_code == 404
    )
    assert db_state() == before


def test_a_closed_cases_caseworker_cannot_be_changed(client, cast):
    case = CaseWalk(cast).to(AssessmentStatus.REFUSED).case
    newcomer = member(cast.council, Role.CASEWORKER)
    client.force_login(cast.manager)
    before = db_state()
    response = change(client, case, caseworker=newcomer.pk, reason="Because")
    assert response.status_code == 302
    assert db_state() == before


def test_the_case_page_offers_the_change_to_managers_only(client, cast, assessing):
    url = f"/tasks/team/cases/{assessing.case.public_id}/caseworker/"
    client.force_login(cast.manager)
    assert url in client.get(f"/cases/{assessing.case.public_id}/").content.decode()
    assert url in client.get("/cases/caseload/").content.decode()
    client.force_login(cast.caseworker)
    assert url not in client.get(f"/cases/{assessing.case.public_id}/").content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_a_reassignment(cast, assessing):
    colleague = member(cast.council, Role.CASEWORKER)
    task = views_task(assessing.case, cast.council)
    task_reassign(task=task, user=cast.manager, to_user=colleague, reason="Covering annual leave")
    table = "workflows_taskreassignment"
    for sql in (f"UPDATE {table} SET reason = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert TaskReassignment.objects.get().reason == "Covering annual leave"
