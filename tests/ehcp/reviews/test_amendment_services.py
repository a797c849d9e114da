"""Amending the plan after a review (reg 22): the review's working copy seeded from the version in
force, the decision to amend with the amendment notice, the family's comments, and the final
amended plan as the next version of the child's plan."""

from datetime import date, timedelta

import pytest

from agencies.models import AgencyKind
from ehcp.assessments.rules import deadlines
from ehcp.common.services import CaseRuleError
from ehcp.plans import selectors as plan_selectors
from ehcp.plans import services as plan_services
from ehcp.plans.models import (
    DocumentKind,
    DocumentRender,
    LetterSending,
    Plan,
    PlanEntryStatus,
    PlanNeed,
    PlanProvision,
)
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.reviews.models import Review, ReviewDecision, ReviewStatus
from ehcp.reviews.services import amendment
from tests import factories

from .amending import (
    FIRST,
    SECOND,
    amend,
    emailed,
    plan_made_by_assessment,
    propose_amendments,
    reported_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(walk, cast):
    return plan_made_by_assessment(walk, cast)


@pytest.fixture
def review(made, cast):
    return reported_review(made.ehc_plan, cast)


# -- the working copy ------------------------------------------------------------------------------


def test_the_working_copy_is_seeded_from_the_version_in_force_with_its_links(made, review, cast):
    source = Plan.objects.get(case=made)
    plan = amendment.review_plan_seed(review=review, by=cast.caseworker)
    assert plan.review == review and plan.case is None
    assert plan.views == source.views and plan.personal_budget == source.personal_budget

    def entries(p, model):
        return list(model.objects.filter(plan=p, status=PlanEntryStatus.ACCEPTED).order_by("pk"))

    needs, source_needs = entries(plan, PlanNeed), entries(source, PlanNeed)
    assert [(n.section, n.text, n.need_code) for n in needs] == [
        (n.section, n.text, n.need_code) for n in source_needs
    ]
    assert [n.carried_from for n in needs] == [n.public_id for n in source_needs]
    assert needs[0].need_code == "SLCN"  # the SEN2 need type came with it
    assert set(needs[0].advice.all()) == set(source_needs[0].advice.all())
    outcome = plan.outcomes.get()
    assert list(outcome.needs.all()) == [needs[0]]  # linked to the copy, not the original
    provisions = entries(plan, PlanProvision)
    f, g = (next(p for p in provisions if p.section == s) for s in ("F", "G"))
    assert list(f.needs.all()) == [needs[0]] and list(f.outcomes.all()) == [outcome]
    assert g.health_agreed and g.health_agreed_by == cast.health_adviser
    assert g.health_agreement_source == "HEALTH_BODY"
    # The version in force (2: the draft was 1) is named in every history row it wrote.
    reasons = {r.history_change_reason for r in PlanNeed.history.filter(plan_id=plan.pk)}
    assert reasons == {f"Seeded from version 2 ({made.reference})"}
    assert Plan.history.get(id=plan.pk).history_change_reason.startswith("Seeded from version 2")


def test_seeding_again_changes_nothing(review, cast):
    first = amendment.review_plan_seed(review=review, by=cast.caseworker)
    before = factories.db_state()
    again = amendment.review_plan_seed(review=review, by=cast.caseworker)
    assert again.pk == first.pk
    assert factories.db_state() == before


def test_the_working_copy_compares_unchanged_with_the_version_in_force(made, review, cast):
    plan = amendment.review_plan_seed(review=review, by=cast.caseworker)
    in_force = plan_selectors.plan_in_force(review.ehc_plan_id)
    assert in_force.episode == made and in_force.version == 2
    content = plan_selectors.plan_content(
        plan_selectors.plan_with_entries(plan),
        episode=review,
        advice=plan_selectors.episode_advice(review),
        plan_date=FIRST.decided_on,
        placement=in_force.placement,
    )
    assert content["sections"]["I"]["name"] == cast.school.name
    assert plan_selectors.plan_amendments(in_force.content, content) == []


@pytest.mark.parametrize("status", [ReviewStatus.MEETING_HELD, ReviewStatus.COMPLETE])
def test_the_working_copy_is_only_for_a_review_reported_or_amending(made, cast, status):
    review = reported_review(made.ehc_plan, cast, status=status)
    with pytest.raises(CaseRuleError, match="cannot be prepared"):
        amendment.review_plan_seed(review=review, by=cast.caseworker)
    assert not Plan.objects.filter(review=review).exists()


@pytest.mark.parametrize("who", ["outsider", "senco", "health_adviser"])
def test_only_the_councils_officers_prepare_the_working_copy(review, cast, who):
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        amendment.review_plan_seed(review=review, by=getattr(cast, who))


def test_the_working_copy_is_edited_with_the_plan_services_and_its_history(review, cast):
    plan = propose_amendments(review, cast)
    need = plan.needs.get(text__startswith="Finds it hard to start writing")
    assert need.carried_from is None and need.key == str(need.public_id)
    changes = plan_selectors.plan_changes(plan)
    assert changes[0].reason.startswith("Provision changed")
    assert any(c.reason == "Need added" for c in changes)


# -- the decision to amend and the amendment notice --------------------------------------------------


def notice(review, cast, **overrides):
    kwargs = dict(
        review=review,
        decided_on=FIRST.decided_on,
        reasons="The report recommends more speech and language support",
        by=cast.caseworker,
        today=FIRST.decided_on,
        sent=emailed(FIRST.decided_on),
    )
    kwargs.update(overrides)
    return amendment.amendment_notice_issue(**kwargs)


def test_no_decision_to_amend_without_an_amendment_proposed(review, cast):
    amendment.review_plan_seed(review=review, by=cast.caseworker)
    before = factories.db_state()
    with pytest.raises(CaseRuleError) as refused:
        notice(review, cast)
    assert "same as the plan in force (version 2)" in refused.value.messages[0]
    assert "Devon" in refused.value.messages[0]
    assert factories.db_state() == before


def test_no_decision_to_amend_before_the_working_copy_is_prepared(review, cast):
    with pytest.raises(CaseRuleError, match="Prepare the proposed amendments"):
        notice(review, cast)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REPORTED


def test_the_proposed_amended_plan_must_pass_the_checks(review, cast):
    plan = amendment.review_plan_seed(review=review, by=cast.caseworker)
    for provision in plan.provisions.filter(section="F"):
        plan_services.entry_remove(entry=provision, by=cast.caseworker)
    with pytest.raises(CaseRuleError) as refused:
        notice(review, cast)
    assert any(
        m.startswith("The proposed amended plan cannot be issued: Every special educational need")
        for m in refused.value.messages
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"reasons": "  "}, "Enter why the council decided to amend the plan"),
        ({"decided_on": FIRST.reported_on - timedelta(days=1)}, "on or after 8 March 2028"),
        ({"decided_on": FIRST.decided_on + timedelta(days=1)}, "today or in the past"),
        (
            {"sent": emailed(FIRST.decided_on - timedelta(days=1))},
            "The date the amendment notice was sent must be on or after 15 March 2028",
        ),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_changes(review, cast, overrides, message):
    propose_amendments(review, cast)
    before = factories.db_state()
    with pytest.raises(CaseRuleError, match=message):
        notice(review, cast, **overrides)
    assert factories.db_state() == before


def test_the_decision_to_amend_sends_the_notice_with_the_proposed_plan(made, review, cast):
    propose_amendments(review, cast)
    review = notice(review, cast)
    assert review.status == ReviewStatus.AMENDING
    assert review.decision == ReviewDecision.AMEND and review.decided_on == FIRST.decided_on
    assert review.amendment_notice_on == review.amendment_served_on == FIRST.decided_on
    assert review.amendment_comments_due_on == FIRST.comments_end_on  # 15 days, reg 22(2)(c)
    assert review.amended_plan_due_on == FIRST.decided_on + timedelta(weeks=8)  # reg 22(3)
    plan_render = DocumentRender.objects.get(review=review, kind=DocumentKind.DRAFT_PLAN)
    # The child's plan: draft 1 and final 2 by the assessment; the proposed amended plan is 3.
    assert plan_render.version == 3
    assert plan_render.content["amended"] is True
    assert plan_render.content["sections"]["I"]["name"] == cast.school.name
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.AMENDMENT_NOTICE)
    facts = letter.content
    assert facts["plan_version"] == 3 and facts["in_force_version"] == 2
    assert facts["comments_due_on"] == FIRST.comments_end_on.isoformat()
    assert facts["amended_plan_due_on"] == (FIRST.decided_on + timedelta(weeks=8)).isoformat()
    changes = {(a["section"], a["change"]) for a in facts["amendments"]}
    assert changes == {("B", "Added"), ("F", "Changed")}
    assert facts["evidence"][0] == "The review report, received on 8 March 2028"
    sending = LetterSending.objects.get(letter=letter)
    assert sending.enclosure == plan_render and sending.served_on == FIRST.decided_on
    assert review.history.first().history_change_reason == (
        "Decided to amend the plan: amendment notice with 2 proposed amendments"
    )


def test_a_notice_whose_sending_is_recorded_later_sets_the_dates_then(review, cast):
    propose_amendments(review, cast)
    review = notice(review, cast, sent=None)
    assert review.amendment_served_on is None
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.AMENDMENT_NOTICE)
    assert "comments_due_on" not in letter.content
    assert letter.content["amended_plan_due_on"] is None  # the rule, never a wrong date
    with pytest.raises(CaseRuleError, match="recorded as sent"):
        amendment.amended_plan_issue(
            review=review, issued_on=FIRST.final_on, by=cast.caseworker, today=FIRST.final_on
        )
    posted = FIRST.decided_on + timedelta(days=1)  # Thursday 16 March: served Monday 20th
    plan_services.letter_sending_record(
        letter=letter,
        sent=LetterSent(posted, SendingMethod.POST),
        by=cast.caseworker,
        today=posted,
    )
    review.refresh_from_db()
    assert review.amendment_notice_on == posted
    assert review.amendment_served_on == date(2028, 3, 20)
    assert review.amendment_comments_due_on == date(2028, 4, 3)
    assert review.amended_plan_due_on == posted + timedelta(weeks=8)
    assert review.history.first().history_change_reason.startswith(
        "Amendment notice served on 20 March 2028: comments until 3 April 2028"
    )


@pytest.mark.parametrize("status", [ReviewStatus.MEETING_HELD, ReviewStatus.AMENDING])
def test_the_decision_to_amend_waits_for_the_report(made, cast, status):
    review = reported_review(made.ehc_plan, cast, status=status)
    with pytest.raises(CaseRuleError, match="cannot decide to amend the plan now"):
        notice(review, cast)


# -- comments and the final amended plan -----------------------------------------------------------


@pytest.fixture
def amending(review, cast):
    propose_amendments(review, cast)
    return notice(review, cast)


def issue(review, cast, on=FIRST.final_on, **kwargs):
    return amendment.amended_plan_issue(
        review=review, issued_on=on, by=cast.caseworker, today=on, sent=emailed(on), **kwargs
    )


def test_comments_are_recorded_each_with_its_date(amending, cast):
    received = FIRST.decided_on + timedelta(days=3)
    amendment.amendment_comments_record(
        review=amending,
        received_on=received,
        summary="Agree with more therapy",
        by=cast.caseworker,
        today=received,
    )
    review = amendment.amendment_comments_record(
        review=amending,
        received_on=received + timedelta(days=1),
        summary="Would like Riverside Primary to stay named",
        by=cast.caseworker,
        today=received + timedelta(days=1),
    )
    assert review.comments_received_on == received + timedelta(days=1)
    assert review.comments_summary == (
        "18 March 2028: Agree with more therapy\n\n"
        "19 March 2028: Would like Riverside Primary to stay named"
    )
    assert review.no_further_comments_on is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"summary": ""}, "Enter a summary of the comments"),
        ({"received_on": FIRST.decided_on - timedelta(days=1)}, "on or after 15 March 2028"),
    ],
)
def test_bad_comments_are_refused(amending, cast, overrides, message):
    kwargs = dict(
        review=amending,
        received_on=FIRST.decided_on,
        summary="Agree",
        by=cast.caseworker,
        today=FIRST.final_on,
    )
    kwargs.update(overrides)
    before = factories.db_state()
    with pytest.raises(CaseRuleError, match=message):
        amendment.amendment_comments_record(**kwargs)
    assert factories.db_state() == before


def test_comments_only_while_amending(review, cast):
    with pytest.raises(CaseRuleError, match="comments on proposed amendments cannot be recorded"):
        amendment.amendment_comments_record(
            review=review,
            received_on=FIRST.decided_on,
            summary="Agree",
            by=cast.caseworker,
            today=FIRST.decided_on,
        )


def test_the_final_amended_plan_waits_for_the_15_days(amending, cast):
    before = factories.db_state()
    with pytest.raises(CaseRuleError) as refused:
        issue(amending, cast, on=FIRST.comments_end_on)
    assert refused.value.messages == [
        "The final amended plan cannot be issued until 30 March 2028: the family has at least "
        "15 days to comment on the proposed amendments (reg 22(2)(c)), even if they have already "
        "commented, unless they say in writing that they have nothing more to add"
    ]
    assert factories.db_state() == before


def test_no_further_comments_lets_the_final_amended_plan_come_sooner(amending, cast):
    on = FIRST.decided_on + timedelta(days=4)
    amendment.amendment_comments_record(
        review=amending,
        received_on=on,
        summary="Happy with the changes",
        no_further_comments=True,
        by=cast.caseworker,
        today=on,
    )
    review = issue(amending, cast, on=on)
    assert review.status == ReviewStatus.COMPLETE and review.amended_plan_issued_on == on


def test_the_final_amended_plan_is_the_next_version_and_resets_the_review_clock(
    made, amending, cast
):
    review = issue(amending, cast)
    assert review.status == ReviewStatus.COMPLETE
    assert review.completed_on == review.amended_plan_issued_on == FIRST.final_on
    ehc_plan = review.ehc_plan
    ehc_plan.refresh_from_db()
    assert ehc_plan.last_reviewed_on == FIRST.decided_on
    assert ehc_plan.next_review_due_on == deadlines.next_review_due(
        FIRST.decided_on, date_of_birth=made.child.date_of_birth
    )
    assert ehc_plan.next_review_due_on == date(2029, 3, 14)
    final = DocumentRender.objects.get(review=review, kind=DocumentKind.FINAL_PLAN)
    assert final.version == 4
    assert final.content["sections"]["I"]["name"] == cast.school.name  # as in force
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.AMENDED_PLAN_LETTER)
    assert letter.content["appeal_decision"] == amendment.AMENDED_PLAN_APPEAL
    assert letter.content["appeal_by"]  # sent with the decision: the dates are stated
    assert letter.content["next_review_due_on"] == "2029-03-14"
    assert LetterSending.objects.get(letter=letter).enclosure == final
    in_force = plan_selectors.plan_in_force(ehc_plan.pk)
    assert in_force.episode == review and in_force.version == 4
    assert ehc_plan.history.first().history_change_reason == (
        f"Amended by {review.reference}: version 4 issued; next review due by 14 March 2029"
    )


def test_the_final_amended_plan_may_name_another_setting_or_a_type(amending, cast):
    other = factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Hillside Academy")
    with pytest.raises(CaseRuleError, match="not both"):
        issue(amending, cast, named_setting=other, named_setting_type="Special school")
    with pytest.raises(CaseRuleError, match="Choose a school, college or early years setting"):
        issue(amending, cast, named_setting=cast.health)
    review = issue(amending, cast, named_setting=other)
    assert review.named_setting == other
    final = DocumentRender.objects.get(review=review, kind=DocumentKind.FINAL_PLAN)
    assert final.content["sections"]["I"]["name"] == "Hillside Academy"
    letter = DocumentRender.objects.get(review=review, kind=DocumentKind.AMENDED_PLAN_LETTER)
    assert letter.content["named_setting"] == "Hillside Academy"


def test_a_phase_transfer_names_the_next_setting(made, cast):
    review = reported_review(made.ehc_plan, cast, transfer_year=2029)
    propose_amendments(review, cast)
    review = notice(review, cast)
    with pytest.raises(CaseRuleError) as refused:
        issue(review, cast)
    assert refused.value.messages == [
        f"Name the school or college {made.child.first_name} will attend after the phase "
        "transfer in 2029: the amended plan must name it (reg 18(1))"
    ]
    secondary = factories.AgencyFactory(kind=AgencyKind.SCHOOL, name="Northshire High School")
    Review.objects.filter(pk=review.pk).update(next_setting=secondary)  # chosen at the review
    review = issue(review, cast)
    final = DocumentRender.objects.get(review=review, kind=DocumentKind.FINAL_PLAN)
    assert final.content["sections"]["I"]["name"] == "Northshire High School"
    assert review.named_setting == secondary


def test_the_final_amended_plan_must_still_change_the_plan(amending, cast):
    plan = Plan.objects.get(review=amending)
    plan_services.entry_remove(
        entry=plan.needs.get(text__startswith="Finds it hard to start writing"),
        by=cast.caseworker,
    )
    provision = plan.provisions.get(section="F")
    plan_services.provision_save(
        plan=plan,
        provision=provision,
        section="F",
        what=provision.what,
        who=provision.who,
        frequency_count=provision.frequency_count // 2,
        frequency_period=provision.frequency_period,
        session_minutes=provision.session_minutes,
        starts_on=provision.starts_on,
        ends_on=provision.ends_on,
        needs=[n for n in provision.needs.all() if n.is_in_plan],
        outcomes=list(provision.outcomes.all()),
        advice=list(provision.advice.all()),
        by=cast.caseworker,
    )
    with pytest.raises(CaseRuleError, match="same as the plan in force"):
        issue(amending, cast)


def test_the_working_copy_is_closed_once_the_amended_plan_is_issued(amending, cast):
    review = issue(amending, cast)
    plan = Plan.objects.get(review=review)
    with pytest.raises(CaseRuleError, match="cannot be changed"):
        plan_services.need_save(plan=plan, section="B", text="Another need", by=cast.caseworker)


# -- amended twice: three versions in force over time ------------------------------------------------


def test_a_plan_amended_twice_keeps_every_version(made, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = amend(made.ehc_plan, cast, dates=FIRST)
    ehc_plan = first.ehc_plan
    ehc_plan.refresh_from_db()
    second = reported_review(ehc_plan, cast, dates=SECOND)
    plan = amendment.review_plan_seed(review=second, by=cast.caseworker)
    # Seeded from the first review's working copy (version 4), keeping the first entries' keys.
    assert Plan.history.get(id=plan.pk).history_change_reason == (
        f"Seeded from version 4 ({first.reference})"
    )
    added = plan.needs.get(text__startswith="Finds it hard to start writing")
    first_copy = Plan.objects.get(review=first).needs.get(text__startswith="Finds it hard")
    assert added.carried_from == first_copy.public_id
    original = Plan.objects.get(case=made).needs.get(section="B")
    assert plan.needs.filter(carried_from=original.public_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = amend(ehc_plan, cast, dates=SECOND, review=second)
    finals = list(
        plan_selectors.ehc_plan_documents(ehc_plan.pk)
        .filter(kind=DocumentKind.FINAL_PLAN)
        .order_by("issued_on")
    )
    renders = DocumentRender.objects.filter(kind=DocumentKind.FINAL_PLAN).order_by("issued_on")
    assert [(r.episode, r.version) for r in renders] == [(made, 2), (first, 4), (second, 6)]
    # The reviews' finals were rendered here (the assessment's were not asked to be).
    assert [(d.episode, d.version) for d in finals] == [(first, 4), (second, 6)]
    ehc_plan.refresh_from_db()
    assert ehc_plan.last_reviewed_on == SECOND.decided_on
    # The second review's amendments are only what it changed: the frequency again.
    letter = DocumentRender.objects.get(review=second, kind=DocumentKind.AMENDMENT_NOTICE)
    assert [(a["section"], a["change"]) for a in letter.content["amendments"]] == [
        ("B", "Added"),
        ("F", "Changed"),
    ]
    assert letter.content["in_force_version"] == 4
