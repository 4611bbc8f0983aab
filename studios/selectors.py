"""Read queries for studios: who sees which studio, who belongs to it."""

import datetime

from django.db.models import Prefetch, QuerySet

from members import roles
from members.selectors import visible_group_ids

from .models import AnnualPlan, ArchiveItem, NormCheck, Studio, StudioMember, Visit


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


# --- The yearly plan, the five norms and the archive -------------------------------------------
# Conditions on the row's own studio column (a subquery, not a join): the admin ANDs them into
# its list's query (core.admin_scoping.narrow).


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    """The plans of the studios `user` sees."""
    if visible_group_ids(user) is None:
        return AnnualPlan.objects.all()
    return AnnualPlan.objects.filter(studio_id__in=studios_visible_to(user).values("pk"))


def norm_checks_visible_to(user) -> QuerySet[NormCheck]:
    if visible_group_ids(user) is None:
        return NormCheck.objects.all()
    return NormCheck.objects.filter(studio_id__in=studios_visible_to(user).values("pk"))


def archive_items_visible_to(user) -> QuerySet[ArchiveItem]:
    if visible_group_ids(user) is None:
        return ArchiveItem.objects.all()
    return ArchiveItem.objects.filter(studio_id__in=studios_visible_to(user).values("pk"))


def archive_item_viewable_by(user, item: ArchiveItem) -> bool:
    """Whether `user` may download the file of `item`: a member of its studio, or staff allowed
    to see the archive whose scope includes the studio."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_studio_member(user, item.studio_id):
        return True
    return (
        user.has_perm("studios.view_archiveitem")
        and studios_visible_to(user).filter(pk=item.studio_id).exists()
    )


def archive_of_year(studio: Studio, year: int) -> QuerySet[ArchiveItem]:
    """The archive of a studio in a year, each item with its file (attachments prefetched)."""
    return (
        ArchiveItem.objects.filter(studio=studio, year=year)
        .select_related("uploaded_by")
        .prefetch_related("attachments")
        .order_by("norm", "created_at", "pk")
    )


def norm_checks_of_year(studio: Studio, year: int) -> dict[str, NormCheck]:
    """The five norms of a studio in a year as checked so far, by norm (a norm nobody has
    checked is missing), each with its evidence."""
    rows = (
        NormCheck.objects.filter(studio=studio, year=year)
        .select_related("checked_by")
        .prefetch_related(Prefetch("evidence", queryset=ArchiveItem.objects.order_by("pk")))
    )
    return {row.norm: row for row in rows}


def visits_in_year(studio: Studio, year: int) -> int:
    return Visit.objects.filter(
        studio=studio,
        visited_on__gte=datetime.date(year, 1, 1),
        visited_on__lte=datetime.date(year, 12, 31),
    ).count()
