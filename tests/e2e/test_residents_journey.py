"""A resident raises an issue on a phone and follows it while staff and a member act on it."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from opinions.models import OpinionReport
from opinions.services import (
    opinion_report_forward,
    opinion_report_reply,
    opinion_report_start_review,
)
from residents.models import Community, PresetReply, ResidentIssue, Street
from tests.members.factories import (
    DEFAULT_PASSWORD,
    GroupFactory,
    MemberFactory,
    OfficeStaffFactory,
)
from tests.opinions.factories import DepartmentFactory, HandlerFactory

pytestmark = [
    pytest.mark.e2e,
    # live_server needs committed data; serialized_rollback restores the rows the migrations
    # create (roles, schedules) that the flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# For a person to look at after the run.
SCREENSHOT = "/tmp/resident-tracking.png"  # noqa: S108


@pytest.fixture(autouse=True)
def _real_check_and_no_rate_limits(settings):
    # The anti-robot check is the real one: the browser solves it by itself.
    settings.CAPTCHA_TEST_MODE = False
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None
    cache.clear()


def _open_step(page, step: str) -> None:
    page.locator(f"#step-{step}").evaluate("details => { details.open = true; }")


def _admin_login(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")


def test_resident_submits_on_a_phone_and_follows_the_issue_to_the_reply(
    page, desktop_page, live_server, browser
):
    group = GroupFactory(name="城关街道活动组")
    GroupFactory(name="安定街道活动组")  # first in pinyin order, but not the issue's street's
    street = Street.objects.create(name="城关街道", group=group)
    Community.objects.create(street=street, name="和平社区")
    member = MemberFactory(name="王秀英", mobile="13912345678", street_group=group)
    office = OfficeStaffFactory()
    PresetReply.objects.create(title="已解决", text="路灯已全部修复，感谢您的反映。")
    department = DepartmentFactory(name="区城市管理局")
    handler = HandlerFactory(department=department)

    # 1. The resident, on a phone, fills in the form.
    page.goto("/issues/new/")
    page.locator("input[name=category][value=public_facilities]").check()
    page.select_option("#id_street", label="城关街道")
    page.select_option("#id_community", label="和平社区")
    page.fill("#id_place", "和平里3号楼东门")
    page.fill("#id_description", "路灯坏了一个多月，晚上出门很黑。")
    page.fill("#id_mobile", "13800138000")
    page.locator("#id_consent").check()
    page.wait_for_function("() => document.querySelector('input[name=altcha]')?.value")
    page.locator("#issue-form button[type=submit]").tap()

    page.wait_for_url("**/issues/new/done/**")
    code = page.locator("#tracking-code").inner_text().strip()
    assert len(code) == 8
    issue = ResidentIssue.objects.get(tracking_code=code)
    assert issue.mobile == "13800138000"
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.locator("#track-link").tap()
    page.wait_for_url(f"**/issues/track/?code={code}")
    with translation.override("zh-hans"):
        waiting = str(ResidentIssue.State.SUBMITTED.label)
    assert page.locator("#issue-state").inner_text().strip() == waiting

    # 2. Staff accept it, route it to the street group and turn it into a report for a member.
    admin = desktop_page
    _admin_login(admin, office)
    admin.goto(f"/admin/residents/residentissue/{issue.pk}/change/")
    with admin.expect_navigation():
        admin.locator("#step-accept button[type=submit]").click()
    _open_step(admin, "route")
    # The route-to picker is the admin's autocomplete: the issue's street group comes first.
    admin.locator("#step-route .select2-selection").click()
    results = admin.locator(".select2-results__option[role=option]:not(.loading-results)")
    results.first.wait_for()
    assert results.first.inner_text().strip() == group.name
    admin.locator(".select2-search__field").fill("chengguan"[:5])  # pinyin of 城关
    admin.locator(".select2-results__option[role=option]", has_text=group.name).click()
    with admin.expect_navigation():
        admin.locator("#step-route button[type=submit]").click()
    _open_step(admin, "convert")
    admin.select_option("#id_convert-kind", value="opinion_report")
    admin.select_option("#id_convert-member", value=str(member.pk))
    admin.fill("#id_convert-title", "关于尽快修复和平里路灯的建议")
    with admin.expect_navigation():
        admin.locator("#step-convert button[type=submit]").click()
    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.IN_PROGRESS
    report = OpinionReport.objects.get(resident_issue_links__issue=issue)
    assert report.state == OpinionReport.State.DRAFT

    # 3. The member submits the draft from their own pages.
    member_context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    member_page = member_context.new_page()
    member_page.goto("/accounts/login/")
    member_page.fill("#id_username", member.mobile)
    member_page.fill("#id_password", DEFAULT_PASSWORD)
    member_page.locator("main form button[type=submit]").tap()
    member_page.wait_for_url("**/member/")
    member_page.goto(f"/member/opinions/{report.pk}/")
    with member_page.expect_navigation():
        member_page.locator(f"form[action='/member/opinions/{report.pk}/submit/'] button").tap()
    member_context.close()
    report.refresh_from_db()
    assert report.state == OpinionReport.State.SUBMITTED

    # The office forwards it; the department replies (their own journey is tested elsewhere).
    opinion_report_start_review(report=report, actor=office)
    opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + datetime.timedelta(days=10),
    )
    opinion_report_reply(report=report, actor=handler, feedback="已于本周更换全部灯具。")

    # 4. Staff close the issue with a public reply picked from the presets and edited.
    admin.goto(f"/admin/residents/residentissue/{issue.pk}/change/")
    _open_step(admin, "close")
    admin.select_option("#id_close-preset", label="已解决")
    assert admin.input_value("#id_close-reply") == "路灯已全部修复，感谢您的反映。"
    admin.fill("#id_close-reply", "路灯已全部修复，感谢您的反映。如有问题请再联系我们。")
    with admin.expect_navigation():
        admin.locator("#step-close button[type=submit]").click()
    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.CLOSED

    # 5. The resident sees the reply, the report's way to the department's answer, and says
    # whether it was solved.
    page.goto(f"/issues/track/?code={code}")
    assert "如有问题请再联系我们" in page.locator("#public-reply").inner_text()
    chain = "\n".join(page.locator(".chain-item").all_inner_texts())
    assert "关于尽快修复和平里路灯的建议" in chain
    assert "已于本周更换全部灯具。" in chain
    body = page.locator("main").inner_text()
    assert "13800138000" not in body and "138****8000" not in body
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.locator("#feedback-form input[value=solved]").check()
    with page.expect_navigation():
        page.locator("#feedback-form button[type=submit]").tap()
    issue.refresh_from_db()
    assert issue.satisfaction == ResidentIssue.Satisfaction.SOLVED
