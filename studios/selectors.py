"""Read queries for studios: who sees which studio, who belongs to it, what the public
directory shows, the reception (duty slots and visits) each user may see, the yearly plan,
the five norms and the archive."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Model, Prefetch, QuerySet
from django.utils import timezone

from members import roles
from members.models import Activity, Member, Sector
from members.selectors import visible_group_ids
from residents.models import Street

from .models import (
    AnnualPlan,
    ArchiveItem,
    DutyRule,
    DutySlot,
    NormCheck,
    Studio,
    StudioMember,
    Visit,
    VisitPhoneViewLog,
)
from .progress import StudioProgress, progress_for_year


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


# --- The public directory (/studios/) ------------------------------------------------------------

#: The next duty slots a studio's public page shows.
PUBLIC_SLOTS = 5
#: The service activities a studio's public page shows, latest first.
PUBLIC_ACTIVITIES = 20


def directory_studios(
    *, street: Street | None = None, sector: Sector | None = None
) -> QuerySet[Studio]:
    """The public studios, by street (in the streets' order; studios without a street last),
    then by name; optionally of one street or one sector. One query."""
    studios = public_studios().select_related("street", "sector")
    if street is not None:
        studios = studios.filter(street=street)
    if sector is not None:
        studios = studios.filter(sector=sector)
    return studios.order_by(
        F("street__sort_order").asc(nulls_last=True), "street__name", "name_pinyin", "pk"
    )


def directory_streets() -> QuerySet[Street]:
    """The streets that have a public studio: the directory's street filter."""
    return Street.objects.filter(pk__in=public_studios().values("street_id"))


def directory_sectors() -> QuerySet[Sector]:
    """The sectors that have a public studio: the directory's sector filter."""
    return Sector.objects.filter(pk__in=public_studios().values("sector_id"))


@dataclass(frozen=True)
class PublicStudioPage:
    studio: Studio
    leads: list[StudioMember]  # each with its member and the member's sector
    residents: list[StudioMember]
    slots: list[DutySlot]  # each with its members on duty
    activities: list[Activity]  # the service activities it organised that took place
    progress: StudioProgress  # its 1+123 of the current year


def public_studio_page(pk: int, *, now: datetime.datetime | None = None) -> PublicStudioPage:
    """What a public studio's page shows, in five queries whatever the studio holds: the
    studio with its 1+123 of the current year (one query: the figures are annotated on the
    studio's own row), its serving members (names and sectors), its next duty slots from today
    with the members on duty, and the service activities it organised that took place.

    Nothing about visitors. Raises Studio.DoesNotExist for a studio the public cannot see
    (preparing or exited).
    """
    now = now or timezone.now()
    rows = progress_for_year(
        timezone.localdate(now).year,
        public_studios().select_related("street", "sector").filter(pk=pk),
        now=now,
    )
    if not rows:
        raise Studio.DoesNotExist
    (progress,) = rows
    studio = progress.studio
    memberships = list(
        studio.memberships.filter(member__status=Member.Status.ACTIVE)
        .select_related("member__sector")
        .order_by("role", "member__name_pinyin", "pk")
    )
    slots = list(
        studio.duty_slots.filter(date__gte=timezone.localdate(now))
        .prefetch_related("members")
        .order_by("date", "starts_at", "pk")[:PUBLIC_SLOTS]
    )
    activities = list(
        studio.activities.filter(kind=Activity.Kind.SERVICE, starts_at__lt=now).order_by(
            "-starts_at", "-pk"
        )[:PUBLIC_ACTIVITIES]
    )
    return PublicStudioPage(
        studio=studio,
        leads=[m for m in memberships if m.role == StudioMember.Role.LEAD],
        residents=[m for m in memberships if m.role == StudioMember.Role.RESIDENT],
        slots=slots,
        activities=activities,
        progress=progress,
    )


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
    they may record a visit), their own coming duty slots, their studios' recent visits and
    the year's 1+123 of each studio that runs this year."""

    studios: list[Studio]
    receiving: list[Studio]
    coming_slots: list[DutySlot]
    recent_visits: list[Visit]
    progress: list[StudioProgress]


def member_studio_home(
    member: Member, *, today: datetime.date, now: datetime.datetime | None = None
) -> StudioHome:
    """Four queries whatever the number of studios, slots and visits: the member's studios
    come with their 1+123 of `today`'s year on their own rows (`progress_for_year`)."""
    rows = progress_for_year(
        today.year, studios_of_member(member).order_by("name_pinyin", "pk"), now=now
    )
    studios = [row.studio for row in rows]
    on_duty = Prefetch("members", queryset=Member.objects.only("pk", "name"))
    coming = list(
        DutySlot.objects.filter(members=member, date__gte=today)
        .select_related("studio")
        .prefetch_related(on_duty)
        .order_by("date", "starts_at", "pk")[:COMING_SLOTS_LIMIT]
    )
    # The newest visits are picked without a join (the studio index and a top-N sort), then
    # joined: with the joins in the same SELECT, PostgreSQL scans every visit.
    newest = Visit.objects.filter(studio__in=[studio.pk for studio in studios]).order_by(
        "-visited_on", "-pk"
    )
    recent = list(
        Visit.objects.filter(pk__in=newest.values("pk")[:RECENT_VISITS_LIMIT])
        .select_related("studio", "issue")
        .order_by("-visited_on", "-pk")
    )
    receiving = [studio for studio in studios if studio.state != Studio.State.EXITED]
    return StudioHome(studios, receiving, coming, recent, [r for r in rows if _runs_in_year(r)])


def _runs_in_year(progress: StudioProgress) -> bool:
    """Whether the year's figures mean something for the studio: not for one that exited
    before the year and has no plan for it (the rule of `progress.studios_of_year`)."""
    studio = progress.studio
    exited_before = (
        studio.state == Studio.State.EXITED
        and studio.exited_on is not None
        and studio.exited_on.year < progress.year
    )
    return progress.has_plan or not exited_before


def member_visit(member: Member, pk: int) -> Visit:
    """A visit of one of the member's studios (Visit.DoesNotExist otherwise: a 404)."""
    return (
        Visit.objects.filter(studio__memberships__member=member)
        .select_related("studio", "slot", "issue")
        .prefetch_related(Prefetch("members", queryset=Member.objects.only("pk", "name")))
        .get(pk=pk)
    )
