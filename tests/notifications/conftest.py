"""The outside world of notifications, run for real on loopback ports: an SMTP server (aiosmtpd)
and a fake of GOV.UK Notify's API that the official client talks to."""

import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

from notifications.models import Notification, NotificationKind


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def outbox_row(db):
    def make(email="adviser@health.example", **fields) -> Notification:
        return Notification.objects.create(
            kind=fields.pop("kind", NotificationKind.ADVICE_REQUESTED),
            email=email,
            link=fields.pop("link", "/tasks/advice/0000/"),
            key=fields.pop("key", f"test:{uuid.uuid4()}"),
            **fields,
        )

    return make


# -- SMTP --------------------------------------------------------------------------------------


class SmtpHandler:
    """Accepts mail, except: bounce@... is refused for good (550), later@... for now (451)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce@"):
            return "550 5.1.1 Mailbox unavailable"
        if address.startswith("later@"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a loopback port, with Django's SMTP backend pointed at it."""
    handler = SmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


# -- GOV.UK Notify -------------------------------------------------------------------------------


@dataclass
class NotifyFake:
    """POST /v2/notifications/email as GOV.UK Notify answers it. The JWT in the Authorization
    header must be signed with the API key's secret and name its service (else 403 AuthError).
    Addresses choose the answer: not-an-address -> 400 ValidationError, team-only@ -> 400
    BadRequestError (a team key), rate-limited@ -> 429, broken@ -> 500; otherwise 201 with an id.
    """

    url: str = ""
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    received: list = field(default_factory=list)

    @property
    def api_key(self) -> str:
        return f"send_test-{self.service_id}-{self.secret}"

    def answer(self, headers, path, body) -> tuple[int, dict]:
        def error(status, name, message):
            return status, {"status_code": status, "errors": [{"error": name, "message": message}]}

        token = headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != self.service_id:
                raise TokenError("Invalid token: service not found")
            decode_jwt_token(token, self.secret)
        except TokenError:
            return error(403, "AuthError", "Invalid token: API key not found")
        if path != "/v2/notifications/email":
            return error(404, "NotFoundError", "Not found")
        self.received.append(body)
        address = body.get("email_address", "")
        if body.get("template_id") != self.template_id:
            return error(400, "BadRequestError", "Template not found")
        if "@" not in address:
            return error(400, "ValidationError", "email_address Not a valid email address")
        if address.startswith("team-only@"):
            return error(
                400, "BadRequestError", "Can't send to this recipient using a team-only API key"
            )
        if address.startswith("rate-limited@"):
            return error(
                429, "RateLimitError", "Exceeded rate limit for key type TEAM of 3000 requests"
            )
        if address.startswith("broken@"):
            return error(500, "Exception", "Internal server error")
        notification_id = str(uuid.uuid4())
        personalisation = body.get("personalisation", {})
        return 201, {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": {
                "subject": personalisation.get("subject"),
                "body": personalisation.get("body"),
                "from_email": "send.casework@notifications.service.gov.uk",
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {"id": self.template_id, "version": 1, "uri": f"{self.url}/template"},
        }


@pytest.fixture
def notify_fake(settings):
    """The fake Notify API on a loopback port, and the settings that choose the Notify channel."""
    fake = NotifyFake()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status, payload = fake.answer(self.headers, self.path, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_API_KEY = fake.api_key
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_TEMPLATE_ID = fake.template_id
    settings.NOTIFY_TEMPLATE_IDS = {}
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
