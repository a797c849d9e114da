"""The read audit: every page, document, print, export or report that shows a child's record writes
one `AccessEvent` (AU-01), in the same transaction as the page (AU-02).

How a view uses it::

    @require_http_methods(["GET"])
    @login_required
    @audited_view                                   # one transaction; no event, no page
    def case_detail(request, public_id):
        case, access = ...                          # the scoped fetch and ehcp.governance.access.case_access
        audit_read(request, what="case", case=case, access=access)
        return render(request, "ehcp/assessments/case_detail.html", {...})

    # a list page records the children it listed
    audit_read(request, what="list", child_ids=[case.child_id for case in page.object_list])

`audit_read` fails closed: if the event cannot be written the exception propagates, the
transaction rolls back and Django shows the generic error page, with no record data.
`audited_view` also refuses (`AuditMissing`) to return a successful page that wrote no event,
so a view that forgets to call `audit_read` fails in its first test rather than in production.
"""

import ipaddress
from functools import wraps

from django.db import transaction
from django.utils import timezone

from agencies.access import actor_for
from agencies.models import DataType
from ehcp.common.middleware import request_id_from
from ehcp.governance.models import AccessEvent, AccessRelationship, AccessWhat, Severity


class AuditMissing(Exception):
    """A view decorated with `audited_view` returned a page without writing an access event."""


def _client_ip(meta) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the browser says unless a trusted proxy
    # rewrites REMOTE_ADDR (configure that in the proxy or WSGI server, not here).
    value = meta.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _shown_data_types(access) -> list[str]:
    if access is None:
        return []
    return sorted(name for name, shown in access.shows.items() if shown and name in DataType.values)


def _relationship(actor, what: str, access) -> str:
    if access is not None:
        return access.relationship
    if what == AccessWhat.REPORT and actor.is_ig_lead:
        return AccessRelationship.IG
    if actor.is_council_officer:
        return AccessRelationship.COUNCIL
    return AccessRelationship.PARTNER


def _agency_id(actor, case, access) -> int | None:
    if access is not None and access.related_agency_ids:
        return min(access.related_agency_ids)
    if case is not None and case.council_id in actor.agency_ids:
        return case.council_id
    return min(actor.agency_ids, default=None)


def access_event_write(
    *,
    user,
    what: str,
    request_id: str,
    ip: str | None = None,
    case=None,
    child=None,
    access=None,
    child_ids=None,
    data_types=None,
    relationship: str | None = None,
    break_glass=None,
    now=None,
) -> AccessEvent:
    """Write one access event. Anything odd raises: an audit row is never half right."""
    if user is None or not user.is_authenticated:
        raise ValueError("Only a signed-in person's reads are audited")
    if what not in AccessWhat.values:
        raise ValueError(f"Unknown access kind {what!r}")
    actor = actor_for(user)
    types = sorted(set(data_types)) if data_types is not None else _shown_data_types(access)
    unknown = [t for t in types if t not in DataType.values]
    if unknown:
        raise ValueError(f"Unknown data types {unknown!r}")
    relationship = relationship or _relationship(actor, what, access)
    if relationship not in AccessRelationship.values:
        raise ValueError(f"Unknown relationship {relationship!r}")
    break_glass = break_glass or (access.break_glass if access is not None else None)
    high = relationship == AccessRelationship.BREAK_GLASS or what == AccessWhat.BREAK_GLASS
    if child is not None:
        child_id = child.pk
    else:
        child_id = case.child_id if case is not None else None
    return AccessEvent.objects.create(
        user=user,
        roles=sorted(actor.roles),
        agency_id=_agency_id(actor, case, access),
        child_id=child_id,
        case=case,
        what=what,
        data_types=types,
        relationship=relationship,
        break_glass=break_glass,
        child_ids=sorted({int(pk) for pk in child_ids or ()}),
        severity=Severity.HIGH if high else Severity.NORMAL,
        occurred_at=now or timezone.now(),
        request_id=request_id,
        ip=ip,
    )


def request_context(request) -> dict:
    """The request id and client address, as `access_event_write` and the services take them."""
    request_id = getattr(request, "request_id", None)
    if not request_id:
        request_id = request.request_id = request_id_from(request.META)
    return {"request_id": request_id, "ip": _client_ip(request.META)}


def audit_read(
    request, *, what, case=None, child=None, access=None, child_ids=None, data_types=None
) -> AccessEvent:
    """Record that the signed-in person is being shown (part of) a child's record.

    - what: "case", "task", "document", "list", "report", "export" or "print".
    - case / child: the record shown (child defaults to the case's child).
    - access: the `ehcp.governance.access.CaseAccess` the page was built from; gives the relationship, the
      break-glass grant and (unless `data_types` is given) the data types shown.
    - child_ids: for list pages, the children listed.
    - data_types: the DataType codes shown, when the page does not show all that `access` allows.

    Writes exactly one row in the current transaction and raises if it cannot (fail closed).
    """
    event = access_event_write(
        user=request.user,
        what=what,
        case=case,
        child=child,
        access=access,
        child_ids=child_ids,
        data_types=data_types,
        **request_context(request),
    )
    request._access_events_written = getattr(request, "_access_events_written", 0) + 1
    return event


def audited_view(view):
    """Run the view in one transaction, and refuse a successful page that wrote no access event.

    Exceptions (the audit write failing, or `AuditMissing`) roll the transaction back and
    propagate, so the person sees the generic error page. Redirects and error responses need
    no event (they show no record)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with transaction.atomic():
            before = getattr(request, "_access_events_written", 0)
            response = view(request, *args, **kwargs)
            if (
                200 <= response.status_code < 300
                and getattr(request, "_access_events_written", 0) == before
            ):
                raise AuditMissing(
                    f"{view.__module__}.{view.__qualname__} showed a page without an access event"
                )
        return response

    wrapper.audited = True
    return wrapper
