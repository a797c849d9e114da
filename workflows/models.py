"""The process and task rows of the viewflow flows.

Custom models (rather than viewflow's defaults) so that a task knows the agency whose queue it
sits in, the case it belongs to, and its statutory due date and rule: every queue, inbox and
overdue list is then one indexed query with no JSON digging.
"""

import uuid

from django.conf import settings
from django.db import models
from viewflow.workflow.models import AbstractProcess, AbstractTask
from viewflow.workflow.status import STATUS

from agencies.models import Agency
from ehcp.assessments.models import Assessment
from ehcp.governance.models import AppendOnlyModel

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
#: A person's step still to do (`CaseTask.objects.human().open()`), for the partial indexes.
OPEN_HUMAN = models.Q(flow_task_type="HUMAN", status__in=OPEN_TASK_STATUSES)


def _one_episode(name: str) -> models.CheckConstraint:
    """A process or task belongs to exactly one episode: an assessment (`case`), a review or a
    funding request to the Joint Agency Panel."""
    return models.CheckConstraint(
        condition=(
            models.Q(case__isnull=False, review__isnull=True, funding_request__isnull=True)
            | models.Q(case__isnull=True, review__isnull=False, funding_request__isnull=True)
            | models.Q(case__isnull=True, review__isnull=True, funding_request__isnull=False)
        ),
        name=name,
    )


def _episode(row):
    if row.case_id is not None:
        return row.case
    if row.review_id is not None:
        return row.review
    return row.funding_request


class CaseProcess(AbstractProcess):
    """One run of a flow for one episode: an assessment (`case`), a review (`review`) or a funding
    request (`funding_request`: what follows the panel's decision)."""

    case = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="processes"
    )
    review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
    )
    funding_request = models.ForeignKey(
        "panel.FundingRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "case process"
        ordering = ["-created"]
        constraints = [_one_episode("case_process_has_one_episode")]

    @property
    def episode(self):
        return _episode(self)


class CaseTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def human(self):
        return self.filter(flow_task_type="HUMAN")


class CaseTask(AbstractTask):
    """A step of casework in an agency's queue (or a flow-internal node: gateway, timer, end)."""

    # Opaque id for URLs and e-mail links (DM-04): never the sequential primary key.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(CaseProcess, on_delete=models.CASCADE, related_name="tasks")
    case = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    review = models.ForeignKey(
        "reviews.Review", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    funding_request = models.ForeignKey(
        "panel.FundingRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(null=True, blank=True)
    rule_code = models.CharField(max_length=40, blank=True)
    # For advice and consultation steps: the domain row this task is about.
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    last_chased_on = models.DateField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CaseTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "case task"
        ordering = ["due_on", "pk"]
        # The lists of open steps, each walked in its order (due date, id) and stopped after a
        # page: the inbox's two lists (`workflows.selectors`), the team's list; and the timers
        # that have fallen due (`workflows.timers`), read every minute.
        indexes = [
            models.Index(
                fields=["agency", "due_on", "id"],
                condition=OPEN_HUMAN & models.Q(owner__isnull=True),
                name="casetask_queue_due",
            ),
            # The team's list in due order; with the holder as the last column, its count and
            # the holders' counts (`team_holders`) are read from the index alone.
            models.Index(
                fields=["agency", "due_on", "id", "owner"],
                condition=OPEN_HUMAN,
                name="casetask_team_due_owner",
            ),
            models.Index(
                fields=["owner", "due_on", "id"], condition=OPEN_HUMAN, name="casetask_mine_due"
            ),
            models.Index(
                fields=["scheduled"],
                condition=models.Q(flow_task_type="TIMER", status=STATUS.SCHEDULED),
                name="casetask_timer_due",
            ),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["review", "status"]),
            models.Index(fields=["funding_request", "status"]),
        ]
        constraints = [_one_episode("case_task_has_one_episode")]

    def save(self, *args, **kwargs):
        # viewflow creates gateway, timer and end rows without knowing about episodes.
        if self.case_id is None and self.review_id is None and self.funding_request_id is None:
            self.case_id = self.process.case_id
            self.review_id = self.process.review_id
            self.funding_request_id = self.process.funding_request_id
        super().save(*args, **kwargs)

    @property
    def episode(self):
        """The assessment, review or funding request this task is a step of."""
        return _episode(self)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES


class TaskReassignment(AppendOnlyModel):
    """A manager gave a task to someone else: who, when, from whom, to whom and why.

    Written under the flow's lock in the same transaction as the change, never changed after.
    """

    task = models.ForeignKey(CaseTask, on_delete=models.PROTECT, related_name="reassignments")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="task_reassignment_has_reason"
            ),
        ]

    def __str__(self):
        return f"Task {self.task_id} reassigned by user {self.by_id} at {self.at:%Y-%m-%d %H:%M}"
