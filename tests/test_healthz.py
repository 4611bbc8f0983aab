"""/healthz: each service's status for the office and for monitors holding the token; only
ok or fail for everybody else; 503 when anything is down."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from config.celery import app
from tests.members.factories import LiaisonStaffFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

TOKEN = "monitor-token-0123456789"


@pytest.fixture
def token(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    return TOKEN


def _wait_for_worker(timeout=30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise AssertionError("the Celery worker did not answer")


@pytest.fixture
def worker():
    """A real Celery worker on the test broker, started and stopped by this test."""
    app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"healthz-{os.getpid()}@%h",
        ],
        env={**os.environ, "SECRET_KEY": "healthz-test-key-0123456789abcdef"},
        cwd=django_settings.BASE_DIR,
    )
    try:
        _wait_for_worker()
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_all_up_with_a_worker(client, token, worker):
    response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=token)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "services": {"database": "ok", "redis": "ok", "celery": "ok"},
    }


def test_no_worker_answers_503(client, token):
    if app.control.ping(timeout=0.5):
        pytest.skip("a Celery worker of another run answers on this broker")
    response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=token)
    assert response.status_code == 503
    assert response.json()["services"]["celery"] == "fail"
    assert response.json()["services"]["database"] == "ok"


def test_redis_down_answers_503(client, token, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=token)
    assert response.status_code == 503
    services = response.json()["services"]
    assert services["redis"] == "fail"
    assert services["database"] == "ok"


def test_broker_down_is_a_celery_failure_even_with_a_worker(client, token, worker):
    broker_url = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=token)
    finally:
        app.conf.broker_url = broker_url
    assert response.status_code == 503
    assert response.json()["services"]["celery"] == "fail"


def test_anonymous_callers_learn_only_ok_or_fail(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    assert client.get("/healthz", HTTP_X_HEALTHZ_TOKEN="wrong-token").json() == {"status": "fail"}


def test_office_staff_see_each_service_and_liaison_staff_do_not(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    client.force_login(OfficeStaffFactory())
    assert client.get("/healthz").json()["services"]["redis"] == "fail"
    client.force_login(LiaisonStaffFactory())
    assert "services" not in client.get("/healthz").json()


def test_eager_mode_reports_eager(client, token):
    app.conf.task_always_eager = True
    try:
        response = client.get("/healthz", HTTP_X_HEALTHZ_TOKEN=token)
    finally:
        app.conf.task_always_eager = False
    assert response.json()["services"]["celery"] == "eager"
    assert response.status_code == 200
