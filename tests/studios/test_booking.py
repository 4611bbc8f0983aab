"""A resident asks a studio for an appointment on its public page, gets a code, checks and
cancels the appointment with it; the members on duty are told."""

# The fixtures of booking_fixtures.py are imported by name, and test functions take them as
# arguments of the same name.
# ruff: noqa: F811

import datetime
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import Notification, TimelineEntry
from residents.models import ResidentIssue
from studios import booking_selectors
from studios.models import Appointment, Studio
from studios.services import booking
from tests.members.factories import MemberFactory
from tests.opinions.test_concurrency import run_together, slowed
from tests.residents.factories import StreetFactory
from tests.residents.test_concurrency import _NoRedirect, server  # noqa: F401 - a fixture

from .booking_factories import (
    AppointmentFactory,
    BookingSlotFactory,
    BookingStudioFactory,
    BookingStudioMemberFactory,
)
from .booking_fixtures import (  # noqa: F401 - fixtures
    CAPTCHA_PASSED,
    _captcha_test_mode,
    _no_rate_limits,
    on_duty,
    slot,
    studio,
)

CHECK = reverse("studios:appointment")
DONE = reverse("studios:appointment_done")
CANCEL = reverse("studios:appointment_cancel")
TOPIC = "小区门口的路灯坏了一个多月，想当面反映。"


def _book(studio) -> str:
    return reverse("studios:book", args=[studio.pk])


def _data(chosen, /, **overrides) -> dict:
    return {
        "slot": chosen.pk,
        "name": "张建国",
        "mobile": "138 1234 5678",
        "topic": TOPIC,
        "consent": "on",
        **CAPTCHA_PASSED,
        **overrides,
    }


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def _assert_nothing_written():
    assert Appointment.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert Notification.objects.count() == 0


def _request(slot, **overrides) -> Appointment:
    arguments = {
        "studio": slot.studio,
        "slot_id": slot.pk,
        "name": "张建国",
        "mobile": "13812345678",
        "topic": TOPIC,
        "consent": True,
        **overrides,
    }
    return booking.appointment_request(**arguments)


# --- The form ------------------------------------------------------------------------------------


def test_the_form_offers_coming_slots_with_a_free_place_and_the_anti_robot_check(
    client, studio, slot, on_duty
):
    now = timezone.localtime()
    past = BookingSlotFactory(studio=studio, days=-1)
    begun = BookingSlotFactory(
        studio=studio,
        date=now.date(),
        starts_at=(now - datetime.timedelta(minutes=1)).time(),
        ends_at=datetime.time(23, 59, 59),
    )
    full = BookingSlotFactory(studio=studio, days=3, capacity=1)
    AppointmentFactory(slot=full)
    freed = BookingSlotFactory(studio=studio, days=4, capacity=1)
    AppointmentFactory(slot=freed, state=Appointment.State.CANCELLED)
    AppointmentFactory(slot=freed, state=Appointment.State.DECLINED)
    elsewhere = BookingSlotFactory(days=5)

    response = client.get(_book(studio))

    assert response.status_code == 200
    html = response.content.decode()
    offered = {int(value) for value in re.findall(r'name="slot" value="(\d+)"', html)}
    assert offered == {slot.pk, freed.pk}
    assert not {past.pk, begun.pk, full.pk, elsewhere.pk} & offered
    assert "<altcha-widget" in html and reverse("residents:antirobot_challenge") in html
    assert on_duty.name in html and studio.address in html
    assert 'id="privacy-notice"' in html


def test_the_form_page_costs_the_same_with_many_slots(client, studio, slot):
    with CaptureQueriesContext(connection) as few:
        client.get(_book(studio))
    for days in range(8, 30):
        BookingSlotFactory(studio=studio, days=days, members=[MemberFactory(), MemberFactory()])
        AppointmentFactory(slot=slot)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_book(studio))

    assert response.content.decode().count('name="slot"') == booking_selectors.SLOTS_OFFERED
    assert len(many) == len(few)


@pytest.mark.parametrize("state", [Studio.State.PREPARING, Studio.State.EXITED])
def test_a_studio_that_is_not_public_has_no_appointment_page(client, db, state):
    studio = BookingStudioFactory(state=state)
    slot = BookingSlotFactory(studio=studio)

    assert client.get(_book(studio)).status_code == 404
    assert client.post(_book(studio), _data(slot)).status_code == 404
    _assert_nothing_written()


def test_a_suspended_studio_says_it_takes_no_appointments_and_writes_nothing(client, db):
    studio = BookingStudioFactory(state=Studio.State.SUSPENDED)
    slot = BookingSlotFactory(studio=studio)

    page = client.get(_book(studio))
    sent = client.post(_book(studio), _data(slot))

    assert page.status_code == 200
    assert 'name="slot"' not in page.content.decode()
    message = _zh(
        "This studio has paused its reception for the time being and takes no appointments. "
        "Nothing was sent."
    )
    assert message in page.content.decode() and message in sent.content.decode()
    assert sent.status_code == 409
    _assert_nothing_written()


def test_a_studio_without_free_slots_says_so_and_shows_no_form(client, studio):
    full = BookingSlotFactory(studio=studio, capacity=1)
    AppointmentFactory(slot=full)

    html = client.get(_book(studio)).content.decode()

    assert 'id="no-slots"' in html and 'id="appointment-form"' not in html


# --- Asking --------------------------------------------------------------------------------------


def test_a_request_is_stored_with_a_code_and_the_members_on_duty_are_told(
    client, studio, slot, on_duty
):
    other_member = MemberFactory()
    BookingStudioMemberFactory(studio=studio, member=other_member)  # not on duty in this slot

    response = client.post(_book(studio), _data(slot))

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{DONE}?code={appointment.code}"
    assert (appointment.studio, appointment.slot, appointment.state) == (
        studio,
        slot,
        Appointment.State.REQUESTED,
    )
    assert (appointment.name, appointment.mobile, appointment.topic) == (
        "张建国",
        "13812345678",
        TOPIC,
    )
    assert appointment.consent_at is not None
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", appointment.code)
    step = TimelineEntry.objects.get()
    assert (step.action, step.to_state, step.is_public) == (
        "appointment_request",
        "requested",
        True,
    )
    note = Notification.objects.get()
    assert note.recipient == on_duty.user
    assert note.url == reverse("studio_member:appointment", args=[appointment.pk])
    assert studio.name in note.title
    # Emails leave the portal: no name, phone or topic in what is sent.
    for text in (note.title, note.body):
        assert "张建国" not in text and "5678" not in text and "路灯" not in text


def test_nobody_on_duty_every_member_of_the_studio_is_told(studio):
    members = [MemberFactory(), MemberFactory()]
    for member in members:
        BookingStudioMemberFactory(studio=studio, member=member)
    slot = BookingSlotFactory(studio=studio)

    _request(slot)

    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        member.user_id for member in members
    }


def test_the_request_and_the_notification_are_one_transaction(monkeypatch, slot):
    def broken(**kwargs):
        raise RuntimeError("mail outbox down")

    monkeypatch.setattr(booking, "notify_in_site_language", broken)

    with pytest.raises(RuntimeError):
        _request(slot)
    _assert_nothing_written()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"mobile": ""}, "mobile", "This field is required."),
        (
            {"mobile": "1234"},
            "mobile",
            "“%(value)s” is not a valid mobile phone number (11 digits starting with 1).",
        ),
        ({"name": "  "}, "name", "This field is required."),
        ({"topic": ""}, "topic", "This field is required."),
        (
            {"consent": ""},
            "consent",
            "Please agree to the privacy notice: the studio's members need your name and phone "
            "to arrange the visit.",
        ),
        ({"slot": ""}, "slot", "Please choose a time."),
        ({"altcha": ""}, "antirobot", None),
    ],
)
def test_bad_input_is_refused_in_chinese_keeping_what_was_typed(
    client, studio, slot, overrides, field, message
):
    response = client.post(_book(studio), _data(slot, **overrides))

    assert response.status_code == 200
    _assert_nothing_written()
    form = response.context["form"]
    assert field in form.errors
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    if message is not None:
        expected = _zh(message)
        if "%(value)s" in expected:
            expected = expected % {"value": overrides["mobile"]}
        assert expected in form.errors[field]
    assert _zh("Please correct the marked fields. What you typed is kept.") in html
    for name in ("name", "topic"):
        if name not in overrides:
            assert _data(slot)[name] in html


def test_a_slot_of_another_studio_is_refused(client, studio, slot):
    elsewhere = BookingSlotFactory()

    response = client.post(_book(studio), _data(slot, slot=elsewhere.pk))

    assert "slot" in response.context["form"].errors
    _assert_nothing_written()


def test_the_last_place_taken_meanwhile_is_refused_and_the_other_times_offered(
    client, studio, slot
):
    last = BookingSlotFactory(studio=studio, days=2, capacity=1)
    page = client.get(_book(studio))
    assert f'value="{last.pk}"' in page.content.decode()
    # Somebody else is quicker between the form page and the sending.
    _request(last, mobile="13900001111")

    response = client.post(_book(studio), _data(last))

    assert Appointment.objects.filter(slot=last).count() == 1
    errors = response.context["form"].errors["slot"]
    assert errors  # the time can no longer be chosen
    html = response.content.decode()
    assert f'value="{last.pk}"' not in html and f'value="{slot.pk}"' in html
    assert TOPIC in html


def test_the_service_refuses_a_full_slot_a_begun_slot_and_a_closed_studio(studio, slot):
    full = BookingSlotFactory(studio=studio, capacity=1)
    AppointmentFactory(slot=full, state=Appointment.State.CONFIRMED)
    begun = BookingSlotFactory(studio=studio, days=0, starts_at=datetime.time(0, 0))

    for refused in (full, begun):
        with pytest.raises(ValidationError) as error:
            _request(refused)
        assert "slot" in error.value.error_dict
    Studio.objects.filter(pk=studio.pk).update(state=Studio.State.SUSPENDED)
    with pytest.raises(ValidationError):
        _request(slot)
    assert Appointment.objects.count() == 1  # the factory's


def test_a_code_already_taken_is_drawn_again(monkeypatch, slot):
    taken = AppointmentFactory(slot=slot).code
    codes = iter([taken, "ABCDEFGH"])
    monkeypatch.setattr(booking, "new_appointment_code", lambda: next(codes))

    appointment = _request(slot)

    assert appointment.code == "ABCDEFGH"
    assert Appointment.objects.count() == 2


# --- Limits and the anti-robot check -------------------------------------------------------------


def test_requests_over_the_rate_get_429_and_write_nothing(client, studio, slot, settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = "2/m"
    # A refused form does not count.
    assert client.post(_book(studio), _data(slot, mobile="")).status_code == 200
    for mobile in ("13800000001", "13800000002"):
        assert client.post(_book(studio), _data(slot, mobile=mobile)).status_code == 302

    response = client.post(_book(studio), _data(slot, mobile="13800000003"))

    assert response.status_code == 429
    assert Appointment.objects.count() == 2
    html = response.content.decode()
    assert _zh("Too many requests came from your network in a short time.") in html
    assert TOPIC in html  # what was written, to copy and send later
    assert int(response["Retry-After"]) > 0
    # The issue form keeps its own allowance.
    assert client.post(_book(studio), _data(slot), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_no_javascript_word_counts_against_the_same_limit_as_the_issue_form(
    client, studio, slot, settings
):
    """The word guards itself: once an address has used its allowance of answers by word on
    either form, the other refuses them too."""
    settings.RESIDENT_ISSUE_NOSCRIPT_RATE = "1/d"
    word = {"altcha": "", "antirobot_word": "政协"}
    assert client.post(_book(studio), _data(slot, **word)).status_code == 302

    again = client.post(_book(studio), _data(slot, mobile="13800000009", **word))
    issue = client.post(
        reverse("residents:new"),
        {
            "category": ResidentIssue.Category.OTHER,
            "street": StreetFactory().pk,
            "place": "和平里3号楼东门",
            "description": "路灯坏了。",
            **word,
        },
    )

    assert (again.status_code, issue.status_code) == (429, 429)
    assert Appointment.objects.count() == 1
    assert not ResidentIssue.objects.exists()


def test_the_real_check_refuses_a_robots_guess(client, studio, slot, settings):
    settings.CAPTCHA_TEST_MODE = False

    response = client.post(_book(studio), _data(slot, altcha="eyJ9"))

    assert "antirobot" in response.context["form"].errors
    _assert_nothing_written()


# --- The code -------------------------------------------------------------------------------------


def test_the_done_page_gives_the_code_the_time_and_what_happens_next(client, studio, slot):
    client.post(_book(studio), _data(slot))
    appointment = Appointment.objects.get()

    response = client.get(DONE, {"code": appointment.code})

    html = response.content.decode()
    assert response.status_code == 200
    assert appointment.code in html and studio.name in html
    assert _zh("What happens next") in html
    assert "no-store" in response["Cache-Control"]
    # Never the name or the whole phone back.
    assert "张建国" not in html and "13812345678" not in html
    assert "138****5678" in html and "张**" in html


def test_the_done_page_without_a_known_code_goes_to_the_check_page(client, db):
    response = client.get(DONE, {"code": "ABCDEFGH"})

    assert response.status_code == 302 and response["Location"] == CHECK


def test_the_check_page_shows_state_slot_and_studio_but_not_name_or_phone(client, slot):
    appointment = AppointmentFactory(slot=slot, name="张建国", mobile="13812345678")
    booking.appointment_confirm(
        appointment=appointment, actor=slot.members.get().user, answer="请带上身份证。"
    )

    response = client.get(CHECK, {"code": appointment.code.lower()})

    html = response.content.decode()
    assert response.status_code == 200
    assert _zh("confirmed") in html and "请带上身份证。" in html
    assert slot.studio.name in html and slot.studio.address in html
    assert "张建国" not in html and "13812345678" not in html and "王秀英" not in html
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_code_is_not_found_in_as_many_queries_as_a_known_one(client, slot):
    appointment = AppointmentFactory(slot=slot)
    with CaptureQueriesContext(connection) as known:
        assert client.get(CHECK, {"code": appointment.code}).status_code == 200
    with CaptureQueriesContext(connection) as unknown:
        response = client.get(CHECK, {"code": "ABCDEFGH"})

    assert response.status_code == 404
    assert _zh("No appointment was found with this code. Please check the code and try again.") in (
        response.content.decode()
    )
    assert len(unknown) == len(known)


def test_code_lookups_over_the_rate_get_429(client, slot, settings):
    settings.RESIDENT_ISSUE_TRACK_RATE = "3/m"
    appointment = AppointmentFactory(slot=slot)
    for code in ("AAAAAAAA", "BBBBBBBB", appointment.code):
        assert client.get(CHECK, {"code": code}).status_code in (200, 404)

    assert client.get(CHECK, {"code": appointment.code}).status_code == 429
    assert client.post(CANCEL, {"code": appointment.code}).status_code == 429
    assert client.get(CHECK).status_code == 200  # the empty form is not a lookup
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.REQUESTED


def test_the_resident_cancels_with_the_code_and_the_members_are_told(client, slot, on_duty):
    appointment = _request(slot)
    Notification.objects.all().delete()

    response = client.post(CANCEL, {"code": appointment.code}, follow=True)

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    step = TimelineEntry.objects.filter(action="appointment_cancel").get()
    assert step.is_public and step.actor is None
    assert Notification.objects.get().recipient == on_duty.user
    html = response.content.decode()
    assert _zh("Your appointment was cancelled. The studio has been told.") in html
    assert 'id="cancel-form"' not in html
    # The place is free again.
    assert slot in booking_selectors.bookable_slots(slot.studio)


def test_a_declined_appointment_cannot_be_cancelled(client, slot, on_duty):
    appointment = AppointmentFactory(slot=slot, state=Appointment.State.DECLINED)

    response = client.post(CANCEL, {"code": appointment.code}, follow=True)

    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.DECLINED
    assert not TimelineEntry.objects.exists()
    label = _zh("declined")
    assert (
        _zh("This step is not possible while the item is “%(state)s”.") % {"state": label}
        in response.content.decode()
    )


def test_cancelling_an_unknown_code_changes_nothing(client, slot):
    appointment = AppointmentFactory(slot=slot)

    response = client.post(CANCEL, {"code": "ABCDEFGH"})

    assert response.status_code == 302 and response["Location"] == CHECK
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.REQUESTED


# --- Two residents, one last place ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_residents_asking_for_the_last_place_at_once_only_one_has_it(monkeypatch):
    studio = BookingStudioFactory()
    last = BookingSlotFactory(studio=studio, capacity=2)
    AppointmentFactory(slot=last)
    # The places are counted once the slot is locked; slowing the count keeps the first lock
    # held while the second resident asks: without the lock both would count one place taken.
    slowed(monkeypatch, booking_selectors, "places_taken")

    outcomes = run_together(
        lambda: _request(last, mobile="13800000001"),
        lambda: _request(last, mobile="13800000002"),
    )

    stored = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(stored), len(refused)) == (1, 1), outcomes
    assert "slot" in refused[0].error_dict
    assert Appointment.objects.filter(slot=last).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_real_server_residents_racing_for_the_last_place_get_it_once(server):
    studio = BookingStudioFactory()
    last = BookingSlotFactory(studio=studio, capacity=1)
    contenders = 6
    url = f"{server}{_book(studio)}"
    # Only http://127.0.0.1 URLs are opened here (S310).
    page = urllib.request.urlopen(url, timeout=30)  # noqa: S310
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    opener = urllib.request.build_opener(_NoRedirect)
    start = threading.Barrier(contenders, timeout=60)
    statuses: dict[int, int] = {}

    def ask(n: int) -> None:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                **_data(last, mobile=f"1380000{n:04d}", name=f"居民{n}"),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            method="POST",
        )
        start.wait()
        try:
            statuses[n] = opener.open(request, timeout=120).status
        except urllib.error.HTTPError as answer:
            statuses[n] = answer.code

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert sorted(statuses.values()) == [200] * (contenders - 1) + [302]
    assert Appointment.objects.filter(slot=last).count() == 1
