"""The reviews pipeline in a real browser, only by clicking and typing (issue 10).

A caseworker opens the pipeline from the navigation ("Reviews"), filters the plans whose review is
due to those due in the spring term at Riverside Primary, ticks them and starts their reviews:
each school gets its task to arrange the meeting (SEND Regulations 2014, reg 20). Then, on the
"Meeting arranged" stage, she records one batch of invitations for the reviews the council
arranges (children in no school, reg 21); the school's own review there cannot be chosen (the
school records its invitations). Last, the printable list of that stage shows its rows. axe-core
checks every page the browser lands on (tests/e2e/axe.py).

Only the starting state is made with the factories and services: plans in force whose reviews
are due in the next 3 months, and reviews whose meeting is arranged. The whole test runs on one
day (time_machine, ticking), so the pipeline's terms and dates agree with the setup.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ehcp.reviews.models import ArrangedUnder, Review, ReviewStatus
from ehcp.reviews.services import review as review_services
from tests.ehcp.reviews.pipeline_data import plan_for
from tests.factories import ParentCarerFactory
from workflows import services as wf
from workflows.models import CaseTask

from .conftest import axe_context
from .test_review_amendment import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 20)
MEETING_ON = TODAY + timedelta(days=28)  # invitations due by 4 December: sent today, on time
SPRING = "Spring term 2027 (1 January to 31 March)"


def open_tasks(review):
    return list(CaseTask.objects.human().open().filter(review=review))


def plans_due(cast):
    """Four plans in force whose reviews are due in the next 3 months: two at the school in the
    spring term, one at the school in the autumn term, one of a child in no school in spring."""
    found = {}
    for name, due_on, school in (
        ("Amelia", date(2027, 1, 15), cast.school),
        ("Bartholomew", date(2027, 2, 1), cast.school),
        ("Cordelia", date(2026, 12, 10), cast.school),
        ("Desmond", date(2027, 1, 20), None),
    ):
        plan = plan_for(
            cast.council,
            next_review_due_on=due_on,
            caseworker=cast.caseworker,
            school=school,
            first_name=name,
        )
        ParentCarerFactory(child=plan.child)
        found[name] = plan
    return found


def meetings_arranged(cast):
    """Reviews whose meeting is arranged, through the flow: two of children in no school (the
    council arranges them and sends the invitations, reg 21) and one at the school (reg 20)."""
    reviews = {}
    for name, school in (("Ezekiel", None), ("Florentina", None), ("Gwendolyn", cast.school)):
        plan = plan_for(
            cast.council,
            next_review_due_on=date(2027, 1, 25),
            caseworker=cast.caseworker,
            school=school,
            first_name=name,
        )
        ParentCarerFactory(child=plan.child)
        review = wf.review_start(ehc_plan=plan, kind="ANNUAL", by=cast.caseworker, today=TODAY)
        (task,) = open_tasks(review)
        user = cast.senco if task.agency == cast.school else cast.caseworker
        if task.owner_id is None:
            wf.task_claim(task=task, user=user)
        wf.task_complete(
            task=task,
            user=user,
            perform=lambda r, user=user: review_services.review_meeting_arrange(
                review=r, meeting_on=MEETING_ON, by=user, today=TODAY
            ),
        )
        review.refresh_from_db()
        assert review.status == ReviewStatus.ARRANGED
        reviews[name] = review
    return reviews


def rows(me):
    """The rows of the stage's table (the second table on the page: the first counts stages)."""
    return me.page.locator("main table").nth(1).locator("tbody tr")


def test_a_caseworker_starts_reviews_and_records_invitations_from_the_pipeline(
    live_server, chromium, cast
):
    with time_machine.travel(datetime.combine(TODAY, time(9, 30), tzinfo=LONDON), tick=True):
        plans = plans_due(cast)
        arranged = meetings_arranged(cast)

        context = axe_context(chromium)
        me = Person(context, live_server.url)
        pages_checked = me.axe.pages
        try:
            me.sign_in(cast.caseworker)
            me.link("Reviews", exact=True, within=me.page.get_by_role("navigation", name="Menu"))
            assert me.heading() == "Reviews"
            me.see("Review due in the next 3 months")
            assert rows(me).count() == 4, me.main()

            # -- filter: due in the spring term, at Riverside --------------------------------
            me.page.get_by_label("Review due in", exact=True).select_option(label=SPRING)
            me.fill("School or setting", "Riverside")
            me.button("Filter", exact=True)
            assert rows(me).count() == 2, me.main()
            shown = rows(me).all_inner_texts()
            assert any("Amelia" in row for row in shown)
            assert any("Bartholomew" in row for row in shown)
            me.see("Start all 2 reviews shown")

            # -- tick both and start their reviews -------------------------------------------
            me.tick(f"Select {plans['Amelia'].child.full_name}")
            me.tick(f"Select {plans['Bartholomew'].child.full_name}")
            me.button("Start the selected reviews")
            me.see("2 reviews started. Each school or setting has its task to arrange the meeting")
            me.see("Nothing is at this stage with these filters")
            # The filters stay with the page: clear the school's, keep the term.
            me.fill("School or setting", "")
            me.button("Filter", exact=True)
            assert rows(me).count() == 1, me.main()  # Desmond, in no school; not the autumn's
            me.see(plans["Desmond"].child.full_name)

            # -- the meeting arranged: record a batch of invitations ---------------------------
            me.link("Meeting arranged")
            assert me.heading() == "Reviews"
            assert rows(me).count() == 3, me.main()
            me.see("Recorded by Riverside Primary")  # the school records its own (reg 20)
            me.see("Record invitations for all 2 reviews that can be chosen")
            me.tick(f"Select {arranged['Ezekiel'].child.full_name}")
            me.tick(f"Select {arranged['Florentina'].child.full_name}")
            me.date("Date the invitations were sent", TODAY)
            me.button("Record invitations for the selected reviews")
            me.see("Invitations recorded as sent for 2 reviews")

            # -- the printable list of the stage the page is on -------------------------------
            me.link("Invitations sent")
            assert rows(me).count() == 2, me.main()
            me.link("Print this list")
            assert me.heading() == "Reviews: invitations sent"
            me.see("2 rows")
            printed = me.page.locator("main table tbody tr")
            assert printed.count() == 2
            texts = printed.all_inner_texts()
            assert any(arranged["Ezekiel"].reference in row for row in texts)
            assert any(arranged["Florentina"].reference in row for row in texts)
            assert me.page.locator("main table a").count() == 0  # a printed list has no links
            me.link("Back to the reviews")
            assert me.heading() == "Reviews"
            me.axe.assert_all_checked()
        finally:
            context.close()

    # -- what the pages did, as the services recorded it ------------------------------------------
    started = {
        review.child.first_name: review
        for review in Review.objects.filter(ehc_plan__in=plans.values()).select_related("child")
    }
    assert set(started) == {"Amelia", "Bartholomew"}  # the filtered-out plans were not started
    for review in started.values():
        assert review.status == ReviewStatus.DUE and review.kind == "ANNUAL"
        assert review.started_on == TODAY and review.started_by == cast.caseworker
        assert review.arranged_under == ArrangedUnder.SETTING
        assert review.arranged_by == cast.school
        assert review.processes.count() == 1
        # Reg 20: the school's queue, for any of its SENCos to claim.
        (task,) = open_tasks(review)
        assert task.flow_task.name == "arrange_meeting"
        assert task.agency == cast.school and task.owner is None
    for name in ("Ezekiel", "Florentina"):
        review = arranged[name]
        review.refresh_from_db()
        assert review.status == ReviewStatus.INVITED and review.invitations_sent_on == TODAY
        invitees = list(review.invitees.all())
        assert invitees and all(invitee.invited_on == TODAY for invitee in invitees)
        (task,) = open_tasks(review)
        assert task.flow_task.name == "circulate_advice" and task.agency == cast.council
        done = CaseTask.objects.human().filter(review=review).order_by("pk")
        (sent,) = [t for t in done if t.flow_task.name == "send_invitations"]
        assert sent.owner == cast.caseworker
    school_review = arranged["Gwendolyn"]
    school_review.refresh_from_db()
    assert school_review.status == ReviewStatus.ARRANGED
    assert [t.flow_task.name for t in open_tasks(school_review)] == ["send_invitations"]
    print(f"axe-core checked {len(pages_checked)} pages ({len(set(pages_checked))} addresses)")
