"""A whole EHC needs assessment in a real browser, only by clicking and typing, with axe-core.

Five people sign in through the sign-in page and use only the links, buttons and fields the pages
show (no address typed except the sign-in page, no form posted that the page does not draw): the
caseworker records the request and consent, decides to assess and asks four agencies; health, the
educational psychologist, social care and the SENCo claim, write and submit their advice; the
caseworker records the family's views, accepts the advice, decides to issue and builds the plan
from the advisers' suggestions; the health trust agrees its provision in section G (from its start
page); the caseworker issues the draft, records the family's comments and consults the school,
which replies; and the caseworker issues the final plan. axe-core checks every page the browser
lands on, error pages included (tests/e2e/axe.py), and the test fails if any page was not checked.

Only the world (agencies, people and their memberships and passwords) is made through the ORM.
Dates are relative to today, because the live server runs on the real clock.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import Assessment, AssessmentStatus

from .axe import AxeGuard
from .conftest import axe_context

PASSWORD = "a-long-test-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {
    # username: (first name, last name, role, agency key)
    "caseworker": ("Priya", "Shah", Role.CASEWORKER, "council"),
    "health": ("Hana", "Okafor", Role.HEALTH_ADVISER, "health"),
    "psychologist": ("Pavel", "Novak", Role.EDUCATIONAL_PSYCHOLOGIST, "ep"),
    "socialcare": ("Sade", "Adeyemi", Role.SOCIAL_CARE_ADVISER, "social"),
    "senco": ("Sam", "Reid", Role.SENCO, "school"),
}
AGENCIES = {
    "council": ("Exampleshire Council SEN team", AgencyKind.SEN_TEAM),
    "ep": ("Exampleshire Educational Psychology Service", AgencyKind.EP_SERVICE),
    "health": ("Exampleshire Community Health NHS Trust", AgencyKind.HEALTH),
    "social": ("Exampleshire Children's Social Care", AgencyKind.SOCIAL_CARE),
    "school": ("Hill Top Primary School", AgencyKind.SCHOOL),
}

FAMILY_VIEWS = "Ada loves drawing and horses. She wants to read stories to her little brother."
# (adviser, task, need, outcome, (provision, who, times, per, minutes))
ADVICE = [
    (
        "health",
        "Give health advice",
        "Ada has hypermobility that makes handwriting tiring after ten minutes.",
        "By the end of Year 5 Ada writes for twenty minutes without pain.",
        (
            "Occupational therapy hand-strengthening programme",
            "Occupational therapist",
            1,
            "a month",
            45,
        ),
    ),
    (
        "psychologist",
        "Give psychological advice",
        "Ada loses track of spoken instructions of more than two steps.",
        "By the end of Year 5 Ada follows a three-step instruction without prompting.",
        (
            "Small-group working memory programme",
            "Teaching assistant trained in the programme",
            3,
            "a week",
            20,
        ),
    ),
    (
        "socialcare",
        "Give social care advice",
        "Ada's parents need short breaks to sustain care at home.",
        "Ada enjoys a regular after-school club with her friends by the end of the year.",
        (
            "Short breaks at an inclusive after-school club",
            "Short breaks service",
            1,
            "a week",
            120,
        ),
    ),
    (
        "senco",
        "Give educational advice",
        "Ada reads two years below her age despite phonics support.",
        "By the end of Year 6 Ada reads age-appropriate texts with understanding.",
        ("Daily one-to-one structured reading programme", "Specialist teacher", 5, "a week", 20),
    ),
]


@pytest.fixture
def world(db):
    agencies = {
        key: Agency.objects.create(name=name, kind=kind) for key, (name, kind) in AGENCIES.items()
    }
    for username, (first, last, role, agency) in PEOPLE.items():
        user = get_user_model().objects.create_user(
            username, password=PASSWORD, first_name=first, last_name=last
        )
        Membership.objects.create(user=user, agency=agencies[agency], role=role)
    return agencies


class Browser:
    """One person's browser: every click that leads to a page is followed by an axe-core check."""

    def __init__(self, context, base_url):
        self.page = context.new_page()
        self.base_url = base_url
        self.axe = AxeGuard(self.page)

    # -- leaving and arriving ------------------------------------------------------------------

    def sign_in(self, username):
        self.page.goto(f"{self.base_url}/sign-in/")
        self.axe.check()
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.button("Sign in")
        first, last = PEOPLE[username][:2]
        self.see(f"Hello, {first} {last}")

    def sign_out(self):
        self.button("Sign out")

    def _follow(self, locator):
        with self.page.expect_navigation():
            locator.click()
        self.axe.check()

    def link(self, name, *, exact=False, within=None):
        self._follow((within or self.page).get_by_role("link", name=name, exact=exact).first)

    def button(self, name, *, exact=False):
        self._follow(self.page.get_by_role("button", name=name, exact=exact))

    # -- typing and choosing -------------------------------------------------------------------

    def fill(self, label, value, *, exact=False):
        self.page.get_by_label(label, exact=exact).fill(value)

    def choose(self, label, *, exact=False, within=None):
        (within or self.page).get_by_role("radio", name=label, exact=exact).check()

    def tick(self, label, *, exact=False):
        self.page.get_by_role("checkbox", name=label, exact=exact).check()

    def select(self, label, option):
        self.page.get_by_role("combobox", name=label, exact=True).select_option(label=option)

    def type_school(self, label, name):
        """A school box: type the start of the name, wait for the suggestion the page offers (its
        <datalist>, filled from the suggestions page by static/js/setting-search.js) and take
        it, as a person would."""
        box = self.page.get_by_label(label, exact=True)
        box.fill(name[:7])
        suggestions = f"#{box.get_attribute('id')}-suggestions option"
        self.page.wait_for_function(
            "([selector, name]) => [...document.querySelectorAll(selector)]"
            ".some((option) => option.value.startsWith(name))",
            arg=[suggestions, name],
        )
        offered = self.page.locator(suggestions).evaluate_all("(os) => os.map((o) => o.value)")
        box.fill(next(v for v in offered if v.startswith(name)))

    def date(self, legend, day):
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))

    # -- tasks -------------------------------------------------------------------------------

    def open_task(self, title):
        """From the inbox (the Tasks menu item), open the task and claim it if it is unclaimed."""
        self.link("Tasks", exact=True, within=self.page.get_by_role("navigation", name="Menu"))
        self.link(title, exact=True)
        claim = self.page.get_by_role("button", name="Claim this task")
        if claim.count():
            self.button("Claim this task")
            self.see("You have claimed this task")
        assert self.heading() == title

    def give_advice(self, title, *, need, outcome, provision):
        """The adviser writes a need, an outcome and quantified provision for both, and submits."""
        self.open_task(title)
        self.button("Write your advice")
        self.link("Add a need")
        self.fill("Describe the need", need)
        self.button("Save")
        self.see("Need saved in your draft")
        self.link("Add an outcome")
        self.fill("Describe the outcome sought", outcome)
        self.button("Save")
        self.see("Outcome sought saved in your draft")
        self.link("Add provision")
        what, who, times, per, minutes = provision
        self.fill("What is the provision?", what)
        self.fill("Who provides it?", who)
        self.fill("How many times?", str(times))
        self.select("Per", per)
        self.fill("Minutes each time (optional)", str(minutes))
        self.tick(f"Need: {need[:30]}")
        self.tick(f"Outcome sought: {outcome[:30]}")
        self.button("Save")
        self.see("Provision saved in your draft")
        self.link("Check and submit")
        assert self.heading() == "Check your advice before you submit it"
        self.button("Submit advice")
        self.see("Your advice has been sent to the council")

    # -- looking -------------------------------------------------------------------------------

    def main(self) -> str:
        return self.page.inner_text("main")

    def see(self, text):
        assert text in self.main(), f"{text!r} is not on {self.page.url}:\n{self.main()}"

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()


def test_a_whole_assessment_by_clicking_and_typing_with_no_axe_violations(
    live_server, chromium, world
):
    today = timezone.localdate()
    # On time: the decision within 6 weeks, the advice within 6 weeks of being asked; the
    # family's comments come back on the day the draft is sent, so the final plan can follow.
    received = today - timedelta(days=40)
    consent_on = today - timedelta(days=38)
    decided = today - timedelta(days=30)
    views_on = today - timedelta(days=5)
    issue_decided = today
    review_on = today + timedelta(days=365)

    context = axe_context(chromium)
    me = Browser(context, live_server.url)
    pages_checked = me.axe.pages
    try:
        # -- the caseworker records the request and the consent, and decides to assess ----------
        me.sign_in("caseworker")
        me.link("Record a request for an EHC needs assessment")
        me.button("Record the request")  # nothing filled in: the error summary is checked too
        assert me.page.title().startswith("Error:")
        me.see("Enter the last name")
        me.fill("First name", "Ada")
        me.fill("Last name", "Lovelace")
        me.date("Date of birth", today.replace(year=today.year - 9) - timedelta(days=40))
        me.choose("Parent or carer")
        me.fill("Name of the person or organisation", "Annabella Lovelace")
        me.date("Date the request was received", received)
        me.fill("Reasons for the request", "Reading and attention are far behind despite support.")
        me.button("Record the request")
        assert me.heading().startswith("Ada Lovelace")
        me.link("Record consent")
        me.choose("EHC needs assessment")
        for key in ("ep", "health", "social"):
            me.tick(AGENCIES[key][0])
        # Schools are typed, one a line (no page lists every school).
        me.fill("Other schools or settings the consent covers", AGENCIES["school"][0], exact=True)
        me.choose("Parent or carer")
        me.fill("Name of the person who gave consent", "Annabella Lovelace")
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
        me.type_school("Educational advice (reg 6(1)(b)): ask", AGENCIES["school"][0])
        me.select("Medical advice (reg 6(1)(c)): ask", AGENCIES["health"][0])
        me.select("Psychological advice (reg 6(1)(d)): ask", AGENCIES["ep"][0])
        me.select("Social care advice (reg 6(1)(e)): ask", AGENCIES["social"][0])
        me.button("Record the decision")
        me.sign_out()

        # -- four agencies claim, write and submit their advice ----------------------------------
        for username, title, need, outcome, provision in ADVICE:
            me.sign_in(username)
            me.give_advice(title, need=need, outcome=outcome, provision=provision)
            me.sign_out()

        # -- the caseworker records the family's views, accepts the advice, decides to issue ----
        me.sign_in("caseworker")
        me.open_task("Record the family's views")
        me.button("Record the family's views")
        me.link("Add the family's views")
        me.fill("The family's views, interests and aspirations", FAMILY_VIEWS)
        me.button("Save")
        me.see("saved in your draft")
        me.link("Check and submit")
        me.date("Date the family gave their views", views_on)
        me.button("Record the family's views")
        for _adviser, title, need, _outcome, _provision in ADVICE:
            me.open_task(title.replace("Give", "Review"))
            me.button("Review the advice")
            me.see(need)
            me.choose("Yes, accept it")
            me.button("Save the decision")
            me.see("Advice accepted")
        me.open_task("Decide whether to issue a plan")
        me.choose("Yes, issue a plan")
        me.date("Date of the decision", issue_decided)
        me.button("Record the decision")

        # -- the caseworker builds the plan from the advisers' suggestions -------------------------
        assert me.heading() == "Ada Lovelace"
        me.link("The EHC plan")
        me.button("Suggest entries from the advice")
        accept = me.page.get_by_role("button", name=re.compile(r"^Accept the suggestion"))
        suggested = accept.count()
        assert suggested >= 12, me.main()  # a need, an outcome and provision from each adviser
        while accept.count():
            me._follow(accept.first)
        me.see("No suggestions are waiting")
        me.link("Sections A, I and J")
        me.fill("Section A: views, interests and aspirations", FAMILY_VIEWS)
        me.button("Save")
        for ref in ("F1", "F2"):  # the advisers said how often, not for how long
            me.link(f"Change provision {ref}", exact=True)
            me.date("End or review date", review_on)
            me.button("Save")
        # Only the health body's agreement to section G is missing now.
        me.see("has not been agreed by the health body")
        assert "does not say" not in me.main() and "has no provision" not in me.main()
        me.sign_out()

        # -- the health trust agrees its provision in section G ----------------------------------
        me.sign_in("health")
        me.see("Health provision for your agreement")
        me.link("Ada Lovelace")
        me.link("Agree")
        me.date("Date the health body agreed it", today)
        me.button("Agree this provision")
        me.see("Agreed")
        me.sign_out()

        # -- the caseworker issues the draft and records the family's comments -------------------
        me.sign_in("caseworker")
        me.open_task("Issue the draft plan")
        me.date("Date of the draft plan", today)
        me.choose("By e-mail")  # sent today: served today, so the 15 days begin today
        me.button("Record that the draft was sent")
        me.open_task("Record comments on the draft and consult settings")
        me.choose("Yes", exact=True)
        me.date("Date the comments were received", today)
        me.fill("Summary of the comments", "The family agree with the draft and ask for Hill Top.")
        me.type_school("School or setting the family asked for", AGENCIES["school"][0])
        # They said in writing that they have nothing more to add: the final plan may come
        # before the 15 days for representations end (reg 13(1)).
        me.date("Date they said in writing that they have nothing more to add", today)
        me.button("Record and send the consultation")
        me.sign_out()

        # -- the school replies to the consultation ---------------------------------------------
        me.sign_in("senco")
        me.open_task("Reply to the consultation")
        me.choose("The setting can meet the child's needs")
        me.date("Date of the reply", today)
        me.fill("Reasons and comments", "We can meet Ada's needs with the provision in section F.")
        me.button("Send the reply")
        me.sign_out()

        # -- the caseworker issues the final plan -----------------------------------------------
        me.sign_in("caseworker")
        me.open_task("Issue the final plan")
        me.date("Date the final plan was issued", today + timedelta(days=1))
        me.select(
            "School or setting named in section I",
            f"{AGENCIES['school'][0]}, replied: the setting can meet the child's needs",
        )
        me.choose("By e-mail")
        me.button("Record that the final plan was issued")
        me.see("must be today or in the past")  # refused: nothing issued
        assert (
            Assessment.objects.get(child__last_name="Lovelace").status
            == AssessmentStatus.CONSULTING
        )
        me.date("Date the final plan was issued", today)
        me.select(
            "School or setting named in section I",
            f"{AGENCIES['school'][0]}, replied: the setting can meet the child's needs",
        )
        me.button("Record that the final plan was issued")
        assert me.heading() == "Ada Lovelace"
        me.see("Final plan issued")
        me.see("Setting named in the final plan")
        # The child's page: the plan now in force, this assessment among the episodes.
        me.link("Ada's EHC plan and every episode")
        assert me.heading() == "Ada Lovelace"
        me.see("In force")
        me.see("Final plan issued")
        me.link("Issued plans and letters")
        me.see("Issued plans and letters")
        me.axe.assert_all_checked()
    finally:
        context.close()

    # What the pages did, as the service recorded it.
    case = Assessment.objects.select_related("child").get(child__last_name="Lovelace")
    assert case.status == AssessmentStatus.FINAL_ISSUED
    assert case.final_issued_on == today and case.draft_issued_on == today
    assert case.named_setting == world["school"]
    assert {a.kind: a.status for a in case.advice_requests.all()} == dict.fromkeys(
        ("PARENT_VIEWS", "EDUCATIONAL", "HEALTH", "PSYCHOLOGICAL", "SOCIAL_CARE"), "ACCEPTED"
    )
    health = case.plan.provisions.get(section="G")
    assert health.health_agreed_by.username == "health"
    assert health.health_agreement_source == "HEALTH_BODY"
    assert case.plan.provisions.filter(status="ACCEPTED").count() == 4
    reasons = set(case.history.values_list("history_change_reason", flat=True))
    assert {"Draft plan issued", "Comments on the draft recorded"} <= reasons
    # Every page the browser landed on was checked: sign-in pages, forms, error-free results.
    assert len(pages_checked) >= 140, len(pages_checked)
    print(f"axe-core checked {len(pages_checked)} pages ({len(set(pages_checked))} addresses)")
