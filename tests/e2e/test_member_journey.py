import pytest
from django.utils import translation

from members.forms import LoginForm
from tests.members.factories import DEFAULT_PASSWORD, ActivityFactory, GroupFactory, MemberFactory

# live_server serves from another thread, so the test data must be committed: transactional.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A fixed path, to look at after a run; nothing reads it back.
SCREENSHOT = "/tmp/member-dashboard.png"  # noqa: S108


def test_member_logs_in_on_a_phone_and_sees_the_dashboard(page, live_server):
    group = GroupFactory(name="城关街道活动组")
    member = MemberFactory(name="王秀英", mobile="13912345678", street_group=group)
    ActivityFactory(title="社区义诊进网格", organiser_group=group)

    page.goto("/accounts/login/")
    # The browser asks for Chinese (conftest), so the label is whatever the catalog says.
    with translation.override("zh-hans"):
        label = str(LoginForm().fields["username"].label)
    page.get_by_label(label).fill(member.mobile)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").tap()

    page.wait_for_url(f"{live_server.url}/member/")
    main = page.locator("main")
    assert "王秀英" in main.inner_text()
    assert page.locator("#groups-heading + ul").inner_text().startswith("城关街道活动组")
    assert page.get_by_role("heading", name="社区义诊进网格").is_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.screenshot(path=SCREENSHOT, full_page=True)
