"""E-mail through Django's e-mail backend (EMAIL_BACKEND, EMAIL_HOST ...)."""

import smtplib
from email.utils import make_msgid

from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME

from ..rules.delivery import Failure
from .base import Channel, DeliveryError, Message


def smtp_failure(code: int) -> Failure:
    """A 5xx reply is a permanent refusal; anything else (4xx) may pass later."""
    return Failure.UNDELIVERABLE if 500 <= code < 600 else Failure.TRANSIENT


class EmailChannel(Channel):
    name = "email"

    def send(self, message: Message) -> str:
        message_id = make_msgid(domain=DNS_NAME)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"Message-ID": message_id},
            connection=get_connection(fail_silently=False),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0] if exc.recipients else 550
            raise DeliveryError(f"smtp-recipient-{code}", smtp_failure(code)) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"smtp-auth-{exc.smtp_code}", Failure.FATAL) from exc
        except smtplib.SMTPSenderRefused as exc:
            failure = Failure.FATAL if 500 <= exc.smtp_code < 600 else Failure.TRANSIENT
            raise DeliveryError(f"smtp-sender-{exc.smtp_code}", failure) from exc
        except smtplib.SMTPResponseException as exc:  # e.g. the message refused at DATA
            raise DeliveryError(f"smtp-{exc.smtp_code}", smtp_failure(exc.smtp_code)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # down, dropped, slow (TimeoutError)
            raise DeliveryError("smtp-connection", Failure.TRANSIENT) from exc
        return message_id
