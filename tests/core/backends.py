"""Email and SMS backends for tests, named by dotted path in settings like real ones."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from core.sms import SmsBackend


class RefusingBackend(LocmemBackend):
    """A mail server that drops the connection `failures` times, then accepts (into
    django.core.mail.outbox). `failures` None: it never accepts."""

    failures: int | None = None
    refused = 0

    def send_messages(self, messages):
        cls = type(self)
        if cls.failures is None or cls.refused < cls.failures:
            cls.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RecordingSmsBackend(SmsBackend):
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).sent.append((phone, text))
