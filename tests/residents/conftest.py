"""Fixtures for the resident issue tests: CAPTCHA in test mode, rate limits off unless a test
sets them, and a street with communities."""

import captcha.conf.settings as captcha_settings
import pytest
from django.core.cache import cache

from .factories import CommunityFactory, StreetFactory

# What a resident's browser sends for the CAPTCHA in test mode (CAPTCHA_TEST_MODE).
CAPTCHA_PASSED = {"captcha_0": "test-key", "captcha_1": "PASSED"}


@pytest.fixture(autouse=True)
def _captcha_test_mode(monkeypatch):
    # django-simple-captcha reads the setting once, at import: switch its copy.
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None
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
