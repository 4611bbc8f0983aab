"""Celery tasks for members: thin wrappers around services, taking plain values."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_activity_reminders(day: str | None = None) -> int:
    """Remind invited members of the activities starting the day after `day` (ISO date).

    Without `day` (the daily beat schedule), "today" in the portal's time zone. Safe to run
    twice and in two workers at once; returns the number of reminders sent by this run.
    """
    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return services.activity_reminders_send(day=on)
