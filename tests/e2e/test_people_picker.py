"""A member on a phone finds a co-author by typing part of a name or its pinyin initials in
the picker, ticks them, and the report is saved with that co-author."""

import re

import pytest

from opinions.models import OpinionReport
from tests.members.factories import MemberFactory

from .test_opinions_journey import log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "关于老旧小区加装电梯的建议"


def _shown(page) -> list[str]:
    return [
        text.split("（")[0].strip()
        for text in page.locator("[data-people-picker] .form-check:visible label").all_inner_texts()
    ]


def test_member_finds_and_picks_a_co_author_by_typing_on_a_phone(page):
    member = MemberFactory(name="钱多多", mobile="13912340000")
    for name in ["赵敏", "张伟", "王芳", "李娜", "张强"]:
        MemberFactory(name=name)
    zhang_wei = MemberFactory(name="章为民")

    log_in(page, "/accounts/login/", member.mobile)
    page.goto("/member/opinions/new/")
    assert _shown(page) == ["李娜", "王芳", "张强", "张伟", "章为民", "赵敏"]  # pinyin order

    search = page.get_by_role("searchbox", name="找委员")
    search.fill("张")
    assert _shown(page) == ["张强", "张伟"]
    search.fill("zwm")  # initials of zhang wei min
    assert _shown(page) == ["章为民"]
    page.locator("[data-people-picker] .form-check:visible label").first.tap()
    search.fill("无此人")
    # The ticked co-author stays in view, with a note that nobody else matches.
    assert _shown(page) == ["章为民"]
    search.fill("")
    assert len(_shown(page)) == 6
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_category").select_option("urban")
    page.locator("#id_content").fill("老旧小区居民上下楼困难，建议加快加装电梯。")
    page.locator("button[name=save]").tap()
    page.wait_for_url(re.compile(r"/member/opinions/\d+/$"))
    report = OpinionReport.objects.get(title=TITLE)
    assert list(report.coauthors.all()) == [zhang_wei]
