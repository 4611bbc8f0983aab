"""The erasure of residents' personal data under a Chinese name: staff read it in the admin's
list of schedules (系统设置). Renamed only where it still has the English name it was created
with."""

from django.db import migrations

OLD_NAME = "erase personal data of old resident issues"
NEW_NAME = "清除超过保存期限的群众个人信息"


def rename(old, new):
    def run(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        if not PeriodicTask.objects.filter(name=new).exists():
            PeriodicTask.objects.filter(name=old).update(name=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0007_search_phone_search_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename(OLD_NAME, NEW_NAME), rename(NEW_NAME, OLD_NAME))]
