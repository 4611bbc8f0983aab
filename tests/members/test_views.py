import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from members import roles
from members.forms import LoginForm
from members.models import Attendance

from .factories import (
    DEFAULT_PASSWORD,
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    MemberFactory,
    SectorGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
LOGIN_URL = "/accounts/login/"
DASHBOARD_URL = "/member/"


def office_staff(**kwargs):
    # Not OfficeStaffFactory: its `roles = [...]` replaces the post-generation hook, so it
    # passes `roles` to User() and fails.
    return UserFactory(is_staff=True, roles=[roles.OFFICE_STAFF], **kwargs)


@pytest.fixture
def member():
    return MemberFactory(
        name="王秀英",
        mobile="13912345678",
        sector_group=SectorGroupFactory(name="医药卫生界活动组"),
        street_group=GroupFactory(name="城关街道活动组"),
    )


# --- public pages ---------------------------------------------------------------------------


def test_home_page_answers_with_a_link_to_the_member_login(client):
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{LOGIN_URL}"' in response.content.decode()


def test_login_page_shows_the_mobile_or_username_field(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    with translation.override("zh-hans"):
        label = str(LoginForm().fields["username"].label)
    assert re.search(rf'<label\s+for="id_username"[^>]*>\s*{re.escape(label)}', html)
    assert 'name="password"' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1


# --- login and logout -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["13912345678", "１３９１２３４５６７８", "139 1234 5678"])
def test_member_logs_in_with_mobile_number_and_lands_on_dashboard(client, member, typed):
    response = client.post(LOGIN_URL, {"username": typed, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.url == DASHBOARD_URL
    assert client.session["_auth_user_id"] == str(member.user.pk)


def test_login_follows_next(client, member):
    response = client.post(
        LOGIN_URL,
        {
            "username": member.mobile,
            "password": DEFAULT_PASSWORD,
            "next": "/accounts/password_change/",
        },
    )
    assert response.status_code == 302
    assert response.url == "/accounts/password_change/"


def test_wrong_password_keeps_the_form_with_the_error_and_what_was_typed(client, member):
    response = client.post(LOGIN_URL, {"username": member.mobile, "password": "wrong-password"})

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["__all__"]
    assert error.code == "invalid_login"
    html = response.content.decode()
    with translation.override("zh-hans"):
        message = str(LoginForm.error_messages["invalid_login"])
    assert re.search(rf'role="alert">\s*<ul class="m-0">\s*<li>{re.escape(escape(message))}', html)
    assert f'value="{member.mobile}"' in html
    assert "_auth_user_id" not in client.session


def test_empty_login_shows_errors_next_to_the_fields(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_username"' in html
    assert 'id="error_1_id_password"' in html


def test_staff_logs_in_with_username(client):
    staff = office_staff(username="office")

    response = client.post(LOGIN_URL, {"username": "office", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_logout_by_post_ends_the_session_and_goes_home(client, member):
    client.force_login(member.user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session
    assert client.get(DASHBOARD_URL).status_code == 302


# --- password change ------------------------------------------------------------------------


def test_member_changes_password(client, member):
    client.force_login(member.user)
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Lotus-pond-2025",
            "new_password2": "Lotus-pond-2025",
        },
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/done/"
    member.user.refresh_from_db()
    assert member.user.check_password("Lotus-pond-2025")
    # Still logged in after the change (Django updates the session hash).
    assert client.get("/accounts/password_change/done/").status_code == 200


def test_password_change_refused_with_wrong_old_password(client, member):
    client.force_login(member.user)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "not-my-password",
            "new_password1": "Lotus-pond-2025",
            "new_password2": "Lotus-pond-2025",
        },
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    member.user.refresh_from_db()
    assert member.user.check_password(DEFAULT_PASSWORD)


def test_password_change_requires_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_requires_login(client):
    response = client.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={DASHBOARD_URL}"


def test_dashboard_shows_groups_upcoming_activities_and_attendance_record(client, member):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    member.street_group.conveners.add(member)
    ActivityFactory(
        title="社区义诊",
        organiser_group=member.street_group,
        starts_at=datetime.datetime(2099, 3, 5, 9, 30, tzinfo=shanghai),
    )
    ActivityFactory(title="别组的调研", starts_at=timezone.now() + DAY)
    AttendanceFactory(
        member=member,
        activity__title="学习全会精神",
        activity__starts_at=datetime.datetime(2024, 11, 2, 14, 0, tzinfo=shanghai),
        status=Attendance.Status.ABSENT,
    )
    AttendanceFactory(member=member, activity__starts_at=timezone.now() - DAY)
    client.force_login(member.user)

    response = client.get(DASHBOARD_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "王秀英" in html
    assert "医药卫生界活动组" in html
    assert "城关街道活动组" in html
    assert "社区义诊" in html
    assert "2099年3月5日 09:30" in html
    assert "别组的调研" not in html
    assert "学习全会精神" in html
    assert "2024年11月2日 14:00" in html
    assert 'aria-current="page" href="/member/"' in html
    record = response.context["dashboard"].record
    assert (record.present, record.leave, record.absent) == (1, 0, 1)
    assert '<dd class="fs-3 fw-semibold" data-status="absent">1</dd>' in html


def test_dashboard_query_count_does_not_grow_with_activities(client, member):
    client.force_login(member.user)
    now = timezone.now()

    def make_rows(count):
        for n in range(count):
            activity = ActivityFactory(
                organiser_group=member.street_group, starts_at=now + (n + 1) * DAY
            )
            AttendanceFactory(activity=activity, member=member, status=Attendance.Status.INVITED)
            AttendanceFactory(member=member, activity__starts_at=now - (n + 1) * DAY)
            member.street_group.conveners.add(MemberFactory())

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DASHBOARD_URL)
        assert response.status_code == 200
        return len(queries)

    make_rows(1)
    small = count_queries()
    make_rows(25)
    large = count_queries()

    assert small == large


def test_logged_in_staff_without_member_record_gets_a_pointer_to_admin(client):
    client.force_login(office_staff())

    response = client.get(DASHBOARD_URL)

    assert response.status_code == 403
    html = response.content.decode()
    assert "members/not_a_member.html" in [t.name for t in response.templates]
    assert 'href="/admin/"' in html


def test_logged_in_non_staff_without_member_record_is_told_to_ask_the_office(client):
    client.force_login(UserFactory())

    response = client.get(DASHBOARD_URL)

    assert response.status_code == 403
    html = response.content.decode()
    assert "members/not_a_member.html" in [t.name for t in response.templates]
    assert 'href="/"' in html
    assert 'href="/admin/"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", "/member/"), ("office", "/admin/"), ("department", "/department/")],
)
def test_login_takes_each_role_to_its_own_pages(client, who, expected):
    from members import roles as role_names
    from tests.members.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory

    if who == "member":
        username = MemberFactory().mobile
    elif who == "office":
        username = UserFactory(is_staff=True, roles=[role_names.OFFICE_STAFF]).username
    else:
        username = UserFactory(roles=[role_names.DEPARTMENT_HANDLER]).username
    response = client.post("/accounts/login/", {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == expected
