"""The few rows the tests of the yearly plan, the five norms and the archive need: studios and
their members, plans, and the dated facts the 1+123 counts (a service activity, a filing, an
adoption)."""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Activity
from opinions.models import AdoptionLevel, Proposal, ReportAdoption
from studios.models import AnnualPlan, Studio, StudioMember
from studios.progress import FILED_ACTION
from tests.members.factories import GroupFactory, MemberFactory


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the portal's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


class PlanStudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"委员工作室{n:03d}")
    kind = Studio.Kind.SECTOR
    group = factory.SubFactory(GroupFactory)
    lead_mode = Studio.LeadMode.MEMBER
    state = Studio.State.OPEN
    opened_on = datetime.date(2020, 3, 1)


class StudioMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudioMember

    studio = factory.SubFactory(PlanStudioFactory)
    member = factory.SubFactory(MemberFactory)
    role = StudioMember.Role.RESIDENT


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    studio = factory.SubFactory(PlanStudioFactory)
    year = 2025
    plan = "围绕社区养老开展调研和服务。"
    research_topics = "老旧小区加装电梯"
    service_projects = "义诊进社区\n法律咨询日"


def studio_activity(studio, starts_at, kind=Activity.Kind.SERVICE, **kwargs) -> Activity:
    return Activity.objects.create(
        title=kwargs.pop("title", "进社区服务群众"),
        kind=kind,
        organiser_studio=studio,
        organiser_group=None,
        starts_at=starts_at,
        place="社区服务中心",
        **kwargs,
    )


def group_activity(group, starts_at, kind=Activity.Kind.SERVICE) -> Activity:
    return Activity.objects.create(
        title="活动组服务群众",
        kind=kind,
        organiser_group=group,
        starts_at=starts_at,
        place="街道会议室",
    )


def adopt(report, on: datetime.date, level=AdoptionLevel.DISTRICT) -> ReportAdoption:
    """An adoption of `report` at `level` dated `on` (the row the services write)."""
    return ReportAdoption.objects.create(report=report, level=level, adopted_on=on)


def file_on(proposal, when: datetime.datetime) -> TimelineEntry:
    """The timeline row of filing (立案) `proposal`, dated `when`, as the filing step writes
    it; the proposal moves to "filed"."""
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.FILED)
    entry = TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=proposal.pk,
        action=FILED_ACTION,
        from_state=Proposal.State.SUBMITTED,
        to_state=Proposal.State.FILED,
    )
    # created_at is set on creation: date it as the test needs.
    TimelineEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry
