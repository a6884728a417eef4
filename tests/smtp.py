"""A real SMTP server on 127.0.0.1 for tests that send email (aiosmtpd).

Use the `smtp_server` fixture: it starts a server on a free port, points Django's SMTP backend
at it and yields an SMTPSink whose `.messages` are the parsed emails received, in order.
Other test packages can reuse it by importing the fixture into their conftest.py:

    from tests.smtp import smtp_server  # noqa: F401

`sink.delay` (seconds) holds every message before accepting it (a slow server);
`sink.reject` is a set of recipient addresses answered with a permanent 550;
`sink.data_answer` (e.g. "451 4.3.0 Try again later") answers DATA with it, accepting nothing.
"""

import asyncio
import email
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.delay = 0.0
        self.reject: set[str] = set()
        self.data_answer: str | None = None
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_answer:
            return self.data_answer
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} emails, got {len(self.messages)}")

    def to(self, address: str):
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def body(message, subtype="plain") -> str:
        return message.get_body(preferencelist=(subtype,)).get_content()


@pytest.fixture
def smtp_server(settings):
    sink = SMTPSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        controller.stop()
