"""An activity is organised by a group or by a studio, exactly one: the database, the admin,
liaison scoping, the export and the member dashboard follow."""

import datetime
import io

import openpyxl
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from import_export.forms import SelectableFieldsExportForm

from members import selectors as member_selectors
from members.models import Activity, Attendance
from members.resources import ActivityResource
from tests.members.factories import (
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)

from .admin_pages import page_data
from .factories import StudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
CHANGELIST = reverse("admin:members_activity_changelist")
ADD = reverse("admin:members_activity_add")
ONE_ORGANISER = "两者选且只选一个"


@pytest.fixture
def liaison():
    return LiaisonStaffFactory()


@pytest.fixture
def own_group(liaison):
    group = GroupFactory(name="东街街道活动组")
    group.liaison_staff.add(liaison)
    return group


@pytest.fixture
def own_studio(own_group):
    return StudioFactory(name="东街法律服务工作室", group=own_group)


@pytest.fixture
def other_studio():
    return StudioFactory(name="西街委员工作室", group=GroupFactory(name="西街街道活动组"))


def studio_activity(studio, **kwargs) -> Activity:
    return ActivityFactory(organiser_group=None, organiser_studio=studio, **kwargs)


def _titles(response) -> set[str]:
    return {activity.title for activity in response.context["cl"].result_list}


# --- The database -------------------------------------------------------------------------------


@pytest.mark.parametrize("organisers", ["both", "neither"])
def test_the_database_refuses_an_activity_without_exactly_one_organiser(own_studio, organisers):
    group = own_studio.group if organisers == "both" else None
    studio = own_studio if organisers == "both" else None

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(organiser_group=group, organiser_studio=studio)


# --- The admin form -------------------------------------------------------------------------------


def _add_data(client, **organiser) -> dict:
    data = page_data(client.get(ADD))
    start = timezone.localtime() + 3 * DAY
    data.update(
        {
            "title": "法律咨询进社区",
            "kind": Activity.Kind.SERVICE,
            "starts_at_0": start.date().isoformat(),
            "starts_at_1": "09:00:00",
            "place": "和平社区服务中心",
            "organiser_group": "",
            "organiser_studio": "",
        }
    )
    data.update({name: value.pk for name, value in organiser.items()})
    return data


@pytest.mark.parametrize("organisers", ["both", "neither"])
def test_the_activity_form_asks_for_exactly_one_organiser(client, own_studio, organisers):
    client.force_login(OfficeStaffFactory())
    chosen = (
        {"organiser_group": own_studio.group, "organiser_studio": own_studio}
        if organisers == "both"
        else {}
    )

    with translation.override("zh-hans"):
        response = client.post(ADD, _add_data(client, **chosen))

    assert response.status_code == 200
    assert ONE_ORGANISER in response.content.decode()
    assert not Activity.objects.exists()
    # What was typed stays in the form.
    assert response.context["adminform"].form["title"].value() == "法律咨询进社区"


def test_liaison_records_an_activity_of_their_studio(client, liaison, own_studio):
    client.force_login(liaison)

    response = client.post(ADD, _add_data(client, organiser_studio=own_studio))

    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.organiser_studio, activity.organiser_group) == (own_studio, None)
    assert activity.organiser == own_studio


def test_liaison_cannot_give_an_activity_to_another_groups_studio(client, liaison, other_studio):
    client.force_login(liaison)

    response = client.post(ADD, _add_data(client, organiser_studio=other_studio))

    assert response.status_code == 200
    assert "organiser_studio" in response.context["adminform"].form.errors
    assert not Activity.objects.exists()


# --- Liaison scoping ------------------------------------------------------------------------------


def test_studio_autocomplete_offers_a_liaison_only_their_studios(
    client, liaison, own_studio, other_studio
):
    client.force_login(liaison)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "members",
            "model_name": "activity",
            "field_name": "organiser_studio",
            "term": "",
        },
    )

    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["东街法律服务工作室"]


def test_liaison_sees_the_activities_of_their_groups_and_of_their_groups_studios(
    client, liaison, own_group, own_studio, other_studio
):
    ActivityFactory(title="东街学习会", organiser_group=own_group)
    studio_activity(own_studio, title="东街工作室义诊")
    studio_activity(other_studio, title="西街工作室义诊")
    ActivityFactory(title="西街学习会")
    client.force_login(liaison)

    assert _titles(client.get(CHANGELIST)) == {"东街学习会", "东街工作室义诊"}


def test_liaison_sees_the_attendance_of_their_studios_activities_only(
    liaison, own_studio, other_studio
):
    own = AttendanceFactory(activity=studio_activity(own_studio))
    AttendanceFactory(activity=studio_activity(other_studio))

    assert list(member_selectors.attendances_visible_to(liaison)) == [own]


def test_another_groups_studio_activity_page_is_closed_to_a_liaison(client, liaison, other_studio):
    activity = studio_activity(other_studio, title="西街工作室义诊")
    client.force_login(liaison)

    response = client.get(reverse("admin:members_activity_change", args=[activity.pk]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_activities_are_filtered_by_organising_studio(client, liaison, own_group, own_studio):
    studio_activity(own_studio, title="东街工作室义诊")
    ActivityFactory(title="东街学习会", organiser_group=own_group)
    StudioFactory(name="西街委员工作室")
    client.force_login(liaison)

    response = client.get(CHANGELIST, {"organiser_studio": own_studio.pk})

    assert _titles(response) == {"东街工作室义诊"}
    studio_filter = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "organiser_studio"
    )
    assert [title for _, title in studio_filter.lookup_choices] == ["东街法律服务工作室"]


def test_activity_list_shows_the_organiser_in_constant_queries(client, own_group):
    client.force_login(OfficeStaffFactory())

    def make(count):
        for _ in range(count):
            studio_activity(StudioFactory())
            ActivityFactory(organiser_group=GroupFactory())

    make(2)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST)

    assert len(many) == len(few)
    html = response.content.decode()
    assert all(f">{activity.organiser}<" in html for activity in response.context["cl"].result_list)


def test_the_activity_export_names_whichever_organiser(client, own_group, own_studio):
    ActivityFactory(title="东街学习会", organiser_group=own_group)
    studio_activity(own_studio, title="东街工作室义诊")
    client.force_login(OfficeStaffFactory())
    data = {"format": "0", "resource": "0"}
    for name in ActivityResource().get_export_order():
        data[SelectableFieldsExportForm.create_boolean_field_name(ActivityResource, name)] = "on"

    response = client.post(reverse("admin:members_activity_export"), data)

    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = [str(ActivityResource().fields[name].column_name) for name in ("title", "organiser")]
    title, organiser = (rows[0].index(column) for column in header)
    assert {(row[title], row[organiser]) for row in rows[1:]} == {
        ("东街学习会", "东街街道活动组"),
        ("东街工作室义诊", "东街法律服务工作室"),
    }


# --- The member dashboard -------------------------------------------------------------------------


def test_the_dashboard_lists_the_upcoming_activities_of_the_members_studios(client, own_studio):
    member = MemberFactory(name="王委员")
    StudioMemberFactory(studio=own_studio, member=member)
    now = timezone.now()
    studio_activity(own_studio, title="工作室接待日", starts_at=now + 2 * DAY)
    studio_activity(own_studio, title="上月的义诊", starts_at=now - 30 * DAY)
    studio_activity(StudioFactory(name="别的工作室"), title="别处的义诊", starts_at=now + DAY)

    client.force_login(member.user)
    response = client.get(reverse("members:dashboard"))

    assert [a.title for a in response.context["dashboard"].upcoming] == ["工作室接待日"]
    assert "东街法律服务工作室" in response.content.decode()


def test_the_dashboard_reads_studio_activities_in_the_same_queries(django_assert_num_queries):
    member = MemberFactory(street_group=GroupFactory())
    now = timezone.now()
    for n in range(3):
        studio = StudioFactory()
        StudioMemberFactory(studio=studio, member=member)
        for day in range(4):
            activity = studio_activity(studio, starts_at=now + (n * 4 + day + 1) * DAY)
            AttendanceFactory(activity=activity, member=member, status=Attendance.Status.INVITED)
    for day in range(4):
        ActivityFactory(organiser_group=member.street_group, starts_at=now + (20 + day) * DAY)

    with django_assert_num_queries(4):
        dashboard = member_selectors.member_dashboard(member, now=now)

    assert len(dashboard.upcoming) == member_selectors.DASHBOARD_UPCOMING_LIMIT
    assert all(activity.organiser_studio_id for activity in dashboard.upcoming)
    with django_assert_num_queries(0):
        names = {activity.organiser.name for activity in dashboard.upcoming}
    assert len(names) == 3
