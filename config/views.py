"""Project-wide views: the favicon and the server error page."""

import re
from functools import cache

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.template import TemplateDoesNotExist, loader
from django.views.decorators.http import require_safe

from ehcp.common.middleware import request_id_from

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"
_OWN_REQUEST_ID = re.compile(r"[0-9a-f]{32}")


def error_reference(request_id: str) -> str:
    """The reference a person can quote for a failed request: the first 8 characters of the
    request id this service made up (enough to find the log line), or a proxy's id in full."""
    return request_id[:8] if _OWN_REQUEST_ID.fullmatch(request_id) else request_id


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page links to."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request, template_name="500.html"):
    """Django's 500 handler, with a reference the person can quote. The same reference is in
    the server's log line for the error (config.log_filters.RequestErrorFilter). Like Django's
    own handler it renders with no request context: nothing that could fail again."""
    request_id = getattr(request, "request_id", "") or request_id_from(request.META)
    request.request_id = request_id  # the log line is written after this response is made
    try:
        template = loader.get_template(template_name)
    except TemplateDoesNotExist:
        return HttpResponseServerError(b"<h1>Server Error (500)</h1>", content_type="text/html")
    return HttpResponseServerError(
        template.render(
            {"reference": error_reference(request_id), "service_name": settings.SERVICE_NAME}
        )
    )
