"""Phase transfers (reg 18): school years, the next transfer, its deadline and back plan, and
whether a child will miss it. Pure rules: no database."""

from datetime import date

import pytest

from ehcp.assessments.rules import deadlines
from ehcp.reviews.rules import phase
from ehcp.reviews.rules.phase import (
    PhaseTransfer,
    TransferKind,
    TransferProgress,
    TransferState,
)


@pytest.mark.parametrize(
    ("on", "school_year"),
    [
        (date(2026, 8, 31), 2025),
        (date(2026, 9, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2028, 2, 29), 2027),
    ],
)
def test_school_year_starts_on_1_september(on, school_year):
    assert phase.school_year_of(on) == school_year


@pytest.mark.parametrize(
    ("born", "reception"),
    [
        # The oldest and the youngest of one cohort start reception together.
        (date(2015, 9, 1), date(2020, 9, 1)),
        (date(2016, 8, 31), date(2020, 9, 1)),
        # A day either side of the cohort boundary: a year apart.
        (date(2015, 8, 31), date(2019, 9, 1)),
        (date(2016, 9, 1), date(2021, 9, 1)),
        # 29 February: the cohort comes from the date of birth, not the kept birthday.
        (date(2016, 2, 29), date(2020, 9, 1)),
        (date(2020, 2, 29), date(2024, 9, 1)),
        (date(2024, 2, 29), date(2028, 9, 1)),
        (date(2020, 1, 1), date(2024, 9, 1)),
        (date(2020, 12, 31), date(2025, 9, 1)),
    ],
)
def test_a_child_starts_reception_in_the_september_after_the_cohort_turns_4(born, reception):
    assert phase.reception_starts_on(born) == reception
    assert phase.year_group(born, reception) == 0
    assert phase.year_group(born, reception.replace(day=1, month=8)) == -1


@pytest.mark.parametrize(
    ("born", "on", "group", "label"),
    [
        (date(2015, 9, 1), date(2026, 9, 1), 6, "Year 6"),
        (date(2016, 8, 31), date(2026, 9, 1), 6, "Year 6"),
        (date(2016, 8, 31), date(2026, 8, 31), 5, "Year 5"),
        (date(2016, 9, 1), date(2026, 9, 1), 5, "Year 5"),
        (date(2016, 2, 29), date(2027, 2, 28), 6, "Year 6"),
        (date(2022, 10, 1), date(2026, 10, 1), -1, "Early years (below reception age)"),
        (date(2022, 3, 1), date(2026, 10, 1), 0, "Reception"),
        (date(2021, 6, 1), date(2026, 10, 1), 1, "Year 1"),
        (date(2010, 10, 1), date(2026, 10, 1), 11, "Year 11"),
        (date(2009, 10, 1), date(2026, 10, 1), 12, "Year 12"),
        (date(2008, 10, 1), date(2026, 10, 1), 13, "Year 13"),
        (date(2007, 10, 1), date(2026, 10, 1), 14, "Past Year 13"),
    ],
)
def test_year_group(born, on, group, label):
    assert phase.year_group(born, on) == group
    assert phase.year_group_label(group) == label


def test_a_cohort_is_born_from_1_september_to_31_august():
    assert phase.cohort_born_between(2015) == (date(2015, 9, 1), date(2016, 8, 31))
    assert phase.cohort_of(date(2016, 8, 31)) == 2015
    assert phase.cohort_of(date(2016, 9, 1)) == 2016


@pytest.mark.parametrize(
    ("born", "on", "kind", "year"),
    [
        # Early years: into reception.
        (date(2022, 10, 1), date(2026, 10, 1), TransferKind.RECEPTION, 2027),
        # In reception to Year 5 at a primary school: into Year 7.
        (date(2022, 3, 1), date(2026, 10, 1), TransferKind.SECONDARY, 2033),
        (date(2016, 8, 31), date(2026, 8, 31), TransferKind.SECONDARY, 2027),
        # Year 6: into Year 7 next September; 31 August and 1 September births a year apart.
        (date(2015, 9, 1), date(2026, 10, 1), TransferKind.SECONDARY, 2027),
        (date(2016, 8, 31), date(2026, 10, 1), TransferKind.SECONDARY, 2027),
        (date(2016, 9, 1), date(2026, 10, 1), TransferKind.SECONDARY, 2028),
        (date(2016, 2, 29), date(2026, 10, 1), TransferKind.SECONDARY, 2027),
        # Secondary: into Year 12 (post-16).
        (date(2011, 5, 5), date(2026, 10, 1), TransferKind.POST16, 2027),
        (date(2014, 9, 1), date(2026, 10, 1), TransferKind.POST16, 2031),
        (date(2012, 2, 29), date(2026, 10, 1), TransferKind.POST16, 2028),
    ],
)
def test_next_phase_transfer(born, on, kind, year):
    transfer = phase.next_phase_transfer(born, on)
    assert transfer == PhaseTransfer(kind, year)
    assert phase.year_group(born, transfer.starts_on) == kind.into_year_group
    assert phase.year_group(born, transfer.starts_on.replace(month=8, day=31)) < (
        kind.into_year_group
    )


def test_the_transfer_is_next_until_the_day_it_happens():
    born = date(2015, 12, 1)  # Year 6 in 2026/27, Year 7 from 1 September 2027
    assert phase.next_phase_transfer(born, date(2027, 8, 31)) == PhaseTransfer(
        TransferKind.SECONDARY, 2027
    )
    assert phase.next_phase_transfer(born, date(2027, 9, 1)) == PhaseTransfer(
        TransferKind.POST16, 2032
    )


def test_infant_to_junior_only_for_a_child_at_an_infant_school():
    born = date(2020, 1, 10)  # Year 2 in 2026/27
    assert phase.next_phase_transfer(born, date(2026, 10, 1)).kind is TransferKind.SECONDARY
    transfer = phase.next_phase_transfer(born, date(2026, 10, 1), infant_school=True)
    assert transfer == PhaseTransfer(TransferKind.JUNIOR, 2027)
    assert transfer.due_on == date(2027, 2, 14)


def test_no_transfer_is_worked_out_from_year_12():
    """A move between post-16 institutions can happen at any time (reg 18(2))."""
    assert phase.next_phase_transfer(date(2009, 10, 1), date(2026, 10, 1)) is None
    assert phase.next_phase_transfer(date(2000, 1, 1), date(2026, 10, 1)) is None
    assert phase.transfer_within_12_months(date(2009, 10, 1), date(2026, 10, 1)) is None


@pytest.mark.parametrize(
    ("kind", "year", "due", "source"),
    [
        (TransferKind.SECONDARY, 2027, date(2027, 2, 14), "SEND Regulations 2014, reg 18(1)"),
        (TransferKind.RECEPTION, 2028, date(2028, 2, 14), "SEND Regulations 2014, reg 18(1)"),
        (TransferKind.JUNIOR, 2027, date(2027, 2, 14), "SEND Regulations 2014, reg 18(1)"),
        (TransferKind.POST16, 2027, date(2027, 3, 30), "SEND Regulations 2014, reg 18(1)"),
        (TransferKind.POST16, 2028, date(2028, 3, 30), "SEND Regulations 2014, reg 18(1)"),
    ],
)
def test_the_deadline_is_the_strict_reading_of_reg_18(kind, year, due, source):
    transfer = PhaseTransfer(kind, year)
    assert transfer.due_on == due == deadlines.phase_transfer_deadline(year, post16=kind.post16)
    assert transfer.source == source
    assert transfer.period.code == (
        "PHASE-TRANSFER-31MAR" if kind.post16 else "PHASE-TRANSFER-15FEB"
    )


def test_back_planned_from_15_february():
    """send-rules.md 9.4: final by Sun 14 Feb 2027, notice by 20 Dec 2026, meeting by 22 Nov,
    invitations by 8 Nov."""
    plan = PhaseTransfer(TransferKind.SECONDARY, 2027).back_plan
    assert plan == {
        "final_amended_plan_by": date(2027, 2, 14),
        "amendment_notice_by": date(2026, 12, 20),
        "review_meeting_by": date(2026, 11, 22),
        "invitations_by": date(2026, 11, 8),
    }
    post16 = PhaseTransfer(TransferKind.POST16, 2028).back_plan
    assert post16 == {
        "final_amended_plan_by": date(2028, 3, 30),
        "amendment_notice_by": date(2028, 2, 3),
        "review_meeting_by": date(2028, 1, 6),
        "invitations_by": date(2027, 12, 23),
    }


@pytest.mark.parametrize(
    ("born", "on", "listed"),
    [
        # Year 6 from 1 September 2026: within 12 months of Year 7 (1 September 2027).
        (date(2015, 9, 1), date(2026, 8, 31), None),
        (date(2015, 9, 1), date(2026, 9, 1), PhaseTransfer(TransferKind.SECONDARY, 2027)),
        (date(2016, 8, 31), date(2027, 8, 31), PhaseTransfer(TransferKind.SECONDARY, 2027)),
        (date(2016, 8, 31), date(2027, 9, 1), None),
        # Year 11: post-16 next September.
        (date(2011, 2, 28), date(2027, 1, 5), PhaseTransfer(TransferKind.POST16, 2027)),
        (date(2012, 2, 29), date(2027, 1, 5), None),
        (date(2012, 2, 29), date(2027, 9, 1), PhaseTransfer(TransferKind.POST16, 2028)),
        # Early years: the year before reception.
        (date(2022, 12, 25), date(2026, 9, 1), PhaseTransfer(TransferKind.RECEPTION, 2027)),
        (date(2022, 12, 25), date(2025, 12, 25), None),
    ],
)
def test_a_child_is_listed_from_12_months_before_the_transfer(born, on, listed):
    assert phase.transfer_within_12_months(born, on) == listed


def test_listed_from_is_1_september_of_the_year_before():
    transfer = PhaseTransfer(TransferKind.POST16, 2028)
    assert transfer.starts_on == date(2028, 9, 1)
    assert transfer.listed_from == date(2027, 9, 1)
    assert transfer.is_listed_on(date(2027, 9, 1))
    assert transfer.is_listed_on(date(2028, 8, 31))
    assert not transfer.is_listed_on(date(2028, 9, 1))


@pytest.mark.parametrize("kind", list(TransferKind))
def test_the_cohort_of_a_transfer_is_the_children_who_make_it(kind):
    transfer = PhaseTransfer(kind, 2027)
    first, last = transfer.cohort_born_between()
    for born in (first, last):
        assert phase.transfer_of(born, kind) == transfer
    assert phase.transfer_of(date(first.year, 8, 31), kind).year == 2026
    assert phase.transfer_of(date(last.year, 9, 1), kind).year == 2028


def test_transfers_in_a_year():
    assert [t.kind for t in phase.transfers_in_year(2027)] == [
        TransferKind.RECEPTION,
        TransferKind.SECONDARY,
        TransferKind.POST16,
    ]
    assert len(phase.transfers_in_year(2027, infant_school=True)) == 4


def test_the_reg_18_deadline_overrides_a_later_anniversary():
    transfer = PhaseTransfer(TransferKind.SECONDARY, 2027)
    assert phase.effective_review_due(date(2027, 6, 30), transfer) == date(2027, 2, 14)
    assert phase.effective_review_due(date(2027, 1, 10), transfer) == date(2027, 1, 10)
    assert phase.effective_review_due(date(2027, 6, 30), None) == date(2027, 6, 30)
    assert phase.effective_review_due(None, transfer) == date(2027, 2, 14)


# -- will the child miss it? -------------------------------------------------------------------

Y7_2027 = PhaseTransfer(TransferKind.SECONDARY, 2027)  # back plan above: 8 Nov, 22 Nov, 20 Dec
POST16_2027 = PhaseTransfer(TransferKind.POST16, 2027)  # deadline 30 March 2027


def risk(transfer=Y7_2027, *, today, **progress):
    return phase.transfer_risk(transfer, today=today, progress=TransferProgress(**progress))


def test_a_review_not_started_is_on_track_until_the_invitations_date():
    found = risk(today=date(2026, 11, 8))
    assert found.state is TransferState.ON_TRACK and not found.flagged
    assert found.next_date == date(2026, 11, 8)
    late = risk(today=date(2026, 11, 9))
    assert late.state is TransferState.BEHIND and late.flagged
    assert "Invitations to the review meeting were due by 8 November 2026" in late.reason


def test_a_meeting_arranged_after_its_latest_date_is_behind():
    assert risk(today=date(2026, 10, 1), meeting_on=date(2026, 11, 22)).state is (
        TransferState.ON_TRACK
    )
    behind = risk(today=date(2026, 10, 1), meeting_on=date(2026, 11, 23))
    assert behind.state is TransferState.BEHIND
    assert "arranged for 23 November 2026, after the latest date of 22 November 2026" in (
        behind.reason
    )


def test_a_meeting_not_held_by_its_latest_date_is_behind():
    sent = {"invitations_sent_on": date(2026, 11, 1), "meeting_on": date(2026, 11, 20)}
    assert risk(today=date(2026, 11, 22), **sent).state is TransferState.ON_TRACK
    assert risk(today=date(2026, 11, 23), **sent).state is TransferState.BEHIND


def test_a_decision_after_the_notice_date_is_behind():
    held = {"meeting_on": date(2026, 11, 20), "meeting_held_on": date(2026, 11, 20)}
    on_track = risk(today=date(2026, 12, 20), **held)
    assert on_track.state is TransferState.ON_TRACK and on_track.next_date == date(2026, 12, 20)
    assert risk(today=date(2026, 12, 21), **held).state is TransferState.BEHIND


def test_without_a_notice_the_15_days_for_comments_must_still_fit():
    """Deadline 14 February 2027: a notice on 30 January leaves 15 days (30 Jan to 13 Feb) and
    a final on the 14th; from 31 January it cannot."""
    held = {"meeting_on": date(2027, 1, 20), "meeting_held_on": date(2027, 1, 20)}
    assert risk(today=date(2027, 1, 30), **held).state is TransferState.BEHIND
    found = risk(today=date(2027, 1, 31), **held)
    assert found.state is TransferState.WILL_MISS and found.flagged
    assert risk(today=date(2027, 2, 14)).state is TransferState.WILL_MISS


def test_a_notice_whose_8_weeks_end_after_the_deadline_is_behind():
    amending = {
        "meeting_held_on": date(2026, 12, 1),
        "decided_on": date(2026, 12, 29),
        "amending": True,
    }
    on_time = risk(today=date(2027, 1, 2), amendment_notice_on=date(2026, 12, 20), **amending)
    assert on_time.state is TransferState.ON_TRACK
    assert on_time.reason == "Amended plan due by 14 February 2027"
    late = risk(today=date(2027, 1, 2), amendment_notice_on=date(2026, 12, 21), **amending)
    assert late.state is TransferState.BEHIND
    assert "sooner than the 8 weeks" in late.reason
    too_late = risk(today=date(2027, 2, 1), amendment_notice_on=date(2027, 1, 31), **amending)
    assert too_late.state is TransferState.WILL_MISS


@pytest.mark.parametrize(
    ("issued", "state"),
    [
        (date(2027, 2, 14), TransferState.MET),
        (date(2027, 2, 15), TransferState.MISSED),
    ],
)
def test_an_amended_plan_issued_by_14_february_meets_the_deadline(issued, state):
    found = risk(
        today=date(2027, 3, 1),
        meeting_held_on=date(2026, 11, 1),
        decided_on=date(2026, 11, 20),
        amending=True,
        amendment_notice_on=date(2026, 11, 20),
        amended_plan_issued_on=issued,
    )
    assert found.state is state
    assert found.flagged is (state is TransferState.MISSED)


def test_a_review_that_kept_the_plan_meets_the_deadline_by_its_decision():
    kept = {"meeting_held_on": date(2027, 1, 10)}
    assert risk(today=date(2027, 3, 1), decided_on=date(2027, 2, 14), **kept).state is (
        TransferState.MET
    )
    assert risk(today=date(2027, 3, 1), decided_on=date(2027, 2, 15), **kept).state is (
        TransferState.MISSED
    )


def test_the_deadline_passed_without_the_plan_is_missed():
    found = risk(today=date(2027, 2, 15), meeting_held_on=date(2027, 1, 5))
    assert found.state is TransferState.MISSED
    assert found.reason == "The deadline of 14 February 2027 has passed without the amended plan"


def test_post16_is_planned_back_from_30_march():
    assert risk(POST16_2027, today=date(2026, 12, 22)).state is TransferState.ON_TRACK
    assert risk(POST16_2027, today=date(2026, 12, 23)).state is TransferState.BEHIND
    assert risk(POST16_2027, today=date(2027, 3, 15)).state is TransferState.BEHIND
    assert risk(POST16_2027, today=date(2027, 3, 16)).state is TransferState.WILL_MISS
    assert risk(POST16_2027, today=date(2027, 3, 31)).state is TransferState.MISSED
    issued = risk(
        POST16_2027,
        today=date(2027, 4, 1),
        decided_on=date(2027, 1, 20),
        amending=True,
        amendment_notice_on=date(2027, 1, 20),
        amended_plan_issued_on=date(2027, 3, 30),
    )
    assert issued.state is TransferState.MET
