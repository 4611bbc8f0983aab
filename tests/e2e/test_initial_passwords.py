"""Office staff issue initial passwords in the browser and print the slips; a member logs in
with one, is sent to the password change and then reaches their home page."""

import pytest
from django.conf import settings
from django.test import Client

from tests.members.factories import GroupFactory, MemberFactory, OfficeStaffFactory

from .conftest import DESKTOP, LOCALE, TIMEOUT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


def _context(browser, live_server, user=None):
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(LISTEN_JS)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return context


def test_office_prints_slips_and_the_member_changes_the_password(browser, live_server):
    office = OfficeStaffFactory(username="office-slips")
    group = GroupFactory(name="城关街道活动组")
    member = MemberFactory(
        name="王秀英", mobile="13912345678", user__username="13912345678", street_group=group
    )
    MemberFactory(name="李建国", mobile="13912345679", street_group=group)

    staff = _context(browser, live_server, office)
    page = staff.new_page()
    page.goto("/admin/members/member/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("issue_initial_passwords")
    page.locator("button[name=index]").click()
    page.wait_for_selector(".slip")

    assert page.locator(".slip").count() == 2
    slip = page.locator(".slip", has_text="王秀英")
    password = slip.locator(".slip-password").inner_text().strip()
    assert slip.locator(".slip-code").first.inner_text().strip() == "13912345678"
    assert page.locator("[data-print]").is_visible()
    # On paper: the slips only, without the admin's header and the note.
    page.emulate_media(media="print")
    assert not page.locator("#header").is_visible()
    assert not page.locator(".slips-screen-note").is_visible()
    assert slip.is_visible()
    assert page.evaluate("() => window.__cspViolations") == []
    staff.close()

    phone = _context(browser, live_server)
    page = phone.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(member.mobile)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/password_change/")
    page.goto("/member/")
    page.wait_for_url(f"{live_server.url}/accounts/password_change/")

    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Qiuyue-2026-xin")
    page.locator("#id_new_password2").fill("Qiuyue-2026-xin")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/member/")
    assert "王秀英" in page.locator("main").inner_text()
    assert page.evaluate("() => window.__cspViolations") == []
    phone.close()
