from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .audit import audit_purge_expired
from .models import Notification


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification once. A row is claimed by setting emailed_at where it is still
    empty, so a retried or duplicated task sends nothing twice. Returns the number sent."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed:
                continue
            note = Notification.objects.select_related("recipient").get(pk=pk)
            if not note.recipient.email:
                continue
            body = note.body
            if note.url:
                body = f"{body}\n\n{settings.PORTAL_BASE_URL}{note.url}"
            send_mail(note.title, body, None, [note.recipient.email])
            sent += 1
    return sent


@shared_task
def purge_expired_audit_entries() -> int:
    """Delete audit entries past their retention (AUDIT_RETENTION_DAYS, at least six months).
    Returns the number deleted."""
    return audit_purge_expired()
