"""The CAPTCHA's challenges (django-simple-captcha's CaptchaStore), made, taken and cleaned up
in as few statements as the public form's busiest week allows.

Every visit to the form needs a new challenge. The library writes one row per visit; here a
server process writes CHALLENGE_BATCH at once and hands them out one per visit, never twice
(rows as the library makes them, with a key from `secrets`). One not handed out within
CHALLENGE_FRESH_SECONDS is left to expire, so every picture a resident sees has nearly the
whole CAPTCHA_TIMEOUT to be answered.

The library deletes every expired challenge at the start of every check, in a transaction of
its own, then reads the challenge and deletes it in two more statements. Here a check is one
`DELETE … RETURNING`: the challenge is used up whether the answer is right or wrong (no second
guess at the same picture), two submissions of one challenge cannot both pass, and expired
challenges are removed every few minutes by a periodic task instead.
"""

import secrets
import threading
import time
from collections import deque
from datetime import timedelta

from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.db import connection, transaction
from django.utils import timezone

CHALLENGE_BATCH = 16
CHALLENGE_FRESH_SECONDS = 60

_ready: deque[tuple[float, str]] = deque()  # (made at, monotonic; key) of this process
_ready_lock = threading.Lock()


def _new_store(expiration) -> CaptchaStore:
    # What CaptchaStore.save() fills in, for bulk_create (which does not call save()).
    challenge, response = captcha_settings.get_challenge()()
    return CaptchaStore(
        challenge=challenge,
        response=response.lower(),
        hashkey=secrets.token_hex(20),
        expiration=expiration,
    )


def challenge_new() -> str:
    """The key of a new challenge for one visitor."""
    with _ready_lock:
        while _ready:
            made, key = _ready.popleft()
            if time.monotonic() - made < CHALLENGE_FRESH_SECONDS:
                return key
        expiration = timezone.now() + timedelta(minutes=int(captcha_settings.CAPTCHA_TIMEOUT))
        stores = CaptchaStore.objects.bulk_create(
            [_new_store(expiration) for _ in range(CHALLENGE_BATCH)]
        )
        made = time.monotonic()
        _ready.extend((made, store.hashkey) for store in stores[1:])
        return stores[0].hashkey


def challenges_drop_ready() -> None:
    """Forget the keys this process holds but has not handed out (tests, whose rows are rolled
    back; after a database crash the rows are gone too, and the keys age out in a minute)."""
    with _ready_lock:
        _ready.clear()


def challenge_take(key: str) -> str | None:
    """Use up the unexpired challenge `key`; its expected answer, or None if there is none."""
    if not connection.features.can_return_rows_from_bulk_insert:
        # A database without DELETE … RETURNING (an old SQLite under `make run`).
        with transaction.atomic():
            store = CaptchaStore.objects.select_for_update().filter(hashkey=key).first()
            if store is None:
                return None
            store.delete()
            return store.response if store.expiration > timezone.now() else None
    table = connection.ops.quote_name(CaptchaStore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE hashkey = %s AND expiration > %s RETURNING response",  # noqa: S608
            [key, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def challenges_remove_expired() -> int:
    """Delete the challenges nobody answered in time; how many there were."""
    deleted, _by_model = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted
