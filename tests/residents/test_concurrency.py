"""Nothing lost: a burst of concurrent submissions against a real server (gunicorn on
127.0.0.1, PostgreSQL), each of which must come back stored under its own tracking code."""

import datetime
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from PIL import Image

from residents import services
from residents.models import IssuePhoto, ResidentIssue

from .factories import ResidentIssueFactory, StreetFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = 100
# Every tenth submission carries a photo, so that uploads take part in the race too.
PHOTO_EVERY = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _server_environ(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/"),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": "concurrency-test-secret-key-0123456789-abcdefghijklmnop",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CAPTCHA_TEST_MODE": "1",
        "RESIDENT_ISSUE_SUBMIT_RATE": "",
        "RESIDENT_ISSUE_TRACK_RATE": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DB_POOL_MIN_SIZE": "1",
        "DB_POOL_MAX_SIZE": "4",
        "LOG_LEVEL": "WARNING",
    }


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path, transactional_db):
    environ = _server_environ(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_ROOT,
        env=environ,
        check=True,
        timeout=120,
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--backlog",
            "512",
            "--timeout",
            "60",
        ],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/issues/track/", timeout=5).close()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + process.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stderr.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hundred_concurrent_submissions_are_all_stored_with_unique_codes(server):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    street = StreetFactory(name="城关街道")

    # A CSRF cookie and token, as a resident's browser gets them with the form.
    # Only http://127.0.0.1 URLs are opened here (S310).
    page = urllib.request.urlopen(f"{server}/issues/new/", timeout=30)  # noqa: S310
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    buffer = BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, format="JPEG")
    photo = buffer.getvalue()

    opener = urllib.request.build_opener(_NoRedirect)
    start = threading.Barrier(SUBMISSIONS, timeout=60)
    results: dict[int, tuple[int, str]] = {}

    def submit(n: int) -> None:
        fields = {
            "csrfmiddlewaretoken": token,
            "category": ResidentIssue.Category.PUBLIC_FACILITIES,
            "street": str(street.pk),
            "place": f"和平里{n}号楼",
            "description": f"第{n}号诉求：楼道灯不亮。",
            "altcha": "passed",
        }
        files = {"photos": ("photo.jpg", photo)} if n % PHOTO_EVERY == 0 else {}
        body, content_type = _multipart(fields, files)
        request = urllib.request.Request(  # noqa: S310
            f"{server}/issues/new/",
            data=body,
            headers={"Content-Type": content_type, "Cookie": cookie},
            method="POST",
        )
        start.wait()
        try:
            response = opener.open(request, timeout=120)
            results[n] = (response.status, response.headers.get("Location", ""))
        except urllib.error.HTTPError as answer:
            results[n] = (answer.code, answer.headers.get("Location", ""))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert len(results) == SUBMISSIONS
    assert {status for status, _location in results.values()} == {302}
    codes = {n: location.rsplit("code=", 1)[1] for n, (_status, location) in results.items()}
    assert len(set(codes.values())) == SUBMISSIONS
    stored = dict(ResidentIssue.objects.values_list("tracking_code", "description"))
    assert len(stored) == SUBMISSIONS
    for n, code in codes.items():
        assert stored[code] == f"第{n}号诉求：楼道灯不亮。"
    assert IssuePhoto.objects.count() == SUBMISSIONS // PHOTO_EVERY


@pytest.mark.django_db(transaction=True)
def test_two_erasing_runs_at_once_erase_each_issue_exactly_once(settings):
    """The nightly purge started twice (a retried beat tick, two beat processes): the rows one
    run holds are skipped by the other, and neither erases an issue twice."""
    from tests.opinions.test_concurrency import run_together

    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    now = timezone.now()
    street = StreetFactory()
    issues = [
        ResidentIssueFactory(
            street=street,
            name=f"居民{n:02d}",
            mobile=f"138000000{n:02d}",
            description=f"请联系138000000{n:02d}",
            state=ResidentIssue.State.CLOSED,
            closed_at=now - datetime.timedelta(days=40),
        )
        for n in range(40)
    ]

    counts = run_together(
        lambda: services.personal_data_erase_expired(now=now, batch_size=5),
        lambda: services.personal_data_erase_expired(now=now, batch_size=5),
    )

    assert all(isinstance(count, int) for count in counts), counts
    assert sum(counts) == len(issues)
    assert not ResidentIssue.objects.exclude(mobile="").exists()
    assert set(ResidentIssue.objects.values_list("description", flat=True)) == {"请联系***********"}
