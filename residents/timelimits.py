"""Time limits per state, counted in working days (Monday to Friday).

Public holidays and the weekends worked in their place (调休) are not modelled: a limit that
spans the Spring Festival comes due during the holiday, which the office can see and allow for.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days, at the same local time of day."""
    moment = timezone.localtime(start)
    added = 0
    while added < days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    return moment


def due_at_for(state: str, start: datetime) -> datetime | None:
    """When an issue entering `state` at `start` becomes overdue; None for states without a
    limit (closed, merged)."""
    days = settings.RESIDENT_ISSUE_TIME_LIMITS.get(str(state))
    if days is None:
        return None
    return add_working_days(start, days)
