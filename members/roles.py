"""The four roles, as Django auth groups created by a data migration.

The group names are data that staff read in the admin, so they are stored in Chinese.
"""

OFFICE_STAFF = "机关工作人员"
LIAISON_STAFF = "联络组工作人员"
MEMBER = "委员"
DEPARTMENT_HANDLER = "承办单位"

ALL_ROLES = (OFFICE_STAFF, LIAISON_STAFF, MEMBER, DEPARTMENT_HANDLER)


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # Cached per request object: admin pages ask this many times.
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache
    return role in cache


def is_office_staff(user) -> bool:
    return user.is_superuser or has_role(user, OFFICE_STAFF)


def is_liaison_staff(user) -> bool:
    return not is_office_staff(user) and has_role(user, LIAISON_STAFF)


def grant_in_migration(apps, role: str, app_label: str, codenames: list[str]) -> None:
    """Give `role` these permissions of `app_label`, from a data migration.

    Permissions are normally created after all migrations ran; create them now so that a
    migration can grant them on a fresh database.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # The migration state's app config is a stub without models_module, which
    # create_permissions checks only to skip apps that have no models.
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=role)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    missing = set(codenames) - set(perms.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Unknown permissions for {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)


def crud(*models: str) -> list[str]:
    return [f"{verb}_{model}" for model in models for verb in ("view", "add", "change", "delete")]
