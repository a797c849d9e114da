"""Notification settings in a real browser (issue 15): a caseworker goes from the header to their
settings, unticks e-mail for one kind and saves, and finds it kept; unticking a channel the
council requires is refused with the reason. Every page is checked with axe-core."""

import pytest

from notifications.models import NotificationKind, NotificationPreference
from tests.e2e.test_caseworker_journey import browser_page  # noqa: F401 (a fixture)
from tests.e2e.test_phone_layout import sign_in

from .axe import AxeGuard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_turns_off_email_for_one_kind_and_it_is_kept(
    live_server,
    browser_page,  # noqa: F811 (the fixture imported above)
    cast,
):
    page = browser_page
    sign_in(page, live_server, cast.caseworker)
    guard = AxeGuard(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Notification settings").click()
    guard.check()
    assert page.get_by_role("heading", name="Notification settings").is_visible()

    overdue = page.get_by_role("group", name="A task is overdue")
    email = overdue.get_by_label("By e-mail")
    assert email.is_checked()
    email.uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save notification settings").click()
    guard.check()
    assert page.get_by_text("Your notification settings have been saved").is_visible()
    overdue = page.get_by_role("group", name="A task is overdue")
    assert not overdue.get_by_label("By e-mail").is_checked()
    assert overdue.get_by_label("In the service").is_checked()
    row = NotificationPreference.objects.get(user=cast.caseworker)
    assert (row.kind, row.email, row.in_app) == (NotificationKind.TASK_OVERDUE, False, True)

    # Coming back to the page shows the same choice.
    page.reload()
    guard.check()
    assert (
        not page.get_by_role("group", name="A task is overdue")
        .get_by_label("By e-mail")
        .is_checked()
    )

    # A channel the council requires cannot be switched off: the page says why.
    locked = page.get_by_role(
        "group", name="Sign-in to the account was locked after wrong passwords"
    )
    assert locked.get_by_text("The council requires e-mail for this.").is_visible()
    locked.get_by_label("By e-mail").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save notification settings").click()
    guard.check()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    message = (
        "The council requires e-mail for “Sign-in to the account was locked after wrong "
        "passwords”: keep e-mail ticked"
    )
    assert summary.get_by_role("link", name=message).is_visible()
    assert NotificationPreference.objects.count() == 1  # nothing else saved
    guard.assert_all_checked()
