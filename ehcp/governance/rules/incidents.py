"""Security incidents and personal data breaches, as pure functions over plain values (AU-08).

A controller reports a personal data breach to the ICO without undue delay and, where feasible,
within 72 hours of becoming aware of it, unless it is unlikely to result in a risk to people's
rights and freedoms (UK GDPR Art 33(1)). Every breach is documented, reported or not, with the
reasons for the decision (Art 33(5)). A late report gives the reasons for the delay (Art 33(1)).

No ORM and no clock: the caller passes the instants, which must be timezone-aware. The deadline
is 72 elapsed hours, so a clock change in between does not move it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class IncidentRule:
    code: str
    text: str
    source: str


ICO_NOTIFICATION = IncidentRule(
    "GDPR-BREACH-72H",
    "Report a personal data breach to the ICO within 72 hours of becoming aware of it, "
    "unless it is unlikely to result in a risk to people's rights and freedoms.",
    "UK GDPR Art 33(1)",
)
ICO_NOTIFICATION_HOURS = 72

PENDING = "PENDING"
NOTIFY = "NOTIFY"
NOT_NOTIFY = "NOT_NOTIFY"
DECISIONS = (PENDING, NOTIFY, NOT_NOTIFY)


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")


def ico_deadline(aware_at: datetime) -> datetime:
    """When the report to the ICO is due: 72 hours after the council became aware (Art 33(1))."""
    _aware(aware_at, "aware_at")
    # In UTC: adding to a local time would add wall-clock hours and go wrong across a clock change.
    return aware_at.astimezone(UTC) + timedelta(hours=ICO_NOTIFICATION_HOURS)


def decision_errors(
    decision: str,
    reasons: str,
    *,
    aware_at: datetime,
    notified_ico_at: datetime | None,
    now: datetime,
) -> list[str]:
    """What is wrong with a notification decision (an empty list means it can be recorded)."""
    _aware(aware_at, "aware_at")
    _aware(now, "now")
    aware_at, now = (
        aware_at.astimezone(UTC),
        now.astimezone(UTC),
    )  # compare instants, not wall clocks
    errors = []
    if decision not in DECISIONS:
        errors.append("Select whether the breach will be reported to the ICO")
        return errors
    if decision == NOT_NOTIFY and not reasons.strip():
        errors.append("Explain why the breach does not need to be reported to the ICO")
    if notified_ico_at is not None:
        _aware(notified_ico_at, "notified_ico_at")
        notified_ico_at = notified_ico_at.astimezone(UTC)
        if decision != NOTIFY:
            errors.append("Enter when the ICO was told only if the breach is being reported")
        elif notified_ico_at < aware_at:
            errors.append(
                "The date the ICO was told must be after the council became aware of the breach"
            )
        elif notified_ico_at > now:
            errors.append("The date the ICO was told must be now or in the past")
        elif notified_ico_at > ico_deadline(aware_at) and not reasons.strip():
            errors.append(
                "The ICO was told more than 72 hours after the council became aware: give the reasons for the delay"
            )
    return errors


def hours_until_deadline(aware_at: datetime, now: datetime) -> float:
    """Hours left before the ICO deadline (negative once it has passed)."""
    _aware(now, "now")
    return (ico_deadline(aware_at) - now.astimezone(UTC)).total_seconds() / 3600
