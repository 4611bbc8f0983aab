"""The public form's empty page is rendered once per server process and kept
(residents/places.py); each visitor still gets their own CSRF token, and the office's changes
to streets and communities show at the next request."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.elder_mode import ELDER_MODE_COOKIE
from residents import places
from residents.models import ResidentIssue
from tests.members.factories import MemberFactory

from .conftest import solved
from .factories import CommunityFactory

NEW = reverse("residents:new")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client, path=NEW) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _normalized(html: str) -> str:
    html = TOKEN.sub("TOKEN", html)
    html = re.sub(r'name="next" value="[^"]*"', 'name="next" value=""', html)
    return re.sub(r"\s+", " ", html)


def test_each_visitor_gets_a_working_csrf_token(street, antirobot_real):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    pages = [_page(first), _page(second)]

    tokens = [TOKEN.search(html).group(1) for html in pages]
    assert tokens[0] != tokens[1]
    assert all(places.CSRF_HOLE not in html for html in pages)
    # The second visitor's token works for the second visitor, with a solved challenge.
    response = second.post(
        NEW,
        {
            "csrfmiddlewaretoken": tokens[1],
            "category": ResidentIssue.Category.PUBLIC_FACILITIES,
            "street": street.pk,
            "place": "和平里3号楼东门",
            "description": "路灯坏了一个多月，晚上出门很黑。",
            "altcha": solved(second),
        },
    )
    assert response.status_code == 302
    assert ResidentIssue.objects.count() == 1


def test_kept_page_is_the_page_as_rendered_and_costs_one_query(client, community):
    kept_first = _page(client)  # renders and keeps
    with CaptureQueriesContext(connection) as queries:
        kept = _page(client)
    # Nothing is read or written: no streets, no communities, no challenge.
    assert [query["sql"] for query in queries] == []
    rendered = _page(client, NEW + "?from=wechat")  # a query string is rendered afresh

    assert _normalized(kept) == _normalized(rendered) == _normalized(kept_first)
    assert community.name in kept


def test_a_change_to_the_communities_shows_at_the_next_request(
    client, street, django_capture_on_commit_callbacks
):
    assert "新建社区" not in _page(client)

    with django_capture_on_commit_callbacks(execute=True):
        CommunityFactory(street=street, name="新建社区")

    assert "新建社区" in _page(client)


def test_large_text_visitors_get_the_large_text_page(client, db):
    standard = _page(client)
    client.cookies[ELDER_MODE_COOKIE] = "1"
    elder = _page(client)

    assert 'class="elder"' in elder and 'class="elder"' not in standard


def test_a_logged_in_member_gets_their_own_navigation(client, db):
    _page(client)  # the anonymous page is kept
    member = MemberFactory()
    client.force_login(member.user)

    html = _page(client)

    assert reverse("logout") in html
    assert reverse("logout") not in _page(Client())
