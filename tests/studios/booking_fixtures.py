"""Fixtures of the appointment tests, imported by each test module that needs them: the
public form's anti-robot check in test mode and its rate limits off (unless a test sets them),
as for resident issues (tests/residents/conftest.py)."""

import pytest
from django.core.cache import cache

from tests.members.factories import MemberFactory

from .booking_factories import BookingSlotFactory, BookingStudioFactory, BookingStudioMemberFactory

# What a resident's browser sends for the anti-robot check in test mode (CAPTCHA_TEST_MODE).
CAPTCHA_PASSED = {"altcha": "passed"}


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.ANTIROBOT_MAX_COUNTER = 200  # real challenges solve in a few milliseconds


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None
    settings.RESIDENT_ISSUE_NOSCRIPT_RATE = None
    # The counters live in this run's own Redis database (REDIS_URL): start each test afresh.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def studio(db):
    return BookingStudioFactory(name="和平社区委员工作室")


@pytest.fixture
def on_duty(studio):
    """王秀英, a member of the studio, on duty in `slot`."""
    member = MemberFactory(name="王秀英")
    BookingStudioMemberFactory(studio=studio, member=member)
    return member


@pytest.fixture
def slot(studio, on_duty):
    return BookingSlotFactory(studio=studio, members=[on_duty])
