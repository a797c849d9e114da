"""The case timeline reads in date order (issue 7, item 8): for a new case the week-16 decision
whether to issue came above the week-14 draft."""

import pytest

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.assessments.selectors import case_timeline, case_with_details
from tests.factories import CaseWalk

pytestmark = pytest.mark.django_db


def timeline(case, today):
    return case_timeline(case_with_details(Assessment.objects.get(pk=case.pk)), today=today)


def placed_on(row):
    return row.done_on or row.due_on


def test_a_new_case_lists_its_statutory_dates_in_order(cast):
    case = CaseWalk(cast).to(AssessmentStatus.REQUESTED).case
    rows = timeline(case, case.request_received_on)
    dates = [placed_on(row) for row in rows]
    assert dates == sorted(dates)
    labels = [row.label for row in rows]
    assert labels.index("Draft plan sent (recommended by week 14)") < labels.index(
        "Decision whether to issue a plan (a decision not to issue is due by week 16)"
    )
    assert labels[0] == "Decision whether to assess" and labels[-1] == "Final plan issued"


@pytest.mark.parametrize(
    "stage",
    [AssessmentStatus.ASSESSING, AssessmentStatus.DRAFT_ISSUED, AssessmentStatus.FINAL_ISSUED],
)
def test_the_timeline_is_in_date_order_at_every_stage(cast, stage):
    walk = CaseWalk(cast).to(stage)
    rows = timeline(walk.case, walk.when.final_on)
    dates = [placed_on(row) for row in rows]
    assert None not in dates and dates == sorted(dates)
