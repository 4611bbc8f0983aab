"""Create the four roles and give the staff roles their admin permissions."""

from django.db import migrations

from members.roles import (
    ALL_ROLES,
    LIAISON_STAFF,
    OFFICE_STAFF,
    crud,
    grant_in_migration,
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "members",
        crud("user", "sector", "group", "member", "activity", "attendance", "activityphoto")
        + ["view_full_mobile", "view_reminderlog"],
    )
    grant_in_migration(
        apps,
        LIAISON_STAFF,
        "members",
        ["view_sector", "view_group", "change_group", "view_full_mobile"]
        + ["view_member", "add_member", "change_member"]
        + crud("activity", "attendance", "activityphoto"),
    )
    grant_in_migration(
        apps,
        OFFICE_STAFF,
        "django_celery_beat",
        crud("periodictask", "crontabschedule", "intervalschedule"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
