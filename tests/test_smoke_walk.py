"""The demo's every role, every page two links from where it lands: no server error, on
PostgreSQL (through the test client) and on the SQLite demo database (`make run`)."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from scripts.smoke_walk import LOGIN_PATH, Page, walk

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo12345"


def _fetch(client):
    def fetch(path: str) -> Page:
        response = client.get(path, follow=True)
        query = response.request.get("QUERY_STRING", "")
        where = response.request["PATH_INFO"] + (f"?{query}" if query else "")
        if response.streaming:
            # A download (a studio's archive file): nothing in it to follow. Read to the end,
            # which closes it the test client's way (keeping the test's database connection).
            b"".join(response.streaming_content)
            return Page(response.status_code, where, "")
        body = response.content.decode("utf-8", "replace") if response.content else ""
        return Page(response.status_code, where, body)

    return fetch


def _seed_demo() -> str:
    """Seed the demo and return the member's login (the mobile printed for it)."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return re.search(r"\b1[3-9]\d{9}\b", out.getvalue()).group(0)


@pytest.mark.django_db
def test_every_demo_role_reaches_its_pages_without_a_server_error(client):
    member = _seed_demo()
    landings = {}
    for username in ("office", "liaison", member, "dept"):
        client.logout()
        response = client.post(
            LOGIN_PATH, {"username": username, "password": PASSWORD}, follow=True
        )
        assert response.status_code == 200
        assert response.request["PATH_INFO"] != LOGIN_PATH, f"{username} could not log in"
        result = walk(_fetch(client), response.request["PATH_INFO"])
        assert result.failures == {}, username
        assert len(result.visited) > 5, username
        landings[username] = result.landing
    assert landings == {
        "office": "/admin/",
        "liaison": "/admin/",
        member: "/member/",
        "dept": "/department/",
    }


@pytest.mark.django_db
def test_the_public_pages_answer_without_a_server_error(client):
    _seed_demo()
    result = walk(_fetch(client), "/")
    assert result.failures == {}
    assert "/issues/new/" in result.visited


# The demo member's dashboard and studio page, the studio directory and the office's 1+123
# overview, on a fresh SQLite database as `make run` builds it.
SQLITE_SNIPPET = """
from django.test import Client
from django.test.utils import setup_test_environment
from members.models import Member
from members.demo import DEMO_PASSWORD
setup_test_environment()
member = Member.objects.get(user__email="member@cppcc.example.cn")
client = Client()
# Through the login page, as a person does (the lockout backend needs the request).
login = client.post("/accounts/login/", {"username": member.mobile, "password": DEMO_PASSWORD})
assert login.status_code == 302, login.status_code
response = client.get("/member/")
print("STATUS", response.status_code, "UPCOMING", len(response.context["dashboard"].upcoming))
studio = client.get("/member/studio/")
print("STUDIO", studio.status_code, len(studio.context["home"].studios))
print("DIRECTORY", client.get("/studios/").status_code)
client.logout()
client.post("/accounts/login/", {"username": "office", "password": DEMO_PASSWORD})
print("OVERVIEW", client.get("/admin/studios/annualplan/overview/").status_code)
"""


def test_the_member_and_studio_pages_work_on_the_sqlite_demo(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    shown = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", SQLITE_SNIPPET],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    status, upcoming = re.search(r"STATUS (\d+) UPCOMING (\d+)", shown.stdout).groups()
    assert status == "200"
    assert int(upcoming) > 0
    # The member's studio page, the public directory and the office's 1+123 overview too.
    studio_status, studios = re.search(r"STUDIO (\d+) (\d+)", shown.stdout).groups()
    assert studio_status == "200" and int(studios) > 0
    assert "DIRECTORY 200" in shown.stdout and "OVERVIEW 200" in shown.stdout
