"""Real background processes for the tests in this folder: Celery workers (`celery -A config
worker`, production settings) on Redis and on the test's PostgreSQL database, an SMTP server
(aiosmtpd) they send through, and the test process publishing to the workers' queue.

The tests need Redis (BACKGROUND_REDIS_URL, default redis://127.0.0.1:6379/15) and PostgreSQL
(DATABASE_URL=postgres://...). Without them they skip, so `make test` runs anywhere; with
REQUIRE_BACKGROUND_SERVICES=1 (`make test-background`, CI) they fail instead.
"""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery, current_app
from django.db import connection

from tests.notifications.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("BACKGROUND_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("REQUIRE_BACKGROUND_SERVICES", "") not in ("", "0")
WAIT = 45  # seconds: the longest any one thing may take before the test fails


def missing_services() -> str:
    """Why the background tests cannot run here, or "" if they can."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL for the worker to share the test's database: set DATABASE_URL"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis at {REDIS_URL} ({type(exc).__name__})"
    return ""


@pytest.fixture(autouse=True)
def background_services():
    if reason := missing_services():
        if REQUIRED:
            pytest.fail(f"REQUIRE_BACKGROUND_SERVICES is set, but these tests cannot run: {reason}")
        pytest.skip(reason)


def wait_until(predicate, what: str, timeout: float = WAIT, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}\n{tails}")


# -- the SMTP server the workers send through -----------------------------------------------------


@dataclass
class Smtp:
    """Records the recipients of each message it accepts (250 to DATA). An address in `hold_at`
    makes the first conversation with it stop at that point ("RCPT": before the message was
    given; "QUIT": after it was accepted) until `release()`; `held` is set when it stops."""

    port: int = 0
    delay: float = 0.0  # seconds to wait before accepting each message
    hold_at: dict = field(default_factory=dict)
    accepted: list = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self):
        self.released.set()

    async def _hold(self, session, point):
        if getattr(session, "hold", None) == point and not self.held.is_set():
            self.held.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hold_at.get(address):
            session.hold = self.hold_at[address]
        envelope.rcpt_tos.append(address)
        await self._hold(session, "RCPT")
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.accepted.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        await self._hold(session, "QUIT")
        return "221 Bye"


@pytest.fixture
def smtp():
    server = Smtp(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release()
        controller.stop()


# -- workers ---------------------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def results(self) -> list[str]:
        """What each task it finished returned, in order (from the worker's INFO log)."""
        return [
            line.rsplit(": ", 1)[1]
            for line in self.text().splitlines()
            if "notifications.tasks.notifications_send[" in line and " succeeded in " in line
        ]

    def kill(self):
        """SIGKILL: no chance to finish the task or record anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def stop(self):
        """SIGTERM (a warm shutdown), then SIGKILL if it has not gone within 15 seconds."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=WAIT)


def database_url() -> str:
    """The test's database (test_<name>), as the worker's DATABASE_URL."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def process_environment(**extra) -> dict:
    """The production settings, on the test's database and Redis, e-mail to `smtp`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOTIFY_", "EMAIL_", "CELERY_", "DJANGO_"))
        and key not in {"DATABASE_REPLICA_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=database_url(),
        DB_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=REDIS_URL,
        SITE_URL="https://send.example.gov.uk",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Background:
    """The workers of one test, their queue, and a Celery app (the current one while the test
    runs) that publishes to that queue, as the web process does in production."""

    queue: str
    app: Celery
    folder: Path
    smtp: Smtp
    workers: list = field(default_factory=list)

    def start_worker(self, *, wait=True) -> Worker:
        name = f"bg-{uuid.uuid4().hex[:8]}@127.0.0.1"
        log = self.folder / f"{name.split('@')[0]}.log"
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--hostname",
            name,
            "--queues",
            self.queue,
            "--pool",
            "solo",  # the task runs in this process: SIGKILL stops it mid-send
            "--prefetch-multiplier",
            "1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ]
        env = process_environment(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp.port),
            EMAIL_TIMEOUT="120",  # longer than any hold in these tests
        )
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(name=name, process=process, log=log)
        self.workers.append(worker)
        if wait:
            self.wait_ready(worker)
        return worker

    def wait_ready(self, worker: Worker):
        wait_until(
            lambda: " ready." in worker.text() or worker.process.poll() is not None,
            f"worker {worker.name} to start",
            logs=[worker.log],
        )
        assert worker.process.poll() is None, f"worker exited:\n{worker.text()[-3000:]}"

    def send(self) -> None:
        """Publish the outbox sweep, as the web process's on_commit hook does."""
        self.app.send_task("notifications.tasks.notifications_send", queue=self.queue)

    def finished(self) -> list[str]:
        return [result for worker in self.workers for result in worker.results()]


@pytest.fixture
def background(transactional_db, settings, smtp, tmp_path):
    """Workers started by the test are stopped (before the database is flushed)."""
    queue = f"bg-test-{uuid.uuid4().hex}"
    settings.CELERY_TASK_ALWAYS_EAGER = False  # this process publishes, as production does
    previous = current_app._get_current_object()
    app = Celery("background-tests", set_as_current=False)
    app.conf.broker_url = REDIS_URL
    app.conf.task_default_queue = queue
    app.set_current()
    state = Background(queue=queue, app=app, folder=tmp_path, smtp=smtp)
    try:
        yield state
    finally:
        previous.set_current()
        for worker in state.workers:  # all at once, then wait for each
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in state.workers:
            worker.stop()
        app.close()
        redis.Redis.from_url(REDIS_URL).delete(queue)
