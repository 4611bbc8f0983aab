"""Office staff keep the working-day exceptions (public holidays of years the calendar package
does not know yet); liaison staff read them."""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, OFFICE_STAFF, "core", crud("workdayexception"))
    grant_in_migration(apps, LIAISON_STAFF, "core", ["view_workdayexception"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_reminder_log_moved_to_core"),
        ("core", "0002_workday_exceptions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
