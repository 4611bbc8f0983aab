"""Headers every response carries: the Content-Security-Policy, the Permissions-Policy, the
request id; and Cache-Control on pages that hold a per-visitor token or personal data."""

import json
import logging

import pytest

from config.logs import JsonFormatter, RequestIdFilter
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()
    }


def test_every_page_forbids_inline_scripts_and_styles(client):
    directives = _directives(client.get("/"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_permissions_policy_turns_off_camera_location_and_microphone(client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        assert feature in policy


def _is_private(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


def test_public_page_without_token_stays_cacheable(client):
    assert not _is_private(client.get("/"))


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/issues/new/", "/issues/track/?code=ABCDEFGH"]
)
def test_pages_with_a_csrf_token_or_tracking_code_are_not_stored(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert _is_private(response), path


def test_the_kept_resident_form_is_not_stored_on_its_second_rendering_either(client):
    client.get("/issues/new/")
    second = client.get("/issues/new/")
    assert "csrfmiddlewaretoken" in second.content.decode()
    assert _is_private(second)


def test_pages_of_a_logged_in_member_are_not_stored(client):
    client.force_login(MemberFactory().user)
    assert _is_private(client.get("/member/"))
    assert _is_private(client.get("/"))


def test_request_id_is_made_or_taken_from_the_proxy_and_echoed(client):
    made = client.get("/")["X-Request-ID"]
    assert len(made) == 32
    given = client.get("/", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert given["X-Request-ID"] == "proxy-1234abcd"
    hostile = client.get("/", HTTP_X_REQUEST_ID='x"\n{"level":"forged"}')
    assert hostile["X-Request-ID"] != 'x"\n{"level":"forged"}'
    assert len(hostile["X-Request-ID"]) == 32


def test_every_log_line_of_a_request_is_json_with_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-5678efgh")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logs a 404"
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "trace-5678efgh"
    assert line["level"] == "WARNING"
    assert "/no-such-page/" in line["message"]


def test_login_attempts_are_logged_with_the_address_and_a_masked_mobile(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    member = MemberFactory(mobile="13912345678")
    with caplog.at_level(logging.INFO, logger="portal.access"):
        client.post(
            "/accounts/login/",
            {"username": member.mobile, "password": "wrong-Password1"},
            REMOTE_ADDR="10.4.4.4",
            HTTP_X_REQUEST_ID="login-0000aaaa",
        )
    (record,) = [r for r in caplog.records if r.name == "portal.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "login_failed"
    assert line["login"] == "139****5678"
    assert line["address"] == "10.4.4.4"
    assert line["request_id"] == "login-0000aaaa"
