"""A resident asks a studio for an appointment on a phone and checks it with the code; the
member on duty answers on their phone, and the resident's page says so."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from core.models import Notification
from studios.models import Appointment
from tests.members.factories import MemberFactory
from tests.studios.booking_factories import (
    BookingSlotFactory,
    BookingStudioFactory,
    BookingStudioMemberFactory,
)

from .conftest import LOCALE, PHONE, TIMEOUT_MS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# For a person to look at after the run.
SCREENSHOT = "/tmp/studio-appointment.png"  # noqa: S108


@pytest.fixture(autouse=True)
def _real_check_and_no_rate_limits(settings):
    # The anti-robot check is the real one: the browser solves it by itself.
    settings.CAPTCHA_TEST_MODE = False
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None
    cache.clear()


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def _phone_of(browser, live_server, user):
    """A phone-sized browser logged in as `user`."""
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def test_a_resident_books_a_slot_on_a_phone_and_checks_it_with_the_code(page, browser, live_server):
    studio = BookingStudioFactory(name="和平社区委员工作室")
    member = MemberFactory(name="王秀英")
    BookingStudioMemberFactory(studio=studio, member=member)
    slot = BookingSlotFactory(studio=studio, members=[member])
    BookingSlotFactory(studio=studio, days=14, members=[member])

    # The resident fills in the form; the anti-robot check solves itself meanwhile.
    page.goto(f"/studios/{studio.pk}/book/")
    page.locator(f"input[name=slot][value='{slot.pk}']").check()
    page.fill("#id_name", "张建国")
    page.fill("#id_mobile", "138 1234 5678")
    page.fill("#id_topic", "小区门口的路灯坏了一个多月，想当面反映。")
    page.locator("#id_consent").check()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.locator("#appointment-form button[type=submit]").tap()

    page.wait_for_url("**/studios/appointment/done/**")
    code = page.locator("#appointment-code").inner_text().strip()
    appointment = Appointment.objects.get()
    assert appointment.code == code and appointment.slot == slot
    assert "138****5678" in page.locator("main").inner_text()
    assert Notification.objects.filter(recipient=member.user).exists()

    # Later, the resident types the code on the check page.
    page.goto("/studios/appointment/")
    page.fill("#id_code", code.lower())
    page.locator("#check-form button[type=submit]").tap()
    page.wait_for_url("**/studios/appointment/?code=*")
    assert page.locator("#appointment-state").inner_text() == _zh("requested")

    # The member on duty opens the request on their phone, calls, and confirms.
    member_phone = _phone_of(browser, live_server, member.user)
    try:
        duty = member_phone.new_page()
        duty.goto("/member/studio/appointments/")
        duty.locator(f"[data-appointment='{appointment.pk}'] a").tap()
        assert duty.locator("#resident-phone a").get_attribute("href") == "tel:13812345678"
        duty.fill("#id_answer", "请带上身份证，从东门进。")
        with duty.expect_navigation():
            duty.locator("#answer-form button[value=confirm]").tap()
        assert duty.locator("#answer-form").count() == 1  # declining stays possible
    finally:
        member_phone.close()

    page.reload()
    assert page.locator("#appointment-state").inner_text() == _zh("confirmed")
    assert page.locator("#appointment-answer").inner_text() == "请带上身份证，从东门进。"
    page.screenshot(path=SCREENSHOT, full_page=True)

    # The resident cannot come after all, and cancels with the code.
    page.locator("#cancel-box summary").tap()
    with page.expect_navigation():
        page.locator("#cancel-form button[type=submit]").tap()
    assert page.locator("#appointment-state").inner_text() == _zh("cancelled")
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
