"""Give the staff roles their permissions on the studios' reception.

Office staff: the duty schedule and the visits of every studio, and the log of who saw a
visitor's whole phone number. Liaison staff: the schedule and the visits of their groups'
studios (scoped in the admin), visitors' phones masked. Visits are corrected, not deleted.
"""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration

VISITS = ["view_visit", "add_visit", "change_visit"]


def grant(apps, schema_editor):
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "studios",
        crud("dutyrule", "dutyslot") + VISITS + ["view_visitphoneviewlog"],
    )
    grant_in_migration(apps, LIAISON_STAFF, "studios", crud("dutyrule", "dutyslot") + VISITS)


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0004_visit_phone_view_log"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
