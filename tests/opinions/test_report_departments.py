"""A report forwarded to several departments at once (one lead, the others co-handling), each
replying on its own page with its reply letter (答复函, PDF); the report has its feedback once
every department replied, and the member reads each reply."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.workflow import TransitionRefused
from opinions import selectors, services
from opinions.models import Attachment, OpinionReport, ReportReply
from tests.members.factories import LiaisonStaffFactory, MemberFactory

from . import files
from .factories import (
    DepartmentFactory,
    ForwardedReportFactory,
    HandlerFactory,
    OpinionReportFactory,
)
from .files import PDF, PNG, upload
from .test_query_counts import flat, queries

pytestmark = pytest.mark.django_db
State = OpinionReport.State
DUE = timezone.localdate() + datetime.timedelta(days=15)
# The seeds' school-gate example: the street office leads, education, housing and the traffic
# police co-handle.
SCHOOL_GATE = ("城关街道办事处", "区教育局", "区住房和城乡建设局", "区公安局交警大队")
REPLIES = {
    "城关街道办事处": "已牵头在校门口组建护学岗，由交警、教师和家长轮值。",
    "区教育局": "已要求学校错峰放学，并安排教师在校门口值守。",
    "区住房和城乡建设局": "已在校门口增设护栏和港湾式停车带。",
    "区公安局交警大队": "已在上下学时段派警力疏导，并增设减速带和警示标志。",
}


def step_url(report, step):
    return reverse("admin:opinions_opinionreport_step", args=[report.pk, step])


def page_of(report):
    return reverse("departments:report_detail", args=[report.pk])


@pytest.fixture
def school_gate():
    departments = [DepartmentFactory(name=name) for name in SCHOOL_GATE]
    handlers = [
        HandlerFactory(username=f"handler{index}", department=department)
        for index, department in enumerate(departments)
    ]
    return departments, handlers


@pytest.fixture
def in_review(member):
    return ForwardedReportFactory(
        author=member,
        title="关于XX小学校门口交通安全隐患的建议",
        state=State.IN_REVIEW,
        department=None,
        reply_due=None,
        forwarded_at=None,
    )


def forwarded_to(report, departments, office):
    lead, *co = departments
    return services.opinion_report_forward(
        report=report, actor=office, department=lead, co_departments=co, reply_due=DUE
    )


def test_school_gate_forwarded_to_four_departments_each_replies_and_the_member_reads_all(
    client, office, member, in_review, school_gate
):
    departments, handlers = school_gate
    client.force_login(office)
    response = client.post(
        step_url(in_review, "forward"),
        {
            "department": departments[0].pk,
            "co_departments": [d.pk for d in departments[1:]],
            "reply_due": DUE.isoformat(),
        },
    )
    assert response.status_code == 302
    report = OpinionReport.objects.get(pk=in_review.pk)
    assert report.state == State.FORWARDED
    assert report.department == departments[0]
    assert set(report.co_departments.all()) == set(departments[1:])

    for index, (department, handler) in enumerate(zip(departments, handlers, strict=True)):
        client.force_login(handler)
        inbox = client.get(reverse("departments:home")).content.decode()
        assert report.title in inbox
        data = {"text": REPLIES[department.name]}
        if index == 0:
            data["letter"] = upload("答复函.pdf", PDF)
        assert client.post(page_of(report), data).status_code == 302
        report.refresh_from_db()
        last = index == len(departments) - 1
        # Answered only once every department has replied.
        assert report.state == (State.FEEDBACK if last else State.FORWARDED)

    replies = list(report.replies.select_related("department"))
    assert [(r.department.name, r.text, r.is_lead) for r in replies] == [
        (name, REPLIES[name], name == SCHOOL_GATE[0]) for name in SCHOOL_GATE
    ]
    actions = list(selectors.timeline_of(report).values_list("action", flat=True))
    assert actions[-5:] == ["replied"] * 4 + ["all_replied"]
    assert report.feedback_at is not None

    client.force_login(member.user)
    page = client.get(reverse("opinions:report_detail", args=[report.pk])).content.decode()
    for name, text in REPLIES.items():
        assert name in page and text in page
    assert "答复函.pdf" in page

    client.force_login(office)
    assert client.post(step_url(report, "close")).status_code == 302
    report.refresh_from_db()
    assert report.state == State.CLOSED


def test_a_department_not_on_the_report_can_neither_see_nor_reply(
    client, office, in_review, school_gate
):
    departments, handlers = school_gate
    report = forwarded_to(in_review, departments[:2], office)
    outsider = handlers[3]
    client.force_login(outsider)

    assert client.get(page_of(report)).status_code == 404
    assert client.post(page_of(report), {"text": "不是我们的"}).status_code == 404
    assert report.title not in client.get(reverse("departments:home")).content.decode()
    with pytest.raises(TransitionRefused):
        services.opinion_report_reply(report=report, actor=outsider, feedback="不是我们的")
    assert not ReportReply.objects.exists()


def test_a_department_replies_once_and_the_form_goes(client, office, in_review, school_gate):
    departments, handlers = school_gate
    report = forwarded_to(in_review, departments[:2], office)
    client.force_login(handlers[1])

    client.post(page_of(report), {"text": "已安排教师值守。"})
    page = client.get(page_of(report))
    client.post(page_of(report), {"text": "再说一次"})

    assert page.context["form"] is None
    assert "已安排教师值守。" in page.content.decode()
    assert list(report.replies.values_list("text", flat=True)) == ["已安排教师值守。"]
    with pytest.raises(TransitionRefused) as refused:
        services.opinion_report_reply(report=report, actor=handlers[1], feedback="再说一次")
    assert "already replied" in refused.value.message
    report.refresh_from_db()
    assert report.state == State.FORWARDED


def test_the_inbox_shows_a_co_handled_report_as_waiting_until_this_department_replied(
    client, office, in_review, school_gate
):
    departments, handlers = school_gate
    report = forwarded_to(in_review, departments[:2], office)
    client.force_login(handlers[1])
    assert client.get(reverse("departments:home")).context["reports"][0].done == 0

    services.opinion_report_reply(report=report, actor=handlers[1], feedback="已值守。")

    assert client.get(reverse("departments:home")).context["reports"][0].done == 1
    client.force_login(handlers[0])
    assert client.get(reverse("departments:home")).context["reports"][0].done == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [("答复函.pdf", PNG), ("答复函.docx", files.office("docx")), ("答复函.png", PNG)],
)
def test_a_reply_letter_that_is_not_a_pdf_is_refused_and_nothing_is_written(
    client, office, in_review, school_gate, name, content
):
    departments, handlers = school_gate
    report = forwarded_to(in_review, departments[:1], office)
    client.force_login(handlers[0])

    response = client.post(page_of(report), {"text": "答复", "letter": upload(name, content)})

    assert response.status_code == 200
    assert response.context["form"].errors["letter"]
    assert not ReportReply.objects.exists() and not Attachment.objects.exists()
    report.refresh_from_db()
    assert report.state == State.FORWARDED


def test_the_reply_letter_is_served_to_the_office_the_authors_and_the_departments_only(
    client, office, member, other_member, in_review, school_gate, group
):
    departments, handlers = school_gate
    in_review.coauthors.add(other_member)
    report = forwarded_to(in_review, departments[:2], office)
    services.opinion_report_reply(
        report=report, actor=handlers[0], feedback="答复", letter=upload("答复函.pdf", PDF)
    )
    letter = Attachment.objects.get()
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)  # the author's street group
    stranger_liaison = LiaisonStaffFactory()

    allowed = [office, member.user, other_member.user, handlers[0], handlers[1], liaison]
    refused = [MemberFactory().user, handlers[2], stranger_liaison]
    for user, url_name in [(u, "opinions:attachment") for u in allowed + refused] + [
        (handlers[1], "departments:attachment")
    ]:
        client.force_login(user)
        response = client.get(reverse(url_name, args=[letter.pk]))
        expected = 404 if user in refused else 200
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF


def test_staff_record_one_departments_reply_that_came_on_paper(
    client, office, in_review, school_gate
):
    departments, _handlers = school_gate
    report = forwarded_to(in_review, departments[:2], office)
    client.force_login(office)
    form = client.get(step_url(report, "feedback")).context["form"]
    assert set(form.fields["department"].queryset) == set(departments[:2])

    response = client.post(
        step_url(report, "feedback"), {"department": departments[1].pk, "feedback": "纸质答复"}
    )

    assert response.status_code == 302
    reply = report.replies.get()
    assert (reply.department, reply.is_lead, reply.replied_by) == (departments[1], False, office)
    form = client.get(step_url(report, "feedback")).context["form"]
    assert list(form.fields["department"].queryset) == [departments[0]]


def test_member_report_detail_with_many_departments_costs_the_same(client, member, office):
    client.force_login(member.user)
    report = ForwardedReportFactory(author=member)

    def grow(n):
        for _ in range(n):
            department = DepartmentFactory()
            report.co_departments.add(department)
            reply = ReportReply.objects.create(report=report, department=department, text="答复")
            services.common.attachments_add(
                subject=reply, files=[upload("答复函.pdf", PDF)], actor=office
            )

    flat(client, reverse("opinions:report_detail", args=[report.pk]), grow)


def test_department_report_page_with_many_departments_costs_the_same(client, handler, office):
    client.force_login(handler)
    report = ForwardedReportFactory(department=handler.departments.get())

    def grow(n):
        for _ in range(n):
            department = DepartmentFactory()
            report.co_departments.add(department)
            reply = ReportReply.objects.create(report=report, department=department, text="答复")
            services.common.attachments_add(
                subject=reply, files=[upload("答复函.pdf", PDF)], actor=office
            )

    flat(client, page_of(report), grow)


def test_department_inbox_with_co_handled_reports_costs_the_same(client, handler, office):
    client.force_login(handler)
    mine = handler.departments.get()

    def grow(n):
        for _ in range(n):
            ForwardedReportFactory(department=mine)
            ForwardedReportFactory().co_departments.add(mine)

    flat(client, reverse("departments:home"), grow)


def test_member_report_page_costs_the_same_before_and_after_departments_replied(
    client, member, office
):
    """A report never forwarded, one forwarded with no reply yet and one whose two departments
    replied with letters: the page runs as many queries for each, and shows each letter."""
    client.force_login(member.user)
    submitted = OpinionReportFactory(
        author=member, state=OpinionReport.State.SUBMITTED, submitted_at=timezone.now()
    )
    waiting = ForwardedReportFactory(author=member)
    replied = ForwardedReportFactory(author=member)
    for department in (replied.department, DepartmentFactory()):
        replied.co_departments.add(department)
        reply = ReportReply.objects.create(report=replied, department=department, text="答复")
        services.common.attachments_add(
            subject=reply, files=[upload(f"答复函{department.pk}.pdf", PDF)], actor=office
        )
    services.common.attachments_add(
        subject=replied, files=[upload("调研材料.pdf", PDF)], actor=member.user
    )

    def url(report):
        return reverse("opinions:report_detail", args=[report.pk])

    client.get(url(replied))  # warms the per-process caches (content types)
    counts = {
        name: queries(client, url(report))
        for name, report in (("submitted", submitted), ("waiting", waiting), ("replied", replied))
    }
    assert counts["submitted"] == counts["waiting"] == counts["replied"]
    page = client.get(url(replied)).content.decode()
    assert page.count('class="reply-letter"') == 2
    assert "调研材料.pdf" in page  # the report's own file, listed apart from the letters
    assert page.count("调研材料.pdf") == 1
