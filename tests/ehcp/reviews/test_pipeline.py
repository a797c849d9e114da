"""The review pipeline's read side: every live plan in one stage, what is late at each, the filters,
and what a row shows (ehcp.reviews.pipeline)."""

from datetime import date, timedelta

import pytest

from agencies.access import actor_for
from agencies.models import Membership, Role
from ehcp.plans.models import EhcPlanStatus
from ehcp.reviews import pipeline
from ehcp.reviews.models import ReviewDecision, ReviewStatus
from ehcp.reviews.pipeline import PipelineFilters
from ehcp.reviews.rules.phase import TransferKind, TransferState
from ehcp.reviews.rules.terms import term_by_code
from tests import factories
from tests.ehcp.reviews.pipeline_data import plan_for, review_at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)  # 3 months on: 20 February 2027
Y6 = date(2015, 12, 1)  # Year 6 in 2026/27: Year 7 from 1 September 2027 (deadline 14 Feb)
Y11 = date(2011, 3, 3)  # Year 11: post-16 from 1 September 2027 (deadline 30 March)
Y3 = date(2018, 3, 3)  # Year 3: no transfer within 12 months at a primary school


NO_FILTERS = PipelineFilters()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def world(cast):
    council, caseworker = cast.council, cast.caseworker
    other_worker = factories.member(council, Role.CASEWORKER, username="caseworker2")
    plans = {}

    def plan(name, due, **kwargs):
        kwargs.setdefault("caseworker", caseworker)
        kwargs.setdefault("date_of_birth", Y3)
        plans[name] = plan_for(council, next_review_due_on=due, first_name=name, **kwargs)
        return plans[name]

    # No open review: due in 3 months (on time, late, past), later, and a phase transfer.
    plan("due", days(60), school=cast.school)
    plan("due_late", days(20), caseworker=other_worker)
    plan("past", days(-10))
    plan("later", days(200))
    plan("transfer", date(2027, 6, 30), date_of_birth=Y6, school=cast.school)
    plan("post16_later", date(2027, 9, 30), date_of_birth=Y11)
    plan("protected", days(50), school=cast.school, protected=True)
    # Reviews at each open stage.
    reviews = {}

    def review(name, status, due=None, **facts):
        p = plan(name, due or days(100))
        reviews[name] = review_at(p, status, by=caseworker, caseworker=caseworker, **facts)
        return reviews[name]

    review("arrange", ReviewStatus.DUE, due=days(60))  # latest meeting 23 Dec: invitations 9 Dec
    review("arrange_late", ReviewStatus.DUE, due=days(40))  # invitations by 19 Nov: late
    review("arranged_late", ReviewStatus.ARRANGED, meeting_on=days(10))
    review("arranged", ReviewStatus.ARRANGED, meeting_on=days(30))
    review("invited", ReviewStatus.INVITED, meeting_on=days(20), invitations_sent_on=days(-5))
    review(
        "advice_late",
        ReviewStatus.ADVICE_CIRCULATED,
        meeting_on=days(-1),
        invitations_sent_on=days(-20),
        advice_circulated_on=days(-16),
    )
    review("held", ReviewStatus.MEETING_HELD, meeting_on=days(-5), meeting_held_on=days(-5))
    review(
        "report_late",
        ReviewStatus.REPORTED,
        meeting_on=days(-30),
        meeting_held_on=days(-30),
        report_received_on=days(-20),
    )
    review(
        "amending",
        ReviewStatus.AMENDING,
        meeting_on=days(-40),
        meeting_held_on=days(-40),
        decided_on=days(-20),
        decision=ReviewDecision.AMEND,
        amendment_notice_on=days(-20),
    )
    review(
        "ceasing",
        ReviewStatus.CEASING,
        meeting_on=days(-100),
        meeting_held_on=days(-100),
        decided_on=days(-80),
        decision=ReviewDecision.CEASE,
        appeal_window_ends_on=days(-1),
    )
    # Completed: recently (one late, one on time) and long ago (not listed). Their plans' next
    # reviews are a year away: "later".
    done = plan("done", days(340))
    reviews["done"] = review_at(
        done,
        ReviewStatus.COMPLETE,
        by=caseworker,
        caseworker=caseworker,
        period_starts_on=days(-370),
        meeting_on=days(-40),
        meeting_held_on=days(-40),
        decided_on=days(-20),
        decision=ReviewDecision.MAINTAIN,
        completed_on=days(-20),
    )
    done_late = plan("done_late", days(350))
    reviews["done_late"] = review_at(
        done_late,
        ReviewStatus.COMPLETE,
        by=caseworker,
        caseworker=caseworker,
        period_starts_on=days(-400),
        meeting_on=days(-30),
        meeting_held_on=days(-30),
        decided_on=days(-10),
        decision=ReviewDecision.MAINTAIN,
        completed_on=days(-10),
    )
    review_at(
        plans["later"],
        ReviewStatus.COMPLETE,
        by=caseworker,
        period_starts_on=days(-700),
        decided_on=days(-330),
        decision=ReviewDecision.MAINTAIN,
        completed_on=days(-330),
    )
    # Not in the pipeline: a ceased plan, another council's plan.
    plan("ceased", days(30), status=EhcPlanStatus.CEASED)
    other = cast.outsider.memberships.get().agency
    plan_for(other, next_review_due_on=days(30), first_name="elsewhere")
    return {"plans": plans, "reviews": reviews, "other_worker": other_worker}


def counts(user, filters=NO_FILTERS):
    found = pipeline.stage_counts(
        pipeline.council_ids_for(user), filters, today=TODAY, actor=actor_for(user)
    )
    return {count.stage.code: (count.total, count.late) for count in found}


def names(user, code, filters=NO_FILTERS):
    stage = pipeline.STAGES_BY_CODE[code]
    qs = pipeline.stage_rows_queryset(
        stage, pipeline.council_ids_for(user), filters, today=TODAY, actor=actor_for(user)
    )
    return sorted(obj.child.first_name for obj in qs)


def rows(user, code, filters=NO_FILTERS):
    stage = pipeline.STAGES_BY_CODE[code]
    actor = actor_for(user)
    qs = pipeline.stage_rows_queryset(
        stage, pipeline.council_ids_for(user), filters, today=TODAY, actor=actor
    )
    return {
        row.child.first_name: row for row in pipeline.rows_for(stage, qs, today=TODAY, actor=actor)
    }


def test_every_live_plan_of_the_council_is_in_exactly_one_stage(cast, world):
    user = cast.caseworker
    found = counts(user)
    assert found == {
        # due, protected (on time); due_late, past, transfer (late: invitations by 8 November)
        "due": (5, 3),
        "arrange": (2, 1),
        "arranged": (2, 1),
        "invited": (1, 0),
        "advice": (1, 1),
        "held": (1, 0),
        "report": (1, 1),
        "amending": (1, 0),
        "ceasing": (1, 1),
        "completed": (2, 1),
        "later": (4, 0),  # later, post16_later, done, done_late
    }
    plan_stages = [code for code in found if code != "completed"]
    listed = []
    for code in plan_stages:
        listed += names(user, code)
    live = [name for name in world["plans"] if name != "ceased"]
    assert sorted(listed) == sorted(live)
    assert len(listed) == sum(found[code][0] for code in plan_stages)


def test_the_due_stage(cast, world):
    assert names(cast.caseworker, "due") == ["due", "due_late", "past", "protected", "transfer"]


def test_a_phase_transfer_is_due_by_its_reg_18_deadline_not_its_anniversary(cast, world):
    """Year 6: the amended plan by 14 February 2027 though the anniversary is 30 June; back
    planned, the invitations were due by 8 November 2026, so the review is late to start."""
    row = rows(cast.caseworker, "due")["transfer"]
    assert row.transfer.kind is TransferKind.SECONDARY and row.transfer.year == 2027
    assert row.review_due_on == date(2027, 2, 14)
    assert row.due_on == date(2026, 11, 8)
    assert row.late and row.status.label == "Overdue by 12 days"
    assert row.transfer_risk.state is TransferState.BEHIND and row.transfer_risk.flagged
    # Year 11 (post-16, 30 March 2027) is listed but not due within 3 months: "later".
    later = rows(cast.caseworker, "later")["post16_later"]
    assert later.transfer.kind is TransferKind.POST16
    assert later.transfer_risk.state is TransferState.ON_TRACK


def test_what_is_late_at_each_stage(cast, world):
    late = PipelineFilters(overdue=True)
    user = cast.caseworker
    assert names(user, "due", late) == ["due_late", "past", "transfer"]
    assert names(user, "arrange", late) == ["arrange_late"]
    assert names(user, "arranged", late) == ["arranged_late"]
    assert names(user, "invited", late) == []
    assert names(user, "advice", late) == ["advice_late"]
    assert names(user, "report", late) == ["report_late"]
    assert names(user, "ceasing", late) == ["ceasing"]
    assert names(user, "completed", late) == ["done_late"]
    assert names(user, "later", late) == []
    row = rows(user, "arranged")["arranged_late"]
    assert row.due_on == days(-4) and row.status.label == "Overdue by 4 days"
    row = rows(user, "arranged")["arranged"]
    assert row.due_on == days(16) and not row.late


def test_a_row_shows_the_stage_date_and_who_holds_it(cast, world):
    found = rows(cast.caseworker, "due")
    assert found["due"].caseworker == cast.caseworker.get_full_name()
    assert found["due_late"].caseworker == world["other_worker"].get_full_name()
    assert found["due"].school == cast.school.name
    assert found["due"].due_on == days(60) - timedelta(days=42)
    completed = rows(cast.caseworker, "completed")
    assert completed["done"].status.label == "On time"
    assert completed["done_late"].status.label.endswith("late")


def test_a_protected_childs_school_is_withheld_unless_the_reader_may_see_it(cast, world):
    row = rows(cast.caseworker, "due")["protected"]
    assert row.school == "the child's school or setting (name withheld: protected whereabouts)"
    Membership.objects.filter(user=cast.manager).update(may_see_protected_whereabouts=True)
    manager = type(cast.manager).objects.get(pk=cast.manager.pk)
    assert rows(manager, "due")["protected"].school == cast.school.name


def test_filter_by_school_never_says_where_a_protected_child_is(cast, world):
    school = PipelineFilters(school="riverside")
    assert names(cast.caseworker, "due", school) == ["due", "transfer"]
    Membership.objects.filter(user=cast.manager).update(may_see_protected_whereabouts=True)
    manager = type(cast.manager).objects.get(pk=cast.manager.pk)
    assert names(manager, "due", school) == ["due", "protected", "transfer"]
    assert counts(manager, school)["due"] == (3, 1)


def test_filter_by_caseworker(cast, world):
    mine = PipelineFilters(caseworker_id=world["other_worker"].pk)
    assert names(cast.caseworker, "due", mine) == ["due_late"]
    assert counts(cast.caseworker, mine)["arranged"] == (0, 0)
    assert names(cast.caseworker, "arranged", PipelineFilters(caseworker_id=cast.caseworker.pk))


def test_filter_by_year_of_transfer(cast, world):
    assert names(cast.caseworker, "due", PipelineFilters(transfer_year=2027)) == ["transfer"]
    assert names(cast.caseworker, "later", PipelineFilters(transfer_year=2027)) == ["post16_later"]
    assert counts(cast.caseworker, PipelineFilters(transfer_year=2028))["due"] == (0, 0)


def test_a_review_that_records_its_transfer_is_filtered_by_it(cast, world):
    review = world["reviews"]["arranged"]
    review.transfer_year, review.transfer_post16 = 2027, False
    review.save()
    assert names(cast.caseworker, "arranged", PipelineFilters(transfer_year=2027)) == ["arranged"]
    row = rows(cast.caseworker, "arranged")["arranged"]
    assert row.transfer.year == 2027 and not row.transfer.post16


def test_filter_by_term(cast, world):
    autumn = term_by_code("2026-autumn")  # 1 September to 31 December 2026
    assert names(cast.caseworker, "due", PipelineFilters(term=autumn)) == [
        "due_late",
        "past",
    ]
    spring = term_by_code("2027-spring")  # the Year 6 child's deadline, 14 February 2027
    assert "transfer" in names(cast.caseworker, "due", PipelineFilters(term=spring))


def test_another_council_sees_none_of_it(cast, world):
    found = counts(cast.outsider)
    assert found["due"] == (1, 1)  # their own plan only (due in 30 days, not started: late)
    assert sum(total for total, _late in found.values()) == 1


def test_a_child_at_an_infant_school_transfers_to_junior_school(cast):
    """Year 2 at an infant school: into Year 3 at a junior school on 1 September 2027, a phase
    transfer (reg 18(1)) due by 14 February 2027 whatever the anniversary; the same child at a
    primary school stays there and is reviewed on the anniversary. Starting the review records
    the transfer."""
    from agencies.models import Agency, AgencyKind
    from workflows import pipeline_services

    infant = Agency.objects.create(
        name="Meadow Infant School", kind=AgencyKind.SCHOOL, infant_school=True
    )
    y2 = date(2020, 3, 3)  # Year 2 in 2026/27
    at_infant = plan_for(
        cast.council,
        next_review_due_on=date(2027, 6, 30),
        school=infant,
        date_of_birth=y2,
        caseworker=cast.caseworker,
        first_name="Infant",
    )
    plan_for(
        cast.council,
        next_review_due_on=date(2027, 6, 30),
        school=cast.school,
        date_of_birth=y2,
        caseworker=cast.caseworker,
        first_name="Primary",
    )
    assert names(cast.caseworker, "due") == ["Infant"]
    assert names(cast.caseworker, "later") == ["Primary"]
    row = rows(cast.caseworker, "due")["Infant"]
    assert row.transfer.kind is TransferKind.JUNIOR and row.transfer.year == 2027
    assert row.review_due_on == date(2027, 2, 14)
    assert names(cast.caseworker, "due", PipelineFilters(transfer_year=2027)) == ["Infant"]

    report = pipeline_services.reviews_start(plans=[at_infant], by=cast.caseworker, today=TODAY)
    assert not report.refused
    review = at_infant.reviews.get()
    assert (review.transfer_year, review.transfer_post16) == (2027, False)
    assert review.phase_transfer_due_on == date(2027, 2, 14)


def test_a_corrected_date_of_birth_moves_the_plan_into_its_phase_transfer(cast, world):
    """The pipeline reads the plan's copy of the child's date of birth; correcting the child's
    date (a Year 3 child is really in Year 6) gives every plan of the child the new one at once,
    in the same save."""
    plan = world["plans"]["later"]
    child = plan.child
    assert plan.child_date_of_birth == Y3
    child.date_of_birth = Y6
    child.save()

    plan.refresh_from_db()
    assert plan.child_date_of_birth == Y6
    assert "later" in names(cast.caseworker, "due")
    assert "later" not in names(cast.caseworker, "later")
    assert counts(cast.caseworker)["due"] == (6, 4)


def test_saving_other_fields_of_a_child_leaves_the_plans_copy_alone(cast, world):
    """A save of named fields that are not the date of birth does not write it, so neither does
    the plan's copy; a child saved with nothing changed costs no update of its plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = world["plans"]["later"]
    child = type(plan.child).objects.get(pk=plan.child_id)
    child.date_of_birth = Y6
    child.first_name = "Renamed"
    child.save(update_fields=["first_name"])
    plan.refresh_from_db()
    assert plan.child_date_of_birth == Y3

    child = type(plan.child).objects.get(pk=plan.child_id)
    with CaptureQueriesContext(connection) as ctx:
        child.save()
    assert not [q for q in ctx.captured_queries if "ehcp_ehcplan" in q["sql"]]


def test_counting_the_plans_does_not_join_the_children(cast, world):
    """At half of England the counts hashed all 500,000 children to count one council's plans:
    the plans' counts now read the plans (and, for a transfer into Year 3, the children at an
    infant school, in a subquery)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        counts(cast.caseworker)
    plans_counts = [q["sql"] for q in ctx.captured_queries if 'FROM "ehcp_ehcplan"' in q["sql"]]
    assert len(plans_counts) == 1
    sql = plans_counts[0]
    tables = sql[sql.index('FROM "ehcp_ehcplan"') :].split(" WHERE ")[0]
    assert '"ehcp_child"' not in tables, tables
    assert 'FROM "ehcp_child"' in sql  # the children at an infant school, a subquery
