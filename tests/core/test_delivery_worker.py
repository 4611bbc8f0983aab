"""Exactly once across a killed worker: a real `celery -A config worker` process, killed with
SIGKILL in the middle of a batch of emails, then a new worker and the sweep. Each message is
counted in a file the worker's mail backend appends to (core.mail.FileAppendBackend)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import transaction

from config.celery import app as celery_app
from core.models import Delivery
from core.notifications import notify
from core.tasks import sweep_deliveries
from tests.members.factories import UserFactory
from tests.residents.test_concurrency import _database_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 8
DELAY = 0.5  # seconds per message at the "mail server"
LEASE = 2  # seconds before a message left `sending` is taken for abandoned


def _start_worker(name: str, mailbox: Path) -> subprocess.Popen:
    environ = {
        "PATH": f"{PROJECT_ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/"),
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "SECRET_KEY": "delivery-worker-test-secret-key-0123456789-abcdefghijklmnop",
        "DEBUG": "0",
        "EMAIL_BACKEND": "core.mail.FileAppendBackend",
        "EMAIL_APPEND_FILE": str(mailbox),
        "EMAIL_APPEND_DELAY_SECONDS": str(DELAY),
        "DELIVERY_LEASE_SECONDS": str(LEASE),
        "DB_POOL_MIN_SIZE": "1",
        "DB_POOL_MAX_SIZE": "2",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}@%h",
        ],
        cwd=PROJECT_ROOT,
        env=environ,
        # Its own process group: SIGKILL takes the worker and its pool child at once, as a
        # machine or container going away would.
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _received(mailbox: Path) -> list[str]:
    if not mailbox.exists():
        return []
    return [json.loads(line)["to"][0] for line in mailbox.read_text().splitlines()]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_each_message_delivered_exactly_once(tmp_path):
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    celery_app.control.purge()
    mailbox = tmp_path / "mailbox.jsonl"
    users = [UserFactory(email=f"member{i}@ex.cn") for i in range(MESSAGES)]
    with transaction.atomic():
        notify(recipients=users, title="您的提案已立案")
    # One send task for the batch, queued on commit, waits in Redis for a worker.
    assert Delivery.objects.filter(status="pending").count() == MESSAGES

    first = _start_worker("first", mailbox)
    second = None
    try:
        _wait(lambda: len(_received(mailbox)) >= 3, 60, "the first worker sent nothing")
        # Half a message later: the worker is inside the next send, its row claimed.
        time.sleep(DELAY / 2)
        _kill(first)

        sent_before = _received(mailbox)
        assert 3 <= len(sent_before) < MESSAGES
        statuses = list(Delivery.objects.values_list("status", flat=True))
        assert statuses.count("sent") == len(sent_before)
        assert statuses.count("sending") == 1  # the message the worker died in

        second = _start_worker("second", mailbox)
        time.sleep(LEASE)  # the dead worker's lease runs out
        sweep_deliveries.delay()
        _wait(
            lambda: Delivery.objects.filter(status="sent").count() == MESSAGES,
            60,
            "the sweep did not finish the batch",
        )
        time.sleep(DELAY * 2)  # anything sent twice would have arrived by now
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
        # The killed worker's unacknowledged message must not reach a later test's worker.
        broker.delete("unacked", "unacked_index")
        celery_app.control.purge()

    received = _received(mailbox)
    assert sorted(received) == sorted(user.email for user in users)  # each once
    assert Delivery.objects.filter(attempts=2).count() == 1  # only the interrupted one
