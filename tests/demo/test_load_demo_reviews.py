"""`manage.py load_demo`: plans at every stage of their annual review (demo/reviews.py), driven
through `review_start` and the review flow's tasks at back-dated steps.

The demo is loaded once for the module, with real commits (as `manage.py load_demo` runs), so
the letters and plans are rendered after each step and the child's page lists the versions; the
database is flushed afterwards, as for a transactional test. Each test reads it in its own
transaction.
"""

import importlib
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from demo import reviews as demo_reviews
from demo.clock import COMPUTED
from ehcp.plans.models import DocumentKind, EhcPlan, EhcPlanStatus, PlanDocument
from ehcp.reviews.models import (
    ArrangedUnder,
    Recommendation,
    Review,
    ReviewDecision,
    ReviewKind,
    ReviewStatus,
)
from ehcp.reviews.rules import phase
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
URL = "/tasks/reviews/"
_ACCESS_TABLE = importlib.import_module("agencies.migrations.0003_seed_data_access_rules")

#: The human step open while a review has each status (the cease's is the appeal window's end).
OPEN_STEP = {
    ReviewStatus.DUE: "arrange_meeting",
    ReviewStatus.ARRANGED: "send_invitations",
    ReviewStatus.INVITED: "circulate_advice",
    ReviewStatus.ADVICE_CIRCULATED: "hold_meeting",
    ReviewStatus.MEETING_HELD: "write_report",
    ReviewStatus.REPORTED: "decide",
    ReviewStatus.AMENDING: "record_amendment_comments",
    ReviewStatus.CEASING: "confirm_cease",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (one assessment case and every review scenario), loaded with real commits."""
    with django_db_blocker.unblock():
        _ACCESS_TABLE.seed(apps, None)
        out = StringIO()
        started = timezone.now()
        call_command(
            "load_demo",
            "--children",
            "1",
            "--seed",
            "7",
            "--today",
            TODAY.isoformat(),
            stdout=out,
        )
        finished = timezone.now()
        yield {"output": out.getvalue(), "started": started, "finished": finished}
        call_command("flush", interactive=False, verbosity=0)


def reviews(**filters):
    return Review.objects.filter(**filters).select_related("child", "ehc_plan", "arranged_by")


def open_steps(review) -> list[str]:
    return [t.flow_task.name for t in CaseTask.objects.human().open().filter(review=review)]


def test_the_output_counts_the_reviews_by_status(demo):
    lines = demo["output"].splitlines()
    assert any(
        line.startswith(f"  {len(demo_reviews.PINNED)} more children with plans at every review")
        for line in lines
    )
    first = lines.index("Reviews of plans by status:")
    counts = {}
    for line in lines[first + 1 : first + 1 + len(ReviewStatus.choices)]:
        label, number = line.rsplit(maxsplit=1)
        counts[label.strip()] = int(number)
    expected = Counter(Review.objects.values_list("status", flat=True))
    assert counts == {label: expected[status] for status, label in ReviewStatus.choices}
    assert lines.index("Reviews of plans by status:") < lines.index("Demo logins:")


def test_a_review_at_every_stage(demo):
    statuses = set(Review.objects.values_list("status", flat=True))
    assert statuses == set(ReviewStatus.values) - {ReviewStatus.CANCELLED}
    # Due within 3 months and not started.
    horizon = TODAY + timedelta(days=92)
    due = EhcPlan.objects.live().filter(
        next_review_due_on__range=(TODAY, horizon), reviews__isnull=True
    )
    assert due.exists()
    # The report in, and the decision more than 4 weeks after the meeting: late.
    late_decision = reviews(status=ReviewStatus.REPORTED).get()
    assert late_decision.decision_due_on == late_decision.meeting_held_on + timedelta(days=28)
    assert late_decision.decision_due_on < TODAY
    # Kept as it is, and not amended (amendments recommended), each with its decision letter.
    for decision in (ReviewDecision.MAINTAIN, ReviewDecision.NOT_AMEND):
        kept = reviews(status=ReviewStatus.COMPLETE, decision=decision).get()
        assert kept.completed_on == kept.decided_on <= TODAY
        letter = PlanDocument.objects.get(review=kept)
        assert letter.kind == DocumentKind.REVIEW_DECISION_LETTER
        assert kept.ehc_plan.last_reviewed_on == kept.decided_on
    assert reviews(decision=ReviewDecision.NOT_AMEND).get().recommendation == Recommendation.AMEND
    # Amending: the notice sent with the decision, the 15 days for comments still running.
    amending = reviews(status=ReviewStatus.AMENDING, transfer_year__isnull=True).get()
    assert amending.amendment_served_on == amending.decided_on < TODAY
    assert amending.amendment_comments_due_on >= TODAY and amending.comments_received_on is None
    assert PlanDocument.objects.filter(review=amending, kind=DocumentKind.AMENDMENT_NOTICE).exists()
    assert open_steps(amending) == ["record_amendment_comments"]


def test_every_flow_agrees_with_its_review(demo):
    for review in Review.objects.exclude(kind=ReviewKind.CEASE_ONLY):
        process = review.processes.get()
        if review.is_open:
            assert process.status == PROCESS.NEW, review.reference
            assert open_steps(review) == [OPEN_STEP[review.status]], review.reference
        else:
            assert process.status == PROCESS.DONE, review.reference
            assert not open_steps(review), review.reference


def test_steps_are_dated_in_order_and_never_after_today(demo):
    for review in Review.objects.exclude(kind=ReviewKind.CEASE_ONLY):
        steps = [
            review.period_starts_on,
            review.started_on,
            review.meeting_arranged_on,
            review.invitations_sent_on,
            review.advice_circulated_on,
            review.meeting_held_on,
            review.report_received_on,
            review.decided_on,
            review.amended_plan_issued_on,
        ]
        done = [day for day in steps if day is not None]
        assert done == sorted(done) and done[-1] <= TODAY, review.reference
        if review.invitations_sent_on:
            assert not review.invitations_late and not review.advice_late, review.reference
        started = review.history.earliest("history_date")
        assert timezone.localdate(started.history_date) == review.started_on, review.reference


def test_no_review_keeps_the_time_it_was_loaded(demo):
    """Every stamp a step read from the clock is moved to the day of the step (the e-mails the
    command sends once loaded are sent now)."""
    loaded_now = {"auth", "agencies", "sessions", "axes", "contenttypes", "admin"}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.app_label in loaded_now:
            continue
        for field in meta.local_concrete_fields:
            if not isinstance(field, models.DateTimeField):
                continue
            if (meta.app_label, meta.model_name, field.name) in COMPUTED:
                continue
            if (meta.label, field.name) == ("notifications.Notification", "sent_at"):
                continue
            left = model._base_manager.filter(
                **{f"{field.name}__range": (demo["started"], demo["finished"])}
            )
            assert not left.exists(), f"{meta.label}.{field.name} left at the time it was loaded"


def test_a_plan_amended_twice_has_three_final_versions(demo, client):
    amended = [
        plan
        for plan in EhcPlan.objects.all()
        if plan.reviews.filter(status=ReviewStatus.COMPLETE, decision=ReviewDecision.AMEND).count()
        == 2
    ]
    assert len(amended) == 1
    plan = amended[0]
    finals = PlanDocument.objects.filter(kind=DocumentKind.FINAL_PLAN).filter(
        models.Q(case__ehc_plan=plan) | models.Q(review__ehc_plan=plan)
    )
    assert finals.count() == 3
    assert sorted(finals.values_list("version", flat=True)) == sorted(
        set(finals.values_list("version", flat=True))
    )
    first, second = plan.reviews.order_by("started_on")
    assert second.period_starts_on == first.decided_on
    assert plan.last_reviewed_on == second.decided_on
    # The child's page lists the versions: three final ones, the newest in force.
    client.force_login(get_user_model().objects.get(username="caseworker"))
    with time_machine.travel(TODAY):
        response = client.get(f"/children/{plan.child.public_id}/")
    assert response.status_code == 200
    versions = response.context["versions"]
    assert sum(1 for v in versions if v.document.kind == DocumentKind.FINAL_PLAN) == 3
    assert [v.in_force for v in versions if v.in_force] == [True]
    assert b'id="plan-versions"' in response.content


def test_a_cease_in_its_appeal_window_and_one_without_a_review(demo):
    ceasing = reviews(status=ReviewStatus.CEASING).get()
    assert ceasing.cease_notice_sent_on <= TODAY <= ceasing.appeal_window_ends_on
    assert ceasing.appeal_lodged_on is None and ceasing.ceased_on is None
    assert ceasing.ehc_plan.status == EhcPlanStatus.CEASING
    task = CaseTask.objects.human().open().get(review=ceasing)
    assert task.flow_task.name == "confirm_cease"
    assert task.due_on == ceasing.appeal_window_ends_on
    kinds = set(PlanDocument.objects.filter(review=ceasing).values_list("kind", flat=True))
    assert {DocumentKind.CEASE_CONSULT_LETTER, DocumentKind.CEASE_NOTICE} <= kinds
    moved = reviews(kind=ReviewKind.CEASE_ONLY).get()
    assert moved.status == ReviewStatus.COMPLETE and moved.ceased_on <= TODAY
    assert moved.ehc_plan.status == EhcPlanStatus.CEASED


def test_phase_transfers_this_school_year(demo):
    year = phase.school_year_of(TODAY) + 1
    transfers = {
        phase.year_group(r.child.date_of_birth, TODAY): r for r in reviews(transfer_year=year)
    }
    assert set(transfers) == {6, 11}
    assert not transfers[6].transfer_post16 and transfers[11].transfer_post16
    assert transfers[6].phase_transfer_due_on == date(year, 2, 14)
    assert transfers[11].phase_transfer_due_on == date(year, 3, 30)
    for review in transfers.values():
        back = phase.transfer_of(
            review.child.date_of_birth,
            phase.TransferKind.POST16 if review.transfer_post16 else phase.TransferKind.SECONDARY,
        ).back_plan
        assert review.is_open and review.meeting_on <= back["review_meeting_by"]
        assert review.arranged_under == ArrangedUnder.SETTING


def test_a_late_review_and_the_schools_senco_arranging_one(demo):
    late = reviews(status=ReviewStatus.DUE).get()
    assert late.review_due_on < TODAY and late.is_open
    assert late.arranged_under == ArrangedUnder.COUNCIL  # reg 21: the child attends no school
    assert late.child.current_setting is None
    task = CaseTask.objects.human().open().get(review=late)
    assert task.due_on < TODAY and task.owner == late.caseworker
    # Reg 20: the senco demo login's school arranges the meeting; the SENCo did each step.
    senco = get_user_model().objects.get(username="senco")
    school = senco.memberships.get().agency
    arranged = reviews(arranged_under=ArrangedUnder.SETTING, arranged_by=school)
    assert arranged.filter(status=ReviewStatus.ARRANGED).exists()
    assert arranged.filter(status=ReviewStatus.MEETING_HELD).exists()
    done = CaseTask.objects.human().filter(
        review__in=arranged, agency=school, finished__isnull=False
    )
    assert done.exists() and {t.owner for t in done} == {senco}
    waiting = CaseTask.objects.human().open().filter(review__in=arranged, agency=school)
    assert {t.flow_task.name for t in waiting} >= {"send_invitations", "write_report"}


@time_machine.travel(TODAY)
def test_the_pipeline_shows_every_stage_to_the_caseworker(demo, client):
    client.force_login(get_user_model().objects.get(username="caseworker"))
    response = client.get(URL)
    assert response.status_code == 200
    counts = {c.stage.code: (c.total, c.late) for c, _query in response.context["counts"]}
    for stage in (
        "due",
        "arrange",
        "arranged",
        "invited",
        "advice",
        "held",
        "report",
        "amending",
        "ceasing",
        "completed",
    ):
        assert counts[stage][0] >= 1, stage
        page = client.get(URL, {"stage": stage})
        assert page.status_code == 200 and page.context["rows"], stage
        for row in page.context["rows"]:
            assert row.child.first_name.encode() in page.content, stage
    assert counts["arrange"][1] >= 1 and counts["report"][1] >= 1  # late
    assert counts["ceasing"][1] == 0  # the appeal window is still open


def test_loading_again_adds_no_review(demo):
    before = Review.objects.count(), EhcPlan.objects.count()
    out = StringIO()
    call_command("load_demo", "--today", TODAY.isoformat(), stdout=out)
    assert "Demo data already loaded" in out.getvalue()
    assert (Review.objects.count(), EhcPlan.objects.count()) == before


@time_machine.travel(TODAY)
def test_each_review_page_renders_for_the_caseworker_and_the_senco_sees_the_schools(demo, client):
    client.force_login(get_user_model().objects.get(username="caseworker"))
    for review in Review.objects.all():
        response = client.get(f"/reviews/{review.public_id}/")
        assert response.status_code == 200, review.reference
    senco = get_user_model().objects.get(username="senco")
    client.force_login(senco)
    school = senco.memberships.get().agency
    for review in reviews(arranged_by=school, status__in=list(OPEN_STEP)):
        response = client.get(f"/reviews/{review.public_id}/")
        assert response.status_code == 200, review.reference


def test_every_timeline_fits_the_statutory_dates_whatever_the_day():
    """Pure: the timelines the scenarios are driven by, on days around two years: steps in
    order, none after today, the meeting by its latest date with 2 weeks' notice and the advice
    2 weeks before it, a phase transfer's meeting by its back-planned date."""
    from demo import generator

    cast = generator.Cast(
        council=None,
        agencies={},
        schools=[(school, school.name) for school in generator._schools_for(40)],
        users={},
        caseworkers=[],
        staff={},
    )
    for today in [TODAY + timedelta(days=n) for n in range(0, 730, 9)]:
        planner = demo_reviews.ReviewPlanner(cast, seed=7, today=today)
        for scenario in demo_reviews.PINNED:
            check_timeline(scenario, today, *planner._timeline(scenario))


def check_timeline(scenario, today, issued_on, timeline, _next_setting):
    from ehcp.assessments.rules import deadlines

    where = (scenario.key, today)
    assert issued_on <= today, where
    period = issued_on
    for dates in timeline:
        assert dates.period_starts_on == period, where
        steps = [
            dates.started_on,
            dates.arranged_on,
            dates.invited_on,
            dates.circulated_on,
            dates.held_on,
            dates.reported_on,
            dates.decided_on,
        ]
        done = [day for day in steps if day is not None]
        assert done == sorted(done) and all(period <= day <= today for day in done), where
        if dates.meeting_on is not None:
            latest = deadlines.review_deadlines(period)["latest_meeting"].due_on
            assert dates.meeting_on <= latest, where
            for sent in (dates.invited_on, dates.circulated_on):
                assert sent is None or sent <= dates.meeting_on - timedelta(days=14), where
            if dates.transfer_year is not None:
                back = deadlines.phase_transfer_back_plan(
                    dates.transfer_year, post16=dates.transfer_post16
                )
                assert dates.meeting_on <= back["review_meeting_by"], where
        period = dates.decided_on
