"""Phase transfers (SEND Regulations 2014, reg 18): which school year a child is in, when they
next move phase, the date their plan must be amended by, and whether they will miss it.

Pure: dates in, answers out. Nothing here reads the clock or the database.

**School years.** The English school year starts on 1 September. Children born from 1 September
of one year to 31 August of the next are one cohort: they start reception in the September after
the 4th birthday of the youngest of them (so a child born on 1 September 2015 and one born on
31 August 2016 both start reception on 1 September 2020). A 29 February birthday needs no
special case: the cohort depends on the date of birth, not on when the birthday is kept.
Year groups are numbered as the national curriculum numbers them: reception is 0, then Year 1
to Year 13; a negative year group is a child below reception age (early years).

**Transfers between phases** (reg 2): relevant early years education to school (into reception),
infant to junior school (into Year 3, only where the child is at an infant school: the year
groups alone cannot say so), primary to secondary (into Year 7), and secondary school to a
post-16 institution (into Year 12). A transfer happens on 1 September of its calendar year, "the
year of transfer". A move between post-16 institutions can happen at any time (reg 18(2): the
plan is reviewed and amended at least 5 months before it), so it is never worked out from the
date of birth.

**The deadline** (reg 18(1)): where the child is within 12 months of a transfer, the council must
review the plan and, where necessary, amend it before 15 February of the year of transfer (before
31 March for secondary to post-16), read strictly as 14 February (30 March):
:func:`ehcp.assessments.rules.deadlines.phase_transfer_deadline`. The pipeline lists a child
from 12 months before the transfer (1 September of the year before) and plans back from the
deadline (:func:`ehcp.assessments.rules.deadlines.phase_transfer_back_plan`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from ehcp.assessments.rules import deadlines

SCHOOL_YEAR_STARTS_MONTH = 9  # September
RECEPTION = 0
LAST_SCHOOL_YEAR_GROUP = 13
POST16_YEAR_GROUP = 12  # Year 12: the first year of post-16 education
#: A child starts reception in the school year after the one in which they turn 4: cohort year
#: (the year their school year of birth began) + 5.
RECEPTION_OFFSET = 5


class TransferKind(enum.Enum):
    """A transfer between phases of education (reg 2), by the year group it moves into."""

    RECEPTION = (0, "Early years to school (reception)")
    JUNIOR = (3, "Infant to junior school (Year 3)")
    SECONDARY = (7, "Primary to secondary school (Year 7)")
    POST16 = (12, "Secondary school to post-16 (Year 12)")

    def __init__(self, into_year_group: int, label: str):
        self.into_year_group = into_year_group
        self.label = label

    @property
    def post16(self) -> bool:
        """Whether the later deadline (before 31 March) applies."""
        return self is TransferKind.POST16


def school_year_of(on: date) -> int:
    """The calendar year in which the school year containing ``on`` began (1 September):
    31 August 2027 is in the 2026/27 school year (2026); 1 September 2027 starts 2027/28."""
    return on.year if on.month >= SCHOOL_YEAR_STARTS_MONTH else on.year - 1


def cohort_of(date_of_birth: date) -> int:
    """The school year a child was born in (1 September to 31 August), by the year it began:
    born 1 September 2015 to 31 August 2016 is the 2015 cohort."""
    return school_year_of(date_of_birth)


def cohort_born_between(cohort: int) -> tuple[date, date]:
    """The first and last dates of birth of a cohort: (1 September, 31 August)."""
    return date(cohort, SCHOOL_YEAR_STARTS_MONTH, 1), date(cohort + 1, 8, 31)


def reception_starts_on(date_of_birth: date) -> date:
    """The day the child starts reception: 1 September after the 4th birthday of the youngest of
    their cohort (31 August)."""
    return date(cohort_of(date_of_birth) + RECEPTION_OFFSET, SCHOOL_YEAR_STARTS_MONTH, 1)


def year_group(date_of_birth: date, on: date) -> int:
    """The national curriculum year group of a child on ``on``: 0 for reception, 1 to 13 for
    Year 1 to Year 13; negative below reception age (early years), above 13 once past Year 13."""
    return school_year_of(on) - cohort_of(date_of_birth) - RECEPTION_OFFSET


def year_group_label(group: int) -> str:
    """ "Reception", "Year 6", "Early years (below reception age)", "Past Year 13"."""
    if group < RECEPTION:
        return "Early years (below reception age)"
    if group == RECEPTION:
        return "Reception"
    if group > LAST_SCHOOL_YEAR_GROUP:
        return "Past Year 13"
    return f"Year {group}"


def year_group_starts_on(date_of_birth: date, group: int) -> date:
    """The day a child starts a year group: 1 September of that school year."""
    return date(cohort_of(date_of_birth) + RECEPTION_OFFSET + group, SCHOOL_YEAR_STARTS_MONTH, 1)


@dataclass(frozen=True)
class PhaseTransfer:
    """One transfer between phases: what, when, and the dates reg 18 sets for it."""

    kind: TransferKind
    year: int
    """The calendar year of transfer: the transfer happens on 1 September of it."""

    @property
    def starts_on(self) -> date:
        """The first day in the new phase: 1 September of the year of transfer."""
        return date(self.year, SCHOOL_YEAR_STARTS_MONTH, 1)

    @property
    def post16(self) -> bool:
        return self.kind.post16

    @property
    def into_year_group(self) -> int:
        return self.kind.into_year_group

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def period(self) -> deadlines.StatutoryPeriod:
        """The reg 18(1) time limit that applies (its code and legal source)."""
        return deadlines.PHASE_TRANSFER_POST16 if self.post16 else deadlines.PHASE_TRANSFER_SCHOOL

    @property
    def source(self) -> str:
        return self.period.source

    @property
    def due_on(self) -> date:
        """The last day to issue any amended plan: 14 February (30 March for post-16)."""
        return deadlines.phase_transfer_deadline(self.year, post16=self.post16)

    @property
    def back_plan(self) -> dict[str, date]:
        """The latest dates that still meet the deadline (phase_transfer_back_plan): keys
        ``final_amended_plan_by``, ``amendment_notice_by``, ``review_meeting_by``,
        ``invitations_by``."""
        return deadlines.phase_transfer_back_plan(self.year, post16=self.post16)

    @property
    def listed_from(self) -> date:
        """The first day the child is within 12 months of the transfer (reg 18(1)): 1 September
        of the year before, the start of their last school year in the old phase."""
        return deadlines.add_months(self.starts_on, -12)

    def is_listed_on(self, on: date) -> bool:
        """Whether the child is within 12 months of this transfer on ``on`` (and it has not
        happened yet)."""
        return self.listed_from <= on < self.starts_on

    def cohort_born_between(self) -> tuple[date, date]:
        """The dates of birth of the children who make this transfer in this year."""
        return cohort_born_between(self.year - RECEPTION_OFFSET - self.into_year_group)


@dataclass(frozen=True)
class Post16Move:
    """A move from one post-16 institution to another at a time other than the reg 18(1)
    transfers (reg 18(2)): its date is recorded on the review, not worked out from the date of
    birth. It answers as a `PhaseTransfer` does (`transfer_risk`, the pipeline)."""

    move_on: date

    post16 = True
    label = "Move between post-16 institutions"
    period = deadlines.PHASE_TRANSFER_POST16_MOVE

    @property
    def starts_on(self) -> date:
        return self.move_on

    @property
    def year(self) -> int:
        return self.move_on.year

    @property
    def source(self) -> str:
        return self.period.source

    @property
    def due_on(self) -> date:
        """The last day to issue any amended plan: 5 months before the move."""
        return deadlines.post16_move_deadline(self.move_on)

    @property
    def back_plan(self) -> dict[str, date]:
        return deadlines.back_plan_from(self.due_on)

    @property
    def listed_from(self) -> date:
        return deadlines.add_months(self.move_on, -12)

    def is_listed_on(self, on: date) -> bool:
        return self.listed_from <= on < self.move_on


def transfer_of(date_of_birth: date, kind: TransferKind) -> PhaseTransfer:
    """When a child born on ``date_of_birth`` makes the transfer ``kind``."""
    return PhaseTransfer(kind, cohort_of(date_of_birth) + RECEPTION_OFFSET + kind.into_year_group)


def next_phase_transfer(
    date_of_birth: date, on: date, *, infant_school: bool = False
) -> PhaseTransfer | None:
    """The child's next transfer between phases after ``on``, or None once they are in Year 12
    or beyond (a move between post-16 institutions is not worked out from the date of birth).

    The transfer into a year group is "next" until the day it happens (1 September): on that
    day the child is in the new year group. Into reception counts for a child below reception
    age (early years education to school); infant to junior (into Year 3) only if
    ``infant_school`` (the child attends an infant school)."""
    group = year_group(date_of_birth, on)
    for kind in TransferKind:
        if kind is TransferKind.JUNIOR and not infant_school:
            continue
        if kind.into_year_group > group:
            return transfer_of(date_of_birth, kind)
    return None


def transfer_within_12_months(
    date_of_birth: date, on: date, *, infant_school: bool = False
) -> PhaseTransfer | None:
    """The child's next transfer if they are within 12 months of it on ``on`` (reg 18(1): the
    review must then end, with any amended plan, by the reg 18 deadline), else None."""
    transfer = next_phase_transfer(date_of_birth, on, infant_school=infant_school)
    if transfer is not None and transfer.is_listed_on(on):
        return transfer
    return None


def transfers_in_year(year: int, *, infant_school: bool = False) -> list[PhaseTransfer]:
    """Every transfer that happens on 1 September of ``year`` (for lists filtered by the year of
    transfer: each one's ``cohort_born_between`` says whose it is)."""
    return [
        PhaseTransfer(kind, year)
        for kind in TransferKind
        if infant_school or kind is not TransferKind.JUNIOR
    ]


def effective_review_due(review_due_on: date | None, transfer: PhaseTransfer | None) -> date | None:
    """The date a review must be complete by: the anniversary date, or the reg 18 deadline if
    the child is within 12 months of a transfer and it comes first."""
    if transfer is None:
        return review_due_on
    if review_due_on is None:
        return transfer.due_on
    return min(review_due_on, transfer.due_on)


# -- will the child miss it? -------------------------------------------------------------------


class TransferState(enum.Enum):
    """Where a child's review stands against their phase transfer deadline. Values are shown."""

    ON_TRACK = "On track"
    BEHIND = "Behind the back plan"
    WILL_MISS = "Will miss the deadline"
    MISSED = "Deadline missed"
    MET = "Deadline met"


_FLAGGED = frozenset({TransferState.BEHIND, TransferState.WILL_MISS, TransferState.MISSED})


@dataclass(frozen=True)
class TransferProgress:
    """What the child's review has done so far (every field optional: a review not started yet
    has none of them)."""

    invitations_sent_on: date | None = None
    meeting_on: date | None = None
    """The day the meeting is arranged for (or was held on)."""
    meeting_held_on: date | None = None
    decided_on: date | None = None
    amending: bool = False
    """The council decided to amend the plan (the amendment notice goes with the decision)."""
    amendment_notice_on: date | None = None
    amended_plan_issued_on: date | None = None


@dataclass(frozen=True)
class TransferRisk:
    """A child's standing against their phase transfer deadline, why, and the next date that
    matters (the back plan's date for the next step, or the deadline)."""

    state: TransferState
    reason: str
    next_date: date | None = None

    @property
    def flagged(self) -> bool:
        """Whether the child will miss (or has missed) the deadline at the statutory pace."""
        return self.state in _FLAGGED


#: The parent or young person has at least 15 days, beginning with the day the amendment notice
#: is served, to comment (reg 22(2)(c)): the final amended plan can be issued the day after.
EARLIEST_FINAL_AFTER_NOTICE = timedelta(days=deadlines.AMEND_COMMENTS.days + 1)


def transfer_risk(
    transfer: PhaseTransfer, *, today: date, progress: TransferProgress = TransferProgress()
) -> TransferRisk:
    """Whether the child will meet the reg 18 deadline for ``transfer``, given what their review
    has done by ``today``.

    - **Met** / **missed**: the amended plan was issued (or the review decided, without
      amending) on or before the deadline, or after it; or the deadline passed without either.
    - **Will miss**: no amendment notice yet and the 15 days for comments (reg 22(2)(c)) can no
      longer end before the deadline; or a notice was served too late for that.
    - **Behind the back plan**: a latest date of the back plan has passed for a step not yet
      done (invitations, meeting, decision with the amendment notice), or the meeting is
      arranged after its latest date, or the 8 weeks for the final amended plan (reg 22(3)) end
      after the deadline: the deadline can be met only by going faster than the statutory
      periods.
    - **On track** otherwise.
    """
    due = transfer.due_on
    plan = transfer.back_plan
    shown = deadlines.format_date

    if progress.amended_plan_issued_on is not None:
        issued = progress.amended_plan_issued_on
        if issued <= due:
            return TransferRisk(TransferState.MET, f"Amended plan issued on {shown(issued)}")
        return TransferRisk(
            TransferState.MISSED,
            f"Amended plan issued on {shown(issued)}, after the deadline of {shown(due)}",
        )
    if progress.decided_on is not None and not progress.amending:
        decided = progress.decided_on
        if decided <= due:
            return TransferRisk(
                TransferState.MET, f"Reviewed without amending the plan on {shown(decided)}"
            )
        return TransferRisk(
            TransferState.MISSED,
            f"Reviewed on {shown(decided)}, after the deadline of {shown(due)}",
        )
    if today > due:
        return TransferRisk(
            TransferState.MISSED,
            f"The deadline of {shown(due)} has passed without the amended plan",
        )

    notice = progress.amendment_notice_on
    if notice is not None:
        if notice + EARLIEST_FINAL_AFTER_NOTICE > due:
            return TransferRisk(
                TransferState.WILL_MISS,
                f"The amendment notice of {shown(notice)} leaves less than the 15 days for "
                f"comments before the deadline of {shown(due)}",
                due,
            )
        final_due = deadlines.due_on(deadlines.AMEND_FINAL, notice)
        if final_due > due:
            return TransferRisk(
                TransferState.BEHIND,
                f"Issue the amended plan by {shown(due)}, sooner than the 8 weeks from the "
                f"notice ({shown(final_due)})",
                due,
            )
        return TransferRisk(TransferState.ON_TRACK, f"Amended plan due by {shown(final_due)}", due)

    if today + EARLIEST_FINAL_AFTER_NOTICE > due:
        return TransferRisk(
            TransferState.WILL_MISS,
            f"No amendment notice yet: the 15 days for comments can no longer end before the "
            f"deadline of {shown(due)}",
            due,
        )
    if progress.meeting_held_on is not None:
        notice_by = plan["amendment_notice_by"]
        if today > notice_by:
            return TransferRisk(
                TransferState.BEHIND,
                f"The decision with the amendment notice was due by {shown(notice_by)}",
                due,
            )
        return TransferRisk(
            TransferState.ON_TRACK,
            f"Decision and amendment notice by {shown(notice_by)}",
            notice_by,
        )
    meeting_by = plan["review_meeting_by"]
    if progress.meeting_on is not None and progress.meeting_on > meeting_by:
        return TransferRisk(
            TransferState.BEHIND,
            f"The meeting is arranged for {shown(progress.meeting_on)}, after the latest date "
            f"of {shown(meeting_by)}",
            meeting_by,
        )
    if today > meeting_by:
        return TransferRisk(
            TransferState.BEHIND,
            f"The review meeting was due by {shown(meeting_by)}",
            due,
        )
    invitations_by = plan["invitations_by"]
    if progress.invitations_sent_on is None:
        if today > invitations_by:
            return TransferRisk(
                TransferState.BEHIND,
                f"Invitations to the review meeting were due by {shown(invitations_by)}",
                meeting_by,
            )
        return TransferRisk(
            TransferState.ON_TRACK, f"Invitations by {shown(invitations_by)}", invitations_by
        )
    return TransferRisk(TransferState.ON_TRACK, f"Meeting by {shown(meeting_by)}", meeting_by)
