"""The outbox: messages written in the transaction that decides to send them, sent afterwards
by Celery (core/tasks.py), each at least once and, in practice, exactly once.

- Decide: `deliveries_for_notifications` and `reminder_record` write `Delivery` rows under a
  unique key (kind, object, recipient, due date, channel) inside the caller's transaction and
  queue the send task once it commits. A rolled-back decision sends nothing; a repeated one
  writes nothing.
- Send: `deliveries_send` claims each row by compare-and-swap (pending and due, or `sending`
  with its lease run out → `sending`), sends it, then marks it sent. An error puts it back to
  pending with an exponential backoff, and after `DELIVERY_MAX_ATTEMPTS` marks it failed.
- Sweep: `deliveries_to_sweep` finds rows left pending (a lost task message) or left `sending`
  by a worker that died; the beat schedule sends them every few minutes.

The one window left: a worker killed after the mail server accepted a message and before the
row is marked sent (a few milliseconds) sends that message again after the lease. The lease
(`DELIVERY_LEASE_SECONDS`) must stay longer than a send can take (`EMAIL_TIMEOUT`), or a slow
but living worker's message is claimed and sent a second time.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone

from . import sms
from .models import Delivery, Notification
from .validators import single_line

logger = logging.getLogger(__name__)

NOTIFICATION = "notification"


def _queue_send(ids: list[int]) -> None:
    if ids:
        from .tasks import send_deliveries

        transaction.on_commit(lambda: send_deliveries.delay(ids))


def deliveries_for_notifications(
    notifications: list[Notification], *, queue: bool = True
) -> list[int]:
    """Write the email of each notification whose recipient has an address, and queue them
    after commit (unless `queue` is false: the caller sends them itself). Idempotent: a
    notification's email row exists once. Returns the ids of those still to send."""
    if not notifications:
        return []
    content_type = ContentType.objects.get_for_model(Notification)
    today = timezone.localdate()
    rows = [
        Delivery(
            kind=NOTIFICATION,
            channel=Delivery.Channel.EMAIL,
            content_type=content_type,
            object_id=note.pk,
            recipient_id=note.recipient_id,
            due_on=timezone.localdate(note.created_at) if note.created_at else today,
            address=note.recipient.email,
            subject=note.title,
            body=_with_link(note.body, note.url),
        )
        for note in notifications
        if note.recipient.email
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Delivery.objects.filter(
            kind=NOTIFICATION,
            content_type=content_type,
            object_id__in=[note.pk for note in notifications],
            status=Delivery.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    if queue:
        _queue_send(ids)
    return ids


def _with_link(body: str, url: str) -> str:
    return f"{body}\n\n{settings.PORTAL_BASE_URL}{url}" if url else body


@transaction.atomic
def reminder_record(
    *,
    kind: str,
    about: models.Model,
    recipient,
    due_on: datetime.date,
    title: str,
    body: str,
    url: str = "",
    phone: str = "",
) -> bool:
    """Remind `recipient` of `about` for `due_on` once: the in-app notification always, an
    email when they have an address, an SMS when `SMS_REMINDERS` is on and `phone` is given.

    The email row, written first, is the claim (status "no address" when there is none): a
    second call for the same key, in this worker or another at the same time, finds it and
    does nothing. Returns True when this call decided the reminder.
    """
    content_type = ContentType.objects.get_for_model(about)
    key = {
        "kind": kind,
        "content_type": content_type,
        "object_id": about.pk,
        "recipient": recipient,
        "due_on": due_on,
    }
    # get_or_create inserts in a savepoint: a concurrent claim waits on ours, then finds it.
    _email, created = Delivery.objects.get_or_create(
        **key,
        channel=Delivery.Channel.EMAIL,
        defaults={
            "address": recipient.email,
            "subject": title,
            "body": _with_link(body, url),
            "status": Delivery.Status.PENDING if recipient.email else Delivery.Status.SKIPPED,
        },
    )
    if not created:
        return False
    Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if phone and settings.SMS_REMINDERS:
        Delivery.objects.get_or_create(
            **key, channel=Delivery.Channel.SMS, defaults={"address": phone, "subject": title}
        )
    _queue_send(
        list(
            Delivery.objects.filter(**key, status=Delivery.Status.PENDING).values_list(
                "pk", flat=True
            )
        )
    )
    return True


@dataclass(frozen=True)
class SendRun:
    sent: int
    # Rows put back to pending after an error, and when the earliest of them is due again.
    retry_ids: list[int]
    retry_at: datetime.datetime | None


def _claimable(now: datetime.datetime) -> models.Q:
    stale = now - datetime.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    return models.Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | models.Q(
        status=Delivery.Status.SENDING, claimed_at__lt=stale
    )


def _backoff(attempts: int) -> datetime.timedelta:
    seconds = settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.DELIVERY_RETRY_MAX_SECONDS))


def deliveries_send(ids: list[int]) -> SendRun:
    """Send each of these rows that is still to send, once.

    Each row is claimed by a conditional UPDATE that one caller only can win, so two workers,
    a retried task and the sweep may all be handed the same row. Returns what was sent and
    what waits for a retry.
    """
    sent, retry_ids, retry_at = 0, [], None
    connection = None
    try:
        for pk in ids:
            claimed_at = timezone.now()
            won = (
                Delivery.objects.filter(_claimable(claimed_at), pk=pk).update(
                    status=Delivery.Status.SENDING,
                    claimed_at=claimed_at,
                    attempts=models.F("attempts") + 1,
                )
                == 1
            )
            if not won:
                continue
            row = Delivery.objects.get(pk=pk)
            try:
                if row.channel == Delivery.Channel.SMS:
                    sms.send_sms(row.address, row.subject)
                else:
                    if connection is None:
                        connection = get_connection()
                    # A title written before the single-line check (or by code that skips it)
                    # must not make Django refuse the header: nothing would ever send it.
                    EmailMessage(
                        single_line(row.subject),
                        row.body,
                        None,
                        [row.address],
                        connection=connection,
                    ).send()
            except Exception as error:
                # SMTP refusals, a server down, a gateway's error: try again later.
                logger.warning("Delivery %s failed (attempt %s): %r", pk, row.attempts, error)
                if connection is not None:
                    connection.close()
                    connection = None
                due = _release(row, claimed_at, error)
                if due is not None:
                    retry_ids.append(pk)
                    retry_at = due if retry_at is None else min(retry_at, due)
                continue
            _mark_sent(row, claimed_at)
            sent += 1
    finally:
        if connection is not None:
            connection.close()
    return SendRun(sent=sent, retry_ids=retry_ids, retry_at=retry_at)


def _mark_sent(row: Delivery, claimed_at: datetime.datetime) -> None:
    now = timezone.now()
    with transaction.atomic():
        marked = Delivery.objects.filter(
            pk=row.pk, status=Delivery.Status.SENDING, claimed_at=claimed_at
        ).update(status=Delivery.Status.SENT, sent_at=now, last_error="")
        if not marked:
            # Our lease ran out during the send and the sweep claimed the row again.
            logger.warning("Delivery %s was claimed again while it was being sent", row.pk)
        if row.kind == NOTIFICATION and row.channel == Delivery.Channel.EMAIL:
            Notification.objects.filter(pk=row.object_id, emailed_at__isnull=True).update(
                emailed_at=now
            )


def _release(
    row: Delivery, claimed_at: datetime.datetime, error: Exception
) -> datetime.datetime | None:
    """Back to pending with a backoff, or failed after the last attempt. Returns when it is
    due again (None when it failed for good)."""
    text = f"{type(error).__name__}: {error}"[:2000]
    mine = Delivery.objects.filter(pk=row.pk, status=Delivery.Status.SENDING, claimed_at=claimed_at)
    if row.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        mine.update(status=Delivery.Status.FAILED, last_error=text)
        logger.error("Delivery %s failed for good after %s attempts", row.pk, row.attempts)
        return None
    due = timezone.now() + _backoff(row.attempts)
    mine.update(status=Delivery.Status.PENDING, next_attempt_at=due, last_error=text)
    return due


def deliveries_to_sweep(*, limit: int) -> list[int]:
    """Rows nobody is sending: pending and due (their task was lost) or left `sending` past
    the lease (their worker died), oldest first."""
    return list(
        Delivery.objects.filter(_claimable(timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
