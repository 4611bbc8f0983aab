"""The timeline and notifications (from opinions) and the reminder log (from members) move to
core. Their tables stay as they are (Meta.db_table): only Django's idea of which app owns them
changes, here and in opinions 0005 / members 0005.

Their content types are renamed to the core app rather than created anew, so that the
permissions the staff roles were granted on them (and every row pointing at them) carry over.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {"timelineentry": "opinions", "notification": "opinions", "reminderlog": "members"}


def _rename_content_types(apps, *, forward: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, old_app in MOVED.items():
        source, target = (old_app, "core") if forward else ("core", old_app)
        moving = ContentType.objects.filter(app_label=source, model=model).first()
        if moving is None:
            continue  # a fresh database: created for the new app after migrating
        # A row for the target created meanwhile (by a migrate that ran the permissions step
        # in between) has no grants worth keeping: the moving row carries them.
        ContentType.objects.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _rename_content_types(apps, forward=True)


def backwards(apps, schema_editor):
    _rename_content_types(apps, forward=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("members", "0004_list_order_indexes"),
        ("opinions", "0004_list_order_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="TimelineEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("action", models.CharField(max_length=40, verbose_name="action")),
                        ("from_state", models.CharField(blank=True, max_length=30, verbose_name="from state")),
                        ("to_state", models.CharField(blank=True, max_length=30, verbose_name="to state")),
                        ("actor_label", models.CharField(blank=True, max_length=100, verbose_name="by (shown as)")),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        ("is_public", models.BooleanField(default=False, help_text="Public steps appear on the resident's tracking page.", verbose_name="shown to residents")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="by")),
                        ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype")),
                    ],
                    options={
                        "verbose_name": "timeline entry",
                        "verbose_name_plural": "timeline entries",
                        "db_table": "opinions_timelineentry",
                        "ordering": ["created_at", "pk"],
                        "indexes": [models.Index(fields=["content_type", "object_id", "created_at"], name="opinions_ti_content_7f283c_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="text")),
                        ("url", models.CharField(blank=True, max_length=300, verbose_name="link")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="time")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed at")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL, verbose_name="recipient")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "opinions_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(fields=["recipient", "read_at"], name="opinions_no_recipie_bf756b_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="ReminderLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                        ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent at")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL, verbose_name="recipient")),
                    ],
                    options={
                        "verbose_name": "reminder sent",
                        "verbose_name_plural": "reminders sent",
                        "db_table": "members_reminderlog",
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
