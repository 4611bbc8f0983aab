import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core import tasks
from core.models import Delivery, Notification
from core.workflow import TransitionRefused
from opinions import services

from .factories import OpinionReportFactory

pytestmark = pytest.mark.django_db


def forward(report, office, department):
    return services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + datetime.timedelta(days=7),
    )


def test_a_step_queues_the_emails_through_celery_after_commit(
    member, office, department, handler, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", queued.append)
    report = OpinionReportFactory(author=member, state="in_review")

    with django_capture_on_commit_callbacks() as callbacks:
        forward(report, office, department)
        # The emails are in the outbox with the step, but nothing is queued before the commit.
        assert Delivery.objects.filter(status="pending").count() == 2
        assert queued == []
    for callback in callbacks:
        callback()

    ids = set(Notification.objects.values_list("pk", flat=True))
    assert len(ids) == 2  # the author and the department's handler
    emails = Delivery.objects.filter(kind="notification", channel="email")
    assert set(emails.values_list("object_id", flat=True)) == ids
    assert sorted(pk for batch in queued for pk in batch) == sorted(
        emails.values_list("pk", flat=True)
    )


def test_a_refused_step_queues_nothing(
    member, office, department, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_deliveries, "delay", queued.append)
    report = OpinionReportFactory(author=member, state="draft")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionRefused),
    ):
        forward(report, office, department)
    assert queued == []
    assert not Delivery.objects.exists()


def test_the_task_emails_each_notification_once_with_its_link(member, office, department, handler):
    report = OpinionReportFactory(author=member, state="in_review")
    forward(report, office, department)
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert tasks.send_notification_emails(ids) == 2
    assert tasks.send_notification_emails(ids) == 0
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {member.user.email, handler.email}
    assert f"/department/reports/{report.pk}/" in sent[handler.email].body
    assert report.title in sent[member.user.email].subject
