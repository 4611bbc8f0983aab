"""The public form's anti-robot check (residents/antirobot.py): a proof of work the browser
does by itself, signed, expiring and single-use, with a word to type for browsers without
JavaScript; only stored submissions count towards the per-address limits."""

import time

import altcha
import pytest
from django.core.cache import cache
from django.urls import reverse

from residents import antirobot
from residents.models import ResidentIssue

from .conftest import solved

pytestmark = pytest.mark.usefixtures("antirobot_real")

NEW = reverse("residents:new")
CHALLENGE = reverse("residents:antirobot_challenge")


def _data(street, **overrides) -> dict:
    return {
        "category": ResidentIssue.Category.PUBLIC_FACILITIES,
        "street": street.pk,
        "place": "和平里3号楼东门",
        "description": "路灯坏了一个多月，晚上出门很黑。",
        **overrides,
    }


def test_a_challenge_costs_no_database_statement_and_is_not_cached(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        first = client.get(CHALLENGE)
        second = client.get(CHALLENGE)

    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    challenges = [response.json() for response in (first, second)]
    assert challenges[0]["signature"] != challenges[1]["signature"]
    assert all(c["parameters"]["expiresAt"] > time.time() for c in challenges)


def test_a_scripted_post_without_a_solution_is_refused_and_keeps_what_was_typed(client, street):
    response = client.post(NEW, _data(street))

    assert response.status_code == 200
    assert ResidentIssue.objects.count() == 0
    html = response.content.decode()
    assert "路灯坏了一个多月" in html and "和平里3号楼东门" in html
    errors = response.context["form"].errors["antirobot"]
    assert errors
    # The message is shown next to the check (crispy's field error), not only at the top.
    widget_at = html.index("<altcha-widget")
    assert html.index(str(errors[0]), widget_at - 2000) > widget_at - 2000


def test_a_replayed_solution_is_refused(client, street):
    payload = solved(client)

    assert client.post(NEW, _data(street, altcha=payload)).status_code == 302
    again = client.post(NEW, _data(street, altcha=payload, place="另一个地方"))

    assert again.status_code == 200
    assert [e.code for e in again.context["form"].errors.as_data()["antirobot"]] == ["replayed"]
    assert ResidentIssue.objects.count() == 1


def test_an_expired_solution_is_refused(client, street, settings):
    settings.ANTIROBOT_EXPIRES_SECONDS = -1
    payload = solved(client)

    response = client.post(NEW, _data(street, altcha=payload))

    assert [e.code for e in response.context["form"].errors.as_data()["antirobot"]] == ["expired"]
    assert ResidentIssue.objects.count() == 0


def test_a_challenge_made_with_another_key_is_refused(client, street):
    # A robot cannot make its own easy challenges: the signature is the server's.
    challenge = altcha.create_challenge("SHA-256", 1, counter=1, hmac_secret="not-ours")
    payload = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()

    response = client.post(NEW, _data(street, altcha=payload))

    assert [e.code for e in response.context["form"].errors.as_data()["antirobot"]] == ["invalid"]
    assert ResidentIssue.objects.count() == 0


def test_a_used_solution_is_remembered_only_while_its_challenge_lives(client, db, settings):
    payload = solved(client)
    signature = altcha.Payload.from_base64(payload).challenge.signature

    assert antirobot.solution_check(payload) == antirobot.PASSED
    key = cache.make_key(antirobot.USED_KEY.format(signature))
    ttl = cache._cache.get_client(key).ttl(key)  # the Redis key's time to live
    assert 0 < ttl <= settings.ANTIROBOT_EXPIRES_SECONDS + 1


@pytest.mark.parametrize("word", ["政协", " 政 协 ", "CPPCC", "cppcc"])
def test_without_javascript_the_word_in_the_box_passes(client, street, word):
    response = client.post(NEW, _data(street, antirobot_word=word))

    assert response.status_code == 302
    assert ResidentIssue.objects.count() == 1


def test_without_javascript_a_wrong_word_is_refused_with_a_message(client, street):
    response = client.post(NEW, _data(street, antirobot_word="不知道"))

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["antirobot"]] == ["word"]
    assert "路灯坏了一个多月" in response.content.decode()


def test_the_no_javascript_path_has_a_stricter_limit_of_its_own(client, street, settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = "5/h"
    settings.RESIDENT_ISSUE_NOSCRIPT_RATE = "1/h"

    assert client.post(NEW, _data(street, antirobot_word="政协")).status_code == 302
    assert client.post(NEW, _data(street, antirobot_word="政协")).status_code == 429
    # The proof-of-work path still has its own allowance left.
    assert client.post(NEW, _data(street, altcha=solved(client))).status_code == 302
    assert ResidentIssue.objects.count() == 2


def test_only_stored_submissions_count_towards_the_limit(client, street, settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = "2/h"
    for _ in range(5):  # refused tries: a wrong answer, a forgotten field
        assert client.post(NEW, _data(street, antirobot_word="错")).status_code == 200
        assert client.post(NEW, _data(street, altcha=solved(client), place="")).status_code == 200

    for _ in range(2):
        assert client.post(NEW, _data(street, altcha=solved(client))).status_code == 302
    refused = client.post(NEW, _data(street, altcha=solved(client)))

    assert refused.status_code == 429
    assert ResidentIssue.objects.count() == 2


def test_the_429_page_says_when_to_try_again_whom_to_call_and_shows_what_was_typed(
    client, street, settings
):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = "1/h"
    settings.OFFICE_PHONE = "0551-66668888"
    assert client.post(NEW, _data(street, altcha=solved(client))).status_code == 302

    response = client.post(NEW, _data(street, altcha=solved(client), description="井盖丢了"))

    assert response.status_code == 429
    html = response.content.decode()
    assert "0551-66668888" in html and 'href="tel:0551-66668888"' in html
    retry_at = response.context["retry_at"]
    assert retry_at.strftime("%H:%M") in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "井盖丢了" in html
