"""The nightly erasure of residents' names and phones on old appointments. Registered with
Celery by StudiosConfig.ready (autodiscovery looks only for `tasks` modules); scheduled in
beat by the data migration studios/0003."""

from celery import shared_task

from .services import booking


@shared_task
def erase_expired_appointment_personal_data() -> int:
    """Erase name and phone of appointments whose slot is older than the retention period of
    resident issues. Safe to run twice or in two workers at once (rows claimed with SKIP
    LOCKED, and only those still holding data)."""
    return booking.personal_data_erase_expired()
