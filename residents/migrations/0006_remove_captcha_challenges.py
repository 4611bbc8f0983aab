"""The picture CAPTCHA is replaced by a proof of work that keeps nothing in the database
(residents/antirobot.py): remove the periodic task that deleted its expired challenges and
django-simple-captcha's table of challenges.

Not reversible into a working CAPTCHA: going back re-creates only the schedule row (0004 does
that), not the library's table.
"""

from django.db import migrations
from django.utils import timezone

TASK_NAME = "remove expired CAPTCHA challenges"
TABLE = "captcha_captchastore"


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    deleted, _ = PeriodicTask.objects.filter(name=TASK_NAME).delete()
    if deleted:
        # A running beat reloads its schedule when this timestamp moves.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def drop_challenges(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")
    # The library's migrations are no longer installed: forget that they ran.
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["captcha"])


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0005_captcha_challenges_unlogged"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(remove_schedule, migrations.RunPython.noop),
        migrations.RunPython(drop_challenges, migrations.RunPython.noop),
    ]
