"""Ceasing a plan, every path (ehcp.reviews.services.cease): after a review with no appeal, with
an appeal dismissed or upheld; without a review where the law allows it; and the refusals, each
of which changes nothing."""

from datetime import date, timedelta

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.common.services import CaseRuleError
from ehcp.plans import services as plan_services
from ehcp.plans.models import (
    DocumentKind,
    DocumentRender,
    EhcPlan,
    EhcPlanStatus,
    LetterSending,
)
from ehcp.reviews.models import Review, ReviewDecision, ReviewKind, ReviewStatus
from ehcp.reviews.rules.cease import Reason, ReturnFinding
from ehcp.reviews.services import cease
from tests.factories import db_state

from .cease_world import (
    ADULT_MEETING_ON,
    DECIDED_ON,
    emailed,
    plan_in_force,
    posted,
    review_reported,
)

pytestmark = pytest.mark.django_db

REPLIED_ON = DECIDED_ON + timedelta(days=14)
NOTICE_ON = REPLIED_ON + timedelta(days=3)


@pytest.fixture(autouse=True)
def history_reasons_fit():
    """Every history reason a cease writes fits its column (100 characters: PostgreSQL refuses
    longer ones, SQLite does not)."""
    yield
    for model in (Review, EhcPlan):
        for reason in model.history.values_list("history_change_reason", flat=True):
            assert len(reason or "") <= 100, reason


@pytest.fixture
def plan(cast):
    return plan_in_force(cast)


@pytest.fixture
def review(cast, plan):
    return review_reported(cast, plan)


def propose(review, cast, *, reason=Reason.NEEDS_MET, on=DECIDED_ON, **kwargs):
    return cease.cease_propose(
        review=review,
        decided_on=on,
        reason=reason,
        reasons=kwargs.pop("reasons", "Outcomes achieved; needs met at SEN support"),
        by=kwargs.pop("by", cast.caseworker),
        today=kwargs.pop("today", on),
        sent=kwargs.pop("sent", emailed(on)),
        **kwargs,
    )


def consulted(review, cast, on=REPLIED_ON):
    return cease.cease_consultation_record(
        review=review,
        replied_on=on,
        reply="The family agree; the school agrees needs are met at SEN support",
        by=cast.caseworker,
        today=on,
    )


def noticed(review, cast, *, on=NOTICE_ON, sent="email"):
    sending = {"email": emailed(on), "post": posted(on), None: None}[sent]
    return cease.cease_notice_issue(
        review=review, issued_on=on, by=cast.caseworker, today=on, sent=sending
    )


def to_notice(review, cast, **kwargs):
    propose(review, cast)
    consulted(review, cast)
    return noticed(review, cast, **kwargs)


def refused(call, *fragments):
    before = db_state()
    with pytest.raises(CaseRuleError) as error:
        call()
    assert db_state() == before
    message = " ".join(error.value.messages)
    for fragment in fragments:
        assert fragment in message, message
    return message


# -- after a review -----------------------------------------------------------------------------


def test_proposing_to_cease_tells_the_family_and_consults_the_named_school(review, plan, cast):
    review = propose(review, cast)
    review.refresh_from_db()
    plan.refresh_from_db()
    assert review.status == ReviewStatus.CEASING
    assert review.decision == ReviewDecision.CEASE and review.cease_reason == Reason.NEEDS_MET
    assert review.cease_consulted_on == DECIDED_ON
    assert review.cease_consulted_setting == cast.school
    # The plan stays in force while the council consults; the review's decision is made.
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert plan.last_reviewed_on == DECIDED_ON
    assert plan.next_review_due_on == date(2029, 6, 19)
    letter = DocumentRender.objects.get(review=review)
    assert letter.kind == DocumentKind.CEASE_CONSULT_LETTER
    assert letter.content["cease_reason"] == "2"
    assert letter.content["consulted_setting"] == cast.school.name
    assert letter.content["party"] == "PARENT"  # 16, still of compulsory school age
    assert "appeal_by" not in letter.content  # not a decision yet: no appeal rights
    assert LetterSending.objects.get(letter=letter).sent_on == DECIDED_ON
    assert review.history.first().history_change_reason.startswith("Proposed to cease: family told")


def test_no_appeal_the_plan_ceases_the_day_after_the_time_to_appeal(review, plan, cast):
    review = to_notice(review, cast)
    plan.refresh_from_db()
    window = deadlines.appeal_deadline(NOTICE_ON)
    assert plan.status == EhcPlanStatus.CEASING
    assert review.appeal_window_ends_on == window == date(2028, 9, 7)
    notice = DocumentRender.objects.get(review=review, kind=DocumentKind.CEASE_NOTICE)
    assert notice.content["appeal_by"] == window.isoformat()
    assert notice.content["mediation_contact_by"] == window.isoformat()
    assert notice.content["cease_on"] == "2028-09-08"
    assert notice.content["appeal_decision"] == "our decision to cease to maintain the EHC plan"

    # Not before the window has passed: the plan stays in force.
    refused(
        lambda: cease.cease_carry_out(review=review, on=window, by=cast.caseworker, today=window),
        "stays in force until the time to appeal has passed on 7 September 2028",
        "cease from 8 September 2028",
    )
    ceases_on = window + timedelta(days=1)
    review = cease.cease_carry_out(review=review, on=ceases_on, by=cast.caseworker, today=ceases_on)
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED
    assert plan.ceased_on == ceases_on and plan.cease_reason == "2"
    assert plan.next_review_due_on is None
    assert review.status == ReviewStatus.COMPLETE and review.completed_on == ceases_on
    assert review.ceased_on == ceases_on


def test_appeal_dismissed_the_plan_ceases_at_once(review, plan, cast):
    review = to_notice(review, cast)
    lodged = NOTICE_ON + timedelta(days=30)
    review = cease.cease_appeal_record(
        review=review, lodged_on=lodged, by=cast.caseworker, today=lodged
    )
    # While the appeal is open the plan stays in force, whatever the date.
    later = review.appeal_window_ends_on + timedelta(days=60)
    refused(
        lambda: cease.cease_carry_out(review=review, on=later, by=cast.caseworker, today=later),
        "until the Tribunal decides",
    )
    decided = date(2029, 2, 14)
    review = cease.cease_appeal_decide(
        review=review, decided_on=decided, upheld=False, by=cast.manager, today=decided
    )
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.ceased_on == decided
    assert review.status == ReviewStatus.COMPLETE
    assert review.appeal_upheld is False and review.ceased_on == decided


def test_appeal_upheld_the_plan_stays_in_force(review, plan, cast):
    review = to_notice(review, cast)
    lodged = NOTICE_ON + timedelta(days=10)
    cease.cease_appeal_record(review=review, lodged_on=lodged, by=cast.caseworker, today=lodged)
    decided = date(2029, 2, 14)
    review = cease.cease_appeal_decide(
        review=review, decided_on=decided, upheld=True, by=cast.caseworker, today=decided
    )
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.IN_FORCE and plan.ceased_on is None
    assert plan.next_review_due_on == date(2029, 6, 19)  # still 12 months from the review
    assert review.status == ReviewStatus.COMPLETE and review.appeal_upheld is True
    assert review.ceased_on is None
    refused(
        lambda: cease.cease_appeal_decide(
            review=review, decided_on=decided, upheld=False, by=cast.caseworker, today=decided
        ),
        "is not proposing to cease the plan",
    )


def test_an_appeal_is_decided_once_and_only_when_lodged(review, cast):
    review = to_notice(review, cast)
    refused(
        lambda: cease.cease_appeal_decide(
            review=review,
            decided_on=NOTICE_ON,
            upheld=False,
            by=cast.caseworker,
            today=NOTICE_ON,
        ),
        "No appeal against the cease is recorded",
    )
    lodged = NOTICE_ON + timedelta(days=1)
    cease.cease_appeal_record(review=review, lodged_on=lodged, by=cast.caseworker, today=lodged)
    refused(
        lambda: cease.cease_appeal_record(
            review=review, lodged_on=lodged, by=cast.caseworker, today=lodged
        ),
        "already recorded",
    )
    refused(
        lambda: cease.cease_appeal_decide(
            review=review,
            decided_on=lodged - timedelta(days=1),
            upheld=True,
            by=cast.caseworker,
            today=lodged,
        ),
        "must be on or after",
    )


def test_an_appeal_after_the_window_only_if_the_tribunal_let_it_in_late(review, cast):
    review = to_notice(review, cast)
    late = review.appeal_window_ends_on + timedelta(days=1)
    refused(
        lambda: cease.cease_appeal_record(
            review=review, lodged_on=late, by=cast.caseworker, today=late
        ),
        "The time to appeal ended on 7 September 2028",
    )
    review = cease.cease_appeal_record(
        review=review, lodged_on=late, by=cast.caseworker, today=late, late_admitted=True
    )
    assert review.appeal_late_admitted is True


def test_a_mediation_certificate_can_extend_the_time_to_appeal(review, plan, cast):
    review = to_notice(review, cast)
    certificate = date(2028, 8, 20)  # + 1 month = 20 September, later than 7 September
    review = cease.cease_mediation_certificate_record(
        review=review, issued_on=certificate, by=cast.caseworker, today=certificate
    )
    assert review.appeal_window_ends_on == date(2028, 9, 20)
    refused(
        lambda: cease.cease_carry_out(
            review=review, on=date(2028, 9, 7), by=cast.caseworker, today=date(2028, 9, 7)
        ),
        "cease from 21 September 2028",
    )
    cease.cease_carry_out(
        review=review, on=date(2028, 9, 21), by=cast.caseworker, today=date(2028, 9, 30)
    )
    plan.refresh_from_db()
    assert plan.ceased_on == date(2028, 9, 21)


def test_without_the_notices_sending_the_window_waits_for_it(review, plan, cast):
    review = to_notice(review, cast, sent=None)
    assert review.appeal_window_ends_on is None
    notice = DocumentRender.objects.get(review=review, kind=DocumentKind.CEASE_NOTICE)
    assert "appeal_by" not in notice.content and "cease_on" not in notice.content
    far = date(2029, 6, 1)
    refused(
        lambda: cease.cease_carry_out(review=review, on=far, by=cast.caseworker, today=far),
        "Record how the cease notice was sent first",
    )
    refused(
        lambda: cease.cease_appeal_record(
            review=review, lodged_on=far, by=cast.caseworker, today=far
        ),
        "Record how the cease notice was sent first",
    )
    sent_on = NOTICE_ON + timedelta(days=2)
    cease.cease_notice_sent_record(
        review=review, sent=posted(sent_on), by=cast.caseworker, today=sent_on
    )
    review.refresh_from_db()
    assert review.cease_notice_sent_on == sent_on
    assert review.appeal_window_ends_on == deadlines.appeal_deadline(sent_on)


def test_a_sending_recorded_on_the_documents_page_moves_the_window_too(review, plan, cast):
    """The review's letters may be recorded as sent on the documents page (plans'
    letter_sending_record); the next cease step follows the newest record."""
    review = to_notice(review, cast)
    notice = DocumentRender.objects.get(review=review, kind=DocumentKind.CEASE_NOTICE)
    corrected = NOTICE_ON + timedelta(days=5)
    plan_services.letter_sending_record(
        letter=notice,
        sent=posted(corrected),
        reason="It was posted later than recorded",
        by=cast.caseworker,
        today=corrected,
    )
    window = deadlines.appeal_deadline(corrected)
    day_after_old = deadlines.appeal_deadline(NOTICE_ON) + timedelta(days=1)
    refused(
        lambda: cease.cease_carry_out(
            review=review, on=day_after_old, by=cast.caseworker, today=day_after_old
        ),
        "cease from",
    )
    review = cease.cease_carry_out(
        review=review,
        on=window + timedelta(days=1),
        by=cast.caseworker,
        today=window + timedelta(days=1),
    )
    assert review.appeal_window_ends_on == window
    assert review.ceased_on == window + timedelta(days=1)


# -- refusals after a review -------------------------------------------------------------------


def test_reg_29_a_child_under_18_not_in_education_is_refused(review, cast):
    refused(
        lambda: propose(review, cast, reason=Reason.NOT_ENGAGING),
        "under 18",
        "reg 29(2)",
    )


def test_reg_30_an_adult_who_stopped_attending(cast, plan):
    review = review_reported(cast, plan, meeting_on=ADULT_MEETING_ON)
    on = ADULT_MEETING_ON + timedelta(days=10)
    refused(lambda: propose(review, cast, reason=Reason.NOT_ENGAGING, on=on), "reg 30(1)")
    refused(
        lambda: propose(
            review,
            cast,
            reason=Reason.NOT_ENGAGING,
            on=on,
            return_finding=ReturnFinding.WISHES_TO_RETURN,
        ),
        "must amend the plan",
    )
    review = propose(
        review, cast, reason=Reason.NOT_ENGAGING, on=on, return_finding=ReturnFinding.NOT_WISHING
    )
    assert review.cease_return_finding == ReturnFinding.NOT_WISHING


def test_a_finding_is_kept_only_for_a_young_person_who_stopped_attending(review, cast):
    review = propose(review, cast, return_finding=ReturnFinding.NOT_WISHING)
    assert review.cease_return_finding == ""


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reasons": "  "}, "Enter the reasons for proposing to cease"),
        ({"reason": "42"}, "Choose why the plan is to cease"),
        ({"on": date(2028, 6, 11)}, "must be on or after 12 June 2028"),
        ({"today": DECIDED_ON - timedelta(days=1)}, "must be today or in the past"),
        (
            {"sent": emailed(DECIDED_ON - timedelta(days=1))},
            "the letter was sent must be on or after",
        ),
    ],
)
def test_bad_input_to_the_proposal_changes_nothing(review, cast, change, message):
    refused(lambda: propose(review, cast, **change), message)


def test_only_the_councils_officers_decide(review, cast):
    refused(lambda: propose(review, cast, by=cast.senco), "Only the council's SEN team")
    refused(lambda: propose(review, cast, by=cast.outsider), "Only the council's SEN team")


def test_proposing_needs_a_reported_review(cast, plan):
    review = review_reported(cast, plan)
    propose(review, cast)
    refused(lambda: propose(review, cast), "is not waiting for the council's decision")


def test_the_notice_comes_only_after_the_consultation(review, cast):
    propose(review, cast)
    refused(lambda: noticed(review, cast), "Record the replies to the consultation first")
    consulted(review, cast)
    refused(
        lambda: noticed(review, cast, on=REPLIED_ON - timedelta(days=1)),
        "must be on or after",
    )
    noticed(review, cast)
    refused(lambda: noticed(review, cast), "was issued on")
    refused(lambda: consulted(review, cast), "the consultation is closed")


def test_the_consultation_replies_can_be_recorded_again_before_the_notice(review, cast):
    propose(review, cast)
    consulted(review, cast)
    review = cease.cease_consultation_record(
        review=review,
        replied_on=REPLIED_ON + timedelta(days=1),
        reply="The school wrote again: it agrees",
        by=cast.caseworker,
        today=REPLIED_ON + timedelta(days=1),
    )
    assert review.cease_consultation_reply == "The school wrote again: it agrees"
    refused(
        lambda: cease.cease_consultation_record(
            review=review, replied_on=REPLIED_ON, reply=" ", by=cast.caseworker, today=REPLIED_ON
        ),
        "Enter what the family and the school or college said",
    )


# -- without a review --------------------------------------------------------------------------


def without_review(plan, cast, reason, on, **kwargs):
    return cease.cease_without_review(
        ehc_plan=plan,
        reason=reason,
        reasons=kwargs.pop("reasons", "Recorded from the family's letter"),
        on=on,
        by=kwargs.pop("by", cast.caseworker),
        today=kwargs.pop("today", on),
        sent=kwargs.pop("sent", None),
    )


@pytest.mark.parametrize("reason", [Reason.TRANSFERRED_LA, Reason.DECEASED])
def test_without_a_review_a_move_to_another_english_council_or_a_death_ends_the_plan_on_the_day(
    plan, cast, reason
):
    on = date(2028, 3, 14)
    review = without_review(plan, cast, reason, on)
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.ceased_on == on
    assert plan.cease_reason == reason
    assert review.kind == ReviewKind.CEASE_ONLY and review.status == ReviewStatus.COMPLETE
    assert review.ceased_on == on and review.decided_on == on
    assert not DocumentRender.objects.filter(review=review).exists()


def test_without_a_review_at_25_the_family_is_consulted_then_the_notice(plan, cast):
    on = date(2036, 9, 2)
    review = without_review(plan, cast, Reason.MAX_AGE, on, sent=emailed(on))
    plan.refresh_from_db()
    assert review.kind == ReviewKind.CEASE_ONLY and review.status == ReviewStatus.CEASING
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert review.cease_consulted_on == on and review.cease_consulted_setting == cast.school
    letter = DocumentRender.objects.get(review=review)
    assert (
        letter.kind == DocumentKind.CEASE_CONSULT_LETTER and letter.content["with_review"] is False
    )
    replied, notice_on = on + timedelta(days=14), on + timedelta(days=15)
    consulted(review, cast, on=replied)
    review = noticed(review, cast, on=notice_on)
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASING
    ceases = review.appeal_window_ends_on + timedelta(days=1)
    cease.cease_carry_out(review=review, on=ceases, by=cast.caseworker, today=ceases)
    plan.refresh_from_db()
    assert plan.status == EhcPlanStatus.CEASED and plan.cease_reason == Reason.MAX_AGE
    assert plan.last_reviewed_on is None  # no review was held


@pytest.mark.parametrize(
    "reason",
    [
        Reason.NEEDS_MET,
        Reason.HIGHER_EDUCATION,
        Reason.PAID_EMPLOYMENT,
        Reason.NOT_ENGAGING,
        Reason.OTHER,
    ],
)
def test_without_a_review_any_other_reason_is_refused(plan, cast, reason):
    refused(
        lambda: without_review(plan, cast, reason, date(2036, 9, 2)),
        "without a review only when",
        "start an early review",
    )


def test_without_a_review_the_maximum_age_only_from_the_25th_birthday(plan, cast):
    refused(
        lambda: without_review(plan, cast, Reason.MAX_AGE, date(2036, 8, 31)),
        "reaches 25 on 1 September 2036",
    )


def test_without_a_review_refused_while_a_review_is_open(plan, cast):
    open_review = review_reported(cast, plan)
    refused(
        lambda: without_review(plan, cast, Reason.DECEASED, date(2028, 7, 1)),
        f"has an open review ({open_review.reference})",
    )


def test_without_a_review_refused_once_the_plan_is_ceasing_or_ceased(plan, cast, review):
    to_notice(review, cast)
    refused(
        lambda: without_review(plan, cast, Reason.DECEASED, date(2028, 7, 20)),
        "already proposed to cease",
    )
    review.refresh_from_db()
    ceases = review.appeal_window_ends_on + timedelta(days=1)
    cease.cease_carry_out(review=review, on=ceases, by=cast.caseworker, today=ceases)
    refused(
        lambda: without_review(plan, cast, Reason.DECEASED, ceases),
        "has already ceased",
    )


def test_without_a_review_bad_input_changes_nothing(plan, cast):
    on = date(2028, 3, 14)
    refused(
        lambda: without_review(plan, cast, Reason.DECEASED, on, reasons=""), "Enter the reasons"
    )
    refused(
        lambda: without_review(plan, cast, Reason.DECEASED, on, today=on - timedelta(days=1)),
        "today or in the past",
    )
    refused(
        lambda: without_review(
            plan, cast, Reason.DECEASED, plan.first_issued_on - timedelta(days=1)
        ),
        "must be on or after",
    )
    refused(lambda: without_review(plan, cast, Reason.DECEASED, on, by=cast.senco), "SEN team")
    assert not Review.objects.exists()


def test_a_protected_childs_letters_do_not_name_the_school(cast):
    plan = plan_in_force(cast, protected=True)
    review = propose(review_reported(cast, plan), cast)
    letter = DocumentRender.objects.get(review=review)
    assert letter.content["consulted_setting"] == "the school or college named in the plan"
    assert cast.school.name not in str(letter.content)
