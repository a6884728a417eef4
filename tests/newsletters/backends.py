"""Email backends that misbehave on purpose, for the failure paths of the send loop.

They extend the locmem backend (messages that are accepted land in mail.outbox) and are
selected with settings.EMAIL_BACKEND, exactly as a real backend would be.
"""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Per-test behaviour, set by the tests: address -> exception to raise for it.
REFUSE: dict[str, BaseException] = {}
OPEN_ERROR: list[BaseException] = []
OPENED: list[int] = []


class MisbehavingBackend(LocmemBackend):
    def open(self):
        if OPEN_ERROR:
            raise OPEN_ERROR[0]
        OPENED.append(1)
        return True

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in REFUSE:
                    raise REFUSE[address]
        return super().send_messages(messages)


def transient_refusal(address):
    return smtplib.SMTPRecipientsRefused({address: (451, b"4.2.0 Mailbox busy, try later")})


def permanent_refusal(address):
    return smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such mailbox")})


def dropped_connection():
    return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
