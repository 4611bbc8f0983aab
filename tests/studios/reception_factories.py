"""The few rows the reception tests need: a studio with its members, duty slots, visits."""

import datetime

import factory
from django.utils import timezone

from studios.models import DutyRule, DutySlot, Studio, StudioMember, Visit
from tests.members.factories import GroupFactory, MemberFactory

AFTERNOON = (datetime.time(14, 30), datetime.time(17, 30))


class ReceptionStudioFactory(factory.django.DjangoModelFactory):
    """An open sector studio of its own group."""

    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"接访委员工作室{n:03d}")
    kind = Studio.Kind.SECTOR
    lead_mode = Studio.LeadMode.MEMBER
    group = factory.SubFactory(GroupFactory)
    state = Studio.State.OPEN
    address = "城关街道和平路1号"


def studio_member(studio: Studio, **kwargs):
    """A new member, on the studio's roster."""
    member = MemberFactory(**kwargs)
    StudioMember.objects.create(studio=studio, member=member)
    return member


class DutySlotFactory(factory.django.DjangoModelFactory):
    """A slot next week, 14:30–17:30; `members=[…]` puts them on duty."""

    class Meta:
        model = DutySlot
        skip_postgeneration_save = True

    studio = factory.SubFactory(ReceptionStudioFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    starts_at = AFTERNOON[0]
    ends_at = AFTERNOON[1]

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class DutyRuleFactory(factory.django.DjangoModelFactory):
    """Every Tuesday afternoon for the coming eight weeks; `members=[…]` on duty."""

    class Meta:
        model = DutyRule
        skip_postgeneration_save = True

    studio = factory.SubFactory(ReceptionStudioFactory)
    weekday = DutyRule.Weekday.TUESDAY
    starts_at = AFTERNOON[0]
    ends_at = AFTERNOON[1]
    first_day = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    last_day = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=56))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    studio = factory.SubFactory(ReceptionStudioFactory)
    visited_on = factory.LazyFunction(timezone.localdate)
    method = Visit.Method.OPEN
    visitor_name = "张建国"
    visitor_mobile = "13812345678"
    raised = "小区门口路灯坏了一个多月，晚上老人出门不方便。"
    done = "记录了具体位置，联系了社区。"
    feedback = "已告知群众社区将在一周内报修。"
