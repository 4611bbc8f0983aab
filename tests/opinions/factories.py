import datetime

import factory
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from members import roles
from opinions.models import (
    Category,
    CommitteeSession,
    DeclineReason,
    Department,
    OpinionReport,
    Proposal,
)
from tests.members.factories import MemberFactory, UserFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"区第{n}局")

    @factory.post_generation
    def handlers(self, create, extracted, **kwargs):
        if create and extracted:
            self.handlers.add(*extracted)


class HandlerFactory(UserFactory):
    """A department handler's login; pass `department=` to link it."""

    @factory.post_generation
    def department(self, create, extracted, **kwargs):
        if create:
            self.groups.add(AuthGroup.objects.get_or_create(name=roles.DEPARTMENT_HANDLER)[0])
        if create and extracted:
            extracted.handlers.add(self)


class DeclineReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclineReason
        django_get_or_create = ("label",)

    label = factory.Sequence(lambda n: f"内容与已采用信息重复{n}")


class CommitteeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSession
        django_get_or_create = ("term", "session")

    term = 8
    session = 4
    name = "八届四次"
    is_current = True


class OpinionReportFactory(factory.django.DjangoModelFactory):
    """A report written straight into the database in any state (for pages and admin tests;
    service tests walk the steps through the services)."""

    class Meta:
        model = OpinionReport

    title = factory.Sequence(lambda n: f"关于加强老旧小区加装电梯工作的建议{n}")
    category = Category.URBAN
    content = "部分老旧小区居民反映加装电梯审批流程长、费用分摊难，建议简化流程。"
    author = factory.SubFactory(MemberFactory)
    state = OpinionReport.State.DRAFT


class ForwardedReportFactory(OpinionReportFactory):
    state = OpinionReport.State.FORWARDED
    department = factory.SubFactory(DepartmentFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    forwarded_at = factory.LazyFunction(timezone.now)
    reply_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=15))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    title = factory.Sequence(lambda n: f"关于推进社区嵌入式养老服务的提案{n}")
    category = Category.ELDERLY
    content = "建议在街道层面统筹建设社区养老服务综合体，盘活闲置用房。"
    proposer = factory.SubFactory(MemberFactory)
    state = Proposal.State.DRAFT


class AssignedProposalFactory(ProposalFactory):
    state = Proposal.State.ASSIGNED
    session = factory.SubFactory(CommitteeSessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    lead_department = factory.SubFactory(DepartmentFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
