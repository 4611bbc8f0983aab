import datetime

import pytest
from django.utils import timezone

from members import selectors
from members.models import Attendance

from .factories import (
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    MemberFactory,
    SectorGroupFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def member():
    return MemberFactory(sector_group=SectorGroupFactory(), street_group=GroupFactory())


def test_member_groups_are_sector_street_and_convened_groups_each_once(member):
    convened = GroupFactory()
    convened.conveners.add(member, MemberFactory())
    # Convener of their own street group too: still listed once.
    member.street_group.conveners.add(member, MemberFactory())
    GroupFactory()  # somebody else's group

    groups = list(selectors.member_groups(member))

    assert sorted(g.pk for g in groups) == sorted(
        [member.sector_group.pk, member.street_group.pk, convened.pk]
    )
    convener_of = {g.pk for g in groups if g.is_convener}
    assert convener_of == {member.street_group.pk, convened.pk}


def test_member_groups_empty_for_member_without_groups():
    GroupFactory()
    assert list(selectors.member_groups(MemberFactory())) == []


def test_upcoming_activities_are_those_of_own_groups_and_invitations_soonest_first(member):
    now = timezone.now()
    later = ActivityFactory(organiser_group=member.street_group, starts_at=now + 5 * DAY)
    sooner = ActivityFactory(organiser_group=member.sector_group, starts_at=now + DAY)
    invited_elsewhere = ActivityFactory(starts_at=now + 3 * DAY)
    AttendanceFactory(activity=invited_elsewhere, member=member, status=Attendance.Status.INVITED)
    ActivityFactory(organiser_group=member.street_group, starts_at=now - DAY)  # past
    ActivityFactory(starts_at=now + DAY)  # another group's, not invited

    upcoming = selectors.member_upcoming_activities(
        member, group_ids=[member.sector_group_id, member.street_group_id], now=now
    )

    assert upcoming == [sooner, invited_elsewhere, later]
    assert [a.my_status for a in upcoming] == [None, Attendance.Status.INVITED, None]
    assert upcoming[1].my_status_label == Attendance.Status.INVITED.label


def test_upcoming_activity_with_many_participants_is_listed_once(member):
    activity = ActivityFactory(organiser_group=member.street_group)
    AttendanceFactory(activity=activity, member=member, status=Attendance.Status.LEAVE)
    for _ in range(3):
        AttendanceFactory(activity=activity)

    upcoming = selectors.member_upcoming_activities(member, group_ids=[member.street_group_id])

    assert upcoming == [activity]
    assert upcoming[0].my_status == Attendance.Status.LEAVE


def test_upcoming_activities_are_limited(member):
    for _ in range(4):
        ActivityFactory(organiser_group=member.street_group)

    upcoming = selectors.member_upcoming_activities(
        member, group_ids=[member.street_group_id], limit=3
    )

    assert len(upcoming) == 3


def test_attendance_record_counts_each_status_in_one_query(member, django_assert_num_queries):
    for status, times in [
        (Attendance.Status.PRESENT, 3),
        (Attendance.Status.LEAVE, 2),
        (Attendance.Status.ABSENT, 1),
        (Attendance.Status.INVITED, 4),
    ]:
        for _ in range(times):
            AttendanceFactory(member=member, status=status)
    AttendanceFactory(status=Attendance.Status.PRESENT)  # another member's

    with django_assert_num_queries(1):
        record = selectors.member_attendance_record(member)

    assert (record.present, record.leave, record.absent, record.total) == (3, 2, 1, 6)


def test_recent_attendances_are_past_ones_latest_first(member):
    now = timezone.now()
    old = AttendanceFactory(member=member, activity__starts_at=now - 10 * DAY)
    recent = AttendanceFactory(
        member=member, activity__starts_at=now - DAY, status=Attendance.Status.ABSENT
    )
    AttendanceFactory(member=member, activity__starts_at=now + DAY)  # upcoming
    AttendanceFactory(activity__starts_at=now - DAY)  # another member's

    assert list(selectors.member_recent_attendances(member, now=now)) == [recent, old]


def test_member_dashboard_runs_four_queries_whatever_the_rows(member, django_assert_num_queries):
    now = timezone.now()
    for n in range(12):
        activity = ActivityFactory(organiser_group=member.street_group, starts_at=now + n * DAY)
        AttendanceFactory(activity=activity, member=member, status=Attendance.Status.INVITED)
        AttendanceFactory(member=member, activity__starts_at=now - (n + 1) * DAY)

    with django_assert_num_queries(4):
        dashboard = selectors.member_dashboard(member, now=now)

    assert len(dashboard.upcoming) == selectors.DASHBOARD_UPCOMING_LIMIT
    assert len(dashboard.recent) == selectors.DASHBOARD_RECENT_LIMIT
    assert dashboard.record.present == 12
    assert len(dashboard.groups) == 2
