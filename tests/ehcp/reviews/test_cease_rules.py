"""The rules for ceasing a plan (CFA 2014 s.45; SEND Regulations 2014, regs 29-31, 44(2)(a)):
pure, no database."""

from datetime import date

import pytest

from ehcp.reviews.models import CEASE_WITHOUT_REVIEW_REASONS, CeaseReason, ReturnFinding
from ehcp.reviews.rules import cease as rules

BORN = date(2011, 9, 1)  # 18 on 1 September 2029, 25 on 1 September 2036


def problems(reason, on, *, with_review=True, finding=""):
    return rules.cease_problems(
        reason=reason,
        date_of_birth=BORN,
        on=on,
        with_review=with_review,
        return_finding=finding,
        first_name="Zeph",
    )


def test_the_rules_and_the_models_name_the_same_sen2_reasons():
    assert {r.value for r in rules.Reason} == set(CeaseReason.values)
    assert {r.value: label for r, label in rules.REASON_LABELS.items()} == dict(CeaseReason.choices)
    assert set(rules.WITHOUT_REVIEW) == set(CEASE_WITHOUT_REVIEW_REASONS)
    assert set(rules.REASON_WORDS) == set(rules.Reason)
    assert {f.value for f in rules.ReturnFinding} == set(ReturnFinding.values)


@pytest.mark.parametrize("reason", [r for r in rules.Reason if r != rules.Reason.NOT_ENGAGING])
def test_after_a_review_every_reason_but_not_engaging_is_open_to_an_adult(reason):
    assert problems(reason, date(2036, 9, 1)) == []


def test_reg_29_a_child_under_18_not_in_education_is_not_a_reason_to_cease():
    """Reg 29(2): the council must review and amend so that education or training resumes."""
    [message] = problems(rules.Reason.NOT_ENGAGING, date(2029, 8, 31))
    assert "under 18" in message and "reg 29(2)" in message and "amend" in message


def test_reg_30_an_adult_who_stopped_attending_needs_the_reviews_finding():
    on = date(2029, 9, 1)  # the 18th birthday
    [missing] = problems(rules.Reason.NOT_ENGAGING, on)
    assert "reg 30(1)" in missing
    [wishes] = problems(rules.Reason.NOT_ENGAGING, on, finding=rules.ReturnFinding.WISHES_TO_RETURN)
    assert "must amend the plan" in wishes and "reg 30(2)" in wishes
    assert problems(rules.Reason.NOT_ENGAGING, on, finding=rules.ReturnFinding.NOT_WISHING) == []
    assert (
        problems(rules.Reason.NOT_ENGAGING, on, finding=rules.ReturnFinding.NOT_APPROPRIATE) == []
    )


@pytest.mark.parametrize("reason", sorted(rules.WITHOUT_REVIEW))
def test_without_a_review_only_25_moving_away_and_death(reason):
    assert problems(reason, date(2036, 9, 1), with_review=False) == []


@pytest.mark.parametrize("reason", sorted(set(rules.Reason) - rules.WITHOUT_REVIEW))
def test_without_a_review_every_other_reason_is_refused_with_the_way_forward(reason):
    [message] = problems(reason, date(2036, 9, 1), with_review=False)
    assert "without a review only when" in message and "start an early review" in message


@pytest.mark.parametrize("with_review", [True, False])
def test_the_maximum_age_is_25(with_review):
    [message] = problems(rules.Reason.MAX_AGE, date(2036, 8, 31), with_review=with_review)
    assert message.startswith("Zeph reaches 25 on 1 September 2036")
    assert problems(rules.Reason.MAX_AGE, date(2036, 9, 1), with_review=with_review) == []


def test_the_reason_in_words_to_the_young_person_or_about_the_child():
    words = rules.reason_words
    assert (
        words("3", first_name="Sam", to_young_person=True) == "you have moved into higher education"
    )
    assert (
        words("3", first_name="Sam", to_young_person=False) == "Sam has moved into higher education"
    )
    assert words("2", first_name="Sam", to_young_person=False).startswith("Sam's special")
    assert words("9", first_name="Sam", to_young_person=True) == "of the other reasons given below"


def test_an_unknown_reason_is_refused():
    assert problems("99", date(2036, 9, 1)) == ["Choose why the plan is to cease"]


def test_a_29_february_birthday_falls_on_1_march_as_age_is_counted():
    assert rules.birthday(date(2008, 2, 29), 25) == date(2033, 3, 1)
    assert rules.birthday(date(2008, 2, 29), 24) == date(2032, 2, 29)


@pytest.mark.parametrize(
    "on, end",
    [
        (date(2028, 7, 31), date(2028, 7, 31)),
        (date(2028, 8, 1), date(2029, 7, 31)),
        (date(2029, 1, 15), date(2029, 7, 31)),
        (date(2028, 12, 31), date(2029, 7, 31)),
    ],
)
def test_cop_9_207_the_academic_year_ends_on_31_july(on, end):
    assert rules.academic_year_end(on) == end


def test_s46_a_plan_may_go_on_to_the_end_of_the_academic_year_in_which_they_turned_25():
    assert rules.maximum_age_end(BORN) == date(2037, 7, 31)
    assert rules.maximum_age_end(date(2011, 3, 1)) == date(2036, 7, 31)


@pytest.mark.parametrize(
    "sent, certificate, window, ceases",
    [
        # send-rules.md 9.5: 2 months after the notice was sent ...
        (date(2026, 3, 5), None, date(2026, 5, 5), date(2026, 5, 6)),
        # ... or 1 month after a mediation certificate, if later
        (date(2026, 11, 20), date(2027, 1, 27), date(2027, 2, 27), date(2027, 2, 28)),
        (date(2027, 1, 29), date(2027, 2, 10), date(2027, 3, 29), date(2027, 3, 30)),
        # month ends and 29 February
        (date(2027, 12, 31), None, date(2028, 2, 29), date(2028, 3, 1)),
        (date(2026, 12, 31), None, date(2027, 2, 28), date(2027, 3, 1)),
    ],
)
def test_cease_after_window_the_plan_ceases_the_day_after_the_time_to_appeal(
    sent, certificate, window, ceases
):
    """CEASE-AFTER-WINDOW: the plan stays in force until the time to appeal has passed."""
    dates = rules.cease_dates(notice_sent_on=sent, mediation_certificate_on=certificate)
    assert dates == rules.CeaseDates(window, ceases)
    assert rules.appeal_window_ends_on(sent, mediation_certificate_on=certificate) == window


def test_cease_appeal_dismissed_the_plan_ceases_on_the_day_of_the_decision():
    """CEASE-APPEAL-DISMISSED (reg 44(2)(a))."""
    sent = date(2026, 3, 5)
    assert rules.cease_dates(notice_sent_on=sent, appeal_lodged_on=date(2026, 4, 1)) == (
        rules.CeaseDates(date(2026, 5, 5), None)
    )
    dismissed = rules.cease_dates(
        notice_sent_on=sent,
        appeal_lodged_on=date(2026, 4, 1),
        appeal_decided_on=date(2026, 10, 14),
        appeal_upheld=False,
    )
    assert dismissed.ceases_on == date(2026, 10, 14) and not dismissed.kept
    upheld = rules.cease_dates(
        notice_sent_on=sent,
        appeal_lodged_on=date(2026, 4, 1),
        appeal_decided_on=date(2026, 10, 14),
        appeal_upheld=True,
    )
    assert upheld.ceases_on is None and upheld.kept


def test_without_the_notices_sending_no_date_is_given():
    assert rules.cease_dates(notice_sent_on=None) == rules.CeaseDates(None, None)


def test_an_appeal_after_the_window_only_when_the_tribunal_let_it_in_late():
    sent, window = date(2026, 3, 5), date(2026, 5, 5)

    def check(lodged, late=False, sent_on=sent):
        return rules.appeal_lodged_problems(
            lodged_on=lodged,
            notice_sent_on=sent_on,
            window_ends_on=window if sent_on else None,
            late_admitted=late,
        )

    assert check(date(2026, 5, 5)) == []
    assert "allowed it to be made late" in check(date(2026, 5, 6))[0]
    assert check(date(2026, 5, 6), late=True) == []
    assert "before the notice was sent" in check(date(2026, 3, 4))[0]
    assert "Record how the cease notice was sent" in check(date(2026, 4, 1), sent_on=None)[0]


def test_a_move_to_another_english_council_or_a_death_ends_the_plan_on_the_day():
    assert rules.ceases_at_once(rules.Reason.TRANSFERRED_LA)
    assert rules.ceases_at_once(rules.Reason.DECEASED)
    assert not rules.ceases_at_once(rules.Reason.MAX_AGE)
    assert not rules.ceases_at_once(rules.Reason.MOVED_OUT)
