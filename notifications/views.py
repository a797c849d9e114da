"""The signed-in person's in-app notices: a list, and opening one (which marks it read); their
choice of channels per kind; and GOV.UK Notify's delivery receipts."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import PreferencesForm
from .models import Notice
from .preferences import (
    RequiredChannelRefused,
    preference_kinds_for,
    preferences_get,
    preferences_save,
    requirements_get,
)
from .services import RECEIPT_STATUSES, notice_open, notices_for, notification_receipt_record


@require_GET
@login_required
def notice_list(request):
    page = Paginator(notices_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "notices": page.object_list})


@require_GET
@login_required
def notice_go(request, notice_id):
    """Open a notice: it is marked read and the person goes to the page it is about. Another
    person's notice does not exist for them (404)."""
    notice = Notice.objects.filter(public_id=notice_id, recipient=request.user).first()
    if notice is None:
        raise Http404("No such notice")
    notice_open(notice=notice, user=request.user)
    if not url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts=None
    ) or not notice.link.startswith("/"):
        return redirect("notifications:list")
    return redirect(notice.link)


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    """The person chooses, per kind of message they can receive, e-mail and/or in-app; a channel
    the council requires is shown as required, and unticking it is refused with the reason."""
    chosen = preferences_get(request.user)
    kinds = preference_kinds_for(request.user, chosen=chosen)
    form = PreferencesForm(
        request.POST or None, kinds=kinds, chosen=chosen, required=requirements_get()
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = preferences_save(user=request.user, choices=form.choices)
        except RequiredChannelRefused:
            # The council changed what it requires since the page was drawn: show it again.
            form = PreferencesForm(
                request.POST, kinds=kinds, chosen=chosen, required=requirements_get()
            )
            form.is_valid()
        else:
            messages.success(
                request,
                "Your notification settings have been saved"
                if changed
                else "You did not change any notification settings",
            )
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt
@require_POST
def notify_callback(request):
    """GOV.UK Notify's delivery receipt for one message (JSON: id, reference, status ...), sent
    with the bearer token the service set in Notify (NOTIFY_CALLBACK_TOKEN). Not a signed-in page:
    the token is the only way in, and without one configured every receipt is refused."""
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        return HttpResponseForbidden("Delivery receipts are not configured")
    given = request.headers.get("Authorization", "")
    if not constant_time_compare(given, f"Bearer {expected}"):
        return HttpResponse("Unauthorised", status=401)
    try:
        receipt = json.loads(request.body)
        provider_id, status = str(receipt["id"]), str(receipt["status"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("Expected JSON with id and status")
    if status not in RECEIPT_STATUSES:
        return HttpResponseBadRequest("Unknown status")
    if notification_receipt_record(provider_id=provider_id, status=status) is None:
        return HttpResponseNotFound("No such notification")
    return HttpResponse(status=204)
