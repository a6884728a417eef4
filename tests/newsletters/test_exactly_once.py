"""Exactly once, with real processes: a worker SIGKILLed mid-send, and two workers at once.

Each test builds a scratch database (an SQLite file, or a fresh PostgreSQL database when the
suite runs on PostgreSQL), starts a real aiosmtpd server in this process and real
`manage.py db_worker` processes, and counts what the server received per recipient.
"""

import asyncio
import email
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from email import policy
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class RecordingServer:
    """Counts messages per recipient; can hold one message after receiving it (a slow server).

    A held message is recorded the moment its data arrives, before the server answers: the
    reader has it, the sending worker does not know yet. That is the window a crash hits.
    """

    def __init__(self, *, hold_at=None, delay=0.0):
        self.received = Counter()
        self.count = 0
        self.hold_at = hold_at
        self.delay = delay
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held_recipient = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.count += 1
            number = self.count
            for address in envelope.rcpt_tos:
                self.received[address] += 1
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        if number == self.hold_at:
            self.held_recipient = envelope.rcpt_tos[0]
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        elif self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


@pytest.fixture
def scratch_database(tmp_path):
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    base = os.environ["DATABASE_URL"]
    name = f"newsroom_crash_{uuid.uuid4().hex[:10]}"
    admin_url = base.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Scenario:
    def __init__(self, database_url, smtp_port, tmp_path, **settings):
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "30",
            "SECRET_KEY": "crash-test-secret-key-not-for-production",
            "DEBUG": "false",
            "SITE_URL": "https://news.example.org",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "INFO",
            **{key: str(value) for key, value in settings.items()},
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.workers = []

    def run(self, *args):
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def step(self, *args):
        output = self.run("-m", "tests.newsletters.crash_scenario", *map(str, args))
        return json.loads(output.strip().splitlines()[-1])

    def start_worker(self, name):
        log = open(self.tmp_path / f"worker-{name}.log", "w")  # noqa: SIM115 (closed by stop)
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.1",
                f"--worker-id={name}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append((process, log))
        return process

    def wait_for(self, predicate, *, timeout=60, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.2)
        logs = "\n".join(
            (self.tmp_path / name).read_text()[-2000:]
            for name in os.listdir(self.tmp_path)
            if name.endswith(".log")
        )
        raise AssertionError(f"Timed out waiting for {what}.\n{logs}")

    def stop(self):
        for process, log in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


@pytest.fixture
def scenario(scratch_database, tmp_path, request):
    servers = []
    created = []

    def make(server, **settings):
        port = free_port()
        controller = Controller(server, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append((server, controller))
        built = Scenario(scratch_database, port, tmp_path, **settings)
        created.append(built)
        built.run("manage.py", "migrate", "--no-input", "-v0")
        return built

    yield make
    for built in created:
        built.stop()
    for server, controller in servers:
        server.release.set()
        controller.stop()


def test_killed_worker_every_reader_exactly_once_in_flight_left_to_the_editor(scenario):
    server = RecordingServer(hold_at=6)
    run = scenario(
        server,
        NEWSLETTER_BATCH_SIZE=4,
        NEWSLETTER_CLAIM_TIMEOUT=3,
        NEWSLETTER_WATCH_INTERVAL=1,
    )
    setup = run.step("setup", 14)
    issue, emails = setup["issue"], setup["emails"]
    leaver = emails[11]  # in the third batch: still waiting when the worker dies

    first = run.start_worker("first")
    assert server.holding.wait(60), "the worker never reached the held message"
    run.step("unsubscribe", leaver)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    server.release.set()

    at_crash = run.step("state", issue)
    held = server.held_recipient
    assert at_crash["status"] == "sending"
    assert at_crash["deliveries"][held] == "sending"  # handed over, answer never came back
    assert server.received[held] == 1

    run.start_worker("second")
    finished = run.wait_for(
        lambda: (state := run.step("state", issue))["status"] == "sent" and state,
        what="the restarted worker to finish the send",
    )
    deliveries = finished["deliveries"]
    assert deliveries[held] == "uncertain"
    assert deliveries[leaver] == "skipped"
    assert {deliveries[e] for e in emails if e not in (held, leaver)} == {"sent"}
    # Everyone exactly once (the in-flight reader included: the server had it), the leaver
    # not at all after leaving.
    assert {e: server.received[e] for e in emails} == {e: (0 if e == leaver else 1) for e in emails}

    time.sleep(3)  # a few more watch intervals: the uncertain reader is not resent on its own
    assert server.received[held] == 1
    assert run.step("state", issue)["deliveries"][held] == "uncertain"

    # The editor chooses to resend: only now does the in-flight reader get a second copy.
    assert run.step("resolve", issue, "resend") == {"settled": 1}
    run.wait_for(lambda: server.received[held] == 2, what="the editor's resend")
    final = run.wait_for(
        lambda: (state := run.step("state", issue))["status"] == "sent" and state,
        what="the issue to close again",
    )
    assert final["deliveries"][held] == "sent"
    assert sum(server.received.values()) == 14  # 13 readers + the one chosen resend


@pytest.mark.postgres
def test_two_workers_share_one_send_and_mail_everyone_once(scenario):
    server = RecordingServer(delay=0.003)
    run = scenario(server, NEWSLETTER_BATCH_SIZE=10, NEWSLETTER_SEND_WORKERS=2)
    setup = run.step("setup", 300)
    issue, emails = setup["issue"], setup["emails"]

    run.start_worker("alpha")
    run.start_worker("beta")
    finished = run.wait_for(
        lambda: (state := run.step("state", issue))["status"] == "sent" and state,
        timeout=120,
        what="two workers to finish the send",
    )

    assert set(finished["deliveries"].values()) == {"sent"}
    assert server.received == Counter({e: 1 for e in emails})
    assert len(finished["workers"]) == 2  # both processes claimed batches
