"""The daily sweep (`manage.py tick`, the Celery beat task) starts the review of every plan in force
falling due within REVIEW_START_WEEKS_AHEAD weeks that has no review open."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from agencies.models import Membership, Role
from ehcp.plans.models import EhcPlanStatus
from ehcp.reviews.models import Review, ReviewStatus
from tests import factories
from tests.ehcp.reviews.pipeline_data import plan_for
from workflows import services as wf
from workflows.models import CaseTask
from workflows.pipeline_services import reviews_start_due

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 25)  # 16 weeks on: 14 February 2027


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def plans(cast):
    def plan(name, due, **kwargs):
        kwargs.setdefault("caseworker", cast.caseworker)
        return plan_for(cast.council, next_review_due_on=due, first_name=name, **kwargs)

    return {
        "soon": plan("soon", days(100), school=cast.school),
        "edge": plan("edge", days(16 * 7)),
        "past": plan("past", days(-3)),
        "later": plan("later", days(16 * 7 + 1)),
        # Year 6: anniversary in August, amended plan due by 14 February 2027 (reg 18).
        "transfer": plan("transfer", date(2027, 8, 1), date_of_birth=date(2016, 1, 5)),
        "ceasing": plan("ceasing", days(10), status=EhcPlanStatus.CEASING),
        "started": plan("started", days(20)),
    }


def started_names():
    return sorted(Review.objects.values_list("child__first_name", flat=True))


def test_the_sweep_starts_the_reviews_falling_due(cast, plans):
    wf.review_start(ehc_plan=plans["started"], kind="ANNUAL", by=cast.caseworker, today=TODAY)
    report = reviews_start_due(today=TODAY, weeks_ahead=16)
    assert sorted(r.child.first_name for r in report.started) == [
        "edge",
        "past",
        "soon",
        "transfer",
    ]
    assert started_names() == ["edge", "past", "soon", "started", "transfer"]
    soon = Review.objects.get(ehc_plan=plans["soon"])
    assert soon.status == ReviewStatus.DUE and soon.started_by == cast.caseworker
    assert soon.reason == "Started by the daily sweep: the review is due by 2 February 2027"
    (task,) = CaseTask.objects.human().open().filter(review=soon)
    assert task.flow_task.name == "arrange_meeting" and task.agency == cast.school
    transfer = Review.objects.get(ehc_plan=plans["transfer"])
    assert (transfer.transfer_year, transfer.phase_transfer_due_on) == (2027, date(2027, 2, 14))
    assert transfer.reason.endswith("due by 14 February 2027")
    # Run again: nothing more to start.
    assert reviews_start_due(today=TODAY, weeks_ahead=16).started == []
    assert Review.objects.count() == 5


def test_the_lead_time_is_a_setting(cast, plans, settings):
    settings.REVIEW_START_WEEKS_AHEAD = 3
    assert sorted(r.child.first_name for r in reviews_start_due(today=TODAY).started) == [
        "past",
        "started",
    ]
    settings.REVIEW_START_WEEKS_AHEAD = -1  # off
    assert reviews_start_due(today=TODAY).started == []


def test_a_review_is_started_as_a_manager_when_the_caseworker_has_left(cast, plans):
    Membership.objects.filter(user=cast.caseworker).update(is_active=False)
    report = reviews_start_due(today=TODAY, weeks_ahead=0)
    assert [r.child.first_name for r in report.started] == ["past"]
    assert report.started[0].started_by == cast.manager


def test_one_plan_refused_does_not_stop_the_others(cast, plans):
    # The plan was reviewed after today (a date typed wrongly): its review cannot start today.
    broken = plan_for(
        cast.council,
        next_review_due_on=days(5),
        last_reviewed_on=days(30),
        caseworker=cast.caseworker,
        first_name="broken",
    )
    report = reviews_start_due(today=TODAY, weeks_ahead=3)
    assert [plan.pk for plan, _why in report.skipped] == [broken.pk]
    assert report.skipped[0][1]  # the service's reason, logged
    assert sorted(r.child.first_name for r in report.started) == ["past", "started"]


def test_a_council_with_no_casework_staff_is_skipped(cast):
    council = factories.AgencyFactory(kind="SEN_TEAM", name="Emptyshire SEN team")
    factories.member(council, Role.PANEL_MEMBER)
    plan = plan_for(council, next_review_due_on=days(3))
    report = reviews_start_due(today=TODAY, weeks_ahead=1)
    assert report.started == [] and report.skipped[0][0] == plan


@time_machine.travel(TODAY)
def test_tick_starts_the_reviews_falling_due(cast, plans, settings):
    settings.REVIEW_START_WEEKS_AHEAD = 0
    out = StringIO()
    call_command("tick", stdout=out)
    assert "reviews started: 1;" in out.getvalue()
    assert started_names() == ["past"]
