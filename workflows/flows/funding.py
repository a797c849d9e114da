"""What follows a funded decision of the Joint Agency Panel, as a viewflow flow.

When the chair confirms a meeting, each approval starts this flow (`workflows.services.
funding_flows_start`): every agency that pays a share gets a task in its queue to set up its
payment, due the day the funding starts; where the approval changes what the plan provides (the
panel changed the request, or it names no provision of the plan), the council brings the plan
into line through an amending review's plan editor; and the council gets the funding review, due
by the decision's review date, in parallel (nothing a funder fails to do holds the rest back). Reviewing the funding raises a new request
that follows the one decided: the panel decides it, and its decision supersedes this one.

The decision lives in `panel` and only its services change it; each step calls one of them.
"""

from viewflow import this
from viewflow.workflow.base import Flow
from viewflow.workflow.nodes import End, Function, StartHandle

from agencies.models import Agency
from panel.models import Decision
from panel.rules.money import FUNDERS

from ..chasers import task_chase
from ..locking import blocking_row_lock
from ..models import CaseProcess, CaseTask
from ..timers import sweep_today
from .nodes import AgencyTask, ForEachSplit, Routing, chase_at

#: The rule code of the funding's steps: the panel's decision, not a statutory period.
FUNDING_RULE = "JAP-DECISION"


class FundingFlow(Flow):
    """Funding agreed by the Joint Agency Panel

    From the chair's confirmation: each funder sets up its payment, and the council brings the
    funding back to the panel by its review date.
    """

    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = blocking_row_lock

    start = StartHandle(this.start_process).Next(this.follow_up)
    follow_up = (
        ForEachSplit()
        .Next(this.set_up_payment, data_source=this.funders_paying)
        .Next(this.update_plan, case=this.changes_the_plan)
        .Next(this.review_funding)
    )
    set_up_payment = (
        AgencyTask(title="Set up the payment of the agreed share", route=this.route_payment)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the payment")
        .Next(this.paid)
    )
    paid = End()
    # An approval the plan does not yet provide for is carried into it through the plan editor
    # of a review that amends the plan (the family comments on the amendment, reg 22).
    update_plan = (
        AgencyTask(
            title="Bring the plan into line with the panel's decision", route=this.route_plan
        )
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the plan's update")
        .Next(this.plan_updated)
    )
    plan_updated = End()
    review_funding = (
        AgencyTask(title="Bring the funding back to the panel for review", route=this.route_review)
        .OnTimeout(chase_at, this.chase, interrupting=False, title="Chase the funding review")
        .Next(this.reviewed)
    )
    reviewed = End()

    chase = Function(this.send_chaser).Next(this.chased)
    chased = End()

    # -- start ----------------------------------------------------------------------------------

    def start_process(self, activation, decision: Decision):
        activation.process.funding_request = decision.request
        activation.process.data = {"decision_id": decision.pk}
        return activation.process

    @staticmethod
    def decision(activation) -> Decision:
        return Decision.objects.select_related("request__panel").get(
            pk=activation.process.data["decision_id"]
        )

    def funders_paying(self, activation) -> list[dict]:
        """One payment task per funder with a share above 0% and an agency that pays it."""
        decision = self.decision(activation)
        agencies = decision.request.panel.funder_agency_ids()
        shares = decision.shares()
        return [
            {"decision_id": decision.pk, "funder": funder.value, "share": str(shares[funder])}
            for funder in FUNDERS
            if shares[funder] and agencies[funder] is not None
        ]

    def changes_the_plan(self, activation) -> bool:
        decision = self.decision(activation)
        return decision.outcome == "APPROVE_WITH_CHANGES" or decision.request.changes_the_plan

    # -- routing --------------------------------------------------------------------------------

    def route_payment(self, activation) -> Routing:
        """The funder's queue, due the day the funding starts."""
        decision = self.decision(activation)
        funder = activation.task.data["funder"]
        agency_id = decision.request.panel.funder_agency_ids()[funder]
        return Routing(
            agency=Agency.objects.get(pk=agency_id),
            due_on=decision.starts_on,
            rule_code=FUNDING_RULE,
            subject_id=decision.pk,
        )

    def route_plan(self, activation) -> Routing:
        """The council's queue, due the day the funding starts."""
        decision = self.decision(activation)
        return Routing(
            agency=decision.request.council,
            due_on=decision.starts_on,
            rule_code=FUNDING_RULE,
            owner_id=decision.request.raised_by_id,
            subject_id=decision.pk,
        )

    def route_review(self, activation) -> Routing:
        """The council's queue, due by the decision's review date."""
        decision = self.decision(activation)
        return Routing(
            agency=decision.request.council,
            due_on=decision.review_on,
            rule_code=FUNDING_RULE,
            owner_id=decision.request.raised_by_id,
            subject_id=decision.pk,
        )

    # -- chasing --------------------------------------------------------------------------------

    def send_chaser(self, activation):
        """A step is overdue: tell its agency's queue (and the person who claimed it)."""
        timer = activation.task.previous.get()
        host = timer.previous.select_related("agency").get()
        task_chase(task=host, today=sweep_today())
