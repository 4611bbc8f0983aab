"""Read queries for studios: who sees which studio, who belongs to it."""

from django.db.models import QuerySet

from members import roles
from members.selectors import visible_group_ids

from .models import Studio, StudioMember


def studios_visible_to(user) -> QuerySet[Studio]:
    """Office staff see every studio; liaison staff the studios of the groups they run."""
    ids = visible_group_ids(user)
    if ids is None:
        return Studio.objects.all()
    if not roles.has_role(user, roles.LIAISON_STAFF):
        return Studio.objects.none()
    return Studio.objects.filter(group_id__in=ids)


def studios_of_member(member) -> QuerySet[Studio]:
    """The studios a member belongs to (lead or resident), exited ones included."""
    return Studio.objects.filter(memberships__member=member)


def is_studio_member(user, studio_id: int) -> bool:
    """Whether the login `user` is a member of the studio `studio_id`."""
    member_id = (
        getattr(getattr(user, "member", None), "pk", None) if user.is_authenticated else None
    )
    if member_id is None:
        return False
    return StudioMember.objects.filter(studio_id=studio_id, member_id=member_id).exists()


def public_studios() -> QuerySet[Studio]:
    """The studios residents can find: open or suspended for a while, not preparing or exited."""
    return Studio.objects.filter(state__in=(Studio.State.OPEN, Studio.State.SUSPENDED))
