"""Read queries for members and groups, including what each staff role may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from . import roles
from .models import Activity, Attendance, Group, Member, User


def groups_run_by(user: User) -> list[Group]:
    """The groups a liaison runs (a handful), read once per user object, that is once per
    request, like the role names (`roles.has_role`).

    The scope conditions of every list a liaison sees are written with these groups' ids as
    literal values: PostgreSQL then estimates them from its statistics and reads the members'
    group indexes, where a subquery in the condition (`IN (SELECT …)`, estimated at half the
    table) made it scan a province-wide roster for a liaison's 150 members.
    """
    groups = getattr(user, "_groups_run", None)
    if groups is None:
        groups = list(Group.objects.filter(liaison_staff=user))
        user._groups_run = groups
    return groups


def groups_listed_for(user: User) -> list[Group] | None:
    """The groups visible to `user` when they are already in memory (liaison staff), for
    the admin's sidebar filters; None when every group is visible (office staff)."""
    if roles.is_office_staff(user) or not roles.has_role(user, roles.LIAISON_STAFF):
        return None
    return groups_run_by(user)


def visible_group_ids(user: User) -> list[int] | None:
    """The ids of the groups visible to `user`; None for office staff (every group)."""
    if roles.is_office_staff(user):
        return None
    if roles.has_role(user, roles.LIAISON_STAFF):
        return [group.pk for group in groups_run_by(user)]
    return []


def groups_visible_to(user: User) -> QuerySet[Group]:
    """Office staff see every group; liaison staff only the groups they run."""
    ids = visible_group_ids(user)
    if ids is None:
        return Group.objects.all()
    return Group.objects.filter(pk__in=ids)


def members_visible_to(user: User) -> QuerySet[Member]:
    """Members of the groups visible to `user` (liaison staff: their own groups only)."""
    ids = visible_group_ids(user)
    if ids is None:
        return Member.objects.all()
    # A condition on the member's own columns rather than a join: no duplicate rows, so no
    # DISTINCT on big lists.
    return Member.objects.filter(Q(sector_group_id__in=ids) | Q(street_group_id__in=ids))


def _studios_of_groups(group_ids: list[int]) -> QuerySet:
    """The ids of the member studios belonging to these groups, as a subquery. The model is
    reached through the activity's foreign key: members sits below studios and never imports
    it."""
    studio = Activity._meta.get_field("organiser_studio").related_model
    return studio.objects.filter(group_id__in=group_ids).values("pk")


def activities_visible_to(user: User) -> QuerySet[Activity]:
    """Office staff see every activity; liaison staff those organised by their groups or by
    their groups' studios."""
    if roles.is_office_staff(user):
        return Activity.objects.all()
    ids = visible_group_ids(user)
    # The studios as a subquery rather than a join: the condition stays on the activity's own
    # columns, so the admin ANDs it into the list's query (core/admin_scoping.py).
    return Activity.objects.filter(
        Q(organiser_group_id__in=ids) | Q(organiser_studio_id__in=_studios_of_groups(ids))
    )


def attendances_visible_to(user: User) -> QuerySet[Attendance]:
    if roles.is_office_staff(user):
        return Attendance.objects.all()
    ids = visible_group_ids(user)
    return Attendance.objects.filter(
        Q(activity__organiser_group_id__in=ids)
        | Q(activity__organiser_studio_id__in=_studios_of_groups(ids))
    )


def liaison_staff_users() -> QuerySet[User]:
    """Active logins holding the liaison staff role: who may be put in charge of a group."""
    return User.objects.filter(groups__name=roles.LIAISON_STAFF, is_active=True).order_by(
        "username"
    )


# --- The member's dashboard (/member/) ------------------------------------------------------

DASHBOARD_UPCOMING_LIMIT = 10
DASHBOARD_RECENT_LIMIT = 10


@dataclass(frozen=True)
class AttendanceRecord:
    """How often a member came, asked for leave or stayed away."""

    present: int
    leave: int
    absent: int

    @property
    def total(self) -> int:
        return self.present + self.leave + self.absent


@dataclass(frozen=True)
class MemberDashboard:
    groups: list[Group]
    upcoming: list[Activity]
    record: AttendanceRecord
    recent: list[Attendance]


def member_groups(member: Member) -> QuerySet[Group]:
    """The member's sector group, street group and the groups they convene, each once.

    Every group carries `is_convener`. Subqueries rather than joins, so a group with many
    conveners is not repeated.
    """
    convenes = Group.conveners.through.objects.filter(group=OuterRef("pk"), member=member)
    own_ids = [pk for pk in (member.sector_group_id, member.street_group_id) if pk]
    return (
        Group.objects.annotate(is_convener=Exists(convenes))
        .filter(Q(pk__in=own_ids) | Q(is_convener=True))
        .order_by("kind", "name")
    )


def member_upcoming_activities(
    member: Member,
    *,
    group_ids: list[int],
    now: datetime | None = None,
    limit: int = DASHBOARD_UPCOMING_LIMIT,
) -> list[Activity]:
    """Activities starting at `now` or later that the member's groups or studios organise or
    that the member is invited to, soonest first, at most `limit`; one query.

    Each activity carries `my_status`: the member's attendance status, or None when the member
    has no attendance row (an activity of their group they were not invited to by name).
    """
    # A UNION of two short indexed lookups (the groups' next activities, the member's next
    # invitations), each already cut to `limit`: `group IN (…) OR EXISTS (invited)` made
    # PostgreSQL walk every group's future activities, so the dashboard slowed as the
    # district's activities grew.
    soonest = Activity.objects.upcoming(now).order_by("starts_at", "pk").values("pk")
    # The member's studios (StudioMember rows, through the member's reverse relation: members
    # never imports studios), as a subquery.
    studio_ids = member.studio_memberships.values("studio_id")
    if connections[soonest.db].features.supports_slicing_ordering_in_compound:
        by_group = soonest.filter(organiser_group__in=group_ids)[:limit]
        by_studio = soonest.filter(organiser_studio__in=studio_ids)[:limit]
        invited = soonest.filter(attendances__member=member)[:limit]
        chosen = by_group.union(by_studio, invited)
    else:
        # SQLite (the demo) allows no LIMIT inside a UNION: the plain condition, which is
        # as fast as the UNION at the demo's size.
        invitations = Attendance.objects.filter(activity=OuterRef("pk"), member=member)
        chosen = soonest.filter(
            Q(organiser_group__in=group_ids)
            | Q(organiser_studio__in=studio_ids)
            | Exists(invitations)
        )[:limit]
    mine = Attendance.objects.filter(activity=OuterRef("pk"), member=member)
    activities = (
        Activity.objects.filter(pk__in=chosen)
        .annotate(my_status=Subquery(mine.values("status")[:1]))
        .select_related("organiser_group", "organiser_studio")
        .order_by("starts_at", "pk")[:limit]
    )
    activities = list(activities)
    for activity in activities:
        activity.my_status_label = (
            Attendance.Status(activity.my_status).label if activity.my_status else ""
        )
    return activities


def member_attendance_record(member: Member) -> AttendanceRecord:
    """The member's attendance counts by status, in one aggregate query."""
    status = Attendance.Status
    counts = Attendance.objects.filter(member=member).aggregate(
        present=Count("pk", filter=Q(status=status.PRESENT)),
        leave=Count("pk", filter=Q(status=status.LEAVE)),
        absent=Count("pk", filter=Q(status=status.ABSENT)),
    )
    return AttendanceRecord(**counts)


def member_recent_attendances(
    member: Member, *, now: datetime | None = None, limit: int = DASHBOARD_RECENT_LIMIT
) -> QuerySet[Attendance]:
    """The member's attendance at activities that started before `now`, latest first."""
    return (
        Attendance.objects.filter(member=member, activity__starts_at__lt=now or timezone.now())
        .select_related("activity", "activity__organiser_group")
        .order_by("-activity__starts_at", "-pk")[:limit]
    )


def member_dashboard(member: Member, *, now: datetime | None = None) -> MemberDashboard:
    """Everything the member's dashboard shows, in four queries whatever the number of rows."""
    now = now or timezone.now()
    groups = list(member_groups(member))
    return MemberDashboard(
        groups=groups,
        upcoming=member_upcoming_activities(
            member, group_ids=[group.pk for group in groups], now=now
        ),
        record=member_attendance_record(member),
        recent=list(member_recent_attendances(member, now=now)),
    )
