"""Celery tasks of the outbox (core/delivery.py): thin, taking ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery
from .audit import audit_purge_expired
from .models import Notification

# How many rows one send task takes: a short task, so that a killed worker leaves little to
# the sweep and the retries of a batch stay together.
BATCH = 50


@shared_task(bind=True, max_retries=None)
def send_deliveries(self, delivery_ids: list[int]) -> int:
    """Send these outbox rows, each once (a row another run claimed is skipped). Rows that
    failed are retried by this task with an exponential backoff, up to DELIVERY_MAX_ATTEMPTS;
    the sweep picks up anything a lost retry leaves. Returns the number sent."""
    run = delivery.deliveries_send(delivery_ids)
    # Run eagerly (the demo, no broker), a retry would only repeat at once inside the web
    # request: the rows wait, pending, for the sweep instead.
    if run.retry_ids and not self.request.is_eager:
        countdown = max((run.retry_at - timezone.now()).total_seconds(), 0)
        # The retry replaces this run's message; the rows sent stay sent.
        raise self.retry(args=[run.retry_ids], countdown=countdown)
    return run.sent


@shared_task
def sweep_deliveries() -> int:
    """Queue the outbox rows nobody is sending (a lost message, a worker that died); run by the
    beat schedule every few minutes. Returns the number of rows queued."""
    ids = delivery.deliveries_to_sweep(limit=settings.DELIVERY_SWEEP_LIMIT)
    for start in range(0, len(ids), BATCH):
        send_deliveries.delay(ids[start : start + BATCH])
    return len(ids)


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email these notifications through the outbox (writing their rows if they have none).

    Kept for task messages queued under this name before the outbox existed, and for code
    that has notification ids at hand. Returns the number sent by this run.
    """
    notes = list(Notification.objects.filter(pk__in=notification_ids).select_related("recipient"))
    ids = delivery.deliveries_for_notifications(notes, queue=False)
    return delivery.deliveries_send(ids).sent


@shared_task
def purge_expired_audit_entries() -> int:
    """Delete audit entries past their retention (AUDIT_RETENTION_DAYS, at least six months).
    Returns the number deleted."""
    return audit_purge_expired()
