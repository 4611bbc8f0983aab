"""`manage.py seed_scale` fills every app's tables to the size asked for, and refuses nothing
but non-PostgreSQL databases."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from core.models import TimelineEntry
from members import roles, selectors
from members.models import Activity, Attendance, Group, Member, User
from members.scale import LIAISON_GROUPS, LIAISON_USERNAME, OFFICE_USERNAME
from opinions.models import OpinionReport, Proposal
from residents.models import ResidentIssue
from studios import selectors as studio_selectors
from studios.models import AnnualPlan, DutySlot, Studio, StudioMember, Visit
from studios.progress import FILED_ACTION, progress_for_year

pytestmark = pytest.mark.django_db


def _seed(**options):
    call_command("seed_scale", members=30, groups=4, rows=1_000, years=2, **options)


def test_seed_scale_fills_every_table_to_the_requested_size():
    _seed()

    # Beside --rows: the studios' proposals get the filing step their 1+123 counts.
    filings = TimelineEntry.objects.filter(action=FILED_ACTION).count()
    assert filings == Proposal.objects.filter(studio__isnull=False, state="filed").count()

    assert Member.objects.count() == 30
    assert Group.objects.filter(name__startswith="规模").count() == 4
    rows = (
        Activity.objects.count()
        + Attendance.objects.count()
        + OpinionReport.objects.count()
        + Proposal.objects.count()
        + ResidentIssue.objects.count()
        + TimelineEntry.objects.count()
        - filings
    )
    assert 950 <= rows <= 1_000
    assert OpinionReport.objects.count() == 50
    assert ResidentIssue.objects.count() == 100
    assert TimelineEntry.objects.filter(is_public=True).count() == 100 + filings
    every_member_has_attendance = not Member.objects.filter(attendances__isnull=True).exists()
    assert Attendance.objects.count() == 600 and every_member_has_attendance


def test_seed_scale_makes_an_office_login_and_a_liaison_running_a_few_groups():
    call_command("seed_scale", members=30, groups=10, rows=1_000, years=2)

    office = User.objects.get(username=OFFICE_USERNAME)
    liaison = User.objects.get(username=LIAISON_USERNAME)
    assert office.is_staff and roles.is_office_staff(office)
    assert liaison.is_staff and roles.is_liaison_staff(liaison)
    runs = liaison.liaison_groups.all()
    assert runs.filter(kind=Group.Kind.STREET).count() == LIAISON_GROUPS
    assert runs.filter(kind=Group.Kind.SECTOR).count() == 1
    # Scoped: the liaison sees the members of their groups, not the whole roster.
    visible = selectors.members_visible_to(liaison).count()
    assert 0 < visible < Member.objects.count()
    assert selectors.members_visible_to(office).count() == 30


def test_seed_scale_adds_studios_with_a_year_of_reception_plans_and_credited_work():
    call_command("seed_scale", members=200, groups=40, rows=2_000, years=3)

    studios = list(Studio.objects.all())
    assert len(studios) == 4  # one per ten groups
    today = timezone.localdate()
    for studio in studios:
        members = set(studio.memberships.values_list("member_id", flat=True))
        assert 3 <= len(members) <= 8
        # Of its own group.
        assert (
            not Member.objects.filter(pk__in=members)
            .exclude(Q(street_group=studio.group) | Q(sector_group=studio.group))
            .exists()
        )
        assert studio.memberships.filter(role=StudioMember.Role.LEAD).count() == 1
        # A year of weekly slots, two of its members on duty in each.
        slots = studio.duty_slots.all()
        assert 52 <= slots.count() <= 53
        assert slots.filter(date__lt=today).exists() and slots.filter(date__gt=today).exists()
        on_duty = DutySlot.members.through.objects.filter(dutyslot__studio=studio)
        assert on_duty.count() == 2 * slots.count()
        assert set(on_duty.values_list("member_id", flat=True)) <= members
        assert set(studio.plans.values_list("year", flat=True)) == {
            today.year,
            today.year - 1,
            today.year - 2,
        }
    # Visits: 3% of --rows, each in a slot of its studio that has passed.
    assert Visit.objects.count() == 60
    assert not Visit.objects.exclude(slot__studio=F("studio")).exists()
    assert not Visit.objects.filter(visited_on__gte=today).exists()
    assert Visit.objects.filter(members__isnull=False).count() == 60
    assert AnnualPlan.objects.count() == 12
    # Work credited to the studios, as only their members could have: activities of theirs,
    # reports and proposals of their members.
    assert Activity.objects.filter(organiser_studio__isnull=False, kind="service").count() == 24
    marked = OpinionReport.objects.filter(studio__isnull=False)
    assert marked.exists()
    assert not marked.exclude(studio__memberships__member=F("author")).exists()
    assert Proposal.objects.filter(studio__isnull=False).exists()
    assert len(progress_for_year(today.year)) == 4
    # The scale liaison runs three street groups and a sector group: some studios, not all.
    liaison = User.objects.get(username=LIAISON_USERNAME)
    assert 0 < studio_selectors.studios_visible_to(liaison).count() < 4


def test_seed_scale_makes_as_many_studios_as_asked_one_a_group_at_most():
    call_command("seed_scale", members=60, groups=6, rows=1_000, years=1, studios=6)

    assert Studio.objects.count() == 6
    assert Studio.objects.values("group").distinct().count() == 6
    with pytest.raises(CommandError, match="one studio a group"):
        call_command("seed_scale", members=60, groups=6, rows=1_000, years=1, studios=7)


def test_seed_scale_default_size_is_a_province_with_a_million_rows_in_the_largest_table():
    from members.scale import SHARES
    from portal.management.commands.seed_scale import SIZES

    default = SIZES["default"]

    assert default["members"] == 50_000
    assert int(default["rows"] * max(SHARES.values())) == 1_000_000


def test_seed_scale_is_deterministic():
    _seed()
    first = list(ResidentIssue.objects.order_by("pk").values_list("tracking_code", flat=True))
    names = list(Member.objects.order_by("pk").values_list("name", flat=True))
    TimelineEntry.objects.all().delete()
    ResidentIssue.objects.all().delete()

    _seed(seed=20260101)

    second = ResidentIssue.objects.order_by("pk").values_list("tracking_code", flat=True)
    assert list(second) == first
    assert list(Member.objects.order_by("pk").values_list("name", flat=True))[30:] == names


def test_seed_scale_refuses_other_databases(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        _seed()
