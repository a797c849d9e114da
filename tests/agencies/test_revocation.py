"""Revocation is immediate (AC-06): disabling an account, revoking or deleting a membership, or
deactivating an agency deletes the person's live sessions, so the old cookie gets the sign-in
page."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from agencies.models import AgencyKind, Membership, Role, SignInSession
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    return factories.AgencyFactory(kind=AgencyKind.SEN_TEAM)


@pytest.fixture
def person(council):
    return factories.member(council, Role.CASEWORKER, username="jo.bloggs")


def signed_in(user, password="not-a-secret"):
    """A browser that signed in through the sign-in page, as a person does."""
    browser = Client()
    response = browser.post("/sign-in/", {"username": user.username, "password": password})
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    return browser


def is_sent_to_sign_in(browser) -> bool:
    response = browser.get("/")
    return response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_sign_in_records_whose_session_it_is_and_sign_out_forgets_it(person):
    browser = signed_in(person)
    key = browser.session.session_key
    assert (
        SignInSession.objects.get().session_key == key
        and SignInSession.objects.get().user == person
    )
    browser.post("/sign-out/")
    assert not SignInSession.objects.exists()


def test_disabling_an_account_ends_every_session_of_it(person, council):
    laptop, phone = signed_in(person), signed_in(person)
    colleague = factories.member(council, Role.CASEWORKER, username="colleague")
    theirs = signed_in(colleague)

    person.is_active = False
    person.save()

    assert is_sent_to_sign_in(laptop) and is_sent_to_sign_in(phone)
    assert not Session.objects.filter(session_key__in=[laptop.session.session_key]).exists()
    assert SignInSession.objects.filter(user=person).count() == 0
    assert theirs.get("/").status_code == 200  # nobody else is signed out


def test_saving_an_active_account_keeps_its_sessions(person):
    browser = signed_in(person)
    person.first_name = "Joanne"
    person.save()
    assert browser.get("/").status_code == 200


def test_revoking_a_membership_ends_the_persons_sessions(person):
    browser = signed_in(person)
    membership = Membership.objects.get(user=person)
    membership.is_active = False
    membership.save()
    assert is_sent_to_sign_in(browser)


def test_deleting_a_membership_ends_the_persons_sessions(person):
    browser = signed_in(person)
    Membership.objects.get(user=person).delete()
    assert is_sent_to_sign_in(browser)


def test_deactivating_an_agency_ends_its_members_sessions(person, council):
    browser = signed_in(person)
    council.is_active = False
    council.save()
    assert is_sent_to_sign_in(browser)


def test_disabling_an_account_in_the_admin_ends_its_sessions(person, council):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "root", "root@example.org", "a-long-admin-password"
    )
    # The support site is for staff who are also the council's administrators.
    Membership.objects.create(user=admin, agency=council, role=Role.ADMINISTRATOR)
    browser = signed_in(person)
    admin_browser = Client()
    admin_browser.force_login(admin)
    page = admin_browser.get(f"/admin/auth/user/{person.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": person.username,
            "is_active": "",
            "date_joined_0": "2027-01-01",
            "date_joined_1": "09:00:00",
            "groups": [],
            "user_permissions": [],
        }
    )
    data = {k: v for k, v in data.items() if k not in ("password", "last_login", "is_active")}
    response = admin_browser.post(f"/admin/auth/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.is_active is False
    assert is_sent_to_sign_in(browser)
