import datetime

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from residents.models import ResidentIssue
from residents.tasks import erase_expired_personal_data

from .factories import ResidentIssueFactory


def test_erase_task_is_scheduled_nightly_in_beat(db):
    task = PeriodicTask.objects.get(task="residents.tasks.erase_expired_personal_data")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    assert task.task in app.tasks


def test_erase_task_erases_expired_personal_data_and_keeps_the_issue(street, settings):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    expired = ResidentIssueFactory(
        street=street,
        name="张大爷",
        mobile="13812345678",
        state=ResidentIssue.State.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=31),
        public_reply="已修复。",
    )
    kept = ResidentIssueFactory(
        street=street,
        name="李阿姨",
        mobile="13900001111",
        state=ResidentIssue.State.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=29),
    )

    assert erase_expired_personal_data() == 1

    expired.refresh_from_db()
    kept.refresh_from_db()
    assert (expired.name, expired.mobile) == ("", "")
    assert expired.personal_data_erased_at is not None
    assert (expired.tracking_code, expired.public_reply, expired.street) == (
        expired.tracking_code,
        "已修复。",
        street,
    )
    assert kept.mobile == "13900001111"
