"""Schedule the nightly erasure of old studio visitors' names and phones (03:40, Asia/Shanghai).

Staff may change the time or disable the task in the admin; running this again keeps what
they set.
"""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

# Staff read it in the admin's list of schedules (系统设置): its name is Chinese.
TASK_NAME = "清除超过保存期限的工作室来访群众个人信息"


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
            "task": "studios.tasks.erase_expired_visitor_data",
            "crontab": crontab,
            "description": "每天03:40删除接访日期已满保存期限（与群众诉求相同，默认两年）的委员工作室来访群众姓名和手机号，转为群众诉求的待该诉求的个人信息清除后再删除；接访记录其余内容保留用于统计。",
        },
    )
    if created:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0005_reception_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
