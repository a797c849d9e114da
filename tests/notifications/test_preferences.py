"""Preferences: a person chooses e-mail and/or in-app per kind, within what the council requires;
the choice is kept with its history and honoured where messages are queued. And a person with no
address at all still gets a row, which the sender marks undeliverable (so it is escalated)."""

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import (
    Notice,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationRequirement,
    NotificationStatus,
)
from notifications.preferences import (
    RequiredChannelRefused,
    channels_get,
    preferences_save,
)
from notifications.rules.preferences import Channels
from notifications.services import (
    notification_queue,
    notification_queue_to_agency,
    notification_send_pending,
)
from tests import factories

pytestmark = pytest.mark.django_db

Kind = NotificationKind
IN_APP_ONLY = Channels(email=False, in_app=True)
EMAIL_ONLY = Channels(email=True, in_app=False)
PAGE = "notifications:preferences"


def choose(user, kind, channels):
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": channels.email, "in_app": channels.in_app}
    )


def queue(**fields):
    with transaction.atomic():
        return notification_queue(link="/tasks/x/", key=f"test:{fields['kind']}", **fields)


# -- what the council requires (the data migration) ---------------------------------------------


def test_the_council_requires_email_for_security_alerts_and_escalations_out_of_the_box():
    required = set(
        NotificationRequirement.objects.filter(email_required=True).values_list("kind", flat=True)
    )
    assert required == {
        Kind.SIGN_IN_LOCKED_OUT,
        Kind.BREAK_GLASS_GRANTED,
        Kind.BREAK_GLASS_STOPPED,
        Kind.STATUTORY_AT_RISK,
        Kind.STATUTORY_MISSED,
        Kind.TASK_ESCALATED,
        Kind.MESSAGE_UNDELIVERABLE,
    }
    assert not NotificationRequirement.objects.filter(in_app_required=True).exists()


# -- the service ----------------------------------------------------------------------------------


def test_saving_a_choice_records_who_changed_it(caseworker):
    changed = preferences_save(user=caseworker, choices={Kind.TASK_ASSIGNED: IN_APP_ONLY})
    assert changed == [Kind.TASK_ASSIGNED]
    row = NotificationPreference.objects.get(user=caseworker, kind=Kind.TASK_ASSIGNED)
    assert (row.email, row.in_app) == (False, True)
    record = row.history.get()
    assert record.history_type == "+"
    assert record.history_change_reason == "Changed by the person on their preferences page"


def test_saving_the_same_choice_again_changes_nothing(caseworker):
    preferences_save(user=caseworker, choices={Kind.TASK_ASSIGNED: IN_APP_ONLY})
    assert preferences_save(user=caseworker, choices={Kind.TASK_ASSIGNED: IN_APP_ONLY}) == []
    # Both channels with no row: still no row (no row means both).
    assert preferences_save(user=caseworker, choices={Kind.TASK_OVERDUE: Channels()}) == []
    assert NotificationPreference.history.count() == 1


def test_switching_off_a_required_channel_is_refused_and_nothing_is_saved(caseworker):
    with pytest.raises(RequiredChannelRefused) as refused:
        preferences_save(
            user=caseworker,
            choices={Kind.TASK_ASSIGNED: IN_APP_ONLY, Kind.SIGN_IN_LOCKED_OUT: IN_APP_ONLY},
        )
    assert refused.value.refused == {Kind.SIGN_IN_LOCKED_OUT: ["email"]}
    assert not NotificationPreference.objects.exists()


def test_channels_for_many_people_are_one_statement(caseworker, manager):
    choose(caseworker, Kind.TASK_ASSIGNED, IN_APP_ONLY)
    with CaptureQueriesContext(connection) as ctx:
        found = channels_get(kind=Kind.TASK_ASSIGNED, user_ids=[caseworker.pk, manager.pk, None])
    assert len(ctx.captured_queries) == 1
    assert found == {caseworker.pk: IN_APP_ONLY, manager.pk: Channels()}


# -- the page -------------------------------------------------------------------------------------


def test_the_page_shows_the_kinds_of_the_persons_work(client, caseworker, health_adviser):
    client.force_login(caseworker)
    page = client.get(reverse(PAGE)).content.decode()
    assert "Advice was submitted" in page  # told to the council's queue
    assert "The council asked for advice" not in page  # told to the adviser's
    assert "Sign-in to the account was locked" in page
    client.force_login(health_adviser)
    page = client.get(reverse(PAGE)).content.decode()
    assert "The council asked for advice" in page
    assert "Advice was submitted" not in page


def test_the_page_marks_a_required_channel_as_required(client, manager):
    client.force_login(manager)
    page = client.get(reverse(PAGE)).content.decode()
    assert "The council requires e-mail for this." in page
    assert page.count('id="id_statutory_missed_email"') == 1


def form_data(response):
    """What the browser would send for the page as drawn: every box that is ticked."""
    form = response.context["form"]
    return {
        form.add_prefix(name): "on" for name, field in form.fields.items() if form[name].value()
    }


def test_the_form_saves_an_unticked_box(client, caseworker):
    client.force_login(caseworker)
    data = form_data(client.get(reverse(PAGE)))
    del data["task_overdue_email"]
    response = client.post(reverse(PAGE), data)
    assert response.status_code == 302
    row = NotificationPreference.objects.get(user=caseworker)
    assert (row.kind, row.email, row.in_app) == (Kind.TASK_OVERDUE, False, True)
    assert row.history.get().history_user == caseworker
    page = client.get(reverse(PAGE))
    assert page.context["form"]["task_overdue_email"].value() is False
    assert "Your notification settings have been saved" in page.content.decode()


def test_saving_without_a_change_says_so(client, caseworker):
    client.force_login(caseworker)
    data = form_data(client.get(reverse(PAGE)))
    response = client.post(reverse(PAGE), data, follow=True)
    assert "You did not change any notification settings" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_kind_chosen_in_an_earlier_role_is_still_shown(client, caseworker):
    choose(caseworker, Kind.ADVICE_REQUESTED, IN_APP_ONLY)
    client.force_login(caseworker)
    response = client.get(reverse(PAGE))
    assert "The council asked for advice" in response.content.decode()
    assert response.context["form"]["advice_requested_email"].value() is False


def test_the_form_refuses_to_untick_a_required_box_and_says_why(client, manager):
    client.force_login(manager)
    data = form_data(client.get(reverse(PAGE)))
    del data["statutory_missed_email"]
    del data["task_overdue_email"]  # a change that is allowed is not saved either
    response = client.post(reverse(PAGE), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: Notification settings" in page
    assert (
        "The council requires e-mail for “A statutory date has been missed”: keep e-mail ticked"
        in page
    )
    assert 'href="#id_statutory_missed_email"' in page  # the error summary links to the box
    assert not NotificationPreference.objects.exists()


def test_the_council_can_require_in_app_too(client, caseworker):
    NotificationRequirement.objects.create(kind=Kind.TASK_ASSIGNED, in_app_required=True)
    client.force_login(caseworker)
    data = form_data(client.get(reverse(PAGE)))
    del data["task_assigned_in_app"]
    response = client.post(reverse(PAGE), data)
    assert response.status_code == 200
    assert "The council requires in-app notifications for “A task was assigned to you”" in (
        response.content.decode()
    )


def test_the_notices_page_and_the_header_link_to_the_settings(client, caseworker):
    client.force_login(caseworker)
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count(f'href="{reverse(PAGE)}"') == 2  # the header and the page itself


# -- queueing honours the choice ------------------------------------------------------------------


def test_email_switched_off_sends_no_email_but_a_notice(council, caseworker):
    choose(caseworker, Kind.TASK_ASSIGNED, IN_APP_ONLY)
    queue(kind=Kind.TASK_ASSIGNED, agency=council, user_id=caseworker.pk)
    assert not Notification.objects.exists()  # and not the agency's mailbox instead
    assert Notice.objects.get().recipient == caseworker


def test_in_app_switched_off_sends_the_email_but_no_notice(council, caseworker):
    choose(caseworker, Kind.TASK_ASSIGNED, EMAIL_ONLY)
    queue(kind=Kind.TASK_ASSIGNED, agency=council, user_id=caseworker.pk)
    assert list(Notification.objects.values_list("email", flat=True)) == [caseworker.email]
    assert not Notice.objects.exists()


def test_a_required_channel_is_used_although_switched_off(caseworker):
    NotificationPreference.objects.create(
        user=caseworker, kind=Kind.SIGN_IN_LOCKED_OUT, email=False, in_app=False
    )
    queue(kind=Kind.SIGN_IN_LOCKED_OUT, user_id=caseworker.pk)
    assert list(Notification.objects.values_list("email", flat=True)) == [caseworker.email]
    assert not Notice.objects.exists()  # in-app is not required


def test_a_choice_for_another_kind_changes_nothing(council, caseworker):
    choose(caseworker, Kind.TASK_OVERDUE, Channels(email=False, in_app=False))
    queue(kind=Kind.TASK_ASSIGNED, agency=council, user_id=caseworker.pk)
    assert Notification.objects.count() == 1 and Notice.objects.count() == 1


def test_the_queue_is_told_as_each_person_chose_and_the_mailbox_always(council, cast):
    choose(cast.caseworker, Kind.ADVICE_SUBMITTED, IN_APP_ONLY)
    choose(cast.manager, Kind.ADVICE_SUBMITTED, EMAIL_ONLY)
    with transaction.atomic():
        notification_queue_to_agency(
            kind=Kind.ADVICE_SUBMITTED, agency=council, link="/x/", key="to-queue"
        )
    emails = set(Notification.objects.values_list("email", flat=True))
    assert cast.caseworker.email not in emails
    assert {cast.manager.email, council.email} <= emails
    noticed = set(Notice.objects.values_list("recipient_id", flat=True))
    assert cast.caseworker.pk in noticed and cast.manager.pk not in noticed


def test_queueing_to_a_person_reads_the_person_and_their_choice_in_one_statement(
    council, caseworker
):
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        notification_queue(
            kind=Kind.TASK_ASSIGNED, agency=council, user_id=caseworker.pk, link="/x/", key="k"
        )
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert len(selects) == 1, selects


# -- nobody has an address ------------------------------------------------------------------------


def test_a_person_and_agency_without_an_address_get_a_row_that_is_undeliverable(undelivered):
    agency = factories.AgencyFactory(email="")
    person = factories.member(agency, "CASEWORKER", email="")
    queue(kind=Kind.TASK_OVERDUE, agency=agency, user_id=person.pk)
    queue(kind=Kind.TASK_OVERDUE, agency=agency, user_id=person.pk)  # the same event again
    row = Notification.objects.get()
    assert (row.email, row.recipient, row.status) == ("", person, NotificationStatus.PENDING)
    assert Notice.objects.get().recipient == person  # the in-app notice still goes

    assert notification_send_pending() == 0  # nothing "sent"
    row.refresh_from_db()
    assert (row.status, row.last_error) == (NotificationStatus.UNDELIVERABLE, "no-address")
    assert row.sent_at is None and row.failed_at is not None
    assert undelivered() == [row.pk]  # notification_undeliverable was called for it


def test_an_agency_queue_nobody_can_be_emailed_at_gets_a_row_that_is_undeliverable(
    undelivered,
):
    agency = factories.AgencyFactory(email="")
    factories.member(agency, "CASEWORKER", email="")
    with transaction.atomic():
        notification_queue_to_agency(
            kind=Kind.ADVICE_REQUESTED, agency=agency, link="/x/", key="nobody"
        )
    row = Notification.objects.get()
    assert (row.email, row.recipient) == ("", None)
    notification_send_pending()
    row.refresh_from_db()
    assert row.status == NotificationStatus.UNDELIVERABLE and undelivered() == [row.pk]


def test_a_person_without_an_address_who_chose_in_app_gets_no_row(council):
    agency = factories.AgencyFactory(email="")
    person = factories.member(agency, "CASEWORKER", email="")
    choose(person, Kind.TASK_OVERDUE, IN_APP_ONLY)
    queue(kind=Kind.TASK_OVERDUE, agency=agency, user_id=person.pk)
    assert not Notification.objects.exists()
    assert Notice.objects.get().recipient == person


@pytest.fixture
def undelivered(caplog, settings):
    """The ids of the rows `notification_undeliverable` (where escalation happens) was called
    for with no address, read from what it logs."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.WARNING, logger="notifications.services")

    def ids():
        return [
            record.args[0]
            for record in caplog.records
            if record.getMessage().endswith("not delivered: UNDELIVERABLE no-address")
        ]

    return ids
