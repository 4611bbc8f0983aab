"""An email backend that appends each message to one file, one JSON line per message.

For tests that count what a real worker sent (a worker in another process cannot fill
Django's locmem outbox): `EMAIL_APPEND_FILE` names the file, and `EMAIL_APPEND_DELAY_SECONDS`
slows each send, like a slow mail server, so that a test can kill the worker mid-batch.
Never for production.
"""

import fcntl
import json
import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class FileAppendBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            time.sleep(settings.EMAIL_APPEND_DELAY_SECONDS)
            line = json.dumps(
                {"to": message.to, "subject": message.subject, "body": message.body},
                ensure_ascii=False,
            )
            with open(settings.EMAIL_APPEND_FILE, "a", encoding="utf-8") as file:
                fcntl.flock(file, fcntl.LOCK_EX)
                file.write(line + "\n")
            count += 1
        return count
