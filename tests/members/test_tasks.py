import datetime
import os
import time
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import group as celery_group
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from core.models import Delivery, Notification
from core.tasks import send_deliveries
from members.models import Attendance
from members.services import activity_reminders_send
from members.tasks import send_activity_reminders

from .factories import ActivityFactory, AttendanceFactory, MemberFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 10)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)


def _member(username: str, email: str | None = None):
    user = UserFactory(username=username, email=email if email is not None else f"{username}@ex.cn")
    return MemberFactory(user=user)


def _tomorrows_activity(**kwargs):
    """An activity on the day after DAY with two invited members who have an email address."""
    activity = ActivityFactory(
        title="义诊进社区",
        starts_at=_at(DAY + datetime.timedelta(days=1), 9, 30),
        place="城关街道社区卫生服务中心",
        **kwargs,
    )
    invited = [_member("wangfang"), _member("lijun")]
    for member in invited:
        AttendanceFactory(activity=activity, member=member, status=Attendance.Status.INVITED)
    return activity, invited


def _worker_sends_what_was_queued() -> None:
    """What a worker does with the send task queued after commit, run here in-process (the
    tests with a real worker are below)."""
    send_deliveries(list(Delivery.objects.filter(status="pending").values_list("pk", flat=True)))


@pytest.mark.django_db
def test_activity_reminders_reach_each_invited_participant_exactly_once(
    django_capture_on_commit_callbacks,
):
    activity, invited = _tomorrows_activity()

    with django_capture_on_commit_callbacks() as queued:
        first = activity_reminders_send(day=DAY)
    _worker_sends_what_was_queued()
    with django_capture_on_commit_callbacks() as queued_again:
        second = activity_reminders_send(day=DAY)
    _worker_sends_what_was_queued()

    assert (first, second) == (2, 0)
    assert (len(queued), len(queued_again)) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["lijun@ex.cn", "wangfang@ex.cn"]
    assert set(Delivery.objects.values_list("kind", "object_id", "recipient", "status")) == {
        ("activity-reminder", activity.pk, m.user_id, "sent") for m in invited
    }
    # The same reminder in the portal's bell, once each.
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        m.user_id for m in invited
    )


@pytest.mark.django_db
def test_activity_reminder_names_the_activity_its_time_and_place(
    django_capture_on_commit_callbacks,
):
    _tomorrows_activity()

    with django_capture_on_commit_callbacks():
        activity_reminders_send(day=DAY)
    _worker_sends_what_was_queued()

    message = mail.outbox[0]
    for text in ("义诊进社区", "09:30", "城关街道社区卫生服务中心"):
        assert text in message.subject
        assert text in message.body


@pytest.mark.django_db
def test_activity_reminders_skip_members_not_invited_and_other_days_and_email_no_address_less(
    django_capture_on_commit_callbacks,
):
    tomorrow = DAY + datetime.timedelta(days=1)
    activity = ActivityFactory(starts_at=_at(tomorrow, 14))
    no_email = _member("noemail", email="")
    AttendanceFactory(activity=activity, member=no_email, status=Attendance.Status.INVITED)
    AttendanceFactory(activity=activity, member=_member("onleave"), status=Attendance.Status.LEAVE)
    # The day is the Shanghai day: 23:30 tomorrow is in, 00:10 the day after is not, although
    # both fall on the same UTC date.
    late = ActivityFactory(starts_at=_at(tomorrow, 23, 30))
    AttendanceFactory(activity=late, member=_member("late"), status=Attendance.Status.INVITED)
    after = ActivityFactory(starts_at=_at(tomorrow + datetime.timedelta(days=1), 0, 10))
    AttendanceFactory(activity=after, member=_member("after"), status=Attendance.Status.INVITED)
    today = ActivityFactory(starts_at=_at(DAY, 20))
    AttendanceFactory(activity=today, member=_member("today"), status=Attendance.Status.INVITED)

    with django_capture_on_commit_callbacks():
        sent = activity_reminders_send(day=DAY)
    _worker_sends_what_was_queued()

    assert sent == 2  # "late", and the member without an address in the portal only
    assert [m.to for m in mail.outbox] == [["late@ex.cn"]]
    # A member without an email address still gets the reminder in the portal.
    assert Notification.objects.filter(recipient=no_email.user).count() == 1
    assert Delivery.objects.get(recipient=no_email.user).status == Delivery.Status.SKIPPED


@pytest.mark.django_db
def test_activity_reminders_are_not_sent_when_the_claim_is_rolled_back(
    django_capture_on_commit_callbacks,
):
    _tomorrows_activity()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert activity_reminders_send(day=DAY) == 2

    # Until the claims commit, nothing has gone out.
    assert len(callbacks) == 2
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_activity_reminders_beat_schedule_runs_the_task_daily_at_six_pm_shanghai_time():
    task = PeriodicTask.objects.select_related("crontab").get(name="委员履职活动提醒")

    assert task.enabled
    assert task.task == "members.tasks.send_activity_reminders"
    assert task.task in celery_app.tasks
    assert (task.crontab.minute, task.crontab.hour) == ("0", "18")
    assert (task.crontab.day_of_week, task.crontab.day_of_month) == ("*", "*")
    assert task.crontab.month_of_year == "*"
    assert str(task.crontab.timezone) == "Asia/Shanghai"


@pytest.fixture
def real_worker():
    """A Celery worker on the test broker (two threads), in this process.

    The test worker does not install Celery's Django fixup, so each task's thread closes its
    own database connections here; otherwise they stay checked out of the pool.
    """
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    redis_url = os.environ["REDIS_URL"]
    assert celery_app.conf.broker_url == redis_url
    assert celery_app.conf.result_backend == redis_url
    # Messages left by an interrupted earlier run must not reach this worker.
    celery_app.control.purge()

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            celery_app, pool="threads", concurrency=2, perform_ping_check=False
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_connections)


def _wait_until_sent(count: int, seconds: float = 30) -> None:
    """The emails go out in a send task the reminder task queued after its commit."""
    deadline = time.monotonic() + seconds
    while Delivery.objects.filter(status="sent").count() < count:
        assert time.monotonic() < deadline, "the worker did not send the reminders"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_worker_sends_activity_reminders_and_stores_the_result_in_the_redis_of_redis_url(
    real_worker,
):
    activity, invited = _tomorrows_activity()

    result = send_activity_reminders.delay(DAY.isoformat())

    assert result.get(timeout=30) == 2
    _wait_until_sent(2)
    assert sorted(m.to[0] for m in mail.outbox) == ["lijun@ex.cn", "wangfang@ex.cn"]
    assert all("义诊进社区" in m.subject for m in mail.outbox)
    assert set(Delivery.objects.values_list("object_id", "recipient")) == {
        (activity.pk, m.user_id) for m in invited
    }
    # Stored by the worker in the Redis database that REDIS_URL names, not run eagerly here.
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).exists(f"celery-task-meta-{result.id}")


# Celery's Redis backend stores group results with a call redis-py has deprecated.
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once_when_two_runs_race(real_worker):
    _activity, _invited = _tomorrows_activity()

    runs = celery_group(send_activity_reminders.s(DAY.isoformat()) for _ in range(2)).delay()
    counts = runs.get(timeout=30)

    assert sum(counts) == 2
    _wait_until_sent(2)
    assert sorted(m.to[0] for m in mail.outbox) == ["lijun@ex.cn", "wangfang@ex.cn"]
    assert Delivery.objects.count() == 2
    assert Notification.objects.count() == 2
