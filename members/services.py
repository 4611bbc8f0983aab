"""Writes for members and groups. Every function takes the acting user for its checks."""

from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction

from . import roles
from .models import Member, User
from .phones import normalize_mobile


@transaction.atomic
def member_create(*, actor: User | None, password: str | None = None, **fields) -> Member:
    """Create a member and the login they use (username = mobile number).

    The mobile number is normalised first. Without a password the login cannot be used until
    the office sets one. `actor` is None only for management commands (demo data, imports run
    from the shell).
    """
    fields["mobile"] = normalize_mobile(fields["mobile"])
    user = User(username=fields["mobile"], first_name=fields.get("name", ""))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(AuthGroup.objects.get(name=roles.MEMBER))
    return Member.objects.create(user=user, **fields)
