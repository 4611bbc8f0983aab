"""Schedule the daily activity reminders (18:00 in Asia/Shanghai) in django-celery-beat.

Staff may change the time or disable the task in the admin; running this again (or on a
database where the rows exist) keeps what they set.
"""

from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

TASK_NAME = "activity reminders"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    at_six_pm = {
        "minute": "0",
        "hour": "18",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": ZoneInfo("Asia/Shanghai"),
    }
    # The admin allows duplicate crontabs, so get_or_create could find two.
    crontab = CrontabSchedule.objects.filter(**at_six_pm).order_by("pk").first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**at_six_pm)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "members.tasks.send_activity_reminders",
            "crontab": crontab,
            "description": "每天18:00提醒受邀委员参加次日的履职活动（每人每项活动只提醒一次）。",
        },
    )
    if created:
        # What PeriodicTasks.changed() does through a signal the historical model lacks:
        # a running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
