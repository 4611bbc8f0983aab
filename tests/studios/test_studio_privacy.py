"""Visitors' names and phones are erased after the residents' retention period, by a nightly
beat task, like residents' own: the visit stays for the figures, with personal words masked;
a visit that became a resident issue keeps them until the issue's are erased."""

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from residents.models import ResidentIssue
from studios.models import Visit
from studios.services import reception
from studios.tasks import erase_expired_visitor_data
from tests.residents.factories import ResidentIssueFactory

from .reception_factories import ReceptionStudioFactory, VisitFactory

RETENTION = 30


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = RETENTION


@pytest.fixture
def studio(db):
    return ReceptionStudioFactory()


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_the_erasure_is_scheduled_nightly_in_beat(db):
    task = PeriodicTask.objects.get(task="studios.tasks.erase_expired_visitor_data")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "40")
    assert task.name == "清除超过保存期限的工作室来访群众个人信息"
    assert task.task in app.tasks


def test_old_visits_lose_name_and_phone_and_the_words_in_their_texts(studio):
    old = VisitFactory(
        studio=studio,
        visited_on=days_ago(RETENTION + 1),
        raised="我叫张建国，电话138 1234 5678，门口路灯坏了。",
        feedback="已电话告知张建国。",
    )
    recent = VisitFactory(studio=studio, visited_on=days_ago(RETENTION - 1))

    assert erase_expired_visitor_data() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.visitor_name, old.visitor_mobile) == ("", "")
    assert old.personal_data_erased_at is not None
    assert "张建国" not in old.raised + old.feedback
    assert "1234" not in old.raised
    assert "门口路灯坏了" in old.raised
    assert (old.studio, old.method, old.visited_on) == (studio, Visit.Method.OPEN, days_ago(31))
    assert (recent.visitor_name, recent.visitor_mobile) == ("张建国", "13812345678")


def test_a_second_run_finds_nothing_left(studio):
    VisitFactory.create_batch(3, studio=studio, visited_on=days_ago(RETENTION + 5))

    assert reception.visit_personal_data_erase_expired(batch_size=2) == 3
    assert reception.visit_personal_data_erase_expired() == 0


def test_a_visit_that_became_an_issue_keeps_them_until_the_issues_are_erased(studio):
    issue = ResidentIssueFactory(
        name="张建国", mobile="13812345678", state=ResidentIssue.State.IN_PROGRESS
    )
    visit = VisitFactory(studio=studio, visited_on=days_ago(RETENTION + 10), issue=issue)

    assert erase_expired_visitor_data() == 0
    visit.refresh_from_db()
    assert visit.visitor_mobile == "13812345678"

    ResidentIssue.objects.filter(pk=issue.pk).update(
        name="", mobile="", personal_data_erased_at=timezone.now()
    )

    assert erase_expired_visitor_data() == 1
    visit.refresh_from_db()
    assert (visit.visitor_name, visit.visitor_mobile) == ("", "")
