"""Agencies and people by role, and the case walk. Factories and the walk live in factories.py."""

import importlib

import pytest

from agencies.models import AgencyKind, Role
from tests import factories

_ACCESS_TABLE = importlib.import_module("agencies.migrations.0003_seed_data_access_rules")
_CONTINUING_CARE = importlib.import_module("agencies.migrations.0007_continuing_care_access_rules")
_REQUIREMENTS = importlib.import_module(
    "notifications.migrations.0009_seed_notification_requirements"
)
_REMINDER_RULES = importlib.import_module(
    "workflows.migrations.0012_reminder_rules_and_task_alerts"
)


@pytest.fixture(autouse=True)
def access_table(request):
    """The access table, what the council requires of notifications and the reminder rules are
    seeded by data migrations; a transactional test (live server, concurrency) flushes the
    database afterwards, so put the rows back for every database test."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    from django.apps import apps

    request.getfixturevalue("transactional_db" if _wants_transaction(request) else "db")
    _ACCESS_TABLE.seed(apps, None)
    _CONTINUING_CARE.seed(apps, None)
    if not apps.get_model("notifications", "NotificationRequirement").objects.exists():
        _REQUIREMENTS.seed(apps, None)
    if not apps.get_model("workflows", "StepAlertRule").objects.exists():
        _REMINDER_RULES.seed_rules(apps, None)


def _wants_transaction(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture
def council(db):
    return factories.AgencyFactory(kind=AgencyKind.SEN_TEAM, name="Northshire Council SEN team")


@pytest.fixture
def health(db):
    return factories.AgencyFactory(kind=AgencyKind.HEALTH, name="Northshire Community Health")


@pytest.fixture
def ep(db):
    return factories.AgencyFactory(kind=AgencyKind.EP_SERVICE, name="Northshire EP Service")


@pytest.fixture
def social_care(db):
    return factories.AgencyFactory(
        kind=AgencyKind.SOCIAL_CARE, name="Northshire Children's Services"
    )


@pytest.fixture
def school(db):
    return factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Riverside Primary", urn="100001")


@pytest.fixture
def caseworker(council):
    return factories.member(council, Role.CASEWORKER, username="caseworker")


@pytest.fixture
def manager(council):
    return factories.member(council, Role.SEN_MANAGER, username="manager")


@pytest.fixture
def health_adviser(health):
    return factories.member(health, Role.HEALTH_ADVISER, username="health_adviser")


@pytest.fixture
def psychologist(ep):
    return factories.member(ep, Role.EDUCATIONAL_PSYCHOLOGIST, username="psychologist")


@pytest.fixture
def social_worker(social_care):
    return factories.member(social_care, Role.SOCIAL_CARE_ADVISER, username="social_worker")


@pytest.fixture
def senco(school):
    return factories.member(school, Role.SENCO, username="senco")


@pytest.fixture
def outsider(db):
    """An SEN manager, but of another council."""
    other = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM, name="Southshire Council SEN team")
    return factories.member(other, Role.SEN_MANAGER, username="outsider")


@pytest.fixture
def cast(
    council,
    health,
    ep,
    social_care,
    school,
    caseworker,
    manager,
    health_adviser,
    psychologist,
    social_worker,
    senco,
    outsider,
):
    return factories.Cast(
        council=council,
        health=health,
        ep=ep,
        social_care=social_care,
        school=school,
        caseworker=caseworker,
        manager=manager,
        health_adviser=health_adviser,
        psychologist=psychologist,
        social_worker=social_worker,
        senco=senco,
        outsider=outsider,
    )


@pytest.fixture
def walk(cast):
    """A fresh CaseWalk: drive a case step by step (`walk.receive()`, `walk.consent()` ...)."""
    return factories.CaseWalk(cast)


@pytest.fixture
def case_at(cast):
    """`case_at("CONSULTING")`: a case driven through the real flow to that stage."""

    def make(stage, **kwargs):
        return factories.case_at(stage, cast, **kwargs)

    return make
