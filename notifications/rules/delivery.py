"""When to try a message again, and what a failed attempt means (pure: no ORM, no clock).

A message that could not be sent is one of three things:

- **transient**: the provider was busy, down or slow (an SMTP 4xx, a dropped connection, Notify's
  429 or 500). It is tried again after a back-off that grows fivefold (1, 5, 25, 125 minutes ...,
  never more than `RETRY_CAP`), and after `MAX_ATTEMPTS` attempts it has FAILED.
- **undeliverable**: it can never reach this address (no address, a bounce, an SMTP 5xx refusal
  of the recipient, Notify's "not a valid email address" or its permanent-failure receipt). It is
  not tried again.
- **fatal**: our own set-up is wrong (Notify refused our API key or template); trying again cannot
  help, so it has FAILED at once and the log says why.

Nothing here decides who is told about a message that did not arrive: that is
`notifications.services.notification_undeliverable`.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_ATTEMPTS = 6
RETRY_FIRST = timedelta(minutes=1)
RETRY_FACTOR = 5
RETRY_CAP = timedelta(hours=4)
# A claimed (SENDING) row whose sender died before recording the outcome is claimed again after
# this long. Far longer than a send can take (the channels time out in seconds), so a row is only
# sent twice if its sender died after sending and before recording.
CLAIM_TIMEOUT = timedelta(minutes=15)


class Failure(enum.Enum):
    TRANSIENT = "transient"
    UNDELIVERABLE = "undeliverable"
    FATAL = "fatal"


class Next(enum.Enum):
    RETRY = "retry"  # back to PENDING, at next_attempt_at
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"


@dataclass(frozen=True)
class Decision:
    next: Next
    next_attempt_at: datetime | None = None


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first): 1, 5, 25, 125
    minutes ..., capped at RETRY_CAP."""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    # Stop multiplying once past the cap (no huge integers for a silly attempt number).
    delay = RETRY_FIRST
    for _ in range(attempt - 1):
        delay *= RETRY_FACTOR
        if delay >= RETRY_CAP:
            return RETRY_CAP
    return min(delay, RETRY_CAP)


def next_attempt_at(attempt: int, *, now: datetime) -> datetime | None:
    """When to try again after failed attempt number `attempt`, or None if that was the last."""
    if attempt >= MAX_ATTEMPTS:
        return None
    return now + retry_delay(attempt)


def after_failure(failure: Failure, *, attempt: int, now: datetime) -> Decision:
    """What becomes of a message whose attempt number `attempt` failed this way."""
    if failure is Failure.UNDELIVERABLE:
        return Decision(Next.UNDELIVERABLE)
    if failure is Failure.FATAL:
        return Decision(Next.FAILED)
    when = next_attempt_at(attempt, now=now)
    if when is None:
        return Decision(Next.FAILED)
    return Decision(Next.RETRY, when)


# What a failure's code means to the person reading the task page, by the code's start (the
# channels' codes: "no-address", "smtp-recipient-550", "notify-400-recipient" ...), longest first.
FAILURE_TEXTS = (
    ("no-address", "there is no e-mail address to send it to"),
    ("smtp-recipient", "the recipient's mail server refused the address"),
    ("smtp-connection", "the mail server could not be reached"),
    ("smtp", "the mail server refused it"),
    ("notify-400-recipient", "GOV.UK Notify cannot send to the address"),
    (
        "notify-permanent-failure",
        "the recipient's mail server refused it (reported by GOV.UK Notify)",
    ),
    ("notify", "GOV.UK Notify did not send it"),
)


def failure_text(code: str) -> str:
    """Why a message did not arrive, in words (`code` never holds personal data)."""
    for start, text in FAILURE_TEXTS:
        if code.startswith(start):
            return text
    return "it could not be sent after several attempts"
