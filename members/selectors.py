"""Read queries for members and groups, including what each staff role may see."""

from django.db.models import QuerySet

from . import roles
from .models import Activity, Attendance, Group, Member, User


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Office staff see every group; liaison staff only the groups they run."""
    if roles.is_office_staff(user):
        return Group.objects.all()
    if roles.has_role(user, roles.LIAISON_STAFF):
        return Group.objects.filter(liaison_staff=user)
    return Group.objects.none()


def members_visible_to(user: User) -> QuerySet[Member]:
    """Members of the groups visible to `user` (liaison staff: their own groups only)."""
    if roles.is_office_staff(user):
        return Member.objects.all()
    # A subquery rather than a join: no duplicate rows, so no DISTINCT on big lists.
    return Member.objects.in_groups(groups_visible_to(user))


def activities_visible_to(user: User) -> QuerySet[Activity]:
    if roles.is_office_staff(user):
        return Activity.objects.all()
    return Activity.objects.filter(organiser_group__in=groups_visible_to(user))


def attendances_visible_to(user: User) -> QuerySet[Attendance]:
    if roles.is_office_staff(user):
        return Attendance.objects.all()
    return Attendance.objects.filter(activity__organiser_group__in=groups_visible_to(user))
