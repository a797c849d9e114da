"""The nodes every flow is made of: a human step waiting in an agency's queue (`AgencyTask`,
routed by the flow to the agency that owes it, with its due date and rule), a split that starts a
branch per item (`ForEachSplit`), and the chaser's moment (`chase_at`).

A task belongs to its process's episode: an assessment (`case`) or a review (`review`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from viewflow import this
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import Split, View, ViewActivation
from viewflow.workflow.nodes.split import SplitActivation

from agencies.access import actor_for
from agencies.models import Agency
from agencies.queues import may_manage_queue, may_work_queue

# Chasers go out at the start of the working day after a step falls due.
CHASE_AT = time(8, 0)


@dataclass(frozen=True)
class Routing:
    """Whose queue a step goes to, when it is due and under which rule."""

    agency: Agency
    due_on: date | None
    rule_code: str
    owner_id: int | None = None
    subject_id: int | None = None


class AgencyTaskActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        if not data and flow_task.carry is not None:
            data = flow_task.carry(prev_activation.task)
        task.data = data or {}
        activation = cls(task)
        routing = flow_task.route(activation)
        task.case_id = activation.process.case_id
        task.review_id = activation.process.review_id
        task.funding_request_id = activation.process.funding_request_id
        task.agency = routing.agency
        task.due_on = routing.due_on
        task.rule_code = routing.rule_code
        task.subject_id = routing.subject_id
        if routing.owner_id is not None:
            task.owner_id = routing.owner_id
            task.status = "ASSIGNED"
            task.assigned = timezone.now()
        task.save()
        task.previous.add(prev_activation.task)
        return activation


class AgencyTask(View):
    """A human step that waits in an agency's queue until one of its members claims it.

    `route(activation) -> Routing` says whose queue, when it is due and under which rule;
    `carry(previous task) -> dict`, if given, is the new task's data when the step before does
    not pass any (the advice request an advice branch is about)."""

    activation_class = AgencyTaskActivation

    def __init__(self, *, title: str, route, carry: Callable | None = None, **kwargs):
        super().__init__(view=None, **kwargs)
        self.task_title = title
        self._route = route
        self.carry = carry

    def _resolve(self, instance):
        super()._resolve(instance)
        self._route = this.resolve(instance, self._route)

    def route(self, activation) -> Routing:
        return self._route(activation)

    # Permissions come from the person's memberships, read on every request (AC-05, AC-06).
    def can_assign(self, user, task):
        if task.owner_id or not user.is_authenticated:
            return False
        return may_work_queue(actor_for(user), task.agency_id, task.agency.kind)

    def can_execute(self, user, task):
        return task.owner_id == user.pk and may_work_queue(
            actor_for(user), task.agency_id, task.agency.kind
        )

    def can_unassign(self, user, task):
        if task.owner_id is None or not user.is_authenticated:
            return False
        return task.owner_id == user.pk or may_manage_queue(actor_for(user), task.agency_id)


class ForEachSplitActivation(SplitActivation):
    """Like viewflow's split, and a branch with a `data_source` is started once per item, with
    the item as the task's data (viewflow 2.4's `Split` documents this but does not do it)."""

    @Activation.status.super()
    def activate(self):
        for node, cond, data_source in self.flow_task._branches:
            if cond and not cond(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class ForEachSplit(Split):
    activation_class = ForEachSplitActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


def chase_moment(due: date) -> datetime:
    """The morning after a due date, in the council's time zone."""
    return timezone.make_aware(datetime.combine(due + timedelta(days=1), CHASE_AT))


def chase_at(activation) -> datetime:
    """The morning after the step's due date, in the council's time zone."""
    host = activation.task.previous.get()
    return chase_moment(host.due_on or timezone.localdate())
