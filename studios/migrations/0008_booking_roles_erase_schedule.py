"""Appointments for staff, and the nightly erasure of residents' names and phones on them.

Office staff: see and answer every appointment, and read who saw a resident's whole number.
Liaison staff: see and answer the appointments of their groups' studios. Answering is a step
of running a studio (studios/workflow.py asks for studios.change_studio too).

The erasure runs at 03:40 (Asia/Shanghai), after the resident issues' at 03:30. Staff may
change the time or disable the task in the admin; running this again keeps what they set.
"""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

from members.roles import LIAISON_STAFF, OFFICE_STAFF, grant_in_migration

# Staff read it in the admin's list of schedules (系统设置): its name is Chinese.
TASK_NAME = "清除超过保存期限的工作室预约个人信息"


def grant(apps, schema_editor):
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "studios",
        ["view_studio", "change_studio", "view_appointment", "change_appointment"]
        + ["view_appointmentphoneview"],
    )
    grant_in_migration(
        apps,
        LIAISON_STAFF,
        "studios",
        ["view_studio", "change_studio", "view_appointment", "change_appointment"],
    )


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    at_night = {
        "minute": "40",
        "hour": "3",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": ZoneInfo("Asia/Shanghai"),
    }
    crontab = CrontabSchedule.objects.filter(**at_night).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**at_night)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "studios.booking_tasks.erase_expired_appointment_personal_data",
            "crontab": crontab,
            "description": "每天03:40删除接待日期已超过保存期限（与群众诉求相同，默认两年）的工作室预约中的姓名和手机号，其余内容保留用于统计。",
        },
    )
    if created:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0007_booking_phone_views"),
        ("members", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
