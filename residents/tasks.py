from celery import shared_task

from . import services


@shared_task
def erase_expired_personal_data() -> int:
    """Erase name and phone of issues closed longer ago than the retention period. Safe to run
    twice or in two workers at once (one UPDATE of the rows still holding data)."""
    return services.personal_data_erase_expired()
