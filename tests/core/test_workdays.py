"""Deadlines count China's public holidays and the weekend days worked in their place (调休),
from chinese_calendar's data for 2026, plus the office's own exceptions."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from core import workdays
from core.models import WorkdayException
from core.workdays import (
    add_working_days,
    add_working_days_at,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_national_day_week_is_not_worked():
    for day in range(1, 8):
        assert not is_working_day(D(2026, 10, day))
    # Wednesday 30 September + 1 working day: the first day back is Thursday 8 October.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_make_up_saturday_is_a_working_day():
    # Saturday 10 October 2026 is worked in place of a National Day holiday.
    assert D(2026, 10, 10).weekday() == 5
    assert is_working_day(D(2026, 10, 10))
    # Thursday 8, Friday 9, Saturday 10 (worked), then Monday 12.
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_working_days_between_counts_the_same_days():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 12)) == 0
    for n in range(0, 15):
        end = add_working_days(D(2026, 9, 25), n)
        assert working_days_between(D(2026, 9, 25), end) == n


def test_deadline_keeps_the_time_of_day():
    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime.datetime(2026, 9, 30, 16, 30, tzinfo=shanghai)
    assert add_working_days_at(start, 1) == datetime.datetime(2026, 10, 8, 16, 30, tzinfo=shanghai)


def test_an_exception_row_overrides_the_calendar(django_capture_on_commit_callbacks):
    # The office closes on Friday 9 October 2026 (a local decision): the deadline moves on.
    # Every process drops its copy once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayException.objects.create(date=D(2026, 10, 9), is_working_day=False, note="区里调整")
    assert not is_working_day(D(2026, 10, 9))
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 10)
    # A make-up Saturday the calendar does not know.
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayException.objects.create(date=D(2026, 10, 17), is_working_day=True)
    assert is_working_day(D(2026, 10, 17))


def test_years_the_calendar_does_not_know_count_monday_to_friday_and_the_exceptions():
    # chinese_calendar has no data for 2031: Monday to Friday, unless the office says otherwise.
    assert is_working_day(D(2031, 10, 1))  # a Wednesday
    assert not is_working_day(D(2031, 10, 4))  # a Saturday
    WorkdayException.objects.bulk_create(
        [
            WorkdayException(date=D(2031, 10, day), is_working_day=False, note="国庆节")
            for day in range(1, 8)
        ]
    )
    workdays.forget()  # bulk_create sends no signal
    assert add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 8)


def test_a_change_in_the_admin_reaches_the_counting(
    admin_client, django_capture_on_commit_callbacks
):
    assert is_working_day(D(2026, 11, 2))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/core/workdayexception/add/",
            {"date": "2026-11-02", "is_working_day": "", "note": "停电"},
        )
    assert response.status_code == 302
    assert not is_working_day(D(2026, 11, 2))
