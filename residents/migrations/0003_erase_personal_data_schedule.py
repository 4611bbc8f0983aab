"""Schedule the nightly erasure of old residents' names and phones (03:30, Asia/Shanghai).

Staff may change the time or disable the task in the admin; running this again keeps what
they set.
"""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

TASK_NAME = "erase personal data of old resident issues"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    at_night = {
        "minute": "30",
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
            "task": "residents.tasks.erase_expired_personal_data",
            "crontab": crontab,
            "description": "每天03:30删除已办结满保存期限（默认两年）的群众诉求中的姓名和手机号，其余内容保留用于统计。",
        },
    )
    if created:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
