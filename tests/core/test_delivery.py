"""The outbox: every notification and reminder written with its decision and sent once, with
retries on mail server errors and a sweep for what was left behind."""

import datetime
import logging
import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from core import delivery
from core.models import Delivery, Notification
from core.notifications import notify
from core.sms import LoggingSmsBackend
from core.tasks import send_deliveries, send_notification_emails
from members.models import Attendance
from members.services import activity_reminders_send
from tests.members.factories import (
    ActivityFactory,
    AttendanceFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)
from tests.members.test_tasks import real_worker  # noqa: F401 - a fixture

from .backends import RecordingSmsBackend, RefusingBackend

pytestmark = pytest.mark.django_db


def _notify(*users, title="您的社情民意信息已转办") -> list[int]:
    """Notify as a step does: inside its transaction; returns the outbox rows queued."""
    with transaction.atomic():
        notes = notify(recipients=users, title=title, body="请查看。", url="/member/opinions/1/")
    rows = Delivery.objects.filter(object_id__in=[note.pk for note in notes]).order_by("pk")
    return list(rows.values_list("pk", flat=True))


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.core.backends.RefusingBackend"
    RefusingBackend.refused = 0
    RefusingBackend.failures = None
    return RefusingBackend


def test_a_member_without_email_gets_the_notification_in_the_portal_and_no_email(
    django_capture_on_commit_callbacks,
):
    with_email = UserFactory(email="wangfang@ex.cn")
    without = UserFactory(email="")

    with django_capture_on_commit_callbacks():
        ids = _notify(with_email, without)
    assert send_deliveries(ids) == 1

    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        with_email.pk,
        without.pk,
    }
    assert [m.to for m in mail.outbox] == [["wangfang@ex.cn"]]
    assert "/member/opinions/1/" in mail.outbox[0].body
    assert list(Delivery.objects.values_list("recipient", "status")) == [(with_email.pk, "sent")]
    assert Notification.objects.get(recipient=with_email).emailed_at is not None
    assert Notification.objects.get(recipient=without).emailed_at is None


def test_each_row_is_sent_once_however_often_it_is_handed_to_a_sender(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks():
        ids = _notify(UserFactory(email="a@ex.cn"), UserFactory(email="b@ex.cn"))

    # A duplicated task message, a retry and the sweep may all carry the same ids.
    assert send_deliveries(ids + ids) == 2
    assert send_deliveries(ids) == 0
    assert send_notification_emails(list(Notification.objects.values_list("pk", flat=True))) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["a@ex.cn", "b@ex.cn"]


def test_a_mail_server_error_puts_the_row_back_with_a_backoff(
    refusing, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_RETRY_BASE_SECONDS = 60
    with django_capture_on_commit_callbacks():
        [pk] = _notify(UserFactory(email="a@ex.cn"))

    before = timezone.now()
    run = delivery.deliveries_send([pk])
    row = Delivery.objects.get(pk=pk)

    assert (run.sent, run.retry_ids) == (0, [pk])
    assert (row.status, row.attempts) == ("pending", 1)
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at >= before + datetime.timedelta(seconds=60)
    # Not due yet: neither a sender nor the sweep touches it before then.
    assert delivery.deliveries_send([pk]).sent == 0
    assert pk not in delivery.deliveries_to_sweep(limit=100)
    Delivery.objects.filter(pk=pk).update(next_attempt_at=before)  # the minute has passed
    row.refresh_from_db()
    assert delivery.deliveries_send([pk]).retry_at >= timezone.now() + datetime.timedelta(
        seconds=119
    )  # the second wait is twice as long


def _wait_for(pk: int, *statuses: str, seconds: float = 30) -> Delivery:
    deadline = time.monotonic() + seconds
    while (row := Delivery.objects.get(pk=pk)).status not in statuses:
        assert time.monotonic() < deadline, f"still {row.status} after {seconds}s"
        time.sleep(0.1)
    return row


# Celery's Redis backend stores a retried task's state with a call redis-py has deprecated.
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
@pytest.mark.usefixtures("real_worker")
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_the_send_until_the_mail_server_accepts(refusing, settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.2
    refusing.failures = 2

    [pk] = _notify(UserFactory(email="a@ex.cn"))  # queued to the worker on commit

    row = _wait_for(pk, "sent", "failed")
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert [m.to for m in mail.outbox] == [["a@ex.cn"]]


# Celery's Redis backend stores a retried task's state with a call redis-py has deprecated.
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
@pytest.mark.usefixtures("real_worker")
@pytest.mark.django_db(transaction=True)
def test_a_row_the_mail_server_keeps_refusing_ends_failed_after_the_last_attempt(
    refusing, settings
):
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.1
    settings.DELIVERY_MAX_ATTEMPTS = 4

    [pk] = _notify(UserFactory(email="a@ex.cn"))

    row = _wait_for(pk, "sent", "failed")
    assert (row.status, row.attempts) == ("failed", 4)
    assert "Connection unexpectedly closed" in row.last_error
    assert refusing.refused == 4
    assert pk not in delivery.deliveries_to_sweep(limit=100)
    assert mail.outbox == []


def test_the_sweep_takes_rows_left_pending_or_left_sending_past_the_lease(
    settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_LEASE_SECONDS = 300
    with django_capture_on_commit_callbacks():
        lost, dead, alive, done = _notify(*(UserFactory(email=f"u{i}@ex.cn") for i in range(4)))
    now = timezone.now()
    Delivery.objects.filter(pk=dead).update(
        status="sending", attempts=1, claimed_at=now - datetime.timedelta(seconds=301)
    )
    Delivery.objects.filter(pk=alive).update(
        status="sending", attempts=1, claimed_at=now - datetime.timedelta(seconds=10)
    )
    Delivery.objects.filter(pk=done).update(status="sent", sent_at=now)

    swept = delivery.deliveries_to_sweep(limit=100)

    assert swept == sorted([lost, dead])
    assert send_deliveries(swept) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Delivery.objects.filter(pk__in=[lost, dead]).values_list("address", flat=True)
    )


def test_the_sweep_runs_every_five_minutes_from_the_beat_schedule():
    task = PeriodicTask.objects.select_related("interval").get(task="core.tasks.sweep_deliveries")

    assert task.enabled
    assert task.task == "core.tasks.sweep_deliveries"
    assert task.task in celery_app.tasks
    assert (task.interval.every, task.interval.period) == (5, "minutes")


def _tomorrows_activity_for(member):
    starts = timezone.now() + datetime.timedelta(days=1)
    activity = ActivityFactory(title="义诊进社区", starts_at=starts, place="城关社区")
    AttendanceFactory(activity=activity, member=member, status=Attendance.Status.INVITED)
    return activity


def test_reminders_go_by_sms_through_the_backend_chosen_in_settings(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_REMINDERS = True
    settings.SMS_BACKEND = "tests.core.backends.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    member = MemberFactory(mobile="13812345678", user=UserFactory(email=""))
    _tomorrows_activity_for(member)

    with django_capture_on_commit_callbacks():
        assert activity_reminders_send(day=timezone.localdate()) == 1
        assert activity_reminders_send(day=timezone.localdate()) == 0
    send_deliveries(list(Delivery.objects.values_list("pk", flat=True)))

    [(phone, text)] = RecordingSmsBackend.sent
    assert phone == "13812345678"
    assert "义诊进社区" in text
    assert dict(Delivery.objects.values_list("channel", "status")) == {
        "sms": "sent",
        "email": "skipped",  # no address: the claim of the reminder, nothing to send
    }
    assert Notification.objects.filter(recipient=member.user).count() == 1


def test_no_sms_unless_switched_on(django_capture_on_commit_callbacks):
    member = MemberFactory(mobile="13812345678", user=UserFactory(email="m@ex.cn"))
    _tomorrows_activity_for(member)

    with django_capture_on_commit_callbacks():
        activity_reminders_send(day=timezone.localdate())

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["email"]


def test_the_logging_sms_backend_logs_the_phone_masked(caplog):
    with caplog.at_level(logging.INFO, logger="core.sms"):
        LoggingSmsBackend().send("13812345678", "明天9:30义诊进社区")

    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text
    assert "明天9:30义诊进社区" in caplog.text


@pytest.fixture
def sms_rows(django_capture_on_commit_callbacks, settings):
    settings.SMS_REMINDERS = True
    with django_capture_on_commit_callbacks():
        for i in range(5):
            member = MemberFactory(mobile=f"1381234{i:04d}")
            _tomorrows_activity_for(member)
            activity_reminders_send(day=timezone.localdate())
    return Delivery.objects.filter(channel="sms")


def test_office_staff_read_the_outbox_with_phones_masked(
    client, sms_rows, django_assert_max_num_queries
):
    client.force_login(OfficeStaffFactory())
    url = reverse("admin:core_delivery_changelist")

    with django_assert_max_num_queries(12):
        page = client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "138****0004" in text
    assert "13812340004" not in text
    row = sms_rows.first()
    detail = client.get(reverse("admin:core_delivery_change", args=[row.pk]))
    assert detail.status_code == 200
    assert row.address not in detail.content.decode()
    assert client.post(reverse("admin:core_delivery_delete", args=[row.pk])).status_code == 403


def test_liaison_staff_and_members_do_not_see_the_outbox(client, sms_rows):
    row = sms_rows.first()
    urls = [
        reverse("admin:core_delivery_changelist"),
        reverse("admin:core_delivery_change", args=[row.pk]),
    ]
    client.force_login(LiaisonStaffFactory())
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(row.recipient)
    assert all(client.get(url).status_code == 302 for url in urls)  # to the admin login
