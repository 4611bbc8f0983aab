from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .validators import single_line


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
            # A title typed before the single-line check, or written by code that skips it,
            # must not make Django refuse the header (BadHeaderError, and nothing retries).
            send_mail(single_line(note.title), body, None, [note.recipient.email])
            sent += 1
    return sent
