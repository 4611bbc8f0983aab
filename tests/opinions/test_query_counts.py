"""Member and department pages run as many queries for many rows as for a few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from core.workflow import timeline_add
from opinions.models import ProposalReply, ReportAdoption
from opinions.services.common import attachments_add
from tests.members.factories import MemberFactory

from .factories import (
    AssignedProposalFactory,
    DepartmentFactory,
    ForwardedReportFactory,
    OpinionReportFactory,
    ProposalFactory,
)
from .files import pdf

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def flat(client, url, grow) -> None:
    grow(2)
    queries(client, url)  # warms the per-process caches (content types)
    few = queries(client, url)
    grow(10)
    assert queries(client, url) == few


def test_member_report_list(client, member):
    client.force_login(member.user)

    def grow(n):
        for _ in range(n):
            OpinionReportFactory(author=member)
            OpinionReportFactory().coauthors.add(member)

    flat(client, reverse("opinions:report_list"), grow)


def test_member_proposal_list(client, member, group):
    client.force_login(member.user)
    group.conveners.add(member)

    def grow(n):
        for _ in range(n):
            AssignedProposalFactory(proposer=member)
            ProposalFactory().cosigners.add(member)
            ProposalFactory(proposer=None, group=group)

    flat(client, reverse("opinions:proposal_list"), grow)


def test_member_report_detail(client, member, office):
    client.force_login(member.user)
    report = ForwardedReportFactory(author=member)
    levels = iter(range(1, 5))

    def grow(n):
        for _ in range(n):
            report.coauthors.add(MemberFactory())
            timeline_add(subject=report, actor=office, action="instruction", note="阅")
        report.instructions.create(leader="区长", text="阅")
        ReportAdoption.objects.create(report=report, level=next(levels))
        attachments_add(subject=report, files=[pdf()], actor=member.user)

    flat(client, reverse("opinions:report_detail", args=[report.pk]), grow)


def test_member_proposal_detail(client, member):
    client.force_login(member.user)
    proposal = AssignedProposalFactory(proposer=member)

    def grow(n):
        for _ in range(n):
            proposal.cosigners.add(MemberFactory())
            department = DepartmentFactory()
            proposal.co_departments.add(department)
            ProposalReply.objects.create(proposal=proposal, department=department, text="意见")

    flat(client, reverse("opinions:proposal_detail", args=[proposal.pk]), grow)


def test_department_home(client, handler, department):
    client.force_login(handler)

    def grow(n):
        for _ in range(n):
            ForwardedReportFactory(department=department)
            AssignedProposalFactory(lead_department=department)
            AssignedProposalFactory().co_departments.add(department)

    flat(client, reverse("departments:home"), grow)


def test_department_proposal_page(client, handler, department):
    client.force_login(handler)
    proposal = AssignedProposalFactory(lead_department=department)

    def grow(n):
        for _ in range(n):
            co = DepartmentFactory()
            proposal.co_departments.add(co)
            ProposalReply.objects.create(proposal=proposal, department=co, text="意见")

    flat(client, reverse("departments:proposal_detail", args=[proposal.pk]), grow)


def test_notification_list(client, member):
    client.force_login(member.user)

    def grow(n):
        for index in range(n):
            Notification.objects.create(recipient=member.user, title=f"通知{index}", url="/")

    flat(client, reverse("opinions:notifications"), grow)
