"""Schedule the nightly purge of audit entries past their retention (04:10, Asia/Shanghai).

Staff may change the time or disable the task in the admin; running this again keeps what
they set.
"""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

# Staff read it in the admin's list of schedules (系统设置): its name is Chinese.
TASK_NAME = "清理过期审计日志"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    at_night = {
        "minute": "10",
        "hour": "4",
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
            "task": "core.tasks.purge_expired_audit_entries",
            "crontab": crontab,
            "description": "每天04:10删除超过保存期限（默认365天，最少183天）的审计日志。",
        },
    )
    if created:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
