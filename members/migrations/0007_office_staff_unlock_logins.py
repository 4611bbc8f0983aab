"""Office staff read the login record and unlock logins (django-axes), and remove a lost
authenticator (django-otp's TOTP devices)."""

from django.db import migrations

from members.roles import OFFICE_STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "axes",
        ["view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog"],
    )
    grant_in_migration(apps, OFFICE_STAFF, "otp_totp", ["view_totpdevice", "delete_totpdevice"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_office_keeps_working_day_exceptions"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
