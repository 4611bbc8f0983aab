"""The members of a studio see the appointments residents asked for, call them and confirm or
decline; staff see them in the admin, scoped and masked."""

# The fixtures of booking_fixtures.py are imported by name, and test functions take them as
# arguments of the same name.
# ruff: noqa: F811

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import TimelineEntry
from core.workflow import TransitionRefused
from studios.admin_booking import AppointmentResource
from studios.models import Appointment, AppointmentPhoneView
from studios.services import booking
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)

from .booking_factories import (
    AppointmentFactory,
    BookingSlotFactory,
    BookingStudioFactory,
    BookingStudioMemberFactory,
)
from .booking_fixtures import on_duty, slot, studio  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LIST = reverse("studio_member:appointments")
CHANGELIST = reverse("admin:studios_appointment_changelist")
State = Appointment.State


def _detail(appointment) -> str:
    return reverse("studio_member:appointment", args=[appointment.pk])


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def member_client(client, on_duty):
    client.force_login(on_duty.user)
    return client


@pytest.fixture
def appointment(slot):
    return AppointmentFactory(slot=slot, name="张建国", mobile="13812345678")


@pytest.fixture
def stranger_client(client):
    """A member of another studio."""
    stranger = MemberFactory(name="李强")
    BookingStudioMemberFactory(member=stranger)
    client.force_login(stranger.user)
    return client


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_coming_requests_of_the_members_studios_phones_masked(
    member_client, studio, appointment
):
    elsewhere = AppointmentFactory(name="李四")
    past = AppointmentFactory(slot=BookingSlotFactory(studio=studio, days=-3), name="赵六")

    html = member_client.get(LIST).content.decode()

    assert "张建国" in html and "138****5678" in html
    assert "13812345678" not in html
    assert "李四" not in html and "赵六" not in html
    assert _detail(appointment) in html and _detail(elsewhere) not in html
    past_html = member_client.get(LIST, {"when": "past"}).content.decode()
    assert "赵六" in past_html and "张建国" not in past_html and _detail(past) in past_html


def test_the_list_costs_the_same_whatever_the_number_of_appointments(
    member_client, studio, on_duty, appointment
):
    with CaptureQueriesContext(connection) as few:
        assert member_client.get(LIST).status_code == 200
    second = BookingStudioFactory()
    BookingStudioMemberFactory(studio=second, member=on_duty)
    for days in range(1, 12):
        AppointmentFactory(slot=BookingSlotFactory(studio=studio, days=days))
        AppointmentFactory(slot=BookingSlotFactory(studio=second, days=days))

    with CaptureQueriesContext(connection) as many:
        response = member_client.get(LIST)

    assert len(response.context["appointments"]) == 20  # a page
    assert len(many) == len(few)


def test_a_login_without_a_member_record_is_told_where_to_go(client, appointment):
    client.force_login(UserFactory())

    assert client.get(LIST).status_code == 403
    assert client.get(_detail(appointment)).status_code == 403


# --- One appointment -----------------------------------------------------------------------------


def test_the_page_shows_the_whole_phone_to_call_and_logs_each_look(
    member_client, on_duty, appointment
):
    response = member_client.get(_detail(appointment))

    html = response.content.decode()
    assert 'href="tel:13812345678"' in html and "张建国" in html
    assert appointment.topic in html
    view = AppointmentPhoneView.objects.get()
    assert (view.appointment, view.viewer) == (appointment, on_duty.user)
    member_client.get(_detail(appointment))
    assert AppointmentPhoneView.objects.count() == 2


def test_another_studios_member_gets_404_and_changes_nothing(stranger_client, appointment):
    assert stranger_client.get(_detail(appointment)).status_code == 404
    response = stranger_client.post(_detail(appointment), {"decision": "confirm", "answer": ""})

    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.state == State.REQUESTED
    assert not AppointmentPhoneView.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_a_member_confirms_with_an_answer_the_resident_reads(
    member_client, on_duty, studio, appointment
):
    response = member_client.post(
        _detail(appointment), {"decision": "confirm", "answer": "请带上身份证，从东门进。"}
    )

    assert response.status_code == 302 and response["Location"] == _detail(appointment)
    appointment.refresh_from_db()
    assert (appointment.state, appointment.answer) == (State.CONFIRMED, "请带上身份证，从东门进。")
    step = TimelineEntry.objects.get()
    assert (step.action, step.actor, step.actor_label, step.is_public) == (
        "appointment_confirm",
        on_duty.user,
        studio.name,
        True,
    )
    check = reverse("studios:appointment")
    html = member_client.get(check, {"code": appointment.code}).content.decode()
    assert "请带上身份证，从东门进。" in html


def test_a_member_declines_and_the_place_is_free_again(member_client, slot, appointment):
    slot.capacity = 1
    slot.save()

    member_client.post(_detail(appointment), {"decision": "decline", "answer": ""})

    appointment.refresh_from_db()
    assert appointment.state == State.DECLINED
    booking.appointment_request(
        studio=slot.studio,
        slot_id=slot.pk,
        name="李阿姨",
        mobile="13900001111",
        topic="想咨询养老补贴。",
        consent=True,
    )


def test_confirming_twice_is_refused_in_words_and_changes_nothing(
    member_client, on_duty, appointment
):
    booking.appointment_confirm(appointment=appointment, actor=on_duty.user, answer="")

    response = member_client.post(_detail(appointment), {"decision": "confirm", "answer": "再次"})

    assert response.status_code == 200
    label = _zh("confirmed")
    message = _zh("This step is not possible while the item is “%(state)s”.") % {"state": label}
    assert message in response.content.decode()
    assert TimelineEntry.objects.count() == 1
    appointment.refresh_from_db()
    assert appointment.answer == ""


def test_a_too_long_answer_is_refused_and_kept(member_client, appointment):
    answer = "很" * 1001

    response = member_client.post(_detail(appointment), {"decision": "confirm", "answer": answer})

    assert response.status_code == 200
    assert "answer" in response.context["form"].errors
    assert answer in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == State.REQUESTED


def test_a_cancelled_appointment_offers_no_answer(member_client, appointment):
    booking.appointment_cancel(appointment=appointment)

    html = member_client.get(_detail(appointment)).content.decode()
    response = member_client.post(_detail(appointment), {"decision": "confirm", "answer": ""})

    assert 'id="answer-form"' not in html
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED


def test_the_service_refuses_a_member_of_another_studio(appointment):
    stranger = MemberFactory()
    BookingStudioMemberFactory(member=stranger)

    with pytest.raises(TransitionRefused):
        booking.appointment_confirm(appointment=appointment, actor=stranger.user)
    with pytest.raises(TransitionRefused):
        booking.appointment_phone_reveal(appointment=appointment, actor=stranger.user)
    assert not AppointmentPhoneView.objects.exists()


# --- Staff in the admin ---------------------------------------------------------------------------


@pytest.fixture
def office_client(client):
    client.force_login(OfficeStaffFactory())
    return client


def test_the_admin_list_masks_name_and_phone(office_client, appointment):
    response = office_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert appointment.code in html and "138****5678" in html and "张**" in html
    assert "13812345678" not in html and "张建国" not in html
    change = office_client.get(reverse("admin:studios_appointment_change", args=[appointment.pk]))
    assert "13812345678" not in change.content.decode()
    assert "138****5678" in change.content.decode()


def test_the_admin_list_costs_the_same_for_5_and_30_appointments(office_client, studio):
    AppointmentFactory.create_batch(5, slot=BookingSlotFactory(studio=studio))
    with CaptureQueriesContext(connection) as few:
        office_client.get(CHANGELIST)
    for _ in range(25):
        AppointmentFactory()
    with CaptureQueriesContext(connection) as many:
        response = office_client.get(CHANGELIST)

    assert response.content.decode().count("****") == 30
    assert len(many) == len(few)


def test_the_export_masks_the_phone_and_the_numbers_typed_in_the_topic(appointment):
    appointment.topic = '=HYPERLINK("x") 我叫张建国，电话13812345678'
    appointment.save()

    exported = AppointmentResource().export(Appointment.objects.all()).csv

    assert "138****5678" in exported
    assert "13812345678" not in exported and "张建国" not in exported
    assert "'=HYPERLINK" in exported


def test_liaison_staff_see_only_their_groups_studios_appointments(client, appointment):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    own = AppointmentFactory(slot=BookingSlotFactory(studio=BookingStudioFactory(group=group)))
    client.force_login(liaison)

    shown = set(client.get(CHANGELIST).context["cl"].result_list)
    other = client.get(reverse("admin:studios_appointment_change", args=[appointment.pk]))
    step = client.post(
        reverse("admin:studios_appointment_step", args=[appointment.pk, "confirm"]),
        {"answer": ""},
    )

    assert shown == {own}
    assert other.status_code == 302  # the admin's "does not exist" redirect, nothing shown
    assert step.status_code == 404
    appointment.refresh_from_db()
    assert appointment.state == State.REQUESTED


def test_liaison_staff_confirm_their_studios_appointment_through_the_step(client):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    own = AppointmentFactory(slot=BookingSlotFactory(studio=BookingStudioFactory(group=group)))
    client.force_login(liaison)

    response = client.post(
        reverse("admin:studios_appointment_step", args=[own.pk, "confirm"]),
        {"answer": "周二下午见。"},
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.state, own.answer) == (State.CONFIRMED, "周二下午见。")
    assert TimelineEntry.objects.get().actor == liaison
