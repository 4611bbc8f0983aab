"""Browser fixtures: Playwright driving Debian's Chromium (no browser download is possible).

Where /usr/bin/chromium is missing the browser tests are skipped with the reason, except in CI
(environment variable CI set to a true value), where a skipped browser test fails the run:
.ci/run installs Chromium, so a missing browser there is a broken setup, not a reason to pass.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread for as long as the browser
# is open. Django sees the running loop and refuses ORM calls from this thread
# (SynchronousOnlyOperation), although the tests, their factories and the live server's
# database access are plain synchronous code that never runs inside that loop. The session-
# scoped browser keeps the loop alive past the e2e tests, so the setting must hold for the
# whole process, and it must be in place before the first ORM call: hence module level.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# The portal's users read Simplified Chinese; the browser asks for it like their phones do.
LOCALE = "zh-CN"
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (CI must run the browser tests)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Whatever skipped a browser test (a missing browser, a missing package, a stray
    # pytest.skip), in CI it counts as a failure: a green run must have driven the browser.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and item.get_closest_marker("e2e") is not None:
        # A skip's longrepr is (path, line, "Skipped: reason").
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI: {reason}"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("The playwright package is not installed: pip install -e '.[dev]'")
    from django.db import connections

    # While the loop runs, Django's connections in this thread are context-local: fresh
    # wrappers without the data serialized at setup, so serialized_rollback would restore
    # nothing (no roles, no content types after an earlier test's flush). Carry it over.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(browser, live_server, device):
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, **device)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A page on a phone-sized screen (375x667, touch), on the live server."""
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    """A page on a desktop screen (1280x800), on the live server."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()
