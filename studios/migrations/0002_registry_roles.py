"""Give the staff roles their permissions on the studio registry.

Office staff: every studio. Liaison staff: register and run the studios of their groups and
keep their members (the admin scopes the rows). Deleting a studio is left to a superuser
(an exited studio keeps its history).
"""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, OFFICE_STAFF, "studios", crud("studio", "studiomember"))
    grant_in_migration(
        apps,
        LIAISON_STAFF,
        "studios",
        ["view_studio", "add_studio", "change_studio"] + crud("studiomember"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0001_studios"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
