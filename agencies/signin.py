"""Sign-in throttling (AS-04): what a person sees when django-axes has locked them out, and the
log line each lockout writes.

django-axes counts wrong passwords per username and IP address (`AXES_LOCKOUT_PARAMETERS`) and,
after `AXES_FAILURE_LIMIT` of them, refuses that pair for `AXES_COOLOFF_TIME`, even with the right
password. The page is the sign-in page with one error, the same whether or not the username
belongs to an account, so it reveals nothing about who has an account.
"""

import hashlib
import logging
from math import ceil

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger("agencies.signin")


def cooloff_minutes() -> int:
    """The cool-off in whole minutes, rounded up, as the page states it."""
    return max(1, ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "You have entered the wrong username or password too many times. "
        f"Wait {minutes} {unit} and try again"
    )


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page, refused with 429 Too Many Requests and one GOV.UK-style error."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username[:150]})
    context = {
        "form": form,
        "locked_out_message": lockout_message(),
        "next": request.POST.get("next", ""),
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def _pseudonym(username: str) -> str:
    """A stable, non-reversible tag for the username, so logs can be correlated without
    holding a list of the usernames people tried."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{username}".encode()).hexdigest()
    return digest[:12]


@receiver(user_locked_out, dispatch_uid="agencies.signin.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "Sign-in locked out: username tag %s from %s for %s minutes (request %s)",
        _pseudonym(username or ""),
        ip_address or "unknown address",
        cooloff_minutes(),
        getattr(request, "request_id", "") if request is not None else "",
    )
