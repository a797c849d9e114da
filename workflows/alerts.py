"""Reminders before a step's due date, escalations after it, and warnings about statutory dates:
one sweep, run by the tick (Celery beat in production, `manage.py tick` in the embedded default).

Each open person's step is looked at against its kind's rule (`StepAlertRule`, edited in the
support site; the dates are `notifications.rules.reminders`):

- **reminder**: the holder (or the agency's queue, if nobody has claimed it) n working days
  before the due date;
- **escalation**: the agency's managers (its shared mailbox if it names none; the council's SEN
  managers if it has neither) n working days after the due date;
- **statutory date at risk / missed**: the council's SEN managers, for the council's own steps
  with a statutory date and no counting exception recorded for it.

Exactly once: each alert is a `TaskAlert` row (unique per step, kind and due date) written in the
same transaction as its messages, after locking the steps with SKIP LOCKED and checking again that
none has been told; a second sweep at the same time skips the locked steps, and one that comes
after sees the rows. The outbox's own key (one message per event and address) is a second net. A
sweep killed mid-way has committed whole batches only; the next sweep does the rest.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast, Coalesce

from agencies.models import AgencyKind
from agencies.queues import AgencyPeople, agency_people
from ehcp.assessments.models import StatutoryException
from ehcp.assessments.rules import deadlines
from ehcp.common.calendar import bank_holidays_around
from notifications.models import NotificationKind
from notifications.rules import reminders
from notifications.services import Outgoing, notifications_queue

from .models import OPEN_TASK_STATUSES, CaseTask, StepAlertRule, TaskAlert

logger = logging.getLogger(__name__)

BATCH = 500
Kind = TaskAlert.Kind

MESSAGE_KINDS = {
    Kind.REMINDER: NotificationKind.TASK_DUE_SOON,
    Kind.ESCALATION: NotificationKind.TASK_ESCALATED,
    Kind.STATUTORY_AT_RISK: NotificationKind.STATUTORY_AT_RISK,
    Kind.STATUTORY_MISSED: NotificationKind.STATUTORY_MISSED,
}
# The statutory dates the council itself answers for (its SEN team's steps with one of these
# rules); a partner's late advice or reply is escalated to that partner's managers instead.
STATUTORY_CODES = frozenset(deadlines.PERIODS_BY_CODE)


@dataclass(frozen=True)
class Rule:
    remind: int | None = None
    escalate: int | None = None
    warn: int | None = None


# Used when the council has deleted even the row for "any other step".
FALLBACK = Rule(remind=2, escalate=5, warn=3)


@dataclass
class SweepResult:
    """How many alerts of each kind were written, and e-mails queued."""

    told: dict = field(default_factory=dict)  # alert kind -> steps told
    messages: int = 0

    @property
    def reminders(self) -> int:
        return self.told.get(Kind.REMINDER, 0)

    @property
    def escalations(self) -> int:
        return self.told.get(Kind.ESCALATION, 0)

    @property
    def at_risk(self) -> int:
        return self.told.get(Kind.STATUTORY_AT_RISK, 0)

    @property
    def missed(self) -> int:
        return self.told.get(Kind.STATUTORY_MISSED, 0)

    @property
    def alerts(self) -> int:
        return sum(self.told.values())


def _rules() -> tuple[dict[str, Rule], Rule]:
    rules = {
        row.step: Rule(row.remind_days_before, row.escalate_days_overdue, row.warn_days_before)
        for row in StepAlertRule.objects.all()
    }
    return rules, rules.pop("", FALLBACK)


def _told(kind: str):
    return Exists(
        TaskAlert.objects.filter(task=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on"))
    )


def _open_steps():
    return CaseTask.objects.filter(flow_task_type="HUMAN", status__in=OPEN_TASK_STATUSES).exclude(
        due_on=None
    )


def _statutory(steps):
    """The council's own steps with a statutory date and no counting exception for it."""
    excused = StatutoryException.objects.counting().filter(
        case_id=OuterRef("case_id"), period_code=OuterRef("rule_code")
    )
    return steps.filter(agency__kind=AgencyKind.SEN_TEAM, rule_code__in=STATUTORY_CODES).exclude(
        Exists(excused)
    )


def _candidates(*, today: date, rules: dict[str, Rule], default: Rule, holidays) -> dict:
    """The steps each kind of alert is due for today, by kind: a few indexed queries, then the
    working-day rules in Python (a step's rule depends on its kind)."""

    def rule_of(step: str) -> Rule:
        return rules.get(step, default)

    every = [default, *rules.values()]
    found = {kind: [] for kind in Kind}
    remind_reach = max((r.remind or 0 for r in every), default=0)
    warn_reach = max((r.warn or 0 for r in every), default=0)
    # The step's kind as stored (a reference string), not viewflow's node: no import per row.
    open_steps = _open_steps().annotate(step=Cast("flow_task", output_field=CharField()))
    if remind_reach:
        horizon = reminders.reminder_horizon(today, remind_reach, holidays)
        rows = open_steps.filter(due_on__gte=today, due_on__lte=horizon).exclude(
            _told(Kind.REMINDER)
        )
        for pk, step, due in rows.values_list("pk", "step", "due_on"):
            days = rule_of(step).remind
            if reminders.reminder_due(due, days, today=today, holidays=holidays):
                found[Kind.REMINDER].append(pk)
    rows = open_steps.filter(due_on__lt=today).exclude(_told(Kind.ESCALATION))
    for pk, step, due in rows.values_list("pk", "step", "due_on"):
        days = rule_of(step).escalate
        if reminders.escalation_due(due, days, today=today, holidays=holidays):
            found[Kind.ESCALATION].append(pk)
    statutory = _statutory(open_steps)
    rows = statutory.filter(due_on__lt=today).exclude(_told(Kind.STATUTORY_MISSED))
    found[Kind.STATUTORY_MISSED] = list(rows.values_list("pk", flat=True))
    if warn_reach:
        horizon = reminders.reminder_horizon(today, warn_reach, holidays)
        rows = statutory.filter(due_on__gte=today, due_on__lte=horizon).exclude(
            _told(Kind.STATUTORY_AT_RISK)
        )
        for pk, step, due in rows.values_list("pk", "step", "due_on"):
            days = rule_of(step).warn
            if reminders.statutory_alert(due, days, today=today, holidays=holidays) == "at-risk":
                found[Kind.STATUTORY_AT_RISK].append(pk)
    return found


@dataclass(frozen=True)
class _Step:
    pk: int
    public_id: object
    due_on: date
    owner_id: int | None
    owner_email: str | None
    agency_id: int | None
    council_id: int | None


def _lock(kind: str, pks) -> list[_Step]:
    """Lock the steps of a batch that are still open and still not told (SKIP LOCKED: a step
    another sweep holds is that sweep's)."""
    still = (
        _open_steps()
        .filter(pk__in=pks)
        .exclude(_told(kind))
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .annotate(
            council=Coalesce(
                "case__council_id", "review__council_id", "funding_request__council_id"
            )
        )
    )
    return [
        _Step(*row)
        for row in still.values_list(
            "pk", "public_id", "due_on", "owner_id", "owner__email", "agency_id", "council"
        )
    ]


def _addressed(people, mailbox: str = "") -> list[tuple[int | None, str]]:
    """E-mail recipients: each person with an address, and the mailbox; if there is nobody with
    an address, one row with none, which the sender records as undeliverable (and escalates)."""
    emails = [(pk, email) for pk, email in people if email]
    if mailbox:
        emails.append((None, mailbox))
    return emails or [(None, "")]


def _who(kind: str, step: _Step, people: dict[int, AgencyPeople]):
    """(e-mail recipients, people given an in-app notice) for one alert."""
    agency = people.get(step.agency_id, AgencyPeople())
    council = people.get(step.council_id, AgencyPeople())
    if kind == Kind.REMINDER:
        if step.owner_id is not None:  # the holder; the agency's mailbox if they have no address
            holder = [(step.owner_id, step.owner_email or "")]
            if step.owner_email:
                return holder, [step.owner_id]
            return _addressed([], agency.mailbox), [step.owner_id]
        return _addressed(agency.queue, agency.mailbox), [pk for pk, _ in agency.queue]
    if kind == Kind.ESCALATION:
        if agency.managers:
            managers = agency.managers
        elif agency.mailbox:
            return _addressed([], agency.mailbox), []
        else:
            managers = council.sen_managers
        return _addressed(managers), [pk for pk, _ in managers]
    # A statutory date: the SEN managers of the council whose step it is.
    managers = agency.sen_managers or council.sen_managers
    return _addressed(managers), [pk for pk, _ in managers]


def _told_count(emails, notice_ids) -> int:
    """How many people and mailboxes were told (an address-less row tells nobody)."""
    people = {pk for pk, email in emails if pk is not None and email} | set(notice_ids)
    return len(people) + sum(1 for pk, email in emails if pk is None and email)


def _send(kind: str, pks: list[int], *, today: date, people: dict) -> tuple[int, int]:
    """Tell about one batch in one transaction: (alerts written, e-mails queued)."""
    with transaction.atomic():
        steps = _lock(kind, pks)
        if not steps:
            return 0, 0
        missing = {s.agency_id for s in steps} | {s.council_id for s in steps}
        missing -= set(people) | {None}
        people.update(agency_people(missing))
        alerts, events = [], []
        for step in steps:
            emails, notice_ids = _who(kind, step, people)
            alerts.append(
                TaskAlert(
                    task_id=step.pk,
                    kind=kind,
                    due_on=step.due_on,
                    sent_on=today,
                    recipients=_told_count(emails, notice_ids),
                )
            )
            events.append(
                Outgoing(
                    kind=MESSAGE_KINDS[kind],
                    link=f"/tasks/{step.public_id}/",
                    key=f"{kind.lower()}:{step.pk}:{step.due_on.isoformat()}",
                    recipients=emails,
                    notice_user_ids=notice_ids,
                    agency_id=step.agency_id,
                    topic=f"task:{step.public_id}",
                )
            )
            if not _told_count(emails, notice_ids):
                logger.warning("%s for task %s: nobody to tell", kind, step.pk)
        TaskAlert.objects.bulk_create(alerts)
        # The tick sends them next (`notification_send_pending`), not batch by batch.
        return len(alerts), notifications_queue(events, send_after_commit=False)


def alerts_sweep(*, today: date, batch: int = BATCH) -> SweepResult:
    """Queue every reminder, escalation and statutory warning due on `today` that has not been
    sent (catching up on days the sweep did not run); the tick's sender sends them next. Safe to
    run often and concurrently."""
    rules, default = _rules()
    holidays = bank_holidays_around(today, today + timedelta(days=90))
    found = _candidates(today=today, rules=rules, default=default, holidays=holidays)
    result = SweepResult()
    people: dict[int, AgencyPeople] = {}
    for kind, pks in found.items():
        told = 0
        for start in range(0, len(pks), batch):
            chunk = pks[start : start + batch]
            written, messages = _send(kind, chunk, today=today, people=people)
            told += written
            result.messages += messages
        result.told[kind] = told
    return result
