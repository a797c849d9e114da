"""How on time each agency's advice was, from live data (read side).

One query whatever the number of requests: the advice asked for in the period, with whether a
counting exception is recorded for it. The counting is the pure
`ehcp.assessments.rules.timeliness.advice_timeliness`; the caller adds the escalations.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef

from ehcp.assessments.models import AdviceKind, AdviceRequest, StatutoryException
from ehcp.assessments.rules.timeliness import AdviceFact
from ehcp.common.replica import reporting_reads


def advice_asked(*, start: date, end: date, council_ids=None, agency_ids=None):
    """The requests for advice the figures count: asked between `start` and `end` (inclusive),
    of the councils' cases and/or to the agencies given; not the family's views (the family is
    not an adviser) and not cancelled requests."""
    asked = (
        AdviceRequest.objects.filter(requested_on__range=(start, end))
        .exclude(kind=AdviceKind.PARENT_VIEWS)
        .exclude(status=AdviceRequest.Status.CANCELLED)
    )
    if council_ids is not None:
        asked = asked.filter(case__council_id__in=council_ids)
    if agency_ids is not None:
        asked = asked.filter(agency_id__in=agency_ids)
    return asked


@reporting_reads()
def advice_facts(*, start: date, end: date, council_ids=None, agency_ids=None) -> list[AdviceFact]:
    excused = StatutoryException.objects.counting().filter(advice_request=OuterRef("pk"))
    rows = (
        advice_asked(start=start, end=end, council_ids=council_ids, agency_ids=agency_ids)
        .annotate(excused=Exists(excused))
        .values_list("agency_id", "requested_on", "due_on", "received_on", "excused")
        .order_by()
    )
    return [AdviceFact(*row) for row in rows]
