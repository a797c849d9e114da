"""The cease letters as the family reads them (PDF text): the reg 31(1) letter that ceasing is
being considered, and the reg 31(2)-(3) notice with the decision, the reasons, the SEN2 reason
in words, the right to appeal and its time limit, mediation and the mediation adviser's date,
information and advice services, and that the plan stays in force until the window has passed
or an appeal is decided."""

import io
from datetime import date, timedelta

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.plans.models import APPEALABLE_LETTER_KINDS, DocumentKind, PlanDocument
from ehcp.reviews.rules.cease import Reason
from ehcp.reviews.services import cease

from .cease_world import DECIDED_ON, emailed, plan_in_force, review_reported

pytestmark = pytest.mark.django_db


def text_of(document: PlanDocument) -> str:
    from pypdf import PdfReader

    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def when(d) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


@pytest.fixture
def letters(cast, django_capture_on_commit_callbacks):
    """Both letters of a cease after a review, rendered as they are issued, each e-mailed on the
    day of its decision."""
    plan = plan_in_force(cast)
    review = review_reported(cast, plan)
    replied, notice_on = DECIDED_ON + timedelta(days=14), DECIDED_ON + timedelta(days=17)
    with django_capture_on_commit_callbacks(execute=True):
        cease.cease_propose(
            review=review,
            decided_on=DECIDED_ON,
            reason=Reason.HIGHER_EDUCATION,
            reasons="Starting a degree course at university in September",
            by=cast.caseworker,
            today=DECIDED_ON,
            sent=emailed(DECIDED_ON),
        )
        cease.cease_consultation_record(
            review=review,
            replied_on=replied,
            reply="Agreed",
            by=cast.caseworker,
            today=replied,
        )
        cease.cease_notice_issue(
            review=review,
            issued_on=notice_on,
            by=cast.caseworker,
            today=notice_on,
            sent=emailed(notice_on),
        )
    return review, notice_on


def test_the_cease_notice_is_appealable_and_the_consultation_letter_is_not():
    assert DocumentKind.CEASE_NOTICE in APPEALABLE_LETTER_KINDS
    assert DocumentKind.CEASE_CONSULT_LETTER not in APPEALABLE_LETTER_KINDS


def test_the_consultation_letter_says_no_decision_yet_and_asks_for_views(letters, cast):
    review, _ = letters
    text = text_of(PlanDocument.objects.get(review=review, kind=DocumentKind.CEASE_CONSULT_LETTER))
    assert "We are considering ceasing your child's EHC plan" in text
    assert "We have not made a decision yet" in text
    # 20 June 2028: still of compulsory school age, so the letter is to the parents
    assert "Dear Morwenna Quillfeather" in text
    assert "because Zephyrine has moved into higher education" in text
    assert "Starting a degree course at university in September" in text
    assert f"We are also asking {cast.school.name} for its views" in text
    assert "at the meeting on 5 June 2028" in text
    assert "stays in force while we decide" in text
    assert review.reference in text and "Zephyrine Quillfeather" in text
    assert "Your right to mediation and to appeal" not in text


def test_the_cease_notice_gives_the_decision_reasons_and_appeal_rights_with_dates(letters, cast):
    review, notice_on = letters
    text = text_of(PlanDocument.objects.get(review=review, kind=DocumentKind.CEASE_NOTICE))
    window = deadlines.appeal_deadline(notice_on)
    # 7 July 2028: over compulsory school age, so a young person, and the notice is to them
    assert "To Zephyrine Quillfeather" in text and "Dear Zephyrine Quillfeather" in text
    assert "Our decision to cease to maintain your EHC plan" in text
    assert "We have decided to cease to maintain your education, health and care" in text
    assert "because you have moved into higher education" in text
    assert "As you are a young person, the right to appeal" in text
    assert "Starting a degree course at university in September" in text
    assert "(SEN2 cease reason 3): Moved into higher education" in text
    # reg 31(2): the consultation and the copies
    assert "On 20 June 2028 we told you that we were considering ceasing the plan" in text
    assert f"and those of {cast.school.name}" in text
    assert f"copy of this notice to {cast.school.name} and the health body" in text
    # the plan stays in force until the window has passed or an appeal is decided
    assert "stays in force until the time to appeal has passed" in text
    assert f"the plan will cease on {when(window + timedelta(days=1))}" in text
    assert (
        "If you appeal and the Tribunal dismisses the appeal, the plan ceases straight away" in text
    )
    # reg 31(3): appeal, time limits, mediation (reg 32), disagreement resolution, advice
    assert "If you disagree with our decision to cease to maintain the EHC plan" in text
    assert "First-tier Tribunal (Special Educational Needs and Disability)" in text
    assert (
        f"Contact the mediation adviser by {when(deadlines.mediation_contact_deadline(notice_on))}"
        in text
    )
    assert f"must receive your appeal by {when(window)}" in text
    for duty in (
        "mediation certificate",
        "disagreement resolution service",
        "SENDIASS",
        "mediation contact",
        "Independent mediation adviser",
    ):
        assert duty in text, duty


def test_a_young_persons_notice_is_to_them(cast, django_capture_on_commit_callbacks):
    """A young person over compulsory school age is the party (CFA 2014 s.83)."""
    plan = plan_in_force(cast)
    on = date(2036, 9, 14)  # turned 25 on 1 September
    with django_capture_on_commit_callbacks(execute=True):
        review = cease.cease_without_review(
            ehc_plan=plan,
            reason=Reason.MAX_AGE,
            reasons="Turned 25; the course ends in July",
            on=on,
            by=cast.caseworker,
            today=on,
            sent=emailed(on),
        )
    text = text_of(PlanDocument.objects.get(review=review, kind=DocumentKind.CEASE_CONSULT_LETTER))
    assert "We are considering ceasing your EHC plan" in text
    assert "considering whether to cease to maintain (stop) your education" in text
    assert "because you have reached the age of 25" in text
    assert "After the review" not in text


# -- deciding not to cease, having consulted --------------------------------------------------


def test_a_review_that_decides_not_to_cease_keeps_the_plan_and_says_so(
    cast, django_capture_on_commit_callbacks
):
    """The consultation letter promised "If we decide not to cease the plan, we will tell you":
    after a review, the review's decision letter (the plan kept as it is, with the right to
    appeal), dated the day of the decision not to cease. Nothing is proposed to cease."""
    from ehcp.plans.models import EhcPlanStatus
    from ehcp.reviews.models import ReviewDecision, ReviewStatus
    from ehcp.reviews.rules.figures import ReviewFact, annual_review_figures

    plan = plan_in_force(cast)
    review = review_reported(cast, plan)
    replied, decided = DECIDED_ON + timedelta(days=14), DECIDED_ON + timedelta(days=16)
    with django_capture_on_commit_callbacks(execute=True):
        cease.cease_propose(
            review=review,
            decided_on=DECIDED_ON,
            reason=Reason.NEEDS_MET,
            reasons="Outcomes met at SEN support",
            by=cast.caseworker,
            today=DECIDED_ON,
            sent=emailed(DECIDED_ON),
        )
        with pytest.raises(cease.CaseRuleError, match="Record the replies to the consultation"):
            cease.cease_withdraw(
                review=review, decided_on=replied, reasons="x", by=cast.caseworker, today=replied
            )
        cease.cease_consultation_record(
            review=review,
            replied_on=replied,
            reply="The school says the support is still needed",
            by=cast.caseworker,
            today=replied,
        )
        with pytest.raises(cease.CaseRuleError, match="Enter why the plan will not cease"):
            cease.cease_withdraw(
                review=review, decided_on=decided, reasons=" ", by=cast.caseworker, today=decided
            )
        cease.cease_decide(
            review=review,
            cease=False,
            decided_on=decided,
            reasons="The school showed the support in section F is still needed",
            by=cast.caseworker,
            today=decided,
            sent=emailed(decided),
        )
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETE
    assert review.decision == ReviewDecision.MAINTAIN and review.decided_on == DECIDED_ON
    assert review.cease_withdrawn_on == decided and review.completed_on == decided
    assert plan.status == EhcPlanStatus.IN_FORCE and plan.ceased_on is None
    letter = PlanDocument.objects.get(review=review, kind=DocumentKind.REVIEW_DECISION_LETTER)
    assert letter.issued_on == decided
    text = text_of(letter)
    assert "we have decided not to cease the plan" in text
    assert "keep the plan as it is" in text
    assert "The school showed the support in section F is still needed" in text
    assert "our decision after the review to keep the plan as it is" in text  # appeal rights
    # The DfE's figures count the review as maintained.
    figures = annual_review_figures(
        review.review_due_on.year,
        [
            ReviewFact(
                due_on=review.review_due_on,
                decided_on=review.decided_on,
                decision=review.decision,
                meeting_held_on=review.meeting_held_on,
            )
        ],
        today=decided,
    )
    assert (figures.maintained, figures.ceased) == (1, 0)


def test_the_decision_not_to_cease_comes_only_before_the_notice(letters, cast):
    review, notice_on = letters
    with pytest.raises(cease.CaseRuleError, match="the plan now ceases unless an appeal keeps it"):
        cease.cease_withdraw(
            review=review,
            decided_on=notice_on,
            reasons="Changed our mind",
            by=cast.caseworker,
            today=notice_on,
        )
