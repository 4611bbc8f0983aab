"""Office staff keep the Celery beat schedules in the admin, in Chinese: each schedule in words,
each task by what it does, and a form that asks only whether and when."""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.admin_beat import crontab_text
from tests.members.factories import OfficeStaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    user = OfficeStaffFactory()
    client.force_login(user)
    return user


def _crontab(minute="0", hour="18", day_of_month="*", month_of_year="*", day_of_week="*"):
    return CrontabSchedule.objects.create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Asia/Shanghai",
    )


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "每天 18:00（北京时间）"),
        ({"minute": "30", "hour": "3"}, "每天 03:30（北京时间）"),
        ({"hour": "9", "day_of_week": "1,3"}, "每周的星期一、星期三 09:00（北京时间）"),
        ({"hour": "8", "day_of_week": "0"}, "每周的星期日 08:00（北京时间）"),
        ({"hour": "8", "day_of_month": "1"}, "每月1日 08:00（北京时间）"),
        ({"minute": "*/5", "hour": "*"}, "分：*/5，时：*，日：*，月：*，星期：*（北京时间）"),
    ],
)
def test_a_crontab_reads_in_chinese(fields, text):
    crontab = _crontab(**fields)

    assert crontab_text(crontab) == text
    assert str(crontab) == text  # lists, selects, titles
    assert crontab.human_readable == text


def test_the_schedules_created_by_the_portal_have_chinese_names():
    names = set(PeriodicTask.objects.values_list("name", flat=True))

    assert {"委员履职活动提醒", "清除超过保存期限的群众个人信息"} <= names


def test_the_schedule_list_shows_names_and_times_not_task_paths(client, office):
    html = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    html = html.decode()

    assert "委员履职活动提醒" in html
    assert "每天 18:00（北京时间）" in html
    assert "members.tasks.send_activity_reminders" not in html


def test_office_staff_add_a_schedule_by_choosing_what_it_does_and_when(client, office):
    crontab = _crontab(hour="7")
    add = reverse("admin:django_celery_beat_periodictask_add")

    page = client.get(add).content.decode()
    response = client.post(
        add,
        {
            "name": "每天早上发送通知邮件",
            "regtask": "core.tasks.send_notification_emails",
            "enabled": "on",
            "description": "",
            "crontab": crontab.pk,
            "interval": "",
            "start_time_0": "",
            "start_time_1": "",
        },
    )

    assert "发送通知邮件" in page  # the task by what it does
    assert 'name="args"' not in page and 'name="queue"' not in page
    assert response.status_code == 302, response.content.decode()[:3000]
    task = PeriodicTask.objects.get(name="每天早上发送通知邮件")
    assert task.task == "core.tasks.send_notification_emails"
    assert task.crontab == crontab and task.enabled


def test_a_schedule_without_a_task_is_refused_and_nothing_is_written(client, office):
    crontab = _crontab(hour="7")
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {"name": "没有任务的计划", "regtask": "", "enabled": "on", "crontab": crontab.pk},
    )

    assert response.status_code == 200
    assert not PeriodicTask.objects.filter(name="没有任务的计划").exists()


def test_office_staff_set_a_time_of_day_on_beijing_time(client, office):
    add = reverse("admin:django_celery_beat_crontabschedule_add")

    page = client.get(add).content.decode()
    response = client.post(
        add,
        {
            "minute": "15",
            "hour": "6",
            "day_of_month": "*",
            "month_of_year": "*",
            "day_of_week": "*",
            "timezone": "Asia/Shanghai",
        },
    )

    assert "北京时间" in page and "Europe/Paris" not in page
    assert response.status_code == 302
    assert str(CrontabSchedule.objects.get(minute="15", hour="6")) == "每天 06:15（北京时间）"
