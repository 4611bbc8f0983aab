"""The reminder log now belongs to core (core 0001); its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_list_order_indexes"),
        ("core", "0001_move_timeline_notifications_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ReminderLog")],
        ),
    ]
