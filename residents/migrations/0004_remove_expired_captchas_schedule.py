"""Schedule the removal of unanswered CAPTCHA challenges every 10 minutes.

The public form's check no longer deletes them on every submission (residents/challenges.py).
Staff may change the interval or disable the task in the admin; running this again keeps what
they set.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "remove expired CAPTCHA challenges"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every = {"every": 10, "period": "minutes"}
    interval = IntervalSchedule.objects.filter(**every).order_by("pk").first()
    if interval is None:
        interval = IntervalSchedule.objects.create(**every)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "residents.tasks.remove_expired_captchas",
            "interval": interval,
            "description": "每10分钟删除无人作答、已过期的验证码。",
        },
    )
    if created:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_erase_personal_data_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
