"""What every channel is given and what it may raise."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from ..rules.delivery import Failure


@dataclass(frozen=True)
class Message:
    """One e-mail, exactly as sent: no names, no case details, only a sign-in link (DM-03)."""

    to: str
    kind: str
    subject: str
    body: str
    link: str  # absolute
    reference: str  # ours, opaque: lets a provider's receipt be matched to the row


class DeliveryError(Exception):
    """A channel could not send. `code` is short and carries no personal data (never the
    provider's own message, which may quote the address): it is stored as the row's last_error."""

    def __init__(self, code: str, failure: Failure):
        super().__init__(code)
        self.code = code[:200]
        self.failure = failure


class Channel(ABC):
    """A way out (`EmailChannel`, `NotifyChannel`); a channel without `send` cannot be made."""

    name = ""

    @abstractmethod
    def send(self, message: Message) -> str:
        """Send `message`; return the provider's id for it ("" if it gives none), or raise
        DeliveryError."""
