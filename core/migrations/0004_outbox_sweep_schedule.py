"""Schedule the outbox sweep (every five minutes) in django-celery-beat.

Staff may change the interval or disable the task in the admin; running this again (or on a
database where the row exists) keeps what they set.
"""

from django.db import migrations
from django.utils import timezone

# Staff read it in the admin's list of schedules (系统设置): its name is Chinese.
TASK_NAME = "通知补发（发件箱巡检）"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_five_minutes = {"every": 5, "period": "minutes"}
    # The admin allows duplicate intervals, so get_or_create could find two.
    interval = IntervalSchedule.objects.filter(**every_five_minutes).order_by("pk").first()
    if interval is None:
        interval = IntervalSchedule.objects.create(**every_five_minutes)
    _task, created = PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "core.tasks.sweep_deliveries",
            "interval": interval,
            "description": "每5分钟补发未发出的通知邮件和短信（任务丢失、进程中断或发送失败后重试）。",
        },
    )
    if created:
        # What PeriodicTasks.changed() does through a signal the historical model lacks:
        # a running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_delivery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
