"""The review of a child's EHC plan, as a viewflow flow that reads like the process map.

The school or setting the child attends arranges the meeting, invites everyone, gathers and
circulates the advice, holds the meeting and writes the report (SEND Regulations 2014, reg 20);
for a child in none, the council does (reg 21). The council decides within 4 weeks of the meeting
whether to keep the plan, amend it or cease it; amending and ceasing each have their own steps.

The legal status lives on `ehcp.reviews.models.Review` (a protected FSM field) and only the ehcp
services change it; each human step here calls one of them inside the flow's lock and
transaction. Late steps are chased the morning after they fall due, as in the assessment.
"""

from viewflow import this
from viewflow.workflow.base import Flow
from viewflow.workflow.nodes import End, Function, If, StartHandle, Switch

from ehcp.assessments.rules import deadlines
from ehcp.reviews.models import ArrangedUnder, ReviewStatus

from ..chasers import task_chase
from ..locking import blocking_row_lock
from ..models import CaseProcess, CaseTask
from ..timers import sweep_today
from .nodes import AgencyTask, Routing, chase_at


def _status(status: str):
    return lambda activation: activation.process.review.status == status


class ReviewFlow(Flow):
    """Review of an EHC plan

    From starting the review to the council's decision carried out: the plan kept, amended, or
    ceased.
    """

    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = blocking_row_lock

    start = StartHandle(this.start_process).Next(this.arrange_meeting)

    # -- the meeting: the school or setting (reg 20), or the council (reg 21) ------------------
    arrange_meeting = (
        AgencyTask(title="Arrange the review meeting", route=this.route_arrange)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the meeting date")
        .Next(this.send_invitations)
    )
    send_invitations = (
        AgencyTask(title="Send the invitations to the review meeting", route=this.route_invite)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the invitations")
        .Next(this.circulate_advice)
    )
    circulate_advice = (
        AgencyTask(title="Gather and circulate the advice", route=this.route_advice)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the advice")
        .Next(this.hold_meeting)
    )
    hold_meeting = (
        AgencyTask(title="Hold the review meeting and record it", route=this.route_meeting)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the meeting record")
        .Next(this.write_report)
    )
    write_report = (
        AgencyTask(title="Send the review report", route=this.route_report)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the review report")
        .Next(this.decide)
    )

    # -- the council's decision ------------------------------------------------------------------
    decide = (
        AgencyTask(title="Decide whether to keep, amend or cease the plan", route=this.route_decide)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the decision")
        .Next(this.decided)
    )
    decided = (
        Switch()
        .Case(this.kept, _status(ReviewStatus.COMPLETE))
        .Case(this.record_amendment_comments, _status(ReviewStatus.AMENDING))
        .Case(this.consult_on_cease, _status(ReviewStatus.CEASING))
    )
    kept = End()

    # -- amending the plan (reg 22) --------------------------------------------------------------
    record_amendment_comments = (
        AgencyTask(
            title="Record comments on the proposed amendments", route=this.route_amend_comments
        )
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the comments")
        .Next(this.issue_amended_plan)
    )
    issue_amended_plan = (
        AgencyTask(title="Issue the final amended plan", route=this.route_amended_plan)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the amended plan")
        .Next(this.amended)
    )
    amended = End()

    # -- ceasing the plan (s.45; regs 29-31) -----------------------------------------------------
    consult_on_cease = AgencyTask(
        title="Record the replies to the consultation about ceasing the plan",
        route=this.route_cease_consult,
    ).Next(this.send_cease_notice)
    send_cease_notice = AgencyTask(
        title="Decide whether to cease the plan, and send the notice",
        route=this.route_cease_notice,
    ).Next(this.decided_on_cease)
    # Having consulted, the council may decide not to cease: the review is then complete.
    decided_on_cease = (
        If(_status(ReviewStatus.CEASING)).Then(this.confirm_cease).Else(this.not_ceased)
    )
    not_ceased = End()
    confirm_cease = (
        AgencyTask(
            title="Confirm the plan ceased or record an appeal", route=this.route_cease_confirm
        )
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the end of the appeal")
        .Next(this.appealed)
    )
    appealed = (
        If(_status(ReviewStatus.CEASING)).Then(this.record_tribunal_decision).Else(this.ceased)
    )
    record_tribunal_decision = AgencyTask(
        title="Record the Tribunal's decision", route=this.route_tribunal
    ).Next(this.ceased)
    ceased = End()

    chase = Function(this.send_chaser).Next(this.chased)
    chased = End()

    # -- start ----------------------------------------------------------------------------------

    def start_process(self, activation, review):
        activation.process.review = review
        return activation.process

    # -- routing --------------------------------------------------------------------------------

    @staticmethod
    def _council(activation, *, due_on, period: deadlines.StatutoryPeriod | None) -> Routing:
        """The council's queue, with the review's caseworker holding the step."""
        review = activation.process.review
        return Routing(
            agency=review.council,
            due_on=due_on,
            rule_code=period.code if period else "",
            owner_id=review.caseworker_id,
        )

    def _arranger(self, activation, *, due_on, period: deadlines.StatutoryPeriod) -> Routing:
        """The school or setting's queue (its SENCo, reg 20), or the council's (reg 21)."""
        review = activation.process.review
        if review.arranged_under == ArrangedUnder.SETTING:
            return Routing(agency=review.arranged_by, due_on=due_on, rule_code=period.code)
        return self._council(activation, due_on=due_on, period=period)

    def route_arrange(self, activation) -> Routing:
        """Arranged in time for the invitations to go 2 weeks before the latest meeting date."""
        review = activation.process.review
        return self._arranger(
            activation,
            due_on=deadlines.due_on(deadlines.REVIEW_INVITATIONS, review.latest_meeting_on),
            period=deadlines.REVIEW_MEETING,
        )

    def route_invite(self, activation) -> Routing:
        review = activation.process.review
        return self._arranger(
            activation, due_on=review.invitations_due_on, period=deadlines.REVIEW_INVITATIONS
        )

    def route_advice(self, activation) -> Routing:
        review = activation.process.review
        return self._arranger(
            activation, due_on=review.invitations_due_on, period=deadlines.REVIEW_INVITATIONS
        )

    def route_meeting(self, activation) -> Routing:
        review = activation.process.review
        return self._arranger(activation, due_on=review.meeting_on, period=deadlines.REVIEW_MEETING)

    def route_report(self, activation) -> Routing:
        review = activation.process.review
        return self._arranger(
            activation, due_on=review.report_due_on, period=deadlines.REVIEW_REPORT
        )

    def route_decide(self, activation) -> Routing:
        review = activation.process.review
        return self._council(
            activation, due_on=review.decision_due_on, period=deadlines.REVIEW_DECISION
        )

    def route_amend_comments(self, activation) -> Routing:
        review = activation.process.review
        return self._council(
            activation, due_on=review.amendment_comments_due_on, period=deadlines.AMEND_COMMENTS
        )

    def route_amended_plan(self, activation) -> Routing:
        """8 weeks from the amendment notice (reg 22(3)), or the phase transfer date if that
        comes first (reg 18)."""
        review = activation.process.review
        due, period = review.amended_plan_due_on, deadlines.AMEND_FINAL
        transfer = review.phase_transfer_due_on
        if transfer is not None and (due is None or transfer < due):
            due = transfer
            period = review.phase_transfer_period
        return self._council(activation, due_on=due, period=period)

    def route_cease_consult(self, activation) -> Routing:
        """The family and the school or college named in the plan were told and consulted with
        the decision (reg 31(1): `cease.cease_propose`); the council records their replies
        (`cease.cease_consultation_record` is the council's), so the step is the caseworker's."""
        return self._council(activation, due_on=None, period=None)

    def route_cease_notice(self, activation) -> Routing:
        return self._council(activation, due_on=None, period=None)

    def route_cease_confirm(self, activation) -> Routing:
        """Due when the appeal window ends (2 months from the notice, rule 20(1)(c))."""
        review = activation.process.review
        return self._council(
            activation, due_on=review.appeal_window_ends_on, period=deadlines.APPEAL
        )

    def route_tribunal(self, activation) -> Routing:
        return self._council(activation, due_on=None, period=None)

    # -- chasing --------------------------------------------------------------------------------

    def send_chaser(self, activation):
        """A step is overdue: tell its agency's queue (and the person who claimed it)."""
        timer = activation.task.previous.get()
        host = timer.previous.select_related("agency").get()
        task_chase(task=host, today=sweep_today())
