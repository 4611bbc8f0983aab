"""Factories for the appointment tests: a studio open for reception, its members, a coming
duty slot and appointments as stored (use studios.services.booking where the request itself
matters)."""

import datetime

import factory
from django.utils import timezone

from studios.models import Appointment, DutySlot, Studio, StudioMember, new_appointment_code
from tests.members.factories import GroupFactory, MemberFactory


class BookingStudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"和平社区委员工作室{n}")
    kind = Studio.Kind.SECTOR
    group = factory.SubFactory(GroupFactory)
    lead_mode = Studio.LeadMode.MEMBER
    address = "城关街道和平社区服务中心二楼"
    reception_hours = "每周二下午 14:30–17:30"
    phone = "0351-1234567"
    state = Studio.State.OPEN
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    exit_reason = factory.LazyAttribute(
        lambda studio: "牵头单位撤并，工作室停止运行" if studio.state == Studio.State.EXITED else ""
    )


class BookingStudioMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudioMember

    studio = factory.SubFactory(BookingStudioFactory)
    member = factory.SubFactory(MemberFactory)
    role = StudioMember.Role.RESIDENT


class BookingSlotFactory(factory.django.DjangoModelFactory):
    """A reception period `days` from today (a week by default), 14:30–17:30, 4 places.
    `BookingSlotFactory(members=[…])` puts those members on duty."""

    class Meta:
        model = DutySlot
        skip_postgeneration_save = True

    class Params:
        days = 7

    studio = factory.SubFactory(BookingStudioFactory)
    date = factory.LazyAttribute(lambda o: timezone.localdate() + datetime.timedelta(days=o.days))
    starts_at = datetime.time(14, 30)
    ends_at = datetime.time(17, 30)
    capacity = 4

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    slot = factory.SubFactory(BookingSlotFactory)
    studio = factory.SelfAttribute("slot.studio")
    code = factory.LazyFunction(new_appointment_code)
    name = "张建国"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    topic = "小区门口的路灯坏了一个多月，想当面反映。"
    consent_at = factory.LazyFunction(timezone.now)
