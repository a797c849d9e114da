"""The signed-in person's in-app notices: a list, and opening one (which marks it read)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .models import Notice
from .services import notice_open, notices_for


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
