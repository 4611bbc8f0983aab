import datetime
import io
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from core.models import Delivery, TimelineEntry
from core.tasks import send_deliveries
from members import roles
from members.models import Activity, Attendance, Group, Member, Sector, User
from members.services import activity_reminders_send
from studios.models import (
    Appointment,
    ArchiveItem,
    DutyRule,
    DutySlot,
    NormCheck,
    Studio,
    StudioMember,
    Visit,
)

pytestmark = pytest.mark.django_db

COUNTED = {
    "sectors": Sector.objects,
    "groups": Group.objects,
    "members": Member.objects,
    "users": User.objects,
    "role memberships": User.groups.through.objects,
    "activities": Activity.objects,
    "attendance": Attendance.objects,
    "conveners": Group.conveners.through.objects,
    "liaison groups": Group.liaison_staff.through.objects,
    "studios": Studio.objects,
    "studio members": StudioMember.objects,
    "duty rules": DutyRule.objects,
    "duty slots": DutySlot.objects,
    "members on duty": DutySlot.members.through.objects,
    "visits": Visit.objects,
    "appointments": Appointment.objects,
    "norm checks": NormCheck.objects,
    "archive items": ArchiveItem.objects,
    "timeline rows": TimelineEntry.objects,
}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {name: manager.count() for name, manager in COUNTED.items()}


def _printed_logins(output: str) -> dict[str, str]:
    """login -> password, from the table the command prints (the last two columns)."""
    logins = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) >= 3 and re.fullmatch(r"office|liaison|dept|1\d{10}", cells[-2]):
            logins[cells[-2]] = cells[-1]
    return logins


@pytest.fixture
def seeded():
    return _seed()


def test_seed_demo_twice_adds_nothing_the_second_time(seeded):
    first = _counts()

    _seed()

    assert _counts() == first
    assert all(first.values()), first


def test_seed_demo_builds_a_district_of_sectors_groups_and_members(seeded):
    assert Sector.objects.count() >= 9
    assert Member.objects.count() >= 60
    names = list(Member.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in names)
    assert all(
        re.fullmatch(r"1[3-9]\d{9}", m) for m in Member.objects.values_list("mobile", flat=True)
    )
    # Every member in one sector group of their own sector and in one street group.
    assert not Member.objects.filter(
        Q(sector_group__isnull=True) | Q(street_group__isnull=True)
    ).exists()
    assert not Member.objects.exclude(sector_group__sector=F("sector")).exists()
    for kind in Group.Kind:
        groups = Group.objects.filter(kind=kind).annotate(n=Count("conveners"))
        assert groups.count() >= (6 if kind == Group.Kind.STREET else 9)
        assert not groups.filter(n=0).exists(), f"{kind} group without a convener"


def test_seed_demo_fills_the_last_year_with_activities_of_every_kind(seeded):
    now = timezone.now()
    last_year = Activity.objects.filter(
        starts_at__lt=now, starts_at__gte=now - datetime.timedelta(days=365)
    )

    assert set(last_year.values_list("kind", flat=True)) == set(Activity.Kind.values)
    past = Attendance.objects.filter(activity__starts_at__lt=now)
    statuses = dict(past.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == {"present", "leave", "absent"}
    assert statuses["present"] > statuses["leave"] + statuses["absent"]
    upcoming = Attendance.objects.filter(activity__starts_at__gte=now)
    assert upcoming.exists()
    assert set(upcoming.values_list("status", flat=True)) == {"invited"}


def test_seed_demo_prints_one_working_login_per_role(seeded, client):
    logins = _printed_logins(seeded)
    mobiles = [login for login in logins if login.isdigit()]

    assert {"office", "liaison", "dept"} < set(logins)
    assert len(mobiles) == 1
    member = Member.objects.get(mobile=mobiles[0])
    assert member.user.email
    expected_roles = {
        "office": roles.OFFICE_STAFF,
        "liaison": roles.LIAISON_STAFF,
        "dept": roles.DEPARTMENT_HANDLER,
        mobiles[0]: roles.MEMBER,
    }
    for login, password in logins.items():
        response = client.post("/accounts/login/", {"username": login, "password": password})
        assert response.status_code == 302, login
        client.logout()
        user = (
            User.objects.get(member=member) if login.isdigit() else User.objects.get(username=login)
        )
        assert roles.has_role(user, expected_roles[login])
        assert user.is_staff == (login in {"office", "liaison"})
    liaison_groups = Group.objects.filter(liaison_staff__username="liaison")
    assert liaison_groups.filter(kind=Group.Kind.STREET).count() == 2
    assert liaison_groups.filter(kind=Group.Kind.SECTOR).count() == 1
    # The demo liaison may try the logged whole-number phone list; office staff are not given it.
    assert User.objects.get(username="liaison").has_perm("members.export_member_phones")
    assert not User.objects.get(username="office").has_perm("members.export_member_phones")


def test_seed_demo_member_has_a_reminder_due_for_tomorrow(seeded):
    mobile = next(login for login in _printed_logins(seeded) if login.isdigit())
    member = Member.objects.select_related("user").get(mobile=mobile)

    activity_reminders_send(day=timezone.localdate())
    # What a worker does with the outbox rows the reminders wrote.
    reminders = Delivery.objects.filter(kind="activity-reminder", status="pending")
    send_deliveries(list(reminders.values_list("pk", flat=True)))

    assert [m.to for m in mail.outbox] == [[member.user.email]]


def test_seed_demo_on_a_later_day_moves_the_activities_along_without_adding_any(seeded):
    before = _counts()
    starts = dict(Activity.objects.values_list("pk", "starts_at"))
    later = timezone.now() + datetime.timedelta(days=40)

    with mock.patch("django.utils.timezone.now", return_value=later):
        _seed()

    assert _counts() == before
    moved = dict(Activity.objects.values_list("pk", "starts_at"))
    assert {pk: moved[pk] - starts[pk] for pk in starts} == {
        pk: datetime.timedelta(days=40) for pk in starts
    }
