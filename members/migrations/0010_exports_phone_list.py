"""The permission to export whole phone numbers, and the log of each such export; office
staff read the log (the permission itself is given by the office, per person or role)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from members.roles import OFFICE_STAFF, grant_in_migration


def grant(apps, schema_editor):
    grant_in_migration(apps, OFFICE_STAFF, "members", ["view_memberphoneexport"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_pickers_pinyin_sort_key"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="member",
            options={
                "ordering": ["name_pinyin", "name", "pk"],
                "permissions": [
                    ("view_full_mobile", "Can see whole mobile phone numbers"),
                    (
                        "export_member_phones",
                        "Can export the phone list of their members with whole numbers",
                    ),
                ],
                "verbose_name": "member",
                "verbose_name_plural": "members",
            },
        ),
        migrations.CreateModel(
            name="MemberPhoneExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "exported_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="exported at"
                    ),
                ),
                ("row_count", models.PositiveIntegerField(verbose_name="members exported")),
                (
                    "exported_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="exported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "phone list export",
                "verbose_name_plural": "phone list exports",
                "ordering": ["-exported_at", "-pk"],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
