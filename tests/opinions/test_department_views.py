import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from opinions.models import OpinionReport, Proposal
from tests.members.factories import UserFactory

from .factories import (
    AssignedProposalFactory,
    DepartmentFactory,
    ForwardedReportFactory,
    HandlerFactory,
    OpinionReportFactory,
)

pytestmark = pytest.mark.django_db
HOME = reverse("departments:home")


@pytest.fixture
def handler_client(client, handler):
    client.force_login(handler)
    return client


def test_inbox_shows_only_what_was_forwarded_or_assigned_to_the_department(
    handler_client, department
):
    mine = ForwardedReportFactory(department=department, title="转给我们的信息")
    ForwardedReportFactory(title="转给别人的信息")
    OpinionReportFactory(title="还在编审的信息", state=OpinionReport.State.IN_REVIEW)
    lead = AssignedProposalFactory(lead_department=department, title="我们主办的提案")
    co = AssignedProposalFactory(title="我们协办的提案")
    co.co_departments.add(department)
    AssignedProposalFactory(title="别人的提案")

    page = handler_client.get(HOME).content.decode()

    for title in (mine.title, lead.title, co.title):
        assert title in page
    for title in ("转给别人的信息", "还在编审的信息", "别人的提案"):
        assert title not in page


def test_overdue_items_are_highlighted(handler_client, department):
    ForwardedReportFactory(
        department=department, reply_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    ForwardedReportFactory(department=department)
    page = handler_client.get(HOME).content.decode()
    assert page.count("list-group-item-danger overdue") == 1


def test_another_departments_items_answer_404(handler_client):
    report = ForwardedReportFactory()
    proposal = AssignedProposalFactory()
    assert (
        handler_client.get(reverse("departments:report_detail", args=[report.pk])).status_code
        == 404
    )
    url = reverse("departments:proposal_detail", args=[proposal.pk])
    assert handler_client.post(url, {"text": "抢答"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ASSIGNED


def test_department_replies_and_the_member_is_told(handler_client, department):
    report = ForwardedReportFactory(department=department)
    url = reverse("departments:report_detail", args=[report.pk])

    response = handler_client.post(url, {"text": "已组织现场踏勘，本月底前完成整改。"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == OpinionReport.State.FEEDBACK
    assert [r.text for r in report.replies.all()] == ["已组织现场踏勘，本月底前完成整改。"]
    assert Notification.objects.filter(recipient=report.author.user).exists()
    # The reply form is gone once answered; a second POST changes nothing.
    page = handler_client.get(url)
    assert page.context["form"] is None
    handler_client.post(url, {"text": "第二次"})
    assert [r.text for r in report.replies.all()] == ["已组织现场踏勘，本月底前完成整改。"]


def test_empty_reply_is_refused_with_a_message(handler_client, department):
    report = ForwardedReportFactory(department=department)
    response = handler_client.post(
        reverse("departments:report_detail", args=[report.pk]), {"text": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    report.refresh_from_db()
    assert report.state == OpinionReport.State.FORWARDED


def test_lead_unit_replies_and_co_handler_gives_an_opinion(client, department, handler):
    co_department = DepartmentFactory(name="区财政局")
    co_handler = HandlerFactory(department=co_department)
    proposal = AssignedProposalFactory(lead_department=department)
    proposal.co_departments.add(co_department)
    url = reverse("departments:proposal_detail", args=[proposal.pk])

    client.force_login(co_handler)
    client.post(url, {"text": "资金可列入明年预算。"})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ASSIGNED

    client.force_login(handler)
    client.post(url, {"text": "已纳入明年实施计划。"})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REPLIED
    assert list(proposal.replies.values_list("department__name", "is_lead")) == [
        ("区财政局", False),
        ("区住房和城乡建设局", True),
    ]


def test_users_without_a_department_get_403(client):
    client.force_login(UserFactory())
    assert client.get(HOME).status_code == 403


def test_department_notifications_page(handler_client, handler):
    Notification.objects.create(recipient=handler, title="有一条信息转给您")
    page = handler_client.get(reverse("departments:notifications")).content.decode()
    assert "有一条信息转给您" in page
