"""Sign-in throttling (AS-04): django-axes locks a username from an IP address after
SIGN_IN_FAILURE_LIMIT wrong passwords, for a finite cool-off; the right password is refused while
locked; the page is the same for known and unknown usernames; every lockout is logged."""

import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from agencies.models import AgencyKind, Role
from tests import factories

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime(2027, 3, 10, 9, 0))
RIGHT = "not-a-secret"  # tests/factories.py UserFactory's password


@pytest.fixture
def person(db):
    council = factories.AgencyFactory(kind=AgencyKind.SEN_TEAM)
    return factories.member(council, Role.CASEWORKER, username="jo.bloggs")


def sign_in(client, username, password, ip="198.51.100.20"):
    return client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="198.51.100.20"):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", ip=ip)
        assert response.status_code in (200, 429)
    return response


def test_the_limit_and_cool_off_are_finite_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@time_machine.travel(START, tick=False)
def test_the_right_password_is_refused_after_too_many_wrong_ones(client, person):
    fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT - 1)
    # One short of the limit: the right password still works, and resets the count.
    assert sign_in(client, "jo.bloggs", RIGHT).status_code == 302
    client.post("/sign-out/")

    last = fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT)
    assert last.status_code == 429
    response = sign_in(client, "jo.bloggs", RIGHT)
    assert response.status_code == 429
    body = response.content.decode()
    assert "You have entered the wrong username or password too many times" in body
    assert "Wait 15 minutes and try again" in body
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still not signed in


@time_machine.travel(START, tick=False)
def test_sign_in_works_again_after_the_cool_off(client, person):
    fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(START + timedelta(minutes=14)):
        assert sign_in(client, "jo.bloggs", RIGHT).status_code == 429
    with time_machine.travel(START + timedelta(minutes=15, seconds=1)):
        response = sign_in(client, "jo.bloggs", RIGHT)
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/").status_code == 200


@time_machine.travel(START, tick=False)
def test_the_lock_is_on_the_username_from_that_address_only(client, person):
    fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT, ip="198.51.100.20")
    assert sign_in(client, "jo.bloggs", RIGHT, ip="198.51.100.20").status_code == 429
    # The same person from another address is not locked out (no denial of service by a guesser).
    assert sign_in(client, "jo.bloggs", RIGHT, ip="203.0.113.5").status_code == 302


@time_machine.travel(START, tick=False)
def test_known_and_unknown_usernames_get_the_same_pages(client, person):
    def page(response):
        body = response.content.decode()
        return response.status_code, body.replace("jo.bloggs", "NAME").replace(
            "no.such.person", "NAME"
        )

    def csrf_free(pair):
        import re

        status, body = pair
        return status, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    known_wrong = csrf_free(page(sign_in(client, "jo.bloggs", "wrong-password")))
    unknown_wrong = csrf_free(page(sign_in(client, "no.such.person", "wrong-password")))
    assert known_wrong == unknown_wrong
    assert "Enter a correct username and password" in known_wrong[1]

    fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT)
    fail(client, "no.such.person", settings.AXES_FAILURE_LIMIT)
    known_locked = csrf_free(page(sign_in(client, "jo.bloggs", RIGHT)))
    unknown_locked = csrf_free(page(sign_in(client, "no.such.person", RIGHT)))
    assert known_locked == unknown_locked
    assert known_locked[0] == 429


@time_machine.travel(START, tick=False)
def test_a_lockout_is_logged_without_the_username(client, person, caplog):
    with caplog.at_level(logging.WARNING, logger="agencies.signin"):
        fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT)
    lines = [r.getMessage() for r in caplog.records if r.name == "agencies.signin"]
    assert len(lines) == 1
    assert lines[0].startswith("Sign-in locked out: username tag ")
    assert "198.51.100.20" in lines[0] and "15 minutes" in lines[0]
    assert "jo.bloggs" not in lines[0]


def test_force_login_used_by_the_tests_is_not_affected(client, person):
    client.force_login(person)
    assert client.get("/").status_code == 200


@time_machine.travel(START, tick=False)
def test_the_account_owner_is_alerted_once_per_lockout_and_an_unknown_name_alerts_nobody(
    client, person
):
    from notifications.models import Notification

    fail(client, "no.such.person", settings.AXES_FAILURE_LIMIT + 2)
    assert not Notification.objects.exists()

    fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT + 2)  # more attempts while locked out
    alert = Notification.objects.get()
    assert (alert.kind, alert.recipient, alert.email) == (
        "SIGN_IN_LOCKED_OUT",
        person,
        person.email,
    )
    assert alert.link == "/sign-in/" and "jo.bloggs" not in alert.key

    with time_machine.travel(START + timedelta(minutes=16)):  # locked out again, later
        fail(client, "jo.bloggs", settings.AXES_FAILURE_LIMIT)
    assert Notification.objects.filter(recipient=person).count() == 2
