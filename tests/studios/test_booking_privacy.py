"""Residents' names and phones on appointments are erased after the retention period of
resident issues, by a nightly task that is safe to run twice at once."""

# The fixtures of booking_fixtures.py are imported by name, and test functions take them as
# arguments of the same name.
# ruff: noqa: F811

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_celery_beat.models import PeriodicTask

from config.celery import app
from core.models import TimelineEntry
from studios.booking_tasks import erase_expired_appointment_personal_data
from studios.models import Appointment, AppointmentPhoneView
from studios.services import booking
from tests.opinions.test_concurrency import run_together

from .booking_factories import AppointmentFactory, BookingSlotFactory, BookingStudioFactory
from .booking_fixtures import on_duty, slot, studio  # noqa: F401 - fixtures

TASK = "studios.booking_tasks.erase_expired_appointment_personal_data"


def _slot_days_ago(days: int, **kwargs):
    return BookingSlotFactory(days=-days, **kwargs)


def test_the_erasure_is_scheduled_nightly_in_beat(db):
    task = PeriodicTask.objects.get(task=TASK)

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "40")
    assert task.task in app.tasks


def test_names_and_phones_are_erased_after_the_retention_period_and_the_rest_kept(db, settings):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    expired = AppointmentFactory(
        slot=_slot_days_ago(31),
        name="张建国",
        mobile="13812345678",
        topic="我叫张建国，电话138 1234 5678，想反映路灯问题。",
        state=Appointment.State.DONE,
    )
    kept = AppointmentFactory(slot=_slot_days_ago(29), name="李秀兰", mobile="13900001111")
    TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Appointment),
        object_id=expired.pk,
        action="appointment_confirm",
        note="张建国请带身份证，有事打13812345678。",
        is_public=True,
    )

    assert erase_expired_appointment_personal_data() == 1

    expired.refresh_from_db()
    kept.refresh_from_db()
    assert (expired.name, expired.mobile) == ("", "")
    assert expired.personal_data_erased_at is not None
    assert expired.topic == "我叫***，电话*** **** ****，想反映路灯问题。"
    assert (expired.state, expired.studio, expired.code) == (
        Appointment.State.DONE,
        expired.slot.studio,
        expired.code,
    )
    note = TimelineEntry.objects.get(object_id=expired.pk).note
    assert "张建国" not in note and "13812345678" not in note
    assert (kept.name, kept.mobile) == ("李秀兰", "13900001111")
    # A second run finds nothing left.
    assert erase_expired_appointment_personal_data() == 0


def test_after_erasure_the_member_page_shows_no_phone_and_logs_no_look(
    client, settings, studio, on_duty
):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    appointment = AppointmentFactory(slot=_slot_days_ago(40, studio=studio))
    booking.personal_data_erase_expired()
    client.force_login(on_duty.user)

    html = client.get(reverse("studio_member:appointment", args=[appointment.pk])).content
    html = html.decode()

    assert 'href="tel:' not in html
    with translation.override("zh-hans"):
        assert gettext("(phone erased)") in html
    assert not AppointmentPhoneView.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_erasing_runs_at_once_erase_each_appointment_exactly_once(settings):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    now = timezone.now()
    studio = BookingStudioFactory()
    slot = BookingSlotFactory(studio=studio, days=-40)
    appointments = [
        AppointmentFactory(slot=slot, name=f"居民{n:02d}", mobile=f"138000000{n:02d}")
        for n in range(40)
    ]

    counts = run_together(
        lambda: booking.personal_data_erase_expired(now=now, batch_size=5),
        lambda: booking.personal_data_erase_expired(now=now, batch_size=5),
    )

    assert all(isinstance(count, int) for count in counts), counts
    assert sum(counts) == len(appointments)
    assert not Appointment.objects.exclude(mobile="").exists()
    erased_at = set(Appointment.objects.values_list("personal_data_erased_at", flat=True))
    assert erased_at == {now}


def test_a_slot_within_the_retention_period_keeps_its_data_whatever_the_state(db, settings):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 30
    recent = _slot_days_ago(10)
    for state in Appointment.State.values:
        AppointmentFactory(slot=recent, state=state)

    assert booking.personal_data_erase_expired(now=timezone.now()) == 0
    assert not Appointment.objects.filter(mobile="").exists()
