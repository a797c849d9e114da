"""Security alerts sent through the outbox.

A sign-in lockout (AS-04): the account's owner is told that someone has been entering the wrong
password for their username, once per cool-off period, so they can report it if it was not them.
The message, like every notification, carries no personal details: only a link to sign in. An
unknown username alerts nobody, and the page the person at the keyboard sees is the same either
way (agencies/signin.py).
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from .models import NotificationKind
from .services import notification_queue


@receiver(user_locked_out, dispatch_uid="notifications.alerts.sign_in_locked_out")
def alert_account_owner_of_lockout(sender, request=None, username=None, **kwargs):
    if not username:
        return
    owner = (
        get_user_model()
        .objects.filter(username=username, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
        .first()
    )
    if owner is None:
        return
    # One alert per cool-off period, however many attempts are made while locked out.
    period = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))
    bucket = int(timezone.now().timestamp()) // period
    with transaction.atomic():
        notification_queue(
            kind=NotificationKind.SIGN_IN_LOCKED_OUT,
            user_id=owner,
            link=reverse("login"),
            key=f"sign-in-locked-out:{owner}:{bucket}",
        )
