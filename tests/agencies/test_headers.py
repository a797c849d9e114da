"""Security headers on every response (IN-02) and nothing kept by the browser (DM-05)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_never_cached(client):
    client.force_login(get_user_model().objects.create_user("someone"))
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]


def test_sign_out_ends_the_session_and_clears_the_browser(client):
    client.force_login(get_user_model().objects.create_user("someone"))
    response = client.post("/sign-out/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/").status_code == 302
    assert client.get("/sign-out/").status_code == 405  # GET never signs anyone out
