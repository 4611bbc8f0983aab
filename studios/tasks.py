from celery import shared_task

from .services import reception


@shared_task
def erase_expired_visitor_data() -> int:
    """Erase visitors' names and phones of studio visits past the retention period. Safe to run
    twice or in two workers at once (rows claimed with SKIP LOCKED, each erased once)."""
    return reception.visit_personal_data_erase_expired()
