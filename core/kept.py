"""Values each server process keeps between requests, dropped by every process after a change.

Some small tables are read on the busiest paths (the streets of the public form, the working-day
exceptions behind every deadline). Each process keeps what it read under one *version*, a token
in the shared cache (Redis in production): a change to the rows replaces the token after it
commits, and every process drops what it kept within `check_seconds`. A restarted process (a
deploy) starts empty.
"""

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save


class Kept:
    def __init__(self, name: str, *, check_seconds: float = 2.0):
        self.version_key = f"kept:{name}:version"
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._values: dict = {"version": None}

    def _current(self) -> dict:
        """This process's values for the current version. The version is read from the shared
        cache at most every `check_seconds`, so a busy process makes no cache round trip for
        most requests."""
        values, now = self._values, time.monotonic()
        if now - values.get("checked_at", -self.check_seconds) < self.check_seconds:
            return values
        version = cache.get(self.version_key)
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(self.version_key, version, timeout=None):
                version = cache.get(self.version_key, version)
        with self._lock:
            if self._values["version"] != version:
                self._values = {"version": version}
            self._values["checked_at"] = now
            return self._values

    def get(self, name: Any, make: Callable[[], Any]) -> Any:
        """The value kept under `name`, made by `make` on a miss."""
        values = self._current()
        value = values.get(name)
        if value is None:
            value = values[name] = make()
        return value

    def forget(self) -> None:
        """Make every process read again: this one at once, the others within check_seconds."""
        cache.set(self.version_key, secrets.token_hex(8), timeout=None)
        with self._lock:
            self._values = {"version": None}

    def follow(self, *senders: type[models.Model]) -> None:
        """Forget after every committed save or delete of these models' rows."""

        def changed(**_kwargs) -> None:
            # After commit: dropped earlier, a request could keep the old rows again before the
            # change is visible.
            transaction.on_commit(self.forget)

        for sender in senders:
            label = f"{self.version_key}.{sender._meta.label}"
            post_save.connect(changed, sender=sender, weak=False, dispatch_uid=f"{label}.save")
            post_delete.connect(changed, sender=sender, weak=False, dispatch_uid=f"{label}.delete")
