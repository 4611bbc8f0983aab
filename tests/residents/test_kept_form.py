"""The public form's empty page is rendered once per server process and kept
(residents/places.py); each visitor still gets their own CSRF token and CAPTCHA challenge, and
the office's changes to streets and communities show at the next request."""

import re
from datetime import timedelta

import captcha.conf.settings as captcha_settings
import pytest
from captcha.models import CaptchaStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.elder_mode import ELDER_MODE_COOKIE
from residents import challenges, places
from residents.challenges import CHALLENGE_BATCH, challenge_take
from residents.models import ResidentIssue
from residents.tasks import remove_expired_captchas
from tests.members.factories import MemberFactory

from .factories import CommunityFactory

NEW = reverse("residents:new")
KEY = re.compile(r'name="captcha_0" value="([0-9a-f]{40})"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client, path=NEW) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _post(client, street, key, answer):
    return client.post(
        NEW,
        {
            "category": ResidentIssue.Category.PUBLIC_FACILITIES,
            "street": street.pk,
            "place": "和平里3号楼东门",
            "description": "路灯坏了一个多月，晚上出门很黑。",
            "captcha_0": key,
            "captcha_1": answer,
        },
    )


def _normalized(html: str) -> str:
    html = KEY.sub("KEY", TOKEN.sub("TOKEN", html))
    html = re.sub(r"/captcha/image/[0-9a-f]{40}/", "/captcha/image/KEY/", html)
    html = re.sub(r'name="next" value="[^"]*"', 'name="next" value=""', html)
    return re.sub(r"\s+", " ", html)


def test_each_visitor_gets_their_own_challenge_and_a_working_csrf_token(street, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    pages = [_page(first), _page(second)]

    keys = [KEY.search(html).group(1) for html in pages]
    assert keys[0] != keys[1]
    assert all(f"/captcha/image/{key}/" in html for key, html in zip(keys, pages, strict=True))
    assert all(places.CSRF_HOLE not in html and places.CAPTCHA_HOLE not in html for html in pages)
    assert CaptchaStore.objects.filter(hashkey__in=keys).count() == 2
    # The second visitor's token and challenge work for the second visitor.
    answer = CaptchaStore.objects.get(hashkey=keys[1]).response
    response = second.post(
        NEW,
        {
            "csrfmiddlewaretoken": TOKEN.search(pages[1]).group(1),
            "category": ResidentIssue.Category.PUBLIC_FACILITIES,
            "street": street.pk,
            "place": "和平里3号楼东门",
            "description": "路灯坏了一个多月，晚上出门很黑。",
            "captcha_0": keys[1],
            "captcha_1": answer,
        },
    )
    assert response.status_code == 302
    assert ResidentIssue.objects.count() == 1


def test_kept_page_is_the_page_as_rendered_and_costs_one_query(client, community):
    kept_first = _page(client)  # renders and keeps
    with CaptureQueriesContext(connection) as queries:
        kept = _page(client)
    # At most a new batch of challenges is written; the streets and communities are not read.
    assert [query["sql"].split()[0] for query in queries] in ([], ["INSERT"])
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


def test_a_challenge_is_used_up_by_its_first_answer(client, street, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    key = KEY.search(_page(client)).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response

    assert _post(client, street, key, answer).status_code == 302
    again = _post(client, street, key, answer)

    assert again.status_code == 200 and again.context["form"].errors["captcha"]
    assert ResidentIssue.objects.count() == 1


def test_a_wrong_answer_uses_the_challenge_up_too(client, street, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    key = KEY.search(_page(client)).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response

    assert _post(client, street, key, "-1").status_code == 200
    assert _post(client, street, key, answer).status_code == 200  # no second guess
    assert ResidentIssue.objects.count() == 0


def test_an_expired_challenge_is_refused_and_removed_by_the_periodic_task(
    client, street, monkeypatch
):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    old, fresh = (KEY.search(_page(client)).group(1) for _ in range(2))
    CaptchaStore.objects.filter(hashkey=old).update(
        expiration=timezone.now() - timedelta(seconds=1)
    )
    answer = CaptchaStore.objects.get(hashkey=old).response

    assert _post(client, street, old, answer).status_code == 200
    assert ResidentIssue.objects.count() == 0

    assert remove_expired_captchas.apply().get() == 1
    assert not CaptchaStore.objects.filter(hashkey=old).exists()
    assert CaptchaStore.objects.filter(hashkey=fresh).exists()


@pytest.mark.parametrize("answer", ["", " "])
def test_an_empty_answer_is_refused_with_a_message(client, street, answer):
    key = KEY.search(_page(client)).group(1)

    response = _post(client, street, key, answer)

    assert response.status_code == 200
    assert response.context["form"].errors["captcha"]


def test_challenges_are_kept_out_of_the_write_ahead_log(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            [CaptchaStore._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)  # unlogged: no log flush per visit to the form


@pytest.mark.parametrize("returning", [True, False])
def test_a_challenge_is_taken_once_with_or_without_delete_returning(db, monkeypatch, returning):
    # Without RETURNING (an old SQLite under `make run`) the check reads and deletes instead.
    monkeypatch.setattr(connection.features, "can_return_rows_from_bulk_insert", returning)
    key = CaptchaStore.generate_key()
    expired = CaptchaStore.generate_key()
    CaptchaStore.objects.filter(hashkey=expired).update(expiration=timezone.now())
    answer = CaptchaStore.objects.get(hashkey=key).response

    assert challenge_take(key) == answer
    assert challenge_take(key) is None
    assert challenge_take(expired) is None


def test_challenges_are_written_a_batch_at_a_time_and_handed_out_once(client, db):
    with CaptureQueriesContext(connection) as queries:
        keys = [KEY.search(_page(client)).group(1) for _ in range(CHALLENGE_BATCH + 1)]

    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    # The first page rendered (one challenge, deleted again), then two batches for 17 visits.
    assert len(inserts) == 1 + 2
    assert len(set(keys)) == len(keys)
    stored = dict(CaptchaStore.objects.filter(hashkey__in=keys).values_list("hashkey", "response"))
    assert set(stored) == set(keys) and all(stored.values())
    assert client.get(reverse("captcha-image", args=[keys[-1]])).status_code == 200


def test_a_held_challenge_is_not_handed_out_once_stale(client, db, monkeypatch):
    monkeypatch.setattr(challenges, "CHALLENGE_FRESH_SECONDS", 0)

    first, second = (KEY.search(_page(client)).group(1) for _ in range(2))

    # Each visit found the held keys stale and wrote a fresh batch.
    assert CaptchaStore.objects.filter(hashkey__in=[first, second]).count() == 2
    assert CaptchaStore.objects.count() == 2 * CHALLENGE_BATCH
