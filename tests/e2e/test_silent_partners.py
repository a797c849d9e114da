"""An assessment that reaches the final plan on time although a partner never answers (issue 9).

Nothing a partner fails to do may block the council's own statutory steps. In a real browser,
only by clicking and typing (axe-core on every page): the caseworker asks the health trust and the
educational psychology service for advice; the psychologist answers, the health trust never does.
Once the health advice is overdue (reg 8(1)) the caseworker decides to issue a plan without it,
giving the reason (regs 10(1), 13(2)); the plan is built from the psychologist's advice, the
draft goes out, the family say they have nothing more to add, and the school they asked for is
consulted (s.39 CFA 2014). The school never replies: 15 days later (CoP 9.83) the caseworker
issues the final plan naming it, within the 20 weeks. The health trust's task ends with the
plan, the school's silence is recorded, and the case shows the advice missing at each decision.

The live server runs on the real clock: the request is dated 100 days ago, and the last step
travels 15 days on (the server and the browser's session with it: the person signs in again).
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from ehcp.assessments.models import (
    AdviceRequest,
    Assessment,
    AssessmentStatus,
    DecisionAdviceGap,
)
from workflows.models import CaseTask

from .conftest import axe_context
from .test_whole_assessment import ADVICE, AGENCIES, Browser, world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY_VIEWS = "Tom loves trains and swimming. He wants to make a friend at school."
PSYCHOLOGY = next(row for row in ADVICE if row[0] == "psychologist")
NO_HEALTH_ADVICE = (
    "The health trust has not answered two requests and a chaser; the psychologist's and the "
    "school's evidence is enough to decide, and the advice will be added if it comes."
)


def test_a_silent_adviser_and_a_silent_school_do_not_stop_the_final_plan_on_time(
    live_server,
    chromium,
    world,  # noqa: F811
):
    today = timezone.localdate()
    received = today - timedelta(days=100)
    consent_on = received + timedelta(days=2)
    decided = received + timedelta(days=30)  # the advice was due 6 weeks later: 28 days ago
    final_day = today + timedelta(days=15)  # the school's 15 days have run out

    context = axe_context(chromium)
    me = Browser(context, live_server.url)
    try:
        # -- the request, the consent and the decision to assess (on time) -----------------------
        me.sign_in("caseworker")
        me.link("Record a request for an EHC needs assessment")
        me.fill("First name", "Tom")
        me.fill("Last name", "Quietly")
        me.date("Date of birth", today.replace(year=today.year - 8) - timedelta(days=20))
        me.choose("Parent or carer")
        me.fill("Name of the person or organisation", "Jo Quietly")
        me.date("Date the request was received", received)
        me.fill("Reasons for the request", "Tom's attention and memory hold back his learning.")
        me.button("Record the request")
        me.link("Record consent")
        me.choose("EHC needs assessment")
        for key in ("ep", "health"):
            me.tick(AGENCIES[key][0])
        me.choose("Parent or carer")
        me.fill("Name of the person who gave consent", "Jo Quietly")
        me.date("Date consent was given", consent_on)
        me.choose("Signed form or letter")
        me.button("Record consent")
        me.see("Consent recorded")
        me.link("Tasks for this case")
        me.link("Decide whether to assess", exact=True)
        if me.page.get_by_role("button", name="Claim this task").count():
            me.button("Claim this task")
        me.choose("Yes, assess")
        me.date("Date of the decision", decided)
        me.select("Medical advice (reg 6(1)(c)): ask", AGENCIES["health"][0])
        me.select("Psychological advice (reg 6(1)(d)): ask", AGENCIES["ep"][0])
        me.button("Record the decision")
        me.sign_out()

        # -- the psychologist answers; the health trust never does ------------------------------
        me.sign_in("psychologist")
        _username, title, need, outcome, provision = PSYCHOLOGY
        me.give_advice(title, need=need, outcome=outcome, provision=provision)
        me.sign_out()

        # -- the caseworker: the family's views, the psychology accepted, the decision ----------
        me.sign_in("caseworker")
        me.open_task("Record the family's views")
        me.button("Record the family's views")
        me.link("Add the family's views")
        me.fill("The family's views, interests and aspirations", FAMILY_VIEWS)
        me.button("Save")
        me.link("Check and submit")
        me.date("Date the family gave their views", today - timedelta(days=3))
        me.button("Record the family's views")
        me.open_task("Review psychological advice")
        me.button("Review the advice")
        me.choose("Yes, accept it")
        me.button("Save the decision")
        me.see("Advice accepted")

        # The decision task has been open beside the advice all along (reg 10(1): 16 weeks).
        me.open_task("Decide whether to issue a plan")
        me.see("Advice still missing")
        me.choose("Yes, issue a plan")
        me.date("Date of the decision", today)
        me.button("Record the decision")  # no reason yet: refused, nothing changes
        assert me.page.title().startswith("Error:")
        me.see("Give the reason for deciding without the")
        assert Assessment.objects.get().status == AssessmentStatus.ASSESSING
        me.choose("Yes, issue a plan")
        me.date("Date of the decision", today)
        me.page.get_by_label("Advice still missing", exact=False).fill(NO_HEALTH_ADVICE)
        me.button("Record the decision")
        assert me.heading() == "Tom Quietly"
        me.see("Advice missing at the")
        me.see(NO_HEALTH_ADVICE)

        # -- the plan, from the psychologist's advice ------------------------------------------
        me.link("The EHC plan")
        me.button("Suggest entries from the advice")
        while (accept := me.page.get_by_role("button", name="Accept the suggestion")).count():
            me._follow(accept.first)
        me.see("No suggestions are waiting")
        me.link("Sections A, I and J")
        me.fill("Section A: views, interests and aspirations", FAMILY_VIEWS)
        me.button("Save")
        me.link("Change provision F1", exact=True)
        me.date("End or review date", today + timedelta(days=365))
        me.button("Save")

        # -- the draft goes by e-mail; the family have nothing more to add ----------------------
        me.open_task("Issue the draft plan")
        me.date("Date of the draft plan", today)
        me.choose("By e-mail")
        me.button("Record that the draft was sent")
        me.open_task("Record comments on the draft and consult settings")
        me.choose("Yes", exact=True)
        me.date("Date the comments were received", today)
        me.fill("Summary of the comments", "The family agree with the draft and ask for Hill Top.")
        me.fill("School or setting the family asked for", AGENCIES["school"][0], exact=True)
        me.date("Date they said in writing that they have nothing more to add", today)
        me.button("Record and send the consultation")
        me.sign_out()
    finally:
        context.close()

    # -- 15 days on: the school has not replied; the final plan is issued on time ---------------
    with time_machine.travel(final_day, tick=True):
        context = axe_context(chromium)
        me = Browser(context, live_server.url)
        try:
            me.sign_in("caseworker")
            me.open_task("Issue the final plan")
            me.date("Date the final plan was issued", final_day)
            me.select(
                "School or setting named in section I",
                f"{AGENCIES['school'][0]}, no reply yet (due {final_day - timedelta(days=1):%-d %B %Y})",
            )
            me.choose("By e-mail")
            me.button("Record that the final plan was issued")
            assert me.heading() == "Tom Quietly", me.main()
            me.see("Final plan issued")
            me.see(f"No reply by {final_day - timedelta(days=1):%-d %B %Y}")
            me.axe.assert_all_checked()
        finally:
            context.close()

    case = Assessment.objects.get()
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.final_issued_on == final_day <= case.final_plan_due_on  # within 20 weeks
    assert case.named_setting == world["school"]
    health = AdviceRequest.objects.get(case=case, kind="HEALTH")
    assert health.status != "ACCEPTED" and health.proceeded_without_reason == NO_HEALTH_ADVICE
    assert set(
        DecisionAdviceGap.objects.filter(case=case).values_list("advice_request", flat=True)
    ) == {health.pk}
    health_task = CaseTask.objects.get(case=case, subject_id=health.pk, flow_task_type="HUMAN")
    assert health_task.status == STATUS.CANCELED
    consultation = case.consultations.get()
    assert consultation.replied_on is None and consultation.setting == world["school"]
    assert not CaseTask.objects.human().open().filter(case=case).exists()
    assert case.processes.get().status == PROCESS.DONE
