"""The resident form in a phone's browser: the anti-robot check passes by itself under the
portal's Content-Security-Policy, without JavaScript a word to type replaces it, and choosing
a street narrows the communities."""

import pytest
from django.core.cache import cache

from residents.models import Community, ResidentIssue, Street

from .conftest import LOCALE, PHONE, TIMEOUT_MS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What the portal's pages are served with (no inline scripts or styles anywhere).
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture(autouse=True)
def _real_check_and_no_rate_limits(settings):
    settings.CAPTCHA_TEST_MODE = False
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_NOSCRIPT_RATE = None
    cache.clear()


@pytest.fixture
def places(db):
    city = Street.objects.create(name="城关街道", sort_order=1)
    east = Street.objects.create(name="东城街道", sort_order=2)
    Community.objects.create(street=city, name="和平社区")
    Community.objects.create(street=city, name="幸福社区")
    Community.objects.create(street=east, name="东关社区")
    return city, east


def _with_csp(page) -> list[str]:
    """Serve every page of the portal with CSP; return the violations the page reports."""

    def add_header(route):
        # Documents only: the policy is a page's. A static file (the favicon a browser asks for
        # on its own) still in flight when the test ends would be fetched from a closed context.
        if route.request.method != "GET" or route.request.resource_type != "document":
            route.continue_()  # the POST's redirect must reach the browser as it is
            return
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/*", add_header)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _fill(page):
    page.locator("input[name=category][value=public_facilities]").check()
    page.select_option("#id_street", label="城关街道")
    page.fill("#id_place", "和平里3号楼东门")
    page.fill("#id_description", "路灯坏了一个多月，晚上出门很黑。")


def test_the_check_passes_by_itself_on_a_phone_under_the_csp(page, live_server, places):
    violations = _with_csp(page)
    page.goto("/issues/new/")
    _fill(page)
    # Nothing to read or type: the widget fetched its challenge and solved it while the
    # resident was filling in the form.
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.locator("#issue-form button[type=submit]").tap()

    page.wait_for_url("**/issues/new/done/**")
    assert ResidentIssue.objects.count() == 1
    assert violations == []


def test_a_failed_check_keeps_what_was_typed(page, live_server, places):
    page.goto("/issues/new/")
    _fill(page)
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    # A robot's guess instead of the widget's solution.
    page.evaluate("document.querySelector('input[name=altcha]').value = 'eyJ9'")
    # Wait for the answer page itself: the form page is already loaded, so waiting for a load
    # state alone can return before the POST's answer arrives.
    with page.expect_navigation():
        page.evaluate("document.getElementById('issue-form').submit()")

    assert ResidentIssue.objects.count() == 0
    assert page.locator("#id_description").input_value() == "路灯坏了一个多月，晚上出门很黑。"
    # The message is beside the check, not only at the top of the form.
    message = page.locator("#div_id_antirobot .invalid-feedback")
    assert message.is_visible() and "自动验证失败" in message.inner_text()
    # The widget solves a new challenge; sending again works.
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.locator("#issue-form button[type=submit]").tap()
    page.wait_for_url("**/issues/new/done/**")
    assert ResidentIssue.objects.count() == 1


def test_without_javascript_the_word_in_large_text_lets_a_resident_send(
    browser, live_server, places
):
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALE, java_script_enabled=False, **PHONE
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/issues/new/")
        word = page.locator("#id_antirobot_word")
        assert word.is_visible()
        size = page.locator(".antirobot-word-shown").evaluate(
            "(el) => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size >= 24  # large enough for poor eyesight
        _fill(page)
        word.fill("政协")
        page.locator("#issue-form button[type=submit]").click()
        page.wait_for_url("**/issues/new/done/**")
    finally:
        context.close()
    assert ResidentIssue.objects.count() == 1


def test_choosing_a_street_narrows_the_communities(page, live_server, places):
    page.goto("/issues/new/")
    visible = (
        "(el) => Array.from(el.options)"
        ".filter(o => !o.parentNode.hidden && o.value).map(o => o.text)"
    )
    community = page.locator("#id_community")
    assert sorted(community.evaluate(visible)) == ["东关社区", "和平社区", "幸福社区"]

    page.select_option("#id_street", label="城关街道")
    assert sorted(community.evaluate(visible)) == ["和平社区", "幸福社区"]
    page.select_option("#id_community", label="和平社区")

    page.select_option("#id_street", label="东城街道")
    assert community.evaluate(visible) == ["东关社区"]
    # The community of the other street is no longer chosen.
    assert community.input_value() == ""
