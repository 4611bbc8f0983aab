"""Read queries for studios: who sees which studio, who belongs to it, and the reception
(duty slots and visits) each user may see."""

import datetime
from dataclasses import dataclass

from django.db.models import Model, Prefetch, QuerySet

from members import roles
from members.models import Member
from members.selectors import visible_group_ids

from .models import DutyRule, DutySlot, Studio, StudioMember, Visit, VisitPhoneViewLog


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
    if not user.is_authenticated:
        return False
    member_id = getattr(getattr(user, "member", None), "pk", None)
    if member_id is None:
        return False
    return StudioMember.objects.filter(studio_id=studio_id, member_id=member_id).exists()


def public_studios() -> QuerySet[Studio]:
    """The studios residents can find: open or suspended for a while, not preparing or exited."""
    return Studio.objects.filter(state__in=(Studio.State.OPEN, Studio.State.SUSPENDED))


# --- Reception: duty rules and slots, visits -----------------------------------------------------


def _of_visible_studios(model: type[Model], user) -> QuerySet:
    """The rows of `model` (which has a `studio`) of the studios `user` sees: a subquery on the
    studio, no join, so the admin ANDs it into its list's own query (core.admin_scoping)."""
    studios = studios_visible_to(user)
    if not studios.query.has_filters():
        return model.objects.all()
    return model.objects.filter(studio__in=studios.values("pk"))


def duty_rules_visible_to(user) -> QuerySet[DutyRule]:
    return _of_visible_studios(DutyRule, user)


def duty_slots_visible_to(user) -> QuerySet[DutySlot]:
    return _of_visible_studios(DutySlot, user)


def visits_visible_to(user) -> QuerySet[Visit]:
    return _of_visible_studios(Visit, user)


def visit_phone_views_visible_to(user) -> QuerySet[VisitPhoneViewLog]:
    if not studios_visible_to(user).query.has_filters():
        return VisitPhoneViewLog.objects.all()
    return VisitPhoneViewLog.objects.filter(visit__in=visits_visible_to(user).values("pk"))


def studio_members_visible_to(user) -> QuerySet[Member]:
    """Members of the studios `user` sees, active: whom staff may put on duty or name as having
    received a visit (the services check the studio of each)."""
    memberships = StudioMember.objects.filter(studio__in=studios_visible_to(user).values("pk"))
    return (
        Member.objects.active()
        .filter(pk__in=memberships.values("member_id"))
        .select_related("sector")
    )


def studio_slot_on(studio: Studio, day: datetime.date) -> DutySlot | None:
    """The studio's duty slot of `day` (the earliest when there are several), or None."""
    return DutySlot.objects.filter(studio=studio, date=day).order_by("starts_at", "pk").first()


# --- The member's studio pages (/member/studio/) -------------------------------------------------

COMING_SLOTS_LIMIT = 10
RECENT_VISITS_LIMIT = 20


@dataclass(frozen=True)
class StudioHome:
    """What /member/studio/ shows a member: their studios, those that still receive (where
    they may record a visit), their own coming duty slots and their studios' recent visits."""

    studios: list[Studio]
    receiving: list[Studio]
    coming_slots: list[DutySlot]
    recent_visits: list[Visit]


def member_studio_home(member: Member, *, today: datetime.date) -> StudioHome:
    """Four queries whatever the number of studios, slots and visits."""
    studios = list(studios_of_member(member).order_by("name_pinyin", "pk"))
    on_duty = Prefetch("members", queryset=Member.objects.only("pk", "name"))
    coming = list(
        DutySlot.objects.filter(members=member, date__gte=today)
        .select_related("studio")
        .prefetch_related(on_duty)
        .order_by("date", "starts_at", "pk")[:COMING_SLOTS_LIMIT]
    )
    recent = list(
        Visit.objects.filter(studio__in=[studio.pk for studio in studios])
        .select_related("studio", "issue")
        .order_by("-visited_on", "-pk")[:RECENT_VISITS_LIMIT]
    )
    receiving = [studio for studio in studios if studio.state != Studio.State.EXITED]
    return StudioHome(studios, receiving, coming, recent)


def member_visit(member: Member, pk: int) -> Visit:
    """A visit of one of the member's studios (Visit.DoesNotExist otherwise: a 404)."""
    return (
        Visit.objects.filter(studio__memberships__member=member)
        .select_related("studio", "slot", "issue")
        .prefetch_related(Prefetch("members", queryset=Member.objects.only("pk", "name")))
        .get(pk=pk)
    )
