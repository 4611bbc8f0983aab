"""The CAPTCHA's challenges (django-simple-captcha's CaptchaStore), taken and cleaned up in as
few statements as the public form's busiest week allows.

The library deletes every expired challenge at the start of every check, in a transaction of
its own, then reads the challenge and deletes it in two more statements. Here a check is one
`DELETE … RETURNING`: the challenge is used up whether the answer is right or wrong (no second
guess at the same picture), two submissions of one challenge cannot both pass, and expired
challenges are removed every few minutes by a periodic task instead.
"""

from captcha.models import CaptchaStore
from django.db import connection, transaction
from django.utils import timezone


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
