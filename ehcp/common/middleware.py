"""A request id on every request, so an access event, a log line and an error page can be matched."""

import re
import uuid

# An id from a trusted proxy (X-Request-ID) is kept only if it is short and plain: it goes into
# the audit log and the response header, so nothing that could forge a log line gets through.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(meta) -> str:
    """The proxy's X-Request-ID if it is safe to keep, otherwise a new random id."""
    supplied = meta.get("HTTP_X_REQUEST_ID", "")
    if isinstance(supplied, str) and _SAFE_REQUEST_ID.fullmatch(supplied):
        return supplied
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets `request.request_id` and returns it in the X-Request-ID response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.META)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
