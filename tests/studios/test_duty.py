"""The duty schedule of a studio: rules expanded into dated slots on reception days, single
slots, and what is refused with nothing written (a slot in the past, one that ends before it
starts, members not of the studio, a member on duty in two overlapping slots of any studio),
in the services and in the admin, for office staff and for the liaison staff of the studio."""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import workdays
from core.models import WorkdayException
from core.workflow import TransitionRefused
from studios.models import DutyRule, DutySlot, StudioMember
from studios.services import reception
from tests.members.factories import LiaisonStaffFactory, MemberFactory, OfficeStaffFactory

from .reception_factories import (
    AFTERNOON,
    DutyRuleFactory,
    DutySlotFactory,
    ReceptionStudioFactory,
    studio_member,
)

FROM, UNTIL = AFTERNOON


def next_weekday(weekday: int, *, after: datetime.date | None = None) -> datetime.date:
    """The first `weekday` (0 = Monday) strictly after `after` (today by default)."""
    day = (after or timezone.localdate()) + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def studio(db):
    return ReceptionStudioFactory(name="法律界委员工作室")


@pytest.fixture
def lawyer(studio):
    return studio_member(studio, name="王律师")


def slot_args(studio, members, *, date=None, starts_at=FROM, ends_at=UNTIL):
    return {
        "studio": studio,
        "date": date or timezone.localdate() + datetime.timedelta(days=3),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "members": members,
    }


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Expanding a rule ------------------------------------------------------------------------


def test_a_rule_becomes_a_slot_on_each_of_its_weekdays_less_public_holidays(office, studio, lawyer):
    first = next_weekday(1)  # a Tuesday
    holiday = first + datetime.timedelta(weeks=2)
    # A year the calendar package does not know yet: the office keeps its holidays.
    WorkdayException.objects.create(date=holiday, is_working_day=False, note="调休放假")
    workdays.forget()
    rule = DutyRuleFactory(
        studio=studio,
        first_day=first - datetime.timedelta(days=1),
        last_day=first + datetime.timedelta(weeks=4),
        members=[lawyer],
    )

    slots = reception.duty_rule_expand(rule=rule, actor=office)

    expected = [first + datetime.timedelta(weeks=n) for n in (0, 1, 3, 4)]
    assert [slot.date for slot in slots] == expected
    stored = DutySlot.objects.filter(rule=rule).order_by("date")
    assert [slot.date for slot in stored] == expected
    for slot in stored:
        assert (slot.studio, slot.starts_at, slot.ends_at) == (studio, FROM, UNTIL)
        assert list(slot.members.all()) == [lawyer]


def test_expanding_a_rule_twice_makes_no_slot_twice(office, studio, lawyer):
    rule = DutyRuleFactory(studio=studio, members=[lawyer])
    made = reception.duty_rule_expand(rule=rule, actor=office)

    again = reception.duty_rule_expand(rule=rule, actor=office)

    assert len(made) == 8 and again == []
    assert DutySlot.objects.filter(rule=rule).count() == 8


def test_extending_a_rule_and_expanding_again_adds_only_the_new_days(office, studio, lawyer):
    rule = DutyRuleFactory(studio=studio, members=[lawyer])
    reception.duty_rule_expand(rule=rule, actor=office)
    reception.duty_rule_save(
        actor=office,
        rule=rule,
        weekday=rule.weekday,
        starts_at=rule.starts_at,
        ends_at=rule.ends_at,
        first_day=rule.first_day,
        last_day=rule.last_day + datetime.timedelta(weeks=2),
        members=[lawyer],
    )

    added = reception.duty_rule_expand(rule=rule, actor=office)

    assert len(added) == 2
    assert DutySlot.objects.filter(rule=rule).count() == 10


def test_days_of_a_rule_already_past_get_no_slot(office, studio, lawyer):
    today = timezone.localdate()
    rule = DutyRuleFactory(
        studio=studio,
        weekday=today.weekday(),
        first_day=today - datetime.timedelta(weeks=3),
        last_day=today + datetime.timedelta(weeks=2, days=1),
        # Today's slot is over (it ended at 00:01).
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(0, 1),
        members=[lawyer],
    )

    slots = reception.duty_rule_expand(rule=rule, actor=office)

    assert [slot.date for slot in slots] == [
        today + datetime.timedelta(weeks=1),
        today + datetime.timedelta(weeks=2),
    ]


def test_expansion_clashing_with_another_studios_slot_is_refused_whole(office, studio, lawyer):
    other = ReceptionStudioFactory(name="商会委员工作室")
    StudioMember.objects.create(studio=other, member=lawyer)  # a member of two studios
    first = next_weekday(1)
    DutySlotFactory(
        studio=other,
        date=first + datetime.timedelta(weeks=1),
        starts_at=datetime.time(16, 0),
        ends_at=datetime.time(18, 0),
        members=[lawyer],
    )
    rule = DutyRuleFactory(studio=studio, first_day=first, members=[lawyer])

    with pytest.raises(ValidationError) as refused:
        reception.duty_rule_expand(rule=rule, actor=office)

    text = message_of(refused.value)
    assert "王律师" in text and "商会委员工作室" in text
    assert not DutySlot.objects.filter(rule=rule).exists()


# --- Single slots ------------------------------------------------------------------------------


def test_staff_add_a_single_slot_with_members_on_duty(office, studio, lawyer):
    slot = reception.duty_slot_create(actor=office, **slot_args(studio, [lawyer]))

    assert slot.rule is None
    assert list(slot.members.all()) == [lawyer]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": datetime.date(2020, 3, 3)}, "date"),
        ({"starts_at": datetime.time(17, 0), "ends_at": datetime.time(9, 0)}, "ends_at"),
        ({"starts_at": datetime.time(9, 0), "ends_at": datetime.time(9, 0)}, "ends_at"),
        ({"members": []}, "members"),
    ],
)
def test_a_slot_in_the_past_ending_before_it_starts_or_without_members_is_refused(
    office, studio, lawyer, change, field
):
    with pytest.raises(ValidationError) as refused:
        reception.duty_slot_create(actor=office, **{**slot_args(studio, [lawyer]), **change})

    assert field in refused.value.error_dict
    assert not DutySlot.objects.exists()


def test_a_slot_earlier_today_is_in_the_past(office, studio, lawyer):
    now = timezone.localtime()
    if now.time() < datetime.time(0, 2):
        pytest.skip("needs a minute of today behind it")
    with pytest.raises(ValidationError, match="过去"):
        reception.duty_slot_create(
            actor=office,
            **slot_args(
                studio,
                [lawyer],
                date=now.date(),
                starts_at=datetime.time(0, 0),
                ends_at=datetime.time(0, 1),
            ),
        )


def test_members_on_duty_must_be_members_of_the_studio(office, studio, lawyer):
    stranger = MemberFactory(name="赵外人")

    with pytest.raises(ValidationError) as refused:
        reception.duty_slot_create(actor=office, **slot_args(studio, [lawyer, stranger]))

    assert "赵外人" in message_of(refused.value)
    assert "王律师" not in message_of(refused.value)
    assert not DutySlot.objects.exists()


def test_a_member_on_duty_in_two_overlapping_slots_of_any_studio_is_refused(office, studio, lawyer):
    other = ReceptionStudioFactory(name="煤炭行业委员工作室")
    StudioMember.objects.create(studio=other, member=lawyer)
    day = timezone.localdate() + datetime.timedelta(days=4)
    reception.duty_slot_create(actor=office, **slot_args(other, [lawyer], date=day))

    with pytest.raises(ValidationError) as refused:
        reception.duty_slot_create(
            actor=office,
            **slot_args(
                studio,
                [lawyer],
                date=day,
                starts_at=datetime.time(17, 0),
                ends_at=datetime.time(19, 0),
            ),
        )

    text = message_of(refused.value)
    assert "王律师" in text and "煤炭行业委员工作室" in text and "重叠" in text
    assert DutySlot.objects.filter(studio=studio).count() == 0
    # Back to back is no overlap.
    reception.duty_slot_create(
        actor=office,
        **slot_args(studio, [lawyer], date=day, starts_at=UNTIL, ends_at=datetime.time(19, 0)),
    )


def test_moving_a_slot_onto_another_of_the_same_member_is_refused(office, studio, lawyer):
    day = timezone.localdate() + datetime.timedelta(days=5)
    DutySlotFactory(studio=studio, date=day, members=[lawyer])
    later = DutySlotFactory(
        studio=studio,
        date=day,
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(20, 0),
        members=[lawyer],
    )

    with pytest.raises(ValidationError):
        reception.duty_slot_update(
            slot=later,
            actor=office,
            date=day,
            starts_at=datetime.time(17, 0),
            ends_at=datetime.time(20, 0),
            members=[lawyer],
        )
    # Changing only its members (itself excluded from the overlap) is fine.
    colleague = studio_member(studio, name="李律师")
    reception.duty_slot_update(
        slot=later,
        actor=office,
        date=day,
        starts_at=later.starts_at,
        ends_at=later.ends_at,
        members=[lawyer, colleague],
    )

    later.refresh_from_db()
    assert later.starts_at == datetime.time(18, 0)
    assert set(later.members.all()) == {lawyer, colleague}


# --- Who may keep the schedule -------------------------------------------------------------------


def test_liaison_staff_schedule_the_studios_of_their_groups_only(studio, lawyer):
    liaison = LiaisonStaffFactory()
    studio.group.liaison_staff.add(liaison)
    other = ReceptionStudioFactory()
    outsider = studio_member(other)

    reception.duty_slot_create(actor=liaison, **slot_args(studio, [lawyer]))
    with pytest.raises(TransitionRefused):
        reception.duty_slot_create(actor=liaison, **slot_args(other, [outsider]))
    with pytest.raises(TransitionRefused):
        reception.duty_rule_expand(
            rule=DutyRuleFactory(studio=other, members=[outsider]), actor=liaison
        )

    assert list(DutySlot.objects.values_list("studio", flat=True)) == [studio.pk]


def test_members_do_not_keep_the_schedule(studio, lawyer):
    with pytest.raises(TransitionRefused):
        reception.duty_slot_create(actor=lawyer.user, **slot_args(studio, [lawyer]))

    assert not DutySlot.objects.exists()


def test_an_exited_studio_gets_no_new_slots(office, studio, lawyer):
    studio.state, studio.exit_reason = studio.State.EXITED, "场地收回"
    studio.save()

    with pytest.raises(TransitionRefused, match="退出"):
        reception.duty_slot_create(actor=office, **slot_args(studio, [lawyer]))


# --- Two staff at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_at_once_cannot_both_put_a_member_in_overlapping_slots(monkeypatch):
    studio = ReceptionStudioFactory()
    other = ReceptionStudioFactory()
    member = studio_member(studio)
    StudioMember.objects.create(studio=other, member=member)
    first, second = OfficeStaffFactory(), OfficeStaffFactory()
    day = timezone.localdate() + datetime.timedelta(days=2)
    original = reception._refuse_overlap

    def slow_check(*args, **kwargs):
        # Without the lock on the member, both would read "no overlap" in this window.
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(reception, "_refuse_overlap", slow_check)
    barrier = threading.Barrier(2)

    def schedule(actor, where, starts_at, ends_at):
        def call():
            try:
                barrier.wait(timeout=10)
                return reception.duty_slot_create(
                    actor=actor,
                    **slot_args(where, [member], date=day, starts_at=starts_at, ends_at=ends_at),
                )
            except Exception as error:  # the outcome is what the test inspects
                return error
            finally:
                connection.close()

        return call

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(
            pool.map(
                lambda call: call(),
                [
                    schedule(first, studio, FROM, UNTIL),
                    schedule(second, other, datetime.time(15, 0), datetime.time(18, 0)),
                ],
            )
        )

    made = [outcome for outcome in outcomes if isinstance(outcome, DutySlot)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert (len(made), len(refused)) == (1, 1), outcomes
    assert DutySlot.objects.filter(members=member).count() == 1


# --- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def _slot_form(studio, members, day, starts="14:30", ends="17:30") -> dict:
    return {
        "studio": studio.pk,
        "date": day.isoformat(),
        "starts_at": starts,
        "ends_at": ends,
        "members": [member.pk for member in members],
        "capacity": 4,
    }


def test_the_admin_adds_a_slot_through_the_service(office_client, studio, lawyer):
    day = timezone.localdate() + datetime.timedelta(days=3)

    response = office_client.post(
        reverse("admin:studios_dutyslot_add"), _slot_form(studio, [lawyer], day)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    slot = DutySlot.objects.get()
    assert (slot.date, list(slot.members.all())) == (day, [lawyer])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"date": "2020-03-03"}, "过去"),
        ({"starts": "17:30", "ends": "14:30"}, "结束时间"),
    ],
)
def test_the_admin_refuses_a_bad_slot_in_chinese_keeping_what_was_typed(
    office_client, studio, lawyer, change, words
):
    day = timezone.localdate() + datetime.timedelta(days=3)
    form = _slot_form(studio, [lawyer], day)
    form.update({k: v for k, v in change.items() if k == "date"})
    if "starts" in change:
        form.update(starts_at=change["starts"], ends_at=change["ends"])

    response = office_client.post(reverse("admin:studios_dutyslot_add"), form)

    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert f'value="{form["date"]}"' in html
    assert not DutySlot.objects.exists()


def test_the_admin_refuses_an_overlap_on_the_form(office_client, studio, lawyer):
    day = timezone.localdate() + datetime.timedelta(days=3)
    DutySlotFactory(studio=studio, date=day, members=[lawyer])

    response = office_client.post(
        reverse("admin:studios_dutyslot_add"),
        _slot_form(studio, [lawyer], day, starts="16:00", ends="19:00"),
    )

    assert response.status_code == 200
    assert "王律师" in response.content.decode() and "重叠" in response.content.decode()
    assert DutySlot.objects.count() == 1


def test_the_admin_adds_a_rule_and_expands_it_with_an_action(office_client, studio, lawyer):
    first = next_weekday(3)
    response = office_client.post(
        reverse("admin:studios_dutyrule_add"),
        {
            "studio": studio.pk,
            "weekday": DutyRule.Weekday.THURSDAY,
            "starts_at": "09:00",
            "ends_at": "11:30",
            "first_day": first.isoformat(),
            "last_day": (first + datetime.timedelta(weeks=3)).isoformat(),
            "members": [lawyer.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = DutyRule.objects.get()

    response = office_client.post(
        reverse("admin:studios_dutyrule_changelist"),
        {"action": "expand_selected", "_selected_action": [rule.pk]},
        follow=True,
    )

    assert DutySlot.objects.filter(rule=rule).count() == 4
    assert "4" in " ".join(str(m) for m in response.context["messages"])


def test_a_rule_with_a_stranger_on_duty_is_refused_in_the_admin(office_client, studio, lawyer):
    stranger = MemberFactory(name="赵外人")
    first = next_weekday(3)

    response = office_client.post(
        reverse("admin:studios_dutyrule_add"),
        {
            "studio": studio.pk,
            "weekday": DutyRule.Weekday.THURSDAY,
            "starts_at": "09:00",
            "ends_at": "11:30",
            "first_day": first.isoformat(),
            "last_day": (first + datetime.timedelta(weeks=3)).isoformat(),
            "members": [lawyer.pk, stranger.pk],
        },
    )

    assert response.status_code == 200
    assert not DutyRule.objects.exists()


def test_liaison_staff_see_and_open_only_their_studios_slots(client, studio, lawyer):
    liaison = LiaisonStaffFactory()
    studio.group.liaison_staff.add(liaison)
    own = DutySlotFactory(studio=studio, members=[lawyer])
    other_studio = ReceptionStudioFactory(name="别组委员工作室")
    other = DutySlotFactory(studio=other_studio, members=[studio_member(other_studio)])
    client.force_login(liaison)

    listed = client.get(reverse("admin:studios_dutyslot_changelist"))

    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [own]
    assert "别组委员工作室" not in listed.content.decode()
    assert client.get(reverse("admin:studios_dutyslot_change", args=[own.pk])).status_code == 200
    # Not in their list: the admin says it does not exist and goes back to the index.
    assert client.get(reverse("admin:studios_dutyslot_change", args=[other.pk])).status_code == 302


def test_the_slot_list_filters_by_studio_and_date(office_client, studio, lawyer):
    other = ReceptionStudioFactory(name="农业界委员工作室")
    mine = DutySlotFactory(studio=studio, members=[lawyer])
    theirs = DutySlotFactory(
        studio=other, date=mine.date + datetime.timedelta(days=1), members=[studio_member(other)]
    )

    by_studio = office_client.get(
        reverse("admin:studios_dutyslot_changelist"), {"studio": studio.pk}
    )
    by_date = office_client.get(
        reverse("admin:studios_dutyslot_changelist"),
        {
            "date__gte": theirs.date.isoformat(),
            "date__lt": (theirs.date + datetime.timedelta(days=1)).isoformat(),
        },
    )

    assert list(by_studio.context["cl"].result_list) == [mine]
    assert list(by_date.context["cl"].result_list) == [theirs]


def test_the_slot_list_runs_as_many_queries_for_5_or_40_slots(office_client, studio):
    members = [studio_member(studio) for _ in range(3)]
    start = timezone.localdate() + datetime.timedelta(days=1)
    for n in range(5):
        DutySlotFactory(studio=studio, date=start + datetime.timedelta(days=n), members=members)
    with CaptureQueriesContext(connection) as few:
        assert office_client.get(reverse("admin:studios_dutyslot_changelist")).status_code == 200
    for n in range(5, 40):
        where = ReceptionStudioFactory()
        DutySlotFactory(
            studio=where,
            date=start + datetime.timedelta(days=n),
            members=[studio_member(where), studio_member(where)],
        )

    with CaptureQueriesContext(connection) as many:
        response = office_client.get(reverse("admin:studios_dutyslot_changelist"))

    assert len(response.context["cl"].result_list) == 40
    assert len(many) == len(few)
