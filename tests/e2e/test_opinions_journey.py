import datetime
import re

import pytest
from django.utils import timezone

from opinions.models import OpinionReport
from tests.members.factories import DEFAULT_PASSWORD, MemberFactory, OfficeStaffFactory
from tests.opinions.factories import DepartmentFactory, HandlerFactory

pytestmark = [
    pytest.mark.e2e,
    # live_server needs committed data; serialized_rollback restores the rows the migrations
    # create (roles and their permissions) that the flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "关于城关小学门口上下学时段交通拥堵的情况反映"
REPLY = "已在校门口设置护学岗，高峰时段安排交警疏导。"


def log_in(page, url, username):
    page.goto(url)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("main form [type=submit], #login-form [type=submit]").first.click()
    page.wait_for_load_state()


def test_member_reports_staff_forward_department_replies_member_reads(
    page, desktop_page, live_server, tmp_path
):
    member = MemberFactory(name="王秀英", mobile="13912345678")
    OfficeStaffFactory(username="office")
    department = DepartmentFactory(name="区公安分局交通警察大队")
    HandlerFactory(username="jiaojing", department=department)

    # A member writes and submits a report on a phone.
    log_in(page, "/accounts/login/", member.mobile)
    page.goto("/member/opinions/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_category").select_option("transport")
    page.locator("#id_content").fill("每天上下学高峰，校门口车辆乱停乱放，学生过马路存在安全隐患。")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.screenshot(path=tmp_path / "1-report-form.png", full_page=True)
    page.locator("button[name=submit]").tap()
    page.wait_for_url(re.compile(r"/member/opinions/\d+/$"))
    assert page.locator("[data-state]").first.get_attribute("data-state") == "submitted"
    report = OpinionReport.objects.get(title=TITLE)

    # Office staff take it up and forward it in the admin.
    log_in(desktop_page, "/admin/login/?next=/admin/", "office")
    desktop_page.goto(f"/admin/opinions/opinionreport/{report.pk}/change/")
    desktop_page.locator("[data-step=review]").click()
    desktop_page.wait_for_load_state()
    desktop_page.locator("[data-step=forward]").click()
    desktop_page.locator("#id_department").select_option(str(department.pk))
    due = timezone.localdate() + datetime.timedelta(days=14)
    desktop_page.locator("#id_reply_due").fill(due.isoformat())
    desktop_page.locator("#step-form [type=submit]").click()
    desktop_page.wait_for_url(re.compile(rf"/admin/opinions/opinionreport/{report.pk}/change/$"))
    report.refresh_from_db()
    assert report.state == OpinionReport.State.FORWARDED

    # The department replies from its own page.
    desktop_page.context.clear_cookies()
    log_in(desktop_page, "/accounts/login/", "jiaojing")
    desktop_page.goto("/department/")
    desktop_page.get_by_role("link", name=TITLE).click()
    desktop_page.locator("#id_text").fill(REPLY)
    desktop_page.locator("main form [type=submit]").click()
    desktop_page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == OpinionReport.State.FEEDBACK

    # The member sees the reply, and the bell counts what happened.
    page.reload()
    assert page.locator(".department-feedback").inner_text().strip() == REPLY
    assert "区公安分局交通警察大队" in page.locator(".timeline").inner_text()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.screenshot(path=tmp_path / "2-report-reply.png", full_page=True)
