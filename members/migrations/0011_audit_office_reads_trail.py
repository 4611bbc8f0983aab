"""Office staff read the audit trail (django-auditlog's log entries); nobody changes it."""

from django.db import migrations

from members.roles import OFFICE_STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, OFFICE_STAFF, "auditlog", ["view_logentry"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_exports_phone_list"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
