"""The outbox (core.Delivery) replaces the reminder send log: each reminder already sent
becomes a sent email row under the outbox's unique key, so that a reminder run after the
upgrade does not send it again; then the log's table goes.

Going back recreates the log empty (the reminders sent stay recorded only in the outbox).
"""

import datetime
from zoneinfo import ZoneInfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models




def reminders_into_outbox(apps, schema_editor):
    ReminderLog = apps.get_model("core", "ReminderLog")
    Delivery = apps.get_model("core", "Delivery")
    Activity = apps.get_model("members", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    logs = []
    for log in ReminderLog.objects.select_related("recipient").order_by("pk"):
        kind, _, rest = log.key.partition(":")
        activity_id = rest.split(":", 1)[0]
        if kind == "activity-reminder" and activity_id.isdigit():
            logs.append((log, int(activity_id)))
    if not logs:
        return
    activity_type, _ = ContentType.objects.get_or_create(app_label="members", model="activity")
    starts = dict(
        Activity.objects.filter(pk__in={pk for _, pk in logs}).values_list("pk", "starts_at")
    )
    tz = ZoneInfo(settings.TIME_ZONE)

    def due_on(log, activity_id):
        if activity_id in starts:
            return starts[activity_id].astimezone(tz).date()
        # The activity is gone: reminders went out the day before it.
        return log.sent_at.astimezone(tz).date() + datetime.timedelta(days=1)

    Delivery.objects.bulk_create(
        [
            Delivery(
                kind="activity-reminder",
                channel="email",
                content_type=activity_type,
                object_id=activity_id,
                recipient_id=log.recipient_id,
                due_on=due_on(log, activity_id),
                address=log.recipient.email,
                status="sent",
                attempts=1,
                next_attempt_at=log.sent_at,
                claimed_at=log.sent_at,
                sent_at=log.sent_at,
            )
            for log, activity_id in logs
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_workday_exceptions'),
        ('members', '0005_reminder_log_moved_to_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='kind')),
                ('channel', models.CharField(choices=[('email', 'email'), ('sms', 'SMS')], max_length=10, verbose_name='delivery channel')),
                ('object_id', models.PositiveBigIntegerField()),
                ('due_on', models.DateField(verbose_name='due on')),
                ('address', models.CharField(blank=True, max_length=254, verbose_name='address')),
                ('subject', models.CharField(blank=True, max_length=300, verbose_name='subject')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('status', models.CharField(choices=[('pending', 'waiting'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed'), ('skipped', 'no address')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
            ],
            options={
                'verbose_name': 'message delivery',
                'verbose_name_plural': 'message deliveries',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'sending'])), fields=['status', 'next_attempt_at'], name='core_delivery_to_send_idx'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('kind', 'content_type', 'object_id', 'recipient', 'due_on', 'channel'), name='core_delivery_once'),
        ),
        migrations.RunPython(reminders_into_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='ReminderLog',
        ),
    ]
