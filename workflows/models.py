"""The process and task rows of the viewflow flows.

Custom models (rather than viewflow's defaults) so that a task knows the agency whose queue it
sits in, the case it belongs to, and its statutory due date and rule: every queue, inbox and
overdue list is then one indexed query with no JSON digging.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords
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


def step_choices() -> list[tuple[str, str]]:
    """Every person's step of every flow, by the reference stored on its tasks, for the reminder
    rules' form (read when the form is shown: the flows import this module)."""
    from viewflow.workflow.fields import get_task_ref

    from .flows.assessment import StatutoryAssessmentFlow
    from .flows.funding import FundingFlow
    from .flows.review import ReviewFlow

    choices = [("", "Any other step")]
    for flow, process in (
        (StatutoryAssessmentFlow, "Assessment"),
        (ReviewFlow, "Annual review"),
        (FundingFlow, "Funding"),
    ):
        steps = [node for node in flow.instance.nodes() if node.task_type == "HUMAN"]
        for node in sorted(steps, key=lambda node: str(node.task_title)):
            choices.append((get_task_ref(node), f"{process}: {node.task_title}"))
    return choices


class StepAlertRule(models.Model):
    """When to remind, escalate and warn about one kind of step (the council edits these in the
    support site; the row with no step covers every step without a row of its own). Every
    figure is in working days (notifications.rules.reminders); an empty figure sends nothing."""

    step = models.CharField(max_length=200, unique=True, blank=True, choices=step_choices)
    remind_days_before = models.PositiveSmallIntegerField(
        "Remind the holder (working days before the due date)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="The person holding the step, or its agency's queue if nobody has claimed it.",
    )
    escalate_days_overdue = models.PositiveSmallIntegerField(
        "Tell the agency's managers (working days overdue)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The managers the agency names; its shared mailbox if it names none.",
    )
    warn_days_before = models.PositiveSmallIntegerField(
        "Warn the SEN managers (working days before a statutory date)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=(
            "Only for the council's own steps with a statutory date, unless an exception is "
            "recorded. A missed statutory date is always reported the day after."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["step"]
        verbose_name = "reminder rule"

    def __str__(self):
        return dict(step_choices()).get(self.step, self.step) or "Any other step"


class TaskAlert(models.Model):
    """A reminder, escalation or warning sent about one step for one due date: written in the
    same transaction as its messages, so a step is told about once per due date (a new due
    date, after more time was agreed, is told about again)."""

    class Kind(models.TextChoices):
        REMINDER = "REMINDER", "Reminder before the due date"
        ESCALATION = "ESCALATION", "Escalated to the agency's managers"
        STATUTORY_AT_RISK = "STATUTORY_AT_RISK", "SEN managers warned: statutory date near"
        STATUTORY_MISSED = "STATUTORY_MISSED", "SEN managers told: statutory date missed"

    task = models.ForeignKey(CaseTask, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    sent_on = models.DateField()
    # How many people and mailboxes were told (0: nobody could be, which the task page shows).
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "due_on"], name="one_alert_per_task_kind_due_date"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for task {self.task_id} due {self.due_on}"


class WeeklyDigest(models.Model):
    """The weekly digest was sent for the week starting `week_starting` (a Monday): written in the
    transaction that queues the week's digests, so that the tick sends them once however often
    it runs and however many workers run it (workflows.digest)."""

    week_starting = models.DateField(unique=True)
    sent_at = models.DateTimeField()
    people = models.PositiveIntegerField(default=0)  # how many were sent a digest

    class Meta:
        ordering = ["-week_starting"]

    def __str__(self):
        return f"Weekly digest of {self.week_starting:%Y-%m-%d}"
