"""Every page in tests/e2e/pages.py, at a phone (375x667) and a desktop (1280x800) size, in normal
and in elder mode (大字版): axe-core finds no serious or critical violation, nothing overflows
sideways, the language is zh-hans, the skip link comes first and leads to the main content,
controls are big enough to touch, dates read the Chinese way, and elder mode enlarges the text.

axe-core is the copy vendored in static/vendor/axe-core (from the npm registry, with its
licence), put into the page by Playwright: no network, no extra Python package.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.elder_mode import ELDER_MODE_COOKIE
from tests.members.factories import DEFAULT_PASSWORD

from .conftest import DESKTOP, LOCALE, PHONE, TIMEOUT_MS
from .pages import PAGES, build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
MODES = ("normal", "elder")
# Impacts that fail the scan. Moderate and minor findings are printed but do not fail, except
# the structural rules below, which say whether a screen-reader user can find their way.
BLOCKING_IMPACTS = {"serious", "critical"}
STRUCTURE_RULES = {
    "bypass",
    "heading-order",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-unique",
    "page-has-heading-one",
    "region",
}
MIN_TARGET_PX = 44
ELDER_MIN_BODY_PX = 18
# How Chinese readers write dates and times: 2026年11月23日 14:30, 11月23日, 14:30.
CHINESE_DATETIME = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\s*\d{1,2}:\d{2})?|\d{4}年\d{1,2}月|\d{1,2}:\d{2})$"
)

# A date written the way computers do (2026-11-23, 2026/11/23) anywhere in the main text.
NUMERIC_DATE = re.compile(r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")

# Controls that must be at least 44px high (and buttons 44px wide) wherever they are visible.
# Checkboxes and radios are left out: their label is part of the target.
TARGETS_JS = """
(minimum) => {
  const selector = 'button, .btn, select, textarea, input:not([type=hidden]):not([type=checkbox])'
    + ':not([type=radio])';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    // Bootstrap's visually-hidden file inputs and the like are not targets.
    if (el.closest('.visually-hidden, .visually-hidden-focusable')) continue;
    const isButton = el.matches('button, .btn, input[type=submit], input[type=button]');
    if (box.height < minimum - 0.5 || (isButton && box.width < minimum - 0.5)) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
      small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name.slice(0, 30)}"`
        + ` ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""

# What sticks out past the right edge, for the message when the page scrolls sideways.
OVERFLOW_JS = """
() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 0.5 && box.width > 0) {
      const classes = el.classList.length ? '.' + [...el.classList].join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}`
        + ` (right ${Math.round(box.right)})`);
      if (wide.length >= 5) break;
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, elements: wide};
}
"""

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}
"""


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The resident pages count requests per address in Redis; a scan opens them many times.
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None


@pytest.fixture
def scene(db):
    return build_scene()


def _session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


@pytest.fixture
def open_page(browser, live_server):
    """open_page(device, user, elder): a fresh browser context, logged in as `user` (or no one)
    and with the elder-mode cookie when `elder` is true."""
    contexts = []

    def open_(device: dict, user=None, *, elder: bool = False, javascript: bool = True):
        # bypass_csp: axe-core is put into the page as an inline script, which the portal's
        # Content-Security-Policy refuses; tests/e2e/test_csp.py checks the policy itself.
        context = browser.new_context(
            base_url=live_server.url,
            locale=LOCALE,
            java_script_enabled=javascript,
            bypass_csp=True,
            **device,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        cookies = []
        if user is not None:
            cookies.append(_session_cookie(user, live_server.url))
        if elder:
            cookies.append({"name": ELDER_MODE_COOKIE, "value": "1", "url": live_server.url})
        if cookies:
            context.add_cookies(cookies)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def _axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    problems = []
    for violation in page.evaluate(AXE_RUN_JS):
        if violation["impact"] in BLOCKING_IMPACTS or violation["id"] in STRUCTURE_RULES:
            for node in violation["nodes"]:
                summary = " ".join((node["summary"] or "").split())
                problems.append(
                    f"axe {violation['id']} ({violation['impact']}): {violation['help']}; "
                    f"element {node['target']}; {summary}"
                )
    return problems


FIRST_TABBABLE_JS = """
() => {
  const candidates = 'a[href], button, input, select, textarea, summary, [tabindex]';
  for (const el of document.querySelectorAll(candidates)) {
    if (el.tabIndex < 0 || el.disabled || el.type === 'hidden') continue;
    if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    return el.getAttribute('href') || el.outerHTML.slice(0, 80);
  }
  return null;
}
"""


def _skip_link_problems(page) -> list[str]:
    if page.evaluate("() => document.activeElement === document.body"):
        # Nothing has focus yet: the first Tab must land on the skip link.
        page.keyboard.press("Tab")
        first = page.evaluate("() => document.activeElement.getAttribute('href')")
    else:
        # A form field took focus on load (autofocus): the skip link must still come first.
        first = page.evaluate(FIRST_TABBABLE_JS)
    if first != "#main":
        return [f"the first Tab stop is {first!r}, not the skip link to #main"]
    skip = page.locator("a.skip-link")
    skip.focus()
    problems = []
    if skip.bounding_box()["height"] < MIN_TARGET_PX / 2:
        problems.append("the skip link is not visible when it has keyboard focus")
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement.id") != "main":
        problems.append("the skip link does not move keyboard focus to <main id=main>")
    return problems


# The focused element and whether a focus indicator shows: an outline, or Bootstrap's ring.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow !== 'none';
  const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  return {shown: outline || ring, what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + ` "${name.slice(0, 30)}"`};
}
"""
MAX_TAB_STOPS = 40


def _focus_problems(page) -> list[str]:
    """Tab through the page from the top: every stop must show where the focus is."""
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("a.skip-link").focus()
    problems = []
    for _ in range(MAX_TAB_STOPS):
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            break
        if not focused["shown"]:
            problems.append(f"no visible focus indicator on {focused['what']}")
        page.keyboard.press("Tab")
    return problems


def _elder_problems(page) -> list[str]:
    problems = []
    if not page.evaluate("() => document.documentElement.classList.contains('elder')"):
        problems.append("the server did not put class 'elder' on <html> with the elder cookie")
    body_px = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    if body_px < ELDER_MIN_BODY_PX:
        problems.append(f"body text is {body_px}px in elder mode, below {ELDER_MIN_BODY_PX}px")
    h1_px = page.evaluate(
        "() => { const h = document.querySelector('h1');"
        " return h ? parseFloat(getComputedStyle(h).fontSize) : null; }"
    )
    if h1_px is not None and h1_px <= body_px:
        problems.append(f"the h1 ({h1_px}px) is not larger than body text ({body_px}px)")
    return problems


def _datetime_problems(page) -> list[str]:
    problems = [
        f"date/time {text.strip()!r} is not written the Chinese way (2026年11月23日 14:30)"
        for text in page.locator("time").all_inner_texts()
        if not CHINESE_DATETIME.match(text.strip())
    ]
    problems += [
        f"date {date!r} in the page is not written the Chinese way (2026年11月23日)"
        for date in sorted(set(NUMERIC_DATE.findall(page.locator("main").inner_text())))
    ]
    return problems


def _scan(page, entry, path: str, *, elder: bool) -> list[str]:
    """Everything one page must pass in one mode; a list of what is wrong, in words."""
    response = page.goto(path)
    if response is None or response.status >= 500:
        return [f"{path} answered {response.status if response else 'nothing'}"]
    problems = []
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != "zh-hans":
        problems.append(f'<html lang="{lang}">, expected "zh-hans"')
    if page.locator("#elder-mode-form button").count() != 1:
        problems.append("no elder-mode switch in the header")
    problems += _skip_link_problems(page)
    if entry.action is not None:
        entry.action(page)
    problems += _axe_problems(page)
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow is not None:
        problems.append(
            f"the page scrolls sideways: scrollWidth {overflow['scrollWidth']} > clientWidth "
            f"{overflow['clientWidth']}; widest: {', '.join(overflow['elements'])}"
        )
    problems += [
        f"touch target below {MIN_TARGET_PX}px: {target}"
        for target in page.evaluate(TARGETS_JS, MIN_TARGET_PX)
    ]
    problems += _datetime_problems(page)
    problems += _focus_problems(page)
    if elder:
        problems += _elder_problems(page)
    return problems


# One test per page and screen size; it scans the page in normal and then in elder mode, which
# halves the database set-up of these transactional tests. The message names the mode.
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.name)
def test_page_is_accessible_in_normal_and_elder_mode(
    open_page, live_server, scene, entry, viewport
):
    page = open_page(VIEWPORTS[viewport], scene.user(entry.who))
    path = entry.path(scene)
    problems = []
    for mode in MODES:
        if mode == "elder":
            page.context.add_cookies(
                [{"name": ELDER_MODE_COOKIE, "value": "1", "url": live_server.url}]
            )
        problems += [
            f"[{mode}] {problem}" for problem in _scan(page, entry, path, elder=mode == "elder")
        ]

    assert not problems, f"{entry.name} ({path}) on {viewport}:\n  " + "\n  ".join(problems)


def test_elder_mode_switch_works_without_javascript(open_page, live_server):
    page = open_page(PHONE, javascript=False)
    page.goto("/accounts/login/")
    switch = page.locator("#elder-mode-form button")
    normal_label = switch.inner_text()

    switch.click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.evaluate("() => document.documentElement.className") == "elder"
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    cookie = next(c for c in page.context.cookies() if c["name"] == ELDER_MODE_COOKIE)
    assert cookie["value"] == "1"
    # Remembered for about a year, not just for this browser session.
    assert cookie["expires"] - page.evaluate("() => Date.now() / 1000") > 360 * 24 * 3600
    assert switch.inner_text() != normal_label

    switch.click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.evaluate("() => document.documentElement.className") == ""
    assert all(c["name"] != ELDER_MODE_COOKIE for c in page.context.cookies())
    assert switch.inner_text() == normal_label


def test_elder_mode_switch_keeps_what_was_typed_and_is_remembered(open_page):
    page = open_page(PHONE)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("13912345678")
    small_px = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")

    page.locator("#elder-mode-form button").click()
    assert page.locator("html.elder").count() == 1
    assert page.locator("#id_username").input_value() == "13912345678"
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") > small_px
    assert page.locator("#elder-mode-status").inner_text() != ""

    # The next page comes from the server already in elder mode, without a flash of small text.
    page.goto("/")
    assert page.locator("html.elder").count() == 1

    page.locator("#elder-mode-form button").click()
    page.reload()
    assert page.locator("html.elder").count() == 0


def test_a_refused_form_puts_focus_on_the_first_wrong_field_and_says_why(open_page, scene):
    page = open_page(PHONE, scene.member.user)
    page.goto("/accounts/password_change/")
    # The old password is right; the new one is missing. The page autofocuses the old password,
    # so only static/js/forms.js moves the focus to the field that needs correcting.
    page.locator("#id_old_password").fill(DEFAULT_PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state("load")

    field = page.locator(":focus")
    assert field.get_attribute("id") == "id_new_password1"
    assert field.get_attribute("aria-invalid") == "true"
    # The error is in words, beside the field, and is what a screen reader reads with it.
    described = field.get_attribute("aria-describedby").split()
    errors = [page.locator(f"#{ident}") for ident in described if ident.endswith("_error")]
    assert errors and errors[0].is_visible() and errors[0].inner_text().strip()
