"""Visits: the member on duty records them at /member/studio/ on a phone, staff in the admin.
Only a studio's members record and read its visits (404 otherwise); the visitor's name and
phone are masked except to staff entitled to residents' numbers, each look logged; bad input
is refused in Chinese with nothing written and what was typed kept; pages run a constant
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.workflow import TransitionRefused
from studios.admin_reception import VisitResource
from studios.models import StudioMember, Visit, VisitPhoneViewLog
from studios.services import reception
from tests.members.factories import (
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)

from .reception_factories import (
    DutySlotFactory,
    ReceptionStudioFactory,
    VisitFactory,
    studio_member,
)

HOME = reverse("studio_member:home")
NEW = reverse("studio_member:visit_new")


def detail_url(visit):
    return reverse("studio_member:visit_detail", args=[visit.pk])


@pytest.fixture
def studio(db):
    return ReceptionStudioFactory(name="医药卫生界委员工作室")


@pytest.fixture
def doctor(studio):
    return studio_member(studio, name="陈医生")


@pytest.fixture
def doctor_client(client, doctor):
    client.force_login(doctor.user)
    return client


def visit_form(**changes) -> dict:
    form = {
        "visited_on": timezone.localdate().isoformat(),
        "method": Visit.Method.OPEN,
        "visitor_name": "张建国",
        "visitor_mobile": "138 1234 5678",
        "consent": "on",
        "raised": "小区门口路灯坏了一个多月。",
        "done": "记录了位置，联系了社区。",
        "feedback": "已告知社区一周内报修。",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


# --- Recording on the phone ----------------------------------------------------------------------


def test_the_member_on_duty_records_a_visit_in_todays_slot(doctor_client, studio, doctor):
    today = timezone.localdate()
    DutySlotFactory(
        studio=studio,
        date=today,
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
        members=[doctor],
    )
    slot = studio.duty_slots.get()

    response = doctor_client.post(NEW, visit_form(solved_on_spot="on"))

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(visit)
    assert (visit.studio, visit.slot, visit.visited_on) == (studio, slot, today)
    assert (visit.visitor_name, visit.visitor_mobile) == ("张建国", "13812345678")
    assert visit.solved_on_spot and visit.recorded_by == doctor.user
    assert list(visit.members.all()) == [doctor]


def test_a_member_of_several_studios_chooses_the_studio(client, studio, doctor):
    second = ReceptionStudioFactory(name="教育界委员工作室")
    StudioMember.objects.create(studio=second, member=doctor)
    client.force_login(doctor.user)

    page = client.get(HOME).content.decode()
    client.post(NEW, visit_form(studio=second.pk))

    assert 'name="studio"' in page and "教育界委员工作室" in page
    assert Visit.objects.get().studio == second


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"method": None}, "method", "请选择接访方式"),
        ({"raised": "   "}, "raised", "请填写群众反映的问题"),
        ({"visitor_mobile": "12345"}, "visitor_mobile", "不是有效的手机号码"),
        ({"consent": None}, "consent", "同意"),
        ({"visited_on": "2999-01-01"}, "visited_on", "尚未到来"),
    ],
)
def test_bad_input_is_refused_in_chinese_nothing_written_and_what_was_typed_kept(
    doctor_client, changes, field, message
):
    response = doctor_client.post(NEW, visit_form(**changes))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert field in response.context["form"].errors
    assert not Visit.objects.exists()
    assert "记录了位置，联系了社区。" in html  # what was typed is still there


def test_only_a_studios_members_record_its_visits(client, studio, doctor):
    other = ReceptionStudioFactory(name="别的委员工作室")
    outsider = studio_member(other, name="外室委员")
    client.force_login(outsider.user)

    response = client.post(NEW, visit_form(studio=studio.pk))

    assert response.status_code == 200
    assert not Visit.objects.filter(studio=studio).exists()
    with pytest.raises(TransitionRefused):
        reception.visit_record(
            actor=outsider.user, studio=studio, method=Visit.Method.OPEN, raised="问题"
        )
    assert not Visit.objects.exists()


def test_another_studios_visit_answers_404(client, studio, doctor):
    visit = VisitFactory(studio=studio)
    other = ReceptionStudioFactory()
    client.force_login(studio_member(other).user)

    assert client.get(detail_url(visit)).status_code == 404

    client.force_login(doctor.user)
    assert client.get(detail_url(visit)).status_code == 200


def test_a_login_without_a_member_record_is_turned_away(client, db):
    client.force_login(UserFactory())

    assert client.get(HOME).status_code == 403
    assert client.post(NEW, visit_form()).status_code == 403
    assert not Visit.objects.exists()


def test_a_member_of_no_studio_is_told_so_and_cannot_record(client, db):
    client.force_login(MemberFactory().user)

    page = client.get(HOME)

    assert page.status_code == 200
    assert "委员工作室" in page.content.decode()
    assert client.post(NEW, visit_form()).status_code == 404


# --- The studio home -----------------------------------------------------------------------------


def test_the_home_shows_coming_duty_and_recent_visits_with_visitors_masked(
    doctor_client, studio, doctor
):
    colleague = studio_member(studio, name="林护士")
    DutySlotFactory(studio=studio, members=[doctor, colleague])
    VisitFactory(studio=studio)

    html = doctor_client.get(HOME).content.decode()

    assert "14:30–17:30" in html and "林护士" in html
    assert "张**" in html and "138****5678" in html
    assert "张建国" not in html and "13812345678" not in html
    assert 'id="visit-form"' in html


def test_the_home_runs_as_many_queries_with_many_slots_and_visits(doctor_client, studio, doctor):
    DutySlotFactory(studio=studio, members=[doctor])
    VisitFactory(studio=studio)
    with CaptureQueriesContext(connection) as few:
        assert doctor_client.get(HOME).status_code == 200
    start = timezone.localdate() + datetime.timedelta(days=8)
    for n in range(15):
        DutySlotFactory(
            studio=studio,
            date=start + datetime.timedelta(days=n),
            members=[doctor, studio_member(studio)],
        )
        VisitFactory(studio=studio, visited_on=timezone.localdate() - datetime.timedelta(days=n))

    with CaptureQueriesContext(connection) as many:
        assert doctor_client.get(HOME).status_code == 200

    assert len(many) == len(few)


def test_the_visit_page_runs_as_many_queries_whoever_received(doctor_client, studio, doctor):
    one = VisitFactory(studio=studio)
    one.members.set([doctor])
    with CaptureQueriesContext(connection) as few:
        doctor_client.get(detail_url(one))
    several = VisitFactory(studio=studio)
    several.members.set([doctor, *(studio_member(studio) for _ in range(5))])

    with CaptureQueriesContext(connection) as many:
        html = doctor_client.get(detail_url(several)).content.decode()

    assert len(many) == len(few)
    assert "张**" in html and "13812345678" not in html


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def test_staff_record_a_visit_in_the_admin(office_client, studio, doctor):
    response = office_client.post(
        reverse("admin:studios_visit_add"),
        {**visit_form(), "studio": studio.pk, "members": [doctor.pk]},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    assert visit.visitor_mobile == "13812345678"
    assert list(visit.members.all()) == [doctor]


def test_the_admin_refuses_a_visit_without_method_or_content(office_client, studio):
    response = office_client.post(
        reverse("admin:studios_visit_add"),
        {**visit_form(method=None, raised=""), "studio": studio.pk},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择接访方式" in html and "请填写群众反映的问题" in html
    assert "已告知社区一周内报修。" in html
    assert not Visit.objects.exists()


def test_staff_correct_a_visit_in_the_admin(office_client, studio):
    visit = VisitFactory(studio=studio)

    response = office_client.post(
        reverse("admin:studios_visit_change", args=[visit.pk]),
        {
            "visited_on": visit.visited_on.isoformat(),
            "method": Visit.Method.FIELD,
            "raised": visit.raised,
            "done": "已到现场查看。",
            "feedback": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    visit.refresh_from_db()
    assert (visit.method, visit.done) == (Visit.Method.FIELD, "已到现场查看。")
    assert visit.visitor_mobile == "13812345678"  # not changed there


def test_the_list_and_the_export_mask_the_visitor(office_client, studio):
    VisitFactory(studio=studio, raised='=HYPERLINK("http://evil")')

    html = office_client.get(reverse("admin:studios_visit_changelist")).content.decode()
    exported = VisitResource().export(Visit.objects.all()).csv

    assert "138****5678" in html and "张**" in html
    assert "13812345678" not in html and "张建国" not in html
    assert "138****5678" in exported
    assert "13812345678" not in exported and "张建国" not in exported
    assert "'=HYPERLINK" in exported
    assert office_client.get(reverse("admin:studios_visit_export")).status_code == 200


def test_the_visit_list_runs_as_many_queries_for_5_or_40_visits(office_client, studio):
    for _ in range(5):
        VisitFactory(studio=studio)
    with CaptureQueriesContext(connection) as few:
        assert office_client.get(reverse("admin:studios_visit_changelist")).status_code == 200
    for _ in range(35):
        VisitFactory(studio=ReceptionStudioFactory())

    with CaptureQueriesContext(connection) as many:
        response = office_client.get(reverse("admin:studios_visit_changelist"))

    assert response.content.decode().count("138****5678") == 40
    assert len(many) == len(few)


def test_entitled_staff_see_the_whole_number_on_request_and_it_is_logged(
    office_client, office, studio
):
    visit = VisitFactory(studio=studio)
    page = office_client.get(reverse("admin:studios_visit_change", args=[visit.pk]))
    assert "13812345678" not in page.content.decode()
    assert "138****5678" in page.content.decode()

    response = office_client.post(reverse("admin:studios_visit_phone", args=[visit.pk]))

    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert VisitPhoneViewLog.objects.filter(visit=visit, viewer=office).count() == 1


def test_liaison_staff_without_the_permission_never_see_the_whole_number(client, studio):
    liaison = LiaisonStaffFactory()
    studio.group.liaison_staff.add(liaison)
    visit = VisitFactory(studio=studio)
    client.force_login(liaison)

    page = client.get(reverse("admin:studios_visit_change", args=[visit.pk]))
    reveal = client.post(reverse("admin:studios_visit_phone", args=[visit.pk]))

    assert page.status_code == 200
    assert "13812345678" not in page.content.decode()
    assert reveal.status_code == 403
    assert not VisitPhoneViewLog.objects.exists()


def test_liaison_staff_see_only_their_studios_visits(client, studio):
    liaison = LiaisonStaffFactory()
    studio.group.liaison_staff.add(liaison)
    own = VisitFactory(studio=studio)
    other = VisitFactory(studio=ReceptionStudioFactory(name="他组委员工作室"))
    client.force_login(liaison)

    listed = client.get(reverse("admin:studios_visit_changelist"))

    assert list(listed.context["cl"].result_list) == [own]
    assert client.get(reverse("admin:studios_visit_change", args=[other.pk])).status_code == 302
    assert client.post(reverse("admin:studios_visit_phone", args=[other.pk])).status_code == 404
