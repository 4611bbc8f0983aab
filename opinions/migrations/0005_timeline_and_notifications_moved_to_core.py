"""The timeline and notifications now belong to core (core 0001); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0004_list_order_indexes"),
        ("core", "0001_move_timeline_notifications_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="TimelineEntry"),
                migrations.DeleteModel(name="Notification"),
            ],
        ),
    ]
