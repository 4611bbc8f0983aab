"""Working days: Monday to Friday, less China's public holidays, plus the weekend days worked
in their place (调休), as the State Council publishes them each year.

The calendar comes from the `chinese_calendar` package, which knows the years published when it
was released. For a year it does not know yet, days count Monday to Friday, and the office
keeps the year's holidays and make-up days in the admin (WorkdayException); an exception row
also overrides the package, for a local decision. Every deadline in the portal is counted here.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import chinese_calendar
from django.utils import timezone

from .kept import Kept
from .models import WorkdayException

# The exceptions are a few rows a year, read on every deadline (the public form included):
# each process keeps them, and every process reads them again within two seconds of a change
# (core/kept.py). Bulk loads that stream a COPY, where no other query may run on the connection,
# read them beforehand and hold them (held()).
_kept = Kept("core:workday-exceptions")
_held: dict = {"days": None}


def follow_changes() -> None:
    """Drop every process's copy after each committed change to the exceptions."""
    _kept.follow(WorkdayException)


def forget() -> None:
    """Make every process read the exceptions again (after a change, or between tests)."""
    _kept.forget()


@contextmanager
def held() -> Iterator[None]:
    """Read the exceptions now and keep them until the block ends."""
    _held["days"] = _read()
    try:
        yield
    finally:
        _held["days"] = None


def _read() -> dict[datetime.date, bool]:
    return dict(WorkdayException.objects.values_list("date", "is_working_day"))


def _exceptions() -> dict[datetime.date, bool]:
    if _held["days"] is not None:
        return _held["days"]
    return _kept.get("days", _read)


def _calendar_says(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for yet
        return day.weekday() < 5


def _is_working_day(day: datetime.date, exceptions: dict[datetime.date, bool]) -> bool:
    override = exceptions.get(day)
    return _calendar_says(day) if override is None else override


def is_working_day(day: datetime.date) -> bool:
    """True when the office works on `day`."""
    return _is_working_day(day, _exceptions())


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day `days` working days after `start` (`start` itself is not counted, whether it
    is a working day or not)."""
    exceptions = _exceptions()
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if _is_working_day(day, exceptions):
            counted += 1
    return day


def add_working_days_at(start: datetime.datetime, days: int) -> datetime.datetime:
    """`start` (an aware datetime) moved forward by `days` working days, at the same local time
    of day."""
    moment = timezone.localtime(start)
    day = add_working_days(moment.date(), days)
    # Asia/Shanghai has no daylight saving: the same wall-clock time exists every day.
    return datetime.datetime.combine(day, moment.time(), tzinfo=moment.tzinfo)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days follow `start`, up to and including `end` (0 when `end` is not
    after `start`): add_working_days(start, n) == end for that n when `end` is a working day."""
    exceptions = _exceptions()
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if _is_working_day(day, exceptions):
            count += 1
    return count
