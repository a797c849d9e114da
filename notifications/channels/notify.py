"""GOV.UK Notify through its official client (notifications-python-client).

Notify sends the e-mail from a template in the service's Notify account. One template serves
every kind: its subject is `((subject))` and its body `((body))` (which includes the sign-in link,
also given alone as `((link))`); NOTIFY_TEMPLATE_IDS may name another template for a kind.
"""

import logging

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from ..rules.delivery import Failure
from .base import Channel, DeliveryError, Message

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def notify_failure(status: int, errors: list[dict]) -> tuple[str, Failure]:
    """(code, failure) for an error answer from Notify's API (its documented error codes)."""
    text = " ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict)).lower()
    if status == 400:
        # "email_address Not a valid email address", "Can't send to this recipient ..." (a trial
        # or team key): this address will never do. Anything else is our template or request.
        if "email_address" in text or "recipient" in text:
            return "notify-400-recipient", Failure.UNDELIVERABLE
        return "notify-400", Failure.FATAL
    if status == 403:  # the API key is wrong or revoked, or our clock is off
        return "notify-403", Failure.FATAL
    if status == 429 or status >= 500:  # rate limit, or Notify is having trouble
        return f"notify-{status}", Failure.TRANSIENT
    return f"notify-{status}", Failure.FATAL


class NotifyChannel(Channel):
    name = "notify"

    def __init__(self, *, api_key: str, base_url: str, template_id: str, template_ids: dict):
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=TIMEOUT_SECONDS)
        self.template_id = template_id
        self.template_ids = template_ids

    def send(self, message: Message) -> str:
        try:
            answer = self.client.send_email_notification(
                email_address=message.to,
                template_id=self.template_ids.get(message.kind, self.template_id),
                personalisation={
                    "subject": message.subject,
                    "body": message.body,
                    "link": message.link,
                },
                reference=message.reference,
            )
        except APIError as exc:  # an HTTP error answer, or none at all (the client says 503)
            try:
                errors = exc.response.json().get("errors") or []
            except (AttributeError, TypeError, ValueError):
                errors = []
            code, failure = notify_failure(exc.status_code, errors)
            if failure is Failure.FATAL:
                logger.error("GOV.UK Notify refused our request (%s): check the settings", code)
            raise DeliveryError(code, failure) from exc
        return str(answer.get("id", ""))


def notify_channel_from_settings() -> NotifyChannel:
    return NotifyChannel(
        api_key=settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL,
        template_id=settings.NOTIFY_TEMPLATE_ID,
        template_ids=settings.NOTIFY_TEMPLATE_IDS,
    )
