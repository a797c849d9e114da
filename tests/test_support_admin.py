"""The support site (/admin/): administrators only, casework records read-only and audited,
protected whereabouts hidden without the permission, configuration editable with history.

The URL walk (tests/security/test_url_walk.py) leaves out admin/ routes; they are tested here.
"""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.admin import ConfigurationAdmin
from agencies.models import Agency, DataAccessRule, Membership, Role
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.models import Child, ParentCarer
from ehcp.governance.models import AccessEvent, AccessRelationship, AccessWhat
from tests import factories
from workflows.models import StepAlertRule

pytestmark = pytest.mark.django_db

WHEREABOUTS = "17 Hiddenway Close"
DOMAIN_APPS = ("children", "plans", "assessments", "governance", "workflows")


def _admin_user(council, *, whereabouts=False, **fields):
    user = factories.UserFactory(
        username=fields.pop("username", "supportadmin"), is_staff=True, **fields
    )
    Membership.objects.create(
        user=user,
        agency=council,
        role=Role.ADMINISTRATOR,
        may_see_protected_whereabouts=whereabouts,
    )
    return user


@pytest.fixture
def support_admin(council):
    return _admin_user(council)


def _protect(case):
    """Give the case's child protected whereabouts, an address and a parent's contacts."""
    Child.objects.filter(pk=case.child_id).update(
        protected_whereabouts=True, address=WHEREABOUTS, postcode="ZZ9 9ZZ"
    )
    ParentCarer.objects.create(
        child=case.child,
        name="Pat Parent",
        relationship="mother",
        address=WHEREABOUTS,
        email="hidden@family.example.org",
    )
    return Assessment.objects.get(pk=case.pk)


@pytest.fixture
def final_case(walk):
    """A case walked to the final plan: every kind of domain record exists."""
    return _protect(walk.to(AssessmentStatus.FINAL_ISSUED).case)


def _domain_models():
    """The casework records (read-only); not the configuration an administrator edits (the
    reminder rules)."""
    return [
        model
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS and not isinstance(model_admin, ConfigurationAdmin)
    ]


def _urls(model, pk=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if pk is None:
        return reverse(f"{name}_changelist"), reverse(f"{name}_add")
    return reverse(f"{name}_change", args=[pk]), reverse(f"{name}_delete", args=[pk])


def test_every_casework_model_is_registered():
    names = {model.__name__ for model in _domain_models()}
    assert {
        "Child",
        "ParentCarer",
        "Assessment",
        "ConsentRecord",
        "AdviceRequest",
        "SettingConsultation",
        "EhcPlan",
        "Plan",
        "PlanNeed",
        "PlanOutcome",
        "PlanProvision",
        "PlanDocument",
        "CaseProcess",
        "CaseTask",
    } <= names
    assert {Agency, Membership, DataAccessRule} <= set(admin.site._registry)


def test_an_administrator_reads_every_record_and_each_read_is_audited(
    client, final_case, support_admin
):
    client.force_login(support_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    read = set()
    for model in _domain_models():
        obj = model._default_manager.order_by("pk").first()
        changelist, add = _urls(model)
        before = AccessEvent.objects.count()
        response = client.get(changelist)
        assert response.status_code == 200, model
        listed = AccessEvent.objects.order_by("pk")[before:]
        assert [e.what for e in listed] == [AccessWhat.LIST], model
        assert listed[0].relationship == AccessRelationship.SUPPORT
        if obj is None:  # no row of this kind on the walked case (a consent override ...)
            assert listed[0].child_ids == []
            continue
        read.add(model.__name__)
        assert final_case.child_id in listed[0].child_ids, model

        change, delete = _urls(model, obj.pk)
        before = AccessEvent.objects.count()
        page = client.get(change)
        assert page.status_code == 200, model
        events = list(AccessEvent.objects.order_by("pk")[before:])
        assert len(events) == 1, model
        assert events[0].child_id == final_case.child_id and events[0].what == AccessWhat.CASE
        assert (
            events[0].user == support_admin and events[0].relationship == AccessRelationship.SUPPORT
        )

        # Nothing can be added, changed or deleted, and a refused attempt records nothing.
        before = AccessEvent.objects.count()
        assert client.get(add).status_code == 403, model
        assert client.post(change, {}).status_code == 403, model
        assert client.get(delete).status_code == 403, model
        assert client.post(delete, {"post": "yes"}).status_code == 403, model
        assert model._default_manager.filter(pk=obj.pk).exists()
        assert AccessEvent.objects.count() == before
    assert {
        "Child",
        "Assessment",
        "ConsentRecord",
        "AdviceRequest",
        "Plan",
        "PlanNeed",
        "DocumentRender",
        "SettingConsultation",
        "CaseTask",
        "CaseProcess",
        "ParentCarer",
    } <= read


def test_the_case_search_finds_a_reference(client, final_case, support_admin):
    client.force_login(support_admin)
    page = client.get(
        reverse("admin:assessments_assessment_changelist"), {"q": final_case.reference}
    ).content.decode()
    assert final_case.reference in page and "1 assessment" in page


def _every_page_of(client, case):
    """Every list, record and history page of the support site that touches this case."""
    for model in _domain_models():
        changelist, _ = _urls(model)
        yield changelist, client.get(changelist).content.decode()
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for obj in model._default_manager.order_by("pk"):
            for view in ("change", "history"):
                url = reverse(f"{name}_{view}", args=[obj.pk])
                yield url, client.get(url).content.decode()


def test_protected_whereabouts_are_hidden_without_the_permission(
    client, cast, council, support_admin
):
    walk = factories.CaseWalk(cast, advice=(*factories.DEFAULT_ADVICE, "EDUCATIONAL"))
    case = _protect(walk.to(AssessmentStatus.FINAL_ISSUED).case)
    school = case.named_setting.name
    assert case.advice_requests.filter(agency=cast.school).exists()
    client.force_login(support_admin)
    leaks = []
    for url, page in _every_page_of(client, case):
        for secret in (WHEREABOUTS, "ZZ9 9ZZ", school, "hidden@family.example.org"):
            if secret in page:
                leaks.append((url, secret))
    assert not leaks
    search = client.get(reverse("admin:children_child_changelist"), {"q": "ZZ9"}).content.decode()
    assert "0 children" in search  # whereabouts are not searchable
    page = client.get(reverse("admin:children_child_change", args=[case.child_id])).content.decode()
    assert case.child.full_name in page
    # The record page's event does not claim contact details were shown.
    event = AccessEvent.objects.filter(child=case.child, what=AccessWhat.CASE, case=None).first()
    assert "CONTACT" not in event.data_types

    allowed = _admin_user(council, whereabouts=True, username="whereaboutsadmin")
    client.force_login(allowed)
    page = client.get(reverse("admin:children_child_change", args=[case.child_id])).content.decode()
    assert WHEREABOUTS in page and "ZZ9 9ZZ" in page
    page = client.get(
        reverse("admin:assessments_assessment_change", args=[case.pk])
    ).content.decode()
    assert school in page
    events = AccessEvent.objects.filter(user=allowed, what=AccessWhat.CASE, case=None)
    assert "CONTACT" in events.get().data_types


@pytest.mark.parametrize("kind", ["staff_only", "superuser_only", "revoked", "admin_not_staff"])
def test_only_staff_who_are_administrators_may_use_the_site(
    client, final_case, council, caseworker, kind
):
    if kind == "staff_only":  # staff, but a caseworker rather than an administrator
        caseworker.is_staff = True
        caseworker.save()
        user = caseworker
    elif kind == "superuser_only":
        user = factories.UserFactory(username="root-ish", is_staff=True, is_superuser=True)
    elif kind == "revoked":
        user = _admin_user(council)
        Membership.objects.filter(user=user).update(is_active=False)
    else:
        user = _admin_user(council, username="notstaff")
        user.is_staff = False
        user.save()
    client.force_login(user)
    before = AccessEvent.objects.count()
    for url in [
        reverse("admin:index"),
        reverse("admin:children_child_changelist"),
        reverse("admin:children_child_change", args=[final_case.child_id]),
        reverse("admin:agencies_membership_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("admin:login")
        ), url
    assert AccessEvent.objects.count() == before


def test_the_index_lists_records_and_configuration_for_an_administrator(client, support_admin):
    client.force_login(support_admin)
    page = client.get(reverse("admin:index")).content.decode()
    for label in ["Children", "Assessments", "Memberships", "Data access rules", "Case tasks"]:
        assert label in page


def test_configuration_is_editable_and_the_change_is_recorded(
    client, council, support_admin, caseworker
):
    client.force_login(support_admin)
    membership = Membership.objects.get(user=caseworker)
    url = reverse("admin:agencies_membership_change", args=[membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"user": caseworker.pk, "agency": council.pk, "role": Role.SEN_MANAGER, "is_active": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.SEN_MANAGER
    record = membership.history.order_by("-history_date").first()
    assert record.history_user == support_admin
    assert record.history_change_reason == "Changed in the support site"
    # Memberships are deactivated, never deleted.
    delete = reverse("admin:agencies_membership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # The access table can be changed (it is the agreement as data).
    agency_page = client.get(reverse("admin:agencies_agency_change", args=[council.pk]))
    assert agency_page.status_code == 200 and caseworker.username in agency_page.content.decode()
    rule = DataAccessRule.objects.first()
    assert (
        client.get(reverse("admin:agencies_dataaccessrule_change", args=[rule.pk])).status_code
        == 200
    )


def test_the_reminder_rules_are_edited_in_the_support_site_and_each_change_is_recorded(
    client, support_admin
):
    client.force_login(support_admin)
    rule = StepAlertRule.objects.get(step__endswith=".health_advice")
    url = reverse("admin:workflows_stepalertrule_change", args=[rule.pk])
    page = client.get(url).content.decode()
    assert "Assessment: Give health advice" in page

    refused = client.post(
        url, {"step": rule.step, "remind_days_before": "0", "escalate_days_overdue": "2"}
    )
    assert refused.status_code == 200  # 0 working days is not a reminder: the form says so
    rule.refresh_from_db()
    assert rule.remind_days_before == 5

    response = client.post(
        url,
        {
            "step": rule.step,
            "remind_days_before": "7",
            "escalate_days_overdue": "",
            "warn_days_before": "",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.remind_days_before, rule.escalate_days_overdue) == (7, None)
    record = rule.history.order_by("-history_date").first()
    assert (record.history_user, record.history_change_reason) == (
        support_admin,
        "Reminder rule changed in the support site",
    )
    assert (
        client.post(
            reverse("admin:workflows_stepalertrule_delete", args=[rule.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_each_list_reads_the_same_number_of_queries_however_many_rows(client, cast, support_admin):
    def counts():
        result = {}
        for model in _domain_models():
            changelist, _ = _urls(model)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(changelist).status_code == 200
            result[model.__name__] = len(queries)
        return result

    client.force_login(support_admin)
    _protect(factories.CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED).case)
    one = counts()
    walk = factories.CaseWalk(cast, advice=(*factories.DEFAULT_ADVICE, "EDUCATIONAL"))
    _protect(walk.to(AssessmentStatus.FINAL_ISSUED).case)
    assert counts() == one
