"""Elder mode (大字版): the switch's view and the class the server renders on <html>.
The browser side (with and without JavaScript) is in tests/e2e/test_accessibility.py."""

import pytest
from django.urls import reverse

from core.elder_mode import ELDER_MODE_COOKIE

pytestmark = pytest.mark.django_db


def test_switch_on_sets_a_year_long_cookie_and_goes_back(client):
    response = client.post(reverse("elder_mode"), {"elder": "1", "next": "/accounts/login/?x=1"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?x=1"
    cookie = response.cookies[ELDER_MODE_COOKIE]
    assert cookie.value == "1"
    assert cookie["max-age"] >= 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"


def test_switch_off_deletes_the_cookie(client):
    client.cookies[ELDER_MODE_COOKIE] = "1"

    response = client.post(reverse("elder_mode"), {"elder": "0", "next": "/"})

    assert response.cookies[ELDER_MODE_COOKIE]["max-age"] == 0
    assert client.get("/").content.count(b'class="elder"') == 0


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_switch_never_redirects_off_site(client, target):
    response = client.post(reverse("elder_mode"), {"elder": "1", "next": target})

    assert response["Location"] == "/"


def test_switch_is_post_only(client):
    assert client.get(reverse("elder_mode"), {"elder": "1"}).status_code == 405


def test_pages_render_the_elder_class_from_the_cookie_and_offer_the_switch(client):
    assert b'<html lang="zh-hans">' in client.get("/").content

    client.cookies[ELDER_MODE_COOKIE] = "1"
    page = client.get("/").content.decode()

    assert '<html lang="zh-hans" class="elder">' in page
    # The switch now offers the way back, and posts the current page as where to return.
    assert '<input type="hidden" name="elder" value="0">' in page
    assert '<input type="hidden" name="next" value="/">' in page
