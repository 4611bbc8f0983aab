"""Give the staff roles their admin permissions on the yearly plans, the five norms and the
archive. Liaison staff keep those of their groups' studios (the admin scopes the rows)."""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration


def grant(apps, schema_editor):
    for role in (OFFICE_STAFF, LIAISON_STAFF):
        grant_in_migration(apps, role, "studios", crud("annualplan", "normcheck", "archiveitem"))


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0002_registry_roles"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
