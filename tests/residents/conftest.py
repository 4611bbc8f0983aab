"""Fixtures for the resident issue tests: the anti-robot check in test mode, rate limits off
unless a test sets them, and a street with communities."""

import altcha
import pytest
from django.core.cache import cache
from django.urls import reverse

from .factories import CommunityFactory, StreetFactory

# What a resident's browser sends for the anti-robot check in test mode (CAPTCHA_TEST_MODE).
CAPTCHA_PASSED = {"altcha": "passed"}


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings):
    settings.CAPTCHA_TEST_MODE = True
    settings.ANTIROBOT_MAX_COUNTER = 200  # real challenges solve in a few milliseconds


@pytest.fixture
def antirobot_real(settings):
    """The real check: only a solved challenge passes."""
    settings.CAPTCHA_TEST_MODE = False


def solved(client) -> str:
    """What the resident's browser sends after solving a challenge fetched from the form's
    challenge view (ALTCHA's payload)."""
    challenge = altcha.Challenge.from_dict(
        client.get(reverse("residents:antirobot_challenge")).json()
    )
    solution = altcha.solve_challenge(challenge)
    return altcha.Payload(challenge, solution).to_base64()


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
def street(db):
    return StreetFactory(name="城关街道")


@pytest.fixture
def community(street):
    return CommunityFactory(street=street, name="和平社区")
