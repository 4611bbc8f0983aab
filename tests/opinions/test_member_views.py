import pytest
from django.urls import reverse

from core.models import Notification
from opinions import services
from opinions.models import Attachment, OpinionReport, Proposal
from tests.members.factories import MemberFactory, OfficeStaffFactory

from .factories import (
    AssignedProposalFactory,
    ForwardedReportFactory,
    OpinionReportFactory,
    ProposalFactory,
)
from .files import EXE, HTML, JPEG, PNG, office, pdf, upload

pytestmark = pytest.mark.django_db
NEW_REPORT = reverse("opinions:report_create")


def report_data(**kwargs):
    data = {
        "title": "关于解决城关小学门口交通拥堵的建议",
        "category": "transport",
        "content": "每天上下学高峰，校门口车辆乱停乱放，学生过马路存在安全隐患。",
        "save": "1",
    }
    data.update(kwargs)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


# --- Who sees what ---------------------------------------------------------------------------


def test_a_prolific_members_lists_come_a_page_at_a_time(member_client, member):
    from opinions.views import MEMBER_LIST_PAGE_SIZE

    reports = [OpinionReportFactory(author=member) for _ in range(MEMBER_LIST_PAGE_SIZE + 3)]
    proposals = [ProposalFactory(proposer=member) for _ in range(MEMBER_LIST_PAGE_SIZE + 1)]
    url = reverse("opinions:report_list")

    first = member_client.get(url)
    second = member_client.get(url, {"page": 2})
    beyond = member_client.get(url, {"page": 99})  # a stale link shows the last page

    assert len(first.context["reports"]) == MEMBER_LIST_PAGE_SIZE
    assert len(second.context["reports"]) == 3
    shown = {r.pk for r in first.context["reports"]} | {r.pk for r in second.context["reports"]}
    assert shown == {r.pk for r in reports}
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=1"' in second.content.decode()
    assert beyond.context["page"].number == 2
    proposal_page = member_client.get(reverse("opinions:proposal_list"), {"page": 2})
    assert [p.pk for p in proposal_page.context["proposals"]] == [proposals[0].pk]


def test_member_lists_own_and_coauthored_reports_only(member_client, member, other_member):
    own = OpinionReportFactory(author=member, title="我写的信息")
    coauthored = OpinionReportFactory(author=other_member, title="我参与的信息")
    coauthored.coauthors.add(member)
    OpinionReportFactory(author=other_member, title="别人的信息")

    page = member_client.get(reverse("opinions:report_list")).content.decode()

    assert own.title in page
    assert coauthored.title in page
    assert "别人的信息" not in page


def test_member_lists_own_cosigned_and_convened_proposals_only(
    member_client, member, other_member, group
):
    ProposalFactory(proposer=member, title="我的提案")
    cosigned = ProposalFactory(proposer=other_member, title="我附议的提案")
    cosigned.cosigners.add(member)
    group.conveners.add(member)
    ProposalFactory(proposer=None, group=group, title="活动组集体提案")
    ProposalFactory(proposer=other_member, title="别人的提案")

    page = member_client.get(reverse("opinions:proposal_list")).content.decode()

    for title in ("我的提案", "我附议的提案", "活动组集体提案"):
        assert title in page
    assert "别人的提案" not in page


@pytest.mark.parametrize(
    "url_name",
    ["opinions:report_detail", "opinions:report_edit", "opinions:report_submit"],
)
def test_another_members_report_answers_404(member_client, other_member, url_name):
    report = OpinionReportFactory(author=other_member)
    url = reverse(url_name, args=[report.pk])
    response = member_client.post(url) if url_name.endswith("submit") else member_client.get(url)
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.state == OpinionReport.State.DRAFT


@pytest.mark.parametrize(
    "url_name", ["opinions:proposal_detail", "opinions:proposal_edit", "opinions:proposal_submit"]
)
def test_another_members_proposal_answers_404(member_client, other_member, url_name):
    proposal = ProposalFactory(proposer=other_member)
    url = reverse(url_name, args=[proposal.pk])
    response = member_client.post(url) if url_name.endswith("submit") else member_client.get(url)
    assert response.status_code == 404


def test_coauthor_sees_the_report_but_cannot_edit_it(member_client, member, other_member):
    report = OpinionReportFactory(author=other_member)
    report.coauthors.add(member)
    assert member_client.get(reverse("opinions:report_detail", args=[report.pk])).status_code == 200
    assert member_client.get(reverse("opinions:report_edit", args=[report.pk])).status_code == 404


def test_staff_without_a_member_record_get_403_on_member_pages(client):
    client.force_login(OfficeStaffFactory())
    assert client.get(reverse("opinions:report_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(NEW_REPORT)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Writing and submitting ------------------------------------------------------------------


def test_member_saves_a_draft_with_coauthors_and_attachments(member_client, member, other_member):
    data = report_data(coauthors=[other_member.pk])
    data["attachments"] = [pdf(), upload("调研报告.docx", office("docx"))]

    response = member_client.post(NEW_REPORT, data)

    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("opinions:report_detail", args=[report.pk])
    assert report.state == OpinionReport.State.DRAFT
    assert list(report.coauthors.all()) == [other_member]
    kinds = sorted(Attachment.objects.values_list("kind", flat=True))
    assert kinds == ["docx", "pdf"]


def test_member_writes_and_submits_in_one_go(member_client):
    member_client.post(NEW_REPORT, report_data(save=None, submit="1"))
    assert OpinionReport.objects.get().state == OpinionReport.State.SUBMITTED


def test_refused_form_keeps_what_was_typed_and_saves_nothing(member_client):
    response = member_client.post(NEW_REPORT, report_data(title=""))

    assert response.status_code == 200
    page = response.content.decode()
    assert "每天上下学高峰，校门口车辆乱停乱放" in page
    assert 'id="error_1_id_title"' in page or "invalid-feedback" in page
    assert not OpinionReport.objects.exists()


def test_a_file_that_lies_about_its_type_is_refused_and_nothing_is_saved(member_client):
    data = report_data()
    data["attachments"] = [upload("情况说明.pdf", PNG)]

    response = member_client.post(NEW_REPORT, data)

    assert response.status_code == 200
    assert "情况说明.pdf" in response.context["form"].errors["attachments"][0]
    assert response.context["files_lost"]
    assert "关于解决城关小学门口交通拥堵的建议" in response.content.decode()
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()


def test_too_many_files_are_refused(member_client):
    data = report_data()
    data["attachments"] = [pdf(f"附件{n}.pdf") for n in range(6)]
    response = member_client.post(NEW_REPORT, data)
    assert "attachments" in response.context["form"].errors
    assert not OpinionReport.objects.exists()


def test_oversized_file_is_refused_on_the_form(member_client, monkeypatch):
    from opinions import attachments

    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 10)
    data = report_data()
    data["attachments"] = [pdf()]
    response = member_client.post(NEW_REPORT, data)
    assert "attachments" in response.context["form"].errors
    assert not OpinionReport.objects.exists()


def test_overlong_content_is_refused(member_client):
    response = member_client.post(NEW_REPORT, report_data(content="长" * 20_001))
    assert "content" in response.context["form"].errors
    assert not OpinionReport.objects.exists()


def test_member_edits_a_draft_removes_an_attachment_and_submits(member_client, member):
    report = services.opinion_report_create(
        actor=member.user,
        author=member,
        title="初稿",
        content="内容",
        category="other",
        attachments=[pdf()],
    )
    attachment = Attachment.objects.get()

    response = member_client.post(
        reverse("opinions:report_edit", args=[report.pk]),
        report_data(title="修改稿", save=None, submit="1", remove_attachments=[attachment.pk]),
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.state) == ("修改稿", OpinionReport.State.SUBMITTED)
    assert not Attachment.objects.exists()


def test_submitted_report_can_no_longer_be_edited(member_client, member):
    report = OpinionReportFactory(author=member, state=OpinionReport.State.SUBMITTED)
    response = member_client.post(
        reverse("opinions:report_edit", args=[report.pk]), report_data(title="偷改")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title != "偷改"


def test_submit_button_on_the_detail_page(member_client, member):
    report = OpinionReportFactory(author=member)
    member_client.post(reverse("opinions:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == OpinionReport.State.SUBMITTED


def test_detail_shows_the_reply_and_the_timeline_without_staff_names(member, office, handler):
    client_report = services.opinion_report_create(
        actor=member.user, author=member, title="路灯不亮", content="内容", category="urban"
    )
    services.opinion_report_submit(report=client_report, actor=member.user)
    services.opinion_report_start_review(report=client_report, actor=office)
    services.opinion_report_forward(
        report=client_report,
        actor=office,
        department=handler.departments.get(),
        reply_due=client_report.created_at.date().replace(year=client_report.created_at.year + 1),
    )
    services.opinion_report_reply(report=client_report, actor=handler, feedback="已修复路灯12盏。")

    from django.test import Client

    browser = Client()
    browser.force_login(member.user)
    page = browser.get(reverse("opinions:report_detail", args=[client_report.pk])).content.decode()

    assert "已修复路灯12盏。" in page
    assert "区住房和城乡建设局" in page
    assert "District CPPCC office" in page
    assert office.first_name not in page


def test_member_creates_and_submits_a_proposal_with_a_number(member_client, session):
    member_client.post(
        reverse("opinions:proposal_create"),
        report_data(title="关于建设口袋公园的提案", save=None, submit="1"),
    )
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.number == 1


def test_proposal_submission_without_a_session_is_refused_and_the_draft_not_kept(
    member_client,
):
    response = member_client.post(
        reverse("opinions:proposal_create"), report_data(save=None, submit="1")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Proposal.objects.exists()


def test_member_evaluates_the_reply(member_client, member):
    proposal = AssignedProposalFactory(proposer=member, state=Proposal.State.REPLIED)
    response = member_client.post(
        reverse("opinions:proposal_evaluate", args=[proposal.pk]),
        {"evaluation": "basically", "note": "希望加快进度"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.evaluation) == (Proposal.State.EVALUATED, "basically")


def test_cosigner_cannot_evaluate(member_client, member, other_member):
    proposal = AssignedProposalFactory(proposer=other_member, state=Proposal.State.REPLIED)
    proposal.cosigners.add(member)
    member_client.post(
        reverse("opinions:proposal_evaluate", args=[proposal.pk]), {"evaluation": "unsatisfied"}
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REPLIED


# --- Attachments -----------------------------------------------------------------------------


@pytest.fixture
def forwarded_with_file(member, handler):
    report = ForwardedReportFactory(author=member, department=handler.departments.get())
    services.common.attachments_add(subject=report, files=[pdf()], actor=member.user)
    return Attachment.objects.get()


def test_author_and_department_download_the_attachment(
    client, member, handler, forwarded_with_file
):
    for user, url_name in (
        (member.user, "opinions:attachment"),
        (handler, "departments:attachment"),
    ):
        client.force_login(user)
        response = client.get(reverse(url_name, args=[forwarded_with_file.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
        assert "attachment;" in response["Content-Disposition"]


def test_others_cannot_download_the_attachment(client, other_member, forwarded_with_file):
    from .factories import HandlerFactory

    for user in (other_member.user, HandlerFactory()):
        client.force_login(user)
        url = reverse("opinions:attachment", args=[forwarded_with_file.pk])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_attachments_are_not_under_media_root(forwarded_with_file, settings):
    from pathlib import Path

    path = Path(forwarded_with_file.file.path)
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert path.exists()


# --- Notifications ---------------------------------------------------------------------------


def test_notification_opens_its_page_and_is_marked_read(member_client, member):
    note = Notification.objects.create(
        recipient=member.user, title="您的信息已转办", url="/member/opinions/"
    )
    response = member_client.post(reverse("opinions:notification_open", args=[note.pk]))
    assert response.url == "/member/opinions/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_notification_with_an_outside_link_does_not_redirect_there(member_client, member):
    note = Notification.objects.create(
        recipient=member.user, title="t", url="https://evil.example/"
    )
    response = member_client.post(reverse("opinions:notification_open", args=[note.pk]))
    assert response.url == reverse("opinions:notifications")


def test_someone_elses_notification_answers_404(member_client, other_member):
    note = Notification.objects.create(recipient=other_member.user, title="t")
    response = member_client.post(reverse("opinions:notification_open", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_bell_counts_unread_notifications(member_client, member):
    Notification.objects.create(recipient=member.user, title="一")
    Notification.objects.create(recipient=member.user, title="二")
    page = member_client.get(reverse("opinions:notifications")).content.decode()
    assert "list-group-item-warning" in page
    member_client.post(reverse("opinions:notifications_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_nav_include_shows_the_bell_with_the_unread_count(rf, member):
    from django.template.loader import render_to_string
    from django.urls import resolve

    from opinions.context_processors import notifications

    Notification.objects.create(recipient=member.user, title="一")
    request = rf.get("/member/opinions/")
    request.user = member.user
    request.resolver_match = resolve("/member/opinions/")
    html = render_to_string(
        "includes/opinions_nav.html",
        {"user": member.user, "request": request, **notifications(request)},
    )
    assert 'data-unread="1"' in html
    assert f'nav-link active" href="{reverse("opinions:report_list")}"' in html
    assert f'nav-link" href="{reverse("opinions:proposal_list")}"' in html
    assert reverse("departments:home") not in html


def test_other_members_are_not_told_when_a_report_moves(member, office):
    bystander = MemberFactory()
    report = services.opinion_report_create(
        actor=member.user, author=member, title="t", content="c", category="other"
    )
    services.opinion_report_submit(report=report, actor=member.user)
    services.opinion_report_start_review(report=report, actor=office)
    assert not Notification.objects.filter(recipient=bystander.user).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("现场照片.jpg", JPEG[:4] + HTML),
        ("调研报告.docx", office("docx", {"word/embeddings/setup.exe": EXE})),
        ("调研报告.docx", office("docx", {"word/afchunk.htm": HTML})),
        ("情况说明.pdf", HTML),
    ],
    ids=["jpeg-header-then-html", "docx-with-exe", "docx-with-html", "html-renamed-pdf"],
)
def test_hostile_attachments_are_refused_in_chinese_and_nothing_is_saved(
    member_client, name, content
):
    data = report_data()
    data["attachments"] = [upload(name, content), pdf("正常附件.pdf")]

    response = member_client.post(NEW_REPORT, data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    error = response.context["form"].errors["attachments"][0]
    assert name in error
    assert any(word in error for word in ("不能", "无法", "不是", "不接受")), error
    assert not OpinionReport.objects.exists()
    assert not Attachment.objects.exists()
