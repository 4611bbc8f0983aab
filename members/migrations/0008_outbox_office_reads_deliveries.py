"""Office staff read the outbox (every email and text message and whether it went out);
liaison staff do not see it."""

from django.db import migrations

from members.roles import OFFICE_STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, OFFICE_STAFF, "core", ["view_delivery"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_office_staff_unlock_logins"),
        ("core", "0003_outbox_delivery"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
