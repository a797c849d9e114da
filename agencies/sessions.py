"""Revocation is immediate (AC-06): a person's live sessions end when their account is disabled,
a membership of theirs is revoked or deleted, or their agency is deactivated.

Sign-in records which session belongs to whom (`SignInSession`); revoking deletes those sessions
through the configured session engine, so the next request with the old cookie is sent to the
sign-in page. With the database session engine the deletion is part of the revoking transaction.
Bulk `QuerySet.update(is_active=False)` sends no signals: revoke through the admin, a form or
`save()`, or call `sessions_end_for` as well.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Agency, Membership, SignInSession

logger = logging.getLogger("agencies.sessions")


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_end_for(user_ids) -> int:
    """Delete every recorded session of these people. Returns how many were ended."""
    user_ids = set(user_ids)
    if not user_ids:
        return 0
    rows = list(SignInSession.objects.filter(user_id__in=user_ids).values_list("pk", "session_key"))
    store = _session_store()
    for _, key in rows:
        store(session_key=key).delete()
    SignInSession.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    if rows:
        logger.info("Ended %d session(s) of %d revoked user(s)", len(rows), len(user_ids))
    return len(rows)


@receiver(user_logged_in, dispatch_uid="agencies.sessions.record")
def record_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return
    # Forget sessions of this person that have expired or were flushed since.
    live = SignInSession.objects.filter(user=user).values_list("session_key", flat=True)
    store = _session_store()
    gone = [k for k in live if not store().exists(k)]
    if gone:
        SignInSession.objects.filter(session_key__in=gone).delete()
    SignInSession.objects.update_or_create(
        session_key=key, defaults={"user": user, "signed_in_at": timezone.now()}
    )


@receiver(user_logged_out, dispatch_uid="agencies.sessions.forget")
def forget_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignInSession.objects.filter(session_key=key).delete()


def _was_active(model, instance) -> bool:
    if instance.pk is None:
        return False
    return model.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="agencies.sessions.user_pre")
@receiver(pre_save, sender=Membership, dispatch_uid="agencies.sessions.membership_pre")
@receiver(pre_save, sender=Agency, dispatch_uid="agencies.sessions.agency_pre")
def note_deactivation(sender, instance, raw=False, **kwargs):
    """Remember whether this save switches is_active off (compared with the database)."""
    instance._send_deactivated = (
        not raw and not instance.is_active and _was_active(sender, instance)
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="agencies.sessions.user")
def end_sessions_of_disabled_account(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_send_deactivated", False):
        sessions_end_for([instance.pk])


@receiver(post_save, sender=Membership, dispatch_uid="agencies.sessions.membership")
def end_sessions_on_revoked_membership(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_send_deactivated", False):
        sessions_end_for([instance.user_id])


@receiver(post_delete, sender=Membership, dispatch_uid="agencies.sessions.membership_deleted")
def end_sessions_on_deleted_membership(sender, instance, **kwargs):
    sessions_end_for([instance.user_id])


@receiver(post_save, sender=Agency, dispatch_uid="agencies.sessions.agency")
def end_sessions_of_deactivated_agency(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_send_deactivated", False):
        user_ids = Membership.objects.filter(agency=instance).values_list("user_id", flat=True)
        sessions_end_for(list(user_ids))
