"""How outbox rows leave the building: each channel has a `send(message)` (like healthchecks'
transports). GOV.UK Notify when NOTIFY_API_KEY is set, otherwise Django's e-mail backend."""

from django.conf import settings

from .base import Channel, DeliveryError, Message
from .email import EmailChannel
from .notify import NotifyChannel, notify_channel_from_settings

__all__ = ["Channel", "DeliveryError", "EmailChannel", "Message", "NotifyChannel", "channel_get"]


def channel_get() -> Channel:
    """The channel the settings choose."""
    if settings.NOTIFY_API_KEY:
        return notify_channel_from_settings()
    return EmailChannel()
