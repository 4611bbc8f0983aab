"""The co-author and co-signer pickers of the member pages: every active member in pinyin
order, each carrying what the in-page filter matches, at a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _people(html: str) -> list[tuple[str, str]]:
    """(label, data-search) of each person in the picker, in page order."""
    rows = re.findall(
        r'<input type="checkbox"[^>]*data-search="([^"]*)"[^>]*>'
        r"\s*<label[^>]*>\s*([^<]+?)\s*</label>",
        html,
    )
    return [(label, search) for search, label in rows]


@pytest.fixture
def writer(client):
    member = MemberFactory(name="钱多多")
    client.force_login(member.user)
    return member


@pytest.mark.parametrize(
    ("url", "field"),
    [("opinions:report_create", "coauthors"), ("opinions:proposal_create", "cosigners")],
)
def test_picker_lists_people_in_pinyin_order_with_their_pinyin(client, writer, url, field):
    for name in ["张伟", "王芳", "李娜", "赵敏"]:
        MemberFactory(name=name, sector__name="经济界")

    html = client.get(reverse(url)).content.decode()

    people = _people(html)
    assert [label.split("（")[0] for label, _ in people] == ["李娜", "王芳", "张伟", "赵敏"]
    assert people[2] == ("张伟（经济界）", "张伟（经济界） zhangwei zw")
    assert f'name="{field}"' in html
    assert "data-people-picker" in html
    assert "js/people-picker" in html  # the filter script, from the portal's static files


def test_picker_costs_the_same_queries_for_many_members(client, writer):
    url = reverse("opinions:report_create")
    MemberFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    MemberFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(_people(response.content.decode())) == 32
    assert len(many) == len(few)


def test_a_co_author_picked_from_the_list_is_saved(client, writer):
    zhang = MemberFactory(name="张伟")
    response = client.post(
        reverse("opinions:report_create"),
        {
            "title": "关于老旧小区加装电梯的建议",
            "category": "urban",
            "content": "老旧小区居民上下楼困难。",
            "coauthors": [zhang.pk],
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert list(writer.opinion_reports.get().coauthors.all()) == [zhang]
