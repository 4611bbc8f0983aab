"""The tracking page tells the resident what actually happened: a draft staff started for a
member is not yet a member's work, and the question whether it was solved comes only once the
reply is final."""

import pytest
from django.urls import reverse

from opinions.services import opinion_report_decline, opinion_report_submit, proposal_submit
from residents import services
from residents.models import ResidentIssue
from tests.members.factories import MemberFactory, OfficeStaffFactory
from tests.opinions.factories import CommitteeSessionFactory, DeclineReasonFactory

pytestmark = pytest.mark.django_db

TRACK = reverse("residents:track")
FEEDBACK = reverse("residents:feedback")


@pytest.fixture
def office():
    return OfficeStaffFactory()


@pytest.fixture
def member():
    return MemberFactory(name="王秀英")


def _issue(street):
    return services.issue_submit(
        actor=None,
        category=ResidentIssue.Category.PUBLIC_FACILITIES,
        street=street,
        community=None,
        place="和平里3号楼东门",
        description="路灯坏了。",
    )


def _converted(street, office, member, kind="opinion_report"):
    issue = _issue(street)
    services.issue_accept(issue=issue, actor=office)
    services.issue_convert(
        issue=issue,
        actor=office,
        kind=kind,
        member=member,
        title="关于修复和平里路灯的建议",
        category="urban",
    )
    return issue, issue.links.get().target


def _page(client, issue) -> str:
    response = client.get(TRACK, {"code": issue.tracking_code})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kind", ["opinion_report", "proposal"])
def test_a_draft_started_for_a_member_reads_passed_on_not_draft_nor_taken_up(
    client, street, office, member, kind
):
    issue, _draft = _converted(street, office, member, kind)

    html = _page(client, issue)

    assert "已转交委员撰写" in html
    assert "草稿" not in html
    assert "委员已跟进" not in html
    assert "政协委员已将此问题写入" not in html


def test_taken_up_by_the_member_appears_once_the_member_submitted_the_report(
    client, street, office, member
):
    issue, report = _converted(street, office, member)

    opinion_report_submit(report=report, actor=member.user)
    html = _page(client, issue)

    assert "委员已跟进" in html
    assert "政协委员已将此问题写入社情民意信息：“关于修复和平里路灯的建议”" in html
    # The report's card shows its own state now, no longer waiting for the member.
    card = html[html.index('class="card mb-3 chain-item"') :]
    assert "已转交委员撰写" not in card
    assert "已提交" in card
    # The issue's progress reads in order: passed on before taken up.
    assert html.index("已转交委员撰写") < html.index("委员已跟进")


def test_taken_up_appears_once_the_member_submitted_the_proposal(client, street, office, member):
    CommitteeSessionFactory()
    issue, proposal = _converted(street, office, member, kind="proposal")

    proposal_submit(proposal=proposal, actor=member.user)

    assert "委员已跟进" in _page(client, issue)


def test_closed_with_a_report_still_under_way_does_not_ask_whether_it_was_solved(
    client, street, office, member
):
    issue, report = _converted(street, office, member)
    opinion_report_submit(report=report, actor=member.user)
    services.issue_close(
        issue=issue, actor=office, reply="您反映的问题已由政协委员整理为社情民意信息报送。"
    )

    html = _page(client, issue)
    answer = client.post(FEEDBACK, {"code": issue.tracking_code, "answer": "solved"})

    assert "您反映的问题已由政协委员整理为社情民意信息报送。" in html
    assert 'id="feedback-form"' not in html
    assert 'id="feedback-later"' in html
    assert "问题解决了吗" not in html
    # Posting the answer anyway is refused with the reason, and nothing is written.
    assert "有了结果后" in answer.content.decode()
    issue.refresh_from_db()
    assert issue.satisfaction == ""


def test_the_question_comes_once_the_report_has_an_outcome(client, street, office, member):
    issue, report = _converted(street, office, member)
    opinion_report_submit(report=report, actor=member.user)
    services.issue_close(issue=issue, actor=office, reply="已整理为社情民意信息报送。")

    opinion_report_decline(report=report, actor=office, reason=DeclineReasonFactory())
    html = _page(client, issue)
    client.post(FEEDBACK, {"code": issue.tracking_code, "answer": "partly"})

    assert 'id="feedback-form"' in html
    assert "问题解决了吗" in html
    assert 'id="feedback-later"' not in html
    issue.refresh_from_db()
    assert issue.satisfaction == "partly"


def test_closed_without_anything_under_way_asks_at_once(client, street, office):
    issue = _issue(street)
    services.issue_close(issue=issue, actor=office, reply="路灯已修好。")

    html = _page(client, issue)

    assert "路灯已修好。" in html
    assert 'id="feedback-form"' in html and 'id="feedback-later"' not in html
