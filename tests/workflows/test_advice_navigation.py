"""Advisers reach their agency's advice history from the menu and the start page."""

import pytest

pytestmark = pytest.mark.django_db


def nav_labels(response):
    return [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize("who", ["health_adviser", "psychologist", "social_worker", "senco"])
def test_partner_advisers_have_advice_in_the_menu_and_on_the_start_page(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get("/")
    assert "Advice" in nav_labels(response)
    body = response.content.decode()
    assert 'href="/tasks/advice/"' in body and "Advice asked of your agency" in body
    advice = client.get("/tasks/advice/")
    active = [item for item in advice.context["nav_items"] if item["active"]]
    assert [item["label"] for item in active] == ["Advice"]


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_council_officers_do_not_get_the_advisers_menu_item(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get("/")
    assert "Advice" not in nav_labels(response)
    assert "Advice asked of your agency" not in response.content.decode()
