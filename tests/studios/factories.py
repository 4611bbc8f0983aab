import datetime

import factory
from django.utils import timezone

from studios.models import DutySlot, Studio, StudioMember
from tests.members.factories import GroupFactory, MemberFactory


class StudioFactory(factory.django.DjangoModelFactory):
    """A studio as stored, open for reception (挂牌运行) unless `state` says otherwise; use
    studios.services.studios where the registration or a lifecycle step itself matters."""

    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"委员工作室{n}")
    kind = Studio.Kind.SECTOR
    group = factory.SubFactory(GroupFactory)
    lead_mode = Studio.LeadMode.MEMBER
    address = "城关街道和平社区服务中心二楼"
    reception_hours = "每周二下午 14:30–17:30"
    state = Studio.State.OPEN
    opened_on = factory.LazyAttribute(
        lambda studio: (
            timezone.localdate() - datetime.timedelta(days=90)
            if studio.state != Studio.State.PREPARING
            else None
        )
    )
    exited_on = factory.LazyAttribute(
        lambda studio: timezone.localdate() if studio.state == Studio.State.EXITED else None
    )
    exit_reason = factory.LazyAttribute(
        lambda studio: "牵头单位撤并，工作室停止运行" if studio.state == Studio.State.EXITED else ""
    )


class StudioMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudioMember

    studio = factory.SubFactory(StudioFactory)
    member = factory.SubFactory(MemberFactory)
    role = StudioMember.Role.RESIDENT


class DutySlotFactory(factory.django.DjangoModelFactory):
    """A reception period a week from today, 14:30–17:30. `DutySlotFactory(members=[…])`
    puts those members on duty."""

    class Meta:
        model = DutySlot
        skip_postgeneration_save = True

    studio = factory.SubFactory(StudioFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    starts_at = datetime.time(14, 30)
    ends_at = datetime.time(17, 30)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)
