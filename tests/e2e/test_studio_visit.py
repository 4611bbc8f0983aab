"""The member on duty records a visit on a phone (390×844, Chinese), from the login page through
their dashboard to /member/studio/; and a service activity the studio organised this year moves
its 1+123 on the studio's public page and on the member's studio page.

The activity is created with the ORM inside the test, as staff's save in the admin stores it
(members' activities are kept in the admin's plain activity form): the test is about where
the figure shows, not about the admin form.
"""

import datetime

import pytest
from django.utils import timezone, translation

from members.forms import LoginForm
from members.models import Activity
from studios.models import StudioMember, Visit
from tests.members.factories import DEFAULT_PASSWORD, ActivityFactory, MemberFactory
from tests.studios.factories import DutySlotFactory, StudioFactory

from .conftest import LOCALE, TIMEOUT_MS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE_390 = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
# For a person to look at after the run.
SCREENSHOT = "/tmp/studio-visit.png"  # noqa: S108

RAISED = "和平里3号楼东门路灯坏了一个多月"
DONE = "记下了位置，当场联系社区报修"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, **PHONE_390)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _service_figure(page, studio=None) -> str:
    """What the "service activities for residents" figure reads, e.g. "0 / 1": of `studio` on
    the member's page, or of the public page's studio."""
    where = "#studio-progress" if studio is None else f"#progress-{studio.pk}"
    return page.locator(
        f"{where} [data-target=service_activities] .studio-progress-figure"
    ).inner_text()


def _earlier_this_year() -> datetime.datetime:
    now = timezone.localtime()
    return max(now - datetime.timedelta(hours=1), now.replace(month=1, day=1, hour=0, minute=0))


def test_the_member_on_duty_records_a_visit_and_a_service_moves_the_progress(phone, live_server):
    studio = StudioFactory(name="和平社区委员工作室")
    member = MemberFactory(name="王秀英", mobile="13912345678")
    StudioMember.objects.create(studio=studio, member=member, role=StudioMember.Role.LEAD)
    today_slot = DutySlotFactory(studio=studio, date=timezone.localdate(), members=[member])
    page = phone

    # The public page: no service for residents yet this year.
    page.goto(f"/studios/{studio.pk}/")
    assert _service_figure(page) == "0 / 1"

    # The member logs in on their phone and goes from the dashboard to their studio.
    page.goto("/accounts/login/")
    page.get_by_label(_zh(LoginForm().fields["username"].label)).fill(member.mobile)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").tap()
    page.wait_for_url(f"{live_server.url}/member/")
    page.locator("#studio-home-link").tap()
    page.wait_for_url(f"{live_server.url}/member/studio/")
    assert _service_figure(page, studio) == "0 / 1"

    # The visit: how the visitor came, what they raised, what was done.
    page.get_by_label(_zh(Visit.Method.OPEN.label)).check()
    page.locator("#id_raised").fill(RAISED)
    page.locator("#id_done").fill(DONE)
    page.locator("#visit-form button[type=submit]").tap()
    page.wait_for_url(f"{live_server.url}/member/studio/visits/*/")
    assert RAISED in page.locator("main").inner_text()

    visit = Visit.objects.get(studio=studio)
    assert (visit.method, visit.raised, visit.done) == (Visit.Method.OPEN, RAISED, DONE)
    assert (visit.visited_on, visit.slot, visit.recorded_by) == (
        timezone.localdate(),
        today_slot,
        member.user,
    )
    assert list(visit.members.all()) == [member]
    assert page.url.endswith(f"/member/studio/visits/{visit.pk}/")

    page.goto("/member/studio/")
    assert RAISED in page.locator("#visits-heading + ul").inner_text()

    # Staff record a service for residents the studio organised earlier this year.
    ActivityFactory(
        title="法律咨询进社区",
        kind=Activity.Kind.SERVICE,
        organiser_group=None,
        organiser_studio=studio,
        starts_at=_earlier_this_year(),
    )

    page.reload()
    assert _service_figure(page, studio) == "1 / 1 ✓"
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.goto(f"/studios/{studio.pk}/")
    assert _service_figure(page) == "1 / 1 ✓"
