import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Notification, TimelineEntry
from core.workflow import TransitionRefused
from opinions import selectors, services
from opinions.models import AdoptionLevel, Category, OpinionReport
from opinions.services.common import office_label
from tests.members.factories import GroupFactory, LiaisonStaffFactory, MemberFactory

from .factories import DepartmentFactory, HandlerFactory

pytestmark = pytest.mark.django_db
State = OpinionReport.State
IN_TWO_WEEKS = datetime.timedelta(days=14)


def draft(member, **kwargs):
    fields = {
        "title": "关于城关小学门口设置护学岗的建议",
        "content": "上下学高峰时段车辆拥堵，学生过马路存在安全隐患。",
        "category": Category.TRANSPORT,
    }
    fields.update(kwargs)
    return services.opinion_report_create(actor=member.user, author=member, **fields)


def submitted(member, office):
    report = draft(member)
    services.opinion_report_submit(report=report, actor=member.user)
    return services.opinion_report_start_review(report=report, actor=office)


def actions(report):
    return list(selectors.timeline_of(report).values_list("action", flat=True))


def test_member_creates_a_draft_with_coauthors_and_a_created_row(member, other_member, group):
    report = draft(member, coauthors=[other_member, member], group=group)

    assert report.state == State.DRAFT
    assert list(report.coauthors.all()) == [other_member]
    entry = selectors.timeline_of(report).get()
    assert (entry.action, entry.to_state, entry.actor_label) == ("created", "draft", "王秀英")
    assert not entry.is_public


def test_create_refused_for_another_members_report(member, other_member):
    with pytest.raises(TransitionRefused):
        services.opinion_report_create(
            actor=other_member.user, author=member, title="标题", content="内容", category="other"
        )
    assert not OpinionReport.objects.exists()


def test_create_refused_for_a_group_the_author_is_not_in(member):
    with pytest.raises(ValidationError) as refused:
        draft(member, group=GroupFactory())
    assert "group" in refused.value.message_dict
    assert not OpinionReport.objects.exists()


@pytest.mark.parametrize(
    ("title", "content", "field"),
    [("", "内容", "title"), ("标", "   ", "content"), ("长" * 201, "内容", "title")],
)
def test_create_refuses_empty_or_overlong_text(member, title, content, field):
    with pytest.raises(ValidationError) as refused:
        draft(member, title=title, content=content)
    assert field in refused.value.message_dict
    assert not OpinionReport.objects.exists()


def test_staff_prepare_a_draft_for_a_member_and_the_member_is_told(office, member):
    report = services.opinion_report_create(
        actor=office, author=member, title="转自群众诉求", content="内容", category="other"
    )

    assert report.created_by == office
    assert selectors.timeline_of(report).get().actor_label == office_label()
    note = Notification.objects.get(recipient=member.user)
    assert note.url == f"/member/opinions/{report.pk}/"


def test_liaison_staff_create_drafts_only_for_their_groups_members(member, group):
    outsider = LiaisonStaffFactory()
    with pytest.raises(TransitionRefused):
        services.opinion_report_create(
            actor=outsider, author=member, title="标题", content="内容", category="other"
        )
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)
    report = services.opinion_report_create(
        actor=liaison, author=member, title="标题", content="内容", category="other"
    )
    assert report.author == member


def test_author_submits_a_draft_and_the_public_row_names_the_author(member):
    report = services.opinion_report_submit(report=draft(member), actor=member.user)

    assert report.state == State.SUBMITTED
    assert report.submitted_at is not None
    row = selectors.public_timeline(report).get()
    assert (row.action, row.actor_label) == ("submitted", "王秀英")


def test_coauthor_cannot_submit_and_nothing_changes(member, other_member):
    report = draft(member, coauthors=[other_member])
    with pytest.raises(TransitionRefused):
        services.opinion_report_submit(report=report, actor=other_member.user)
    report.refresh_from_db()
    assert report.state == State.DRAFT
    assert actions(report) == ["created"]


def test_draft_edit_changes_text_and_coauthors_but_not_after_submission(member, other_member):
    report = draft(member)
    services.opinion_report_update(
        report=report,
        actor=member.user,
        title="新标题",
        content="新内容",
        category=Category.HEALTH,
        coauthors=[other_member],
    )
    report.refresh_from_db()
    assert (report.title, report.category) == ("新标题", Category.HEALTH)
    assert list(report.coauthors.all()) == [other_member]

    services.opinion_report_submit(report=report, actor=member.user)
    with pytest.raises(TransitionRefused):
        services.opinion_report_update(
            report=report, actor=member.user, title="再改", content="再改", category="other"
        )
    report.refresh_from_db()
    assert report.title == "新标题"


def test_whole_path_adopt_climb_forward_reply_close(member, office, department, handler):
    report = submitted(member, office)

    services.opinion_report_adopt(report=report, actor=office, level=AdoptionLevel.DISTRICT)
    services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + IN_TWO_WEEKS,
    )
    services.opinion_report_adopt(report=report, actor=office, level=AdoptionLevel.CITY)
    report.refresh_from_db()
    assert report.state == State.FORWARDED, "a later adoption leaves the forwarded state alone"
    assert list(report.adoptions.values_list("level", flat=True)) == [1, 2]

    services.opinion_report_reply(report=report, actor=handler, feedback="已在校门口设置护学岗。")
    services.opinion_report_close(report=report, actor=office)
    report.refresh_from_db()
    assert report.state == State.CLOSED
    assert [r.text for r in report.replies.all()] == ["已在校门口设置护学岗。"]
    assert actions(report) == [
        "created",
        "submitted",
        "review_started",
        "adopted",
        "forwarded",
        "adopted",
        "replied",
        "all_replied",
        "closed",
    ]
    public = list(selectors.public_timeline(report))
    assert [row.action for row in public] == [
        "submitted",
        "adopted",
        "forwarded",
        "adopted",
        "replied",
        "all_replied",
        "closed",
    ]
    assert public[4].note == "已在校门口设置护学岗。"
    assert public[4].actor_label == "区住房和城乡建设局"
    assert "区住房和城乡建设局" in public[2].note
    # Staff never appear by name to members or residents.
    shown = "".join(row.actor_label + row.note for row in public)
    assert office.username not in shown
    assert office.first_name not in shown


def test_adoption_only_climbs(member, office):
    report = submitted(member, office)
    services.opinion_report_adopt(report=report, actor=office, level=AdoptionLevel.CITY)
    for level in (AdoptionLevel.CITY, AdoptionLevel.DISTRICT):
        with pytest.raises(TransitionRefused):
            services.opinion_report_adopt(report=report, actor=office, level=level)
    assert report.adoptions.count() == 1


def test_adoption_into_a_bulletin_merges_reports(member, other_member, office):
    bulletin = services.bulletin_create(actor=office, year=2025)
    second = services.bulletin_create(actor=office, year=2025)
    assert (bulletin.number, second.number) == (1, 2)

    for author in (member, other_member):
        report = submitted(author, office)
        services.opinion_report_adopt(
            report=report, actor=office, level=AdoptionLevel.DISTRICT, bulletin=bulletin
        )
    assert bulletin.adoptions.count() == 2


def test_forward_refused_from_a_draft_and_for_a_past_deadline(member, office, department):
    report = draft(member)
    with pytest.raises(TransitionRefused):
        services.opinion_report_forward(
            report=report, actor=office, department=department, reply_due=timezone.localdate()
        )
    report = submitted(member, office)
    with pytest.raises(ValidationError):
        services.opinion_report_forward(
            report=report,
            actor=office,
            department=department,
            reply_due=timezone.localdate() - datetime.timedelta(days=1),
        )
    report.refresh_from_db()
    assert report.state == State.IN_REVIEW
    assert report.department is None


def test_decline_uses_the_reason_list_and_shows_only_the_reason_publicly(member, office, reason):
    report = submitted(member, office)
    services.opinion_report_decline(
        report=report, actor=office, reason=reason, explanation="内部讨论：与第12期重复"
    )
    report.refresh_from_db()
    assert report.state == State.DECLINED
    assert report.decline_note == "内部讨论：与第12期重复"
    row = selectors.public_timeline(report).get(action="declined")
    assert row.note == "反映问题已在处理中"


def test_decline_refuses_a_reason_no_longer_in_use(member, office, reason):
    reason.is_active = False
    reason.save()
    report = submitted(member, office)
    with pytest.raises(ValidationError):
        services.opinion_report_decline(report=report, actor=office, reason=reason)
    report.refresh_from_db()
    assert report.state == State.IN_REVIEW


def test_edit_needs_the_authors_consent(member, office):
    report = submitted(member, office)
    with pytest.raises(TransitionRefused):
        services.opinion_report_edit_with_consent(
            report=report,
            actor=office,
            title="改后标题",
            content="改后内容",
            author_consented=False,
            consent_note="",
        )
    report.refresh_from_db()
    assert report.title == "关于城关小学门口设置护学岗的建议"


def test_edit_with_consent_keeps_the_old_and_new_text(member, office):
    report = submitted(member, office)
    services.opinion_report_edit_with_consent(
        report=report,
        actor=office,
        title=report.title,
        content="改后的正文。",
        author_consented=True,
        consent_note="5月3日电话征得同意",
    )
    report.refresh_from_db()
    assert report.content == "改后的正文。"
    row = selectors.timeline_of(report).get(action="edited_with_consent")
    assert "上下学高峰时段车辆拥堵" in row.note
    assert "改后的正文。" in row.note
    assert "5月3日电话征得同意" in row.note
    assert not row.is_public
    assert Notification.objects.filter(recipient=member.user).exists()


def test_leader_instruction_is_recorded_and_told(member, office):
    report = submitted(member, office)
    services.opinion_report_adopt(report=report, actor=office, level=AdoptionLevel.DISTRICT)
    services.opinion_report_record_instruction(
        report=report, actor=office, leader="区长 张明", text="请住建局牵头研究。"
    )
    instruction = report.instructions.get()
    assert (instruction.leader, instruction.text) == ("区长 张明", "请住建局牵头研究。")
    told = Notification.objects.filter(recipient=member.user).order_by("-pk").first()
    assert told.title == f"A leader's instruction on your opinion report “{report.title}”"
    assert told.body == "区长 张明: 请住建局牵头研究。"


def test_reply_refused_for_another_departments_handler(member, office, department):
    report = submitted(member, office)
    services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + IN_TWO_WEEKS,
    )
    stranger = HandlerFactory(department=DepartmentFactory(name="区教育局"))
    with pytest.raises(TransitionRefused):
        services.opinion_report_reply(report=report, actor=stranger, feedback="不是我们的")
    report.refresh_from_db()
    assert report.state == State.FORWARDED
    assert not report.replies.exists()


def test_reply_after_closing_is_refused(member, office, department, handler):
    report = submitted(member, office)
    services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + IN_TWO_WEEKS,
    )
    services.opinion_report_reply(report=report, actor=handler, feedback="第一次答复")
    services.opinion_report_close(report=report, actor=office)
    with pytest.raises(TransitionRefused) as refused:
        services.opinion_report_reply(report=report, actor=handler, feedback="补充答复")
    assert "closed" in refused.value.message
    report.refresh_from_db()
    assert [r.text for r in report.replies.all()] == ["第一次答复"]
    assert actions(report).count("replied") == 1


def test_members_cannot_take_the_offices_steps(member, office):
    report = draft(member)
    services.opinion_report_submit(report=report, actor=member.user)
    with pytest.raises(TransitionRefused):
        services.opinion_report_start_review(report=report, actor=member.user)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_liaison_staff_review_only_their_groups_reports(member, group):
    report = services.opinion_report_submit(report=draft(member), actor=member.user)
    outsider = LiaisonStaffFactory()
    with pytest.raises(TransitionRefused):
        services.opinion_report_start_review(report=report, actor=outsider)
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)
    assert services.opinion_report_start_review(report=report, actor=liaison).state == (
        State.IN_REVIEW
    )


def test_forwarding_tells_the_authors_and_the_department(member, office, department, handler):
    coauthor = MemberFactory()
    report = draft(member, coauthors=[coauthor])
    services.opinion_report_submit(report=report, actor=member.user)
    services.opinion_report_start_review(report=report, actor=office)
    Notification.objects.all().delete()

    services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + IN_TWO_WEEKS,
    )

    urls = dict(Notification.objects.values_list("recipient__username", "url"))
    assert urls == {
        member.user.username: f"/member/opinions/{report.pk}/",
        coauthor.user.username: f"/member/opinions/{report.pk}/",
        handler.username: f"/department/reports/{report.pk}/",
    }


def test_a_refused_step_writes_no_timeline_row_and_no_notification(member, office):
    report = draft(member)
    before = TimelineEntry.objects.count(), Notification.objects.count()
    with pytest.raises(TransitionRefused):
        services.opinion_report_close(report=report, actor=office)
    assert (TimelineEntry.objects.count(), Notification.objects.count()) == before
