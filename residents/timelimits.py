"""Time limits per state, counted in working days (core.workdays: China's public holidays and
the weekend days worked in their place)."""

from datetime import datetime

from django.conf import settings

from core.workdays import add_working_days_at


def due_at_for(state: str, start: datetime) -> datetime | None:
    """When an issue entering `state` at `start` becomes overdue; None for states without a
    limit (closed, merged)."""
    days = settings.RESIDENT_ISSUE_TIME_LIMITS.get(str(state))
    if days is None:
        return None
    return add_working_days_at(start, days)
