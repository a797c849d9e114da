"""Migrations carry the data across (django-test-migrations): rows are built at the old schema,
the migration runs, and the rows are checked at the new one. Runs on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("ehcp", "0009_access_relationship_support")
AFTER = ("ehcp", "0011_ehc_plans_from_final_plans")
# The models move into the rooms (ADR 0007): every app's migration of the split.
ROOMS = [
    ("ehcp", "0012_models_moved_to_rooms"),
    ("children", "0001_initial"),
    ("plans", "0001_initial"),
    ("assessments", "0003_initial"),
    ("governance", "0001_initial"),
    ("workflows", "0005_case_is_an_assessment"),
]


def _old_world(apps):
    """Two children: one with a final plan and, later, a re-assessment's final plan; one whose
    assessment is still open. Plus the history row and an issued document."""
    User = apps.get_model("auth", "User")
    Agency = apps.get_model("agencies", "Agency")
    Child = apps.get_model("ehcp", "Child")
    Assessment = apps.get_model("ehcp", "Case")
    HistoricalCase = apps.get_model("ehcp", "HistoricalCase")
    PlanDocument = apps.get_model("ehcp", "PlanDocument")
    officer = User.objects.create(username="officer")
    council = Agency.objects.create(name="Northshire Council SEN team", kind="SEN_TEAM")

    def case(child, status, received, final=None):
        return Assessment.objects.create(
            child=child,
            council=council,
            status=status,
            requested_by="PARENT",
            request_received_on=received,
            request_reasons="Not making progress",
            decision_to_assess_due_on=received,
            decision_not_to_issue_due_on=received,
            final_plan_due_on=received,
            final_issued_on=final,
            closed_on=final,
        )

    ada = Child.objects.create(first_name="Ada", last_name="Quill", date_of_birth=date(2016, 1, 2))
    bo = Child.objects.create(first_name="Bo", last_name="Quill", date_of_birth=date(2017, 3, 4))
    first = case(ada, "FINAL_ISSUED", date(2024, 1, 8), final=date(2024, 5, 20))
    again = case(ada, "FINAL_ISSUED", date(2025, 9, 1), final=date(2026, 1, 12))
    open_case = case(bo, "CONSULTING", date(2026, 6, 1))
    issued_at = datetime(2024, 5, 20, 15, 30, tzinfo=UTC)
    HistoricalCase.objects.create(
        id=first.pk,
        public_id=first.public_id,
        child_id=ada.pk,
        council_id=council.pk,
        status="FINAL_ISSUED",
        requested_by="PARENT",
        request_received_on=first.request_received_on,
        request_reasons="Not making progress",
        decision_to_assess_due_on=first.request_received_on,
        decision_not_to_issue_due_on=first.request_received_on,
        final_plan_due_on=first.request_received_on,
        final_issued_on=first.final_issued_on,
        created_at=issued_at,
        updated_at=issued_at,
        history_date=issued_at,
        history_user_id=officer.pk,
        history_type="~",
        history_change_reason="Final plan issued",
    )
    document = PlanDocument.objects.create(
        case=first,
        kind="FINAL_PLAN",
        version=2,
        content={"sections": {"A": "Ada likes trains"}},
        file="documents/abc/def.pdf",
        sha256="ab" * 32,
        size=1234,
        issued_on=first.final_issued_on,
        issued_at=issued_at,
        issued_by=officer,
    )
    return officer, ada, bo, first, again, open_case, document, issued_at


def test_every_final_plan_becomes_the_childs_ehc_plan_and_nothing_else_changes(migrator):
    """One test, not several: each rebuilds the schema from the first migration (about 30s)."""
    old = migrator.apply_initial_migration(BEFORE)
    officer, ada, bo, first, again, open_case, document, issued_at = _old_world(old.apps)
    document_before = old.apps.get_model("ehcp", "PlanDocument").objects.values().get()

    new = migrator.apply_tested_migration(AFTER)
    EhcPlan = new.apps.get_model("ehcp", "EhcPlan")
    Assessment = new.apps.get_model("ehcp", "Case")
    PlanDocument = new.apps.get_model("ehcp", "PlanDocument")

    plan = EhcPlan.objects.get()  # one plan for Ada, none for Bo
    assert (plan.child_id, plan.status, plan.first_issued_on) == (
        ada.pk,
        "IN_FORCE",
        date(2024, 5, 20),
    )
    links = dict(Assessment.objects.values_list("pk", "ehc_plan_id"))
    assert links == {first.pk: plan.pk, again.pk: plan.pk, open_case.pk: None}
    made = new.apps.get_model("ehcp", "HistoricalEhcPlan").objects.get()
    assert (made.history_user_id, made.history_date, made.history_type) == (
        officer.pk,
        issued_at,
        "+",
    )
    assert "carried over" in made.history_change_reason
    # The issued document, its file name and checksum are untouched.
    assert PlanDocument.objects.values().get() == document_before

    # Into the rooms: the same rows, read through the moved models; the history with them.
    ContentType = new.apps.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="ehcp", model="case")
    ContentType.objects.filter(app_label="assessments", model="assessment").delete()
    rows_before = {
        name: list(new.apps.get_model("ehcp", name).objects.order_by("pk").values())
        for name in ("Child", "Case", "EhcPlan", "PlanDocument", "HistoricalCase")
    }
    rooms = migrator.apply_tested_migration(ROOMS)
    moved = {
        "Child": ("children", "Child"),
        "Case": ("assessments", "Assessment"),
        "EhcPlan": ("plans", "EhcPlan"),
        "PlanDocument": ("plans", "PlanDocument"),
        "HistoricalCase": ("ehcp", "HistoricalAssessment"),
    }
    for name, (app_label, model) in moved.items():
        rows = list(rooms.apps.get_model(app_label, model).objects.order_by("pk").values())
        assert rows == rows_before[name], name
    Assessment = rooms.apps.get_model("assessments", "Assessment")
    assert Assessment.objects.get(pk=first.pk).ehc_plan.child.first_name == "Ada"
    assert rooms.apps.get_model("plans", "PlanDocument").objects.get().case_id == first.pk
    ContentType = rooms.apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="assessments", model="assessment").exists()
    assert not ContentType.objects.filter(app_label="ehcp", model="case").exists()

    # And back, through the split: the plans go, every assessment stays.
    back = migrator.apply_tested_migration(BEFORE)
    statuses = back.apps.get_model("ehcp", "Case").objects.values_list("status", flat=True)
    assert sorted(statuses) == ["CONSULTING", "FINAL_ISSUED", "FINAL_ISSUED"]


# -- the later data migrations, walked forward once ----------------------------------------------
#
# Each stage builds rows at the schema before its migration, applies it, and checks the rows at
# the schema after. One walk, not a test a stage: the migrator rebuilds the schema from the first
# migration for each test and migrates to the last after it, so a test a stage cost about a minute
# each on SQLite. The rows of one stage stay in the database for the next, so each stage checks its
# own rows only.


def _world(apps):
    """The council, its officer and a school, made once at the first stage's schema; later
    stages read them back (names and usernames are unique)."""
    User = apps.get_model("auth", "User")
    Agency = apps.get_model("agencies", "Agency")
    officer, _ = User.objects.get_or_create(username="officer")
    council, _ = Agency.objects.get_or_create(name="Northshire Council SEN team", kind="SEN_TEAM")
    return officer, council


def _assessment(apps, council, first_name, status, **fields):
    Child = apps.get_model("children", "Child")
    return apps.get_model("assessments", "Assessment").objects.create(
        child=Child.objects.create(
            first_name=first_name, last_name="Quill", date_of_birth=date(2016, 1, 2)
        ),
        council=council,
        status=status,
        requested_by="PARENT",
        request_received_on=date(2026, 1, 12),
        request_reasons="Not making progress",
        decision_to_assess_due_on=date(2026, 2, 23),
        decision_not_to_issue_due_on=date(2026, 5, 4),
        final_plan_due_on=date(2026, 6, 1),
        **fields,
    )


def _exceptions_before(apps) -> tuple[int, int]:
    officer, council = _world(apps)
    case = _assessment(apps, council, "Ada", "REQUESTED")
    StatutoryException = apps.get_model("assessments", "StatutoryException")

    def exception(ends_on, family_told_on):
        return StatutoryException.objects.create(
            case=case,
            period_code="EHCP-DECIDE-6W",
            limb="5(4)(c)",
            starts_on=date(2026, 2, 1),
            ends_on=ends_on,
            evidence="Hospital letter",
            reasoning="The parent could not be consulted",
            family_told_on=family_told_on,
            recorded_by=officer,
        ).pk

    return exception(date(2026, 2, 10), date(2026, 2, 11)), exception(None, None)


def _exceptions_after(apps, ended: int, open_ended: int) -> None:
    """assessments 0005 (issue 9): an exception can be recorded as still going on. Existing rows
    keep every value; none is marked as still going on, so one without an end date does not
    count until the caseworker completes it (`StatutoryException.counts`)."""
    StatutoryException = apps.get_model("assessments", "StatutoryException")
    rows = {
        row["pk"]: row
        for row in StatutoryException.objects.values(
            "pk", "ends_on", "ongoing", "ongoing_evidence", "family_told_on", "evidence"
        )
    }
    assert rows[ended] == {
        "pk": ended,
        "ends_on": date(2026, 2, 10),
        "ongoing": False,
        "ongoing_evidence": "",
        "family_told_on": date(2026, 2, 11),
        "evidence": "Hospital letter",
    }
    assert (rows[open_ended]["ends_on"], rows[open_ended]["ongoing"]) == (None, False)
    counting = StatutoryException.objects.filter(ends_on__isnull=False) | (
        StatutoryException.objects.filter(ongoing=True)
    )
    assert set(counting.values_list("pk", flat=True)) == {ended}


def _consultations_before(apps) -> tuple[int, int, int]:
    _, council = _world(apps)
    Agency = apps.get_model("agencies", "Agency")
    SettingConsultation = apps.get_model("assessments", "SettingConsultation")
    school = Agency.objects.create(name="Riverside Primary", kind="SCHOOL")
    other = Agency.objects.create(name="Hillside Academy", kind="SCHOOL")

    def consulted(case, setting):
        return SettingConsultation.objects.create(
            case=case, setting=setting, sent_on=date(2026, 5, 1), reply_due_on=date(2026, 5, 15)
        ).pk

    asked = _assessment(apps, council, "Bea", "CONSULTING", requested_setting=school)
    council_choice = consulted(_assessment(apps, council, "Bo", "CONSULTING"), school)
    return consulted(asked, school), consulted(asked, other), council_choice


def _consultations_after(apps, preference: int, alternative: int, council_choice: int) -> None:
    """assessments 0010 (issue 9, s.39(2) CFA 2014): existing consultations with the school the
    family asked for are marked as their preference; others are the council's alternatives; none
    is recorded as silent."""
    SettingConsultation = apps.get_model("assessments", "SettingConsultation")
    rows = {
        row["pk"]: (row["requested_by_family"], row["closed_without_reply_on"])
        for row in SettingConsultation.objects.values(
            "pk", "requested_by_family", "closed_without_reply_on"
        )
    }
    assert rows == {
        preference: (True, None),
        alternative: (False, None),
        council_choice: (False, None),
    }


def _audit_table_kind() -> str:
    """'p' (partitioned) or 'r' (plain) on PostgreSQL; 'sqlite' on SQLite."""
    if connection.vendor != "postgresql":
        return "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'ehcp_accessevent'::regclass")
        return cursor.fetchone()[0]


def _audit_partition_of_each() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tableoid::regclass::text FROM ehcp_accessevent")
        return dict(cursor.fetchall())


def _read_audit_partitioned_and_back(migrator, before, after) -> None:
    """governance.0003: on PostgreSQL the table becomes partitioned by month (plain on SQLite);
    every row, id and value is kept both ways, and new rows' ids carry on from the old ones."""
    old = migrator.apply_tested_migration(before)
    User = old.apps.get_model("auth", "User")
    AccessEvent = old.apps.get_model("governance", "AccessEvent")
    reader = User.objects.create(username="reader")
    now = datetime.now(UTC)
    far = datetime(now.year + 4, 6, 1, 9, 0, tzinfo=UTC)

    def event(when, request_id):
        return AccessEvent.objects.create(
            user=reader,
            what="case",
            relationship="council",
            occurred_at=when,
            request_id=request_id,
        ).pk

    old_ids = [
        event(datetime(2024, 3, 31, 23, 30, tzinfo=UTC), "old"),
        event(now, "now"),
        event(far, "far"),
    ]
    rows_before = list(AccessEvent.objects.order_by("pk").values())

    new = migrator.apply_tested_migration(after)
    AccessEvent = new.apps.get_model("governance", "AccessEvent")
    assert list(AccessEvent.objects.order_by("pk").values()) == rows_before
    later = AccessEvent.objects.create(
        user_id=reader.pk, what="case", relationship="council", occurred_at=now, request_id="new"
    ).pk
    assert later > max(old_ids)
    if connection.vendor == "postgresql":
        assert _audit_table_kind() == "p"
        where = _audit_partition_of_each()
        assert where[old_ids[0]] == "ehcp_accessevent_y2024m03"
        assert where[old_ids[1]] == f"ehcp_accessevent_y{now:%Y}m{now:%m}"
        assert where[old_ids[2]] == "ehcp_accessevent_default"
        assert where[later] == where[old_ids[1]]
    rows_partitioned = list(AccessEvent.objects.order_by("pk").values())

    back = migrator.apply_tested_migration(before)
    AccessEvent = back.apps.get_model("governance", "AccessEvent")
    assert list(AccessEvent.objects.order_by("pk").values()) == rows_partitioned
    assert _audit_table_kind() in ("r", "sqlite")
    again = AccessEvent.objects.create(
        user_id=reader.pk, what="case", relationship="council", occurred_at=now, request_id="again"
    ).pk
    assert again > later


def _breaches_before(apps) -> dict[str, int]:
    _, council = _world(apps)
    Agency = apps.get_model("agencies", "Agency")
    AdviceRequest = apps.get_model("assessments", "AdviceRequest")
    health = Agency.objects.create(name="Northshire Health", kind="HEALTH")

    def advice(case, kind, due_on, **fields):
        AdviceRequest.objects.create(
            case=case,
            kind=kind,
            agency=health,
            requested_on=date(2026, 2, 16),
            due_on=due_on,
            **fields,
        )

    requested = _assessment(apps, council, "Cat", "REQUESTED")
    owed = _assessment(apps, council, "Cole", "ASSESSING")
    advice(owed, "HEALTH", date(2026, 3, 30))
    advice(owed, "OTHER", date(2026, 3, 2), status="CANCELLED")
    received = _assessment(apps, council, "Cy", "ASSESSING")
    advice(received, "HEALTH", date(2026, 3, 30), received_on=date(2026, 3, 20))
    drafting = _assessment(apps, council, "Di", "DRAFTING")
    advice(drafting, "HEALTH", date(2026, 3, 30), proceeded_without_on=date(2026, 4, 2))
    closed = _assessment(apps, council, "Ed", "FINAL_ISSUED")
    advice(closed, "HEALTH", date(2026, 3, 30))
    return {
        "requested": requested.pk,
        "owed": owed.pk,
        "received": received.pk,
        "drafting": drafting.pk,
        "closed": closed.pk,
    }


def _breaches_after(apps, cases: dict[str, int]) -> None:
    """assessments 0014 (issue 12): `breaches_on` is filled for the cases already there, by the
    rule the services use: the step's own date, or advice still owed if it is due earlier."""
    Assessment = apps.get_model("assessments", "Assessment")
    breaches = dict(
        Assessment.objects.filter(pk__in=cases.values()).values_list("pk", "breaches_on")
    )
    assert {name: breaches[pk] for name, pk in cases.items()} == {
        "requested": date(2026, 2, 23),
        "owed": date(2026, 3, 30),
        "received": date(2026, 5, 4),
        "drafting": date(2026, 6, 1),
        "closed": None,
    }


def test_the_later_data_migrations_carry_every_row_across(migrator):
    """Exceptions (assessments 0005), consultations (assessments 0010), the read audit's
    partitions (governance 0003, both ways) and the breach dates (assessments 0014), in the order
    the migrations run. (The plan is cut at each stage's last target, so none of a room's later
    migrations runs before the one tested.)"""
    old = migrator.apply_initial_migration(("assessments", "0004_no_further_comments"))
    exceptions = _exceptions_before(old.apps)
    new = migrator.apply_tested_migration(
        [("assessments", "0005_exception_ongoing"), ("ehcp", "0014_historical_exception_ongoing")]
    )
    _exceptions_after(new.apps, *exceptions)

    old = migrator.apply_tested_migration(("assessments", "0009_reassessment"))
    consultations = _consultations_before(old.apps)
    new = migrator.apply_tested_migration(
        [
            ("assessments", "0010_settings_consulted_and_silence"),
            ("ehcp", "0019_settings_consulted_and_silence"),
        ]
    )
    _consultations_after(new.apps, *consultations)

    _read_audit_partitioned_and_back(
        migrator,
        ("governance", "0002_disclosure_outside_an_assessment"),
        ("governance", "0003_access_events_partitioned_by_month"),
    )

    old = migrator.apply_tested_migration(("assessments", "0013_assessment_breaches_on"))
    breaches = _breaches_before(old.apps)
    new = migrator.apply_tested_migration(("assessments", "0014_fill_breaches_on"))
    _breaches_after(new.apps, breaches)

    old = migrator.apply_tested_migration(("plans", "0010_pipeline_plan_index"))
    plans = _plans_before(old.apps)
    new = migrator.apply_tested_migration(("plans", "0012_ehcplan_child_date_of_birth_required"))
    _plans_after(new.apps, plans)


def _plans_before(apps) -> dict[int, date]:
    _, council = _world(apps)
    Child = apps.get_model("children", "Child")
    EhcPlan = apps.get_model("plans", "EhcPlan")
    plans = {}
    for name, born, status in [
        ("Flo", date(2015, 12, 1), "IN_FORCE"),
        ("Gus", date(2011, 3, 3), "CEASING"),
        ("Hal", date(2008, 7, 9), "CEASED"),
    ]:
        child = Child.objects.create(first_name=name, last_name="Quill", date_of_birth=born)
        plan = EhcPlan.objects.create(
            child=child, council=council, status=status, first_issued_on=date(2024, 5, 1)
        )
        plans[plan.pk] = born
    return plans


def _plans_after(apps, plans: dict[int, date]) -> None:
    """plans 0011 (issue 12): every plan, live or ceased, has its child's date of birth."""
    EhcPlan = apps.get_model("plans", "EhcPlan")
    found = dict(EhcPlan.objects.filter(pk__in=plans).values_list("pk", "child_date_of_birth"))
    assert found == plans
