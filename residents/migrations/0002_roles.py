"""Give the staff roles their permissions on resident issues.

Office staff: everything, including whole phone numbers (each look is logged) and the log.
Liaison staff: the issues of their streets and groups, to triage and to enter by phone; the
phone masked.
"""

from django.db import migrations

from members.roles import LIAISON_STAFF, OFFICE_STAFF, crud, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "residents",
        crud("residentissue", "issuephoto", "issuelink", "street", "community", "presetreply")
        + ["view_resident_phone", "view_phoneviewlog"],
    )
    grant_in_migration(
        apps,
        LIAISON_STAFF,
        "residents",
        ["view_residentissue", "add_residentissue", "change_residentissue"]
        + ["view_issuephoto", "view_issuelink", "view_street", "view_community"]
        + ["view_presetreply"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0001_initial"),
        ("members", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
