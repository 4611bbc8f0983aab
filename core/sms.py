"""Text messages to mobile phones, through a backend chosen in settings (`SMS_BACKEND`).

A real gateway is a class with a `send(phone, text)` method that raises on failure (the outbox
then tries again later); `LoggingSmsBackend`, the default, only writes a log line.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached: worth another try later."""


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Sends nothing: logs the message with the phone masked (phones are personal data)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def mask_phone(phone: str) -> str:
    """138****1234, as everywhere in the portal."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
