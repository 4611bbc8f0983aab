import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from core.models import Notification, TimelineEntry
from core.workflow import TransitionRefused
from members import roles
from opinions.models import OpinionReport, Proposal
from residents import services
from residents.models import IssueLink, IssuePhoto, PhoneViewLog, ResidentIssue
from residents.selectors import issue_timeline
from residents.workflow import TRIAGE_PERMISSION
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    UserFactory,
)

from .factories import ResidentIssueFactory, StreetFactory

State = ResidentIssue.State


def _jpeg() -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _submit(street, **overrides):
    fields = {
        "actor": None,
        "category": ResidentIssue.Category.ROAD_TRAFFIC,
        "street": street,
        "community": None,
        "place": "解放路与和平路路口",
        "description": "红绿灯时间太短，老人过不去马路。",
    }
    fields.update(overrides)
    return services.issue_submit(**fields)


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def accepted(office, street):
    issue = _submit(street)
    return services.issue_accept(issue=issue, actor=office)


# --- Submission -----------------------------------------------------------------------------


def test_submit_stores_issue_with_code_deadline_and_public_timeline_row(street):
    issue = _submit(street, name="张大爷", mobile="138 1234 5678", consent=True)

    issue.refresh_from_db()
    assert len(issue.tracking_code) == 8
    assert issue.state == State.SUBMITTED
    assert issue.channel == ResidentIssue.Channel.WEB
    assert issue.mobile == "13812345678"
    assert issue.consent_at is not None
    assert issue.due_at > issue.created_at
    row = issue_timeline(issue).get()
    assert (row.action, row.to_state, row.is_public) == ("issue_submit", State.SUBMITTED, True)


def test_submit_refuses_name_or_phone_without_consent_and_writes_nothing(street):
    with pytest.raises(ValidationError):
        _submit(street, mobile="13812345678", consent=False)
    with pytest.raises(ValidationError):
        _submit(street, name="李阿姨", consent=False)

    assert ResidentIssue.objects.count() == 0
    assert TimelineEntry.objects.count() == 0


def test_submit_without_personal_data_needs_no_consent(street):
    issue = _submit(street)

    assert issue.consent_at is None
    assert issue.name == issue.mobile == ""


def test_public_submission_cannot_choose_a_staff_channel(street):
    with pytest.raises(TransitionRefused):
        _submit(street, channel=ResidentIssue.Channel.PHONE)

    assert ResidentIssue.objects.count() == 0


def test_staff_enter_a_phoned_in_issue_with_its_channel(street, office):
    issue = _submit(street, actor=office, channel=ResidentIssue.Channel.PHONE)

    assert issue.channel == ResidentIssue.Channel.PHONE
    assert issue.created_by == office


def test_member_without_add_permission_cannot_enter_issues(street):
    member_user = MemberFactory().user

    with pytest.raises(TransitionRefused):
        _submit(street, actor=member_user, channel=ResidentIssue.Channel.VISIT)


def test_submit_refuses_overlong_description(street):
    with pytest.raises(ValidationError):
        _submit(street, description="长" * 2001)

    assert ResidentIssue.objects.count() == 0


def test_tracking_code_collision_retries_with_another_code(street, monkeypatch):
    taken = _submit(street).tracking_code
    codes = iter([taken, "ZZZZ2345"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))

    issue = _submit(street)

    assert issue.tracking_code == "ZZZZ2345"
    assert ResidentIssue.objects.count() == 2


def test_failed_submission_removes_photos_already_written(street, monkeypatch, settings):
    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "timeline_add", explode)

    with pytest.raises(RuntimeError):
        _submit(street, photos=[_jpeg(), _jpeg()])

    assert ResidentIssue.objects.count() == 0
    assert IssuePhoto.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


# --- Triage -------------------------------------------------------------------------------


def test_accept_sets_time_limit_and_public_row(street, office):
    issue = _submit(street)

    issue = services.issue_accept(issue=issue, actor=office, note="请城关联络组核实")

    assert issue.state == State.ACCEPTED
    assert issue.accepted_at is not None
    rows = list(issue_timeline(issue).values_list("action", "is_public", "note"))
    assert ("issue_accept", True, "") in rows
    assert ("issue_note", False, "请城关联络组核实") in rows


def test_accept_refused_twice_and_for_people_without_permission(street, office):
    issue = _submit(street)
    with pytest.raises(TransitionRefused):
        services.issue_accept(issue=issue, actor=MemberFactory().user)
    services.issue_accept(issue=issue, actor=office)

    with pytest.raises(TransitionRefused):
        services.issue_accept(issue=issue, actor=office)

    assert issue_timeline(issue).filter(action="issue_accept").count() == 1


def test_route_to_group_links_it_and_tells_its_liaison_staff(accepted, office):
    liaison = LiaisonStaffFactory()
    group = GroupFactory(name="城关街道活动组")
    group.liaison_staff.add(liaison)

    issue = services.issue_route(issue=accepted, actor=office, kind="group", target=group)

    assert issue.state == State.IN_PROGRESS
    link = IssueLink.objects.get(issue=issue)
    assert link.target == group
    assert list(group.resident_issue_links.values_list("issue", flat=True)) == [issue.pk]
    assert Notification.objects.filter(recipient=liaison).count() == 1
    row = issue_timeline(issue).get(action="issue_route")
    assert row.is_public and "城关街道活动组" in row.note


def test_route_to_member_notifies_the_member(accepted, office):
    member = MemberFactory(name="王秀英")

    services.issue_route(issue=accepted, actor=office, kind="member", target=member)

    assert Notification.objects.filter(recipient=member.user).count() == 1


def test_route_refused_before_acceptance_and_outside_liaison_scope(street, office):
    issue = _submit(street)
    group = GroupFactory()
    with pytest.raises(TransitionRefused):
        services.issue_route(issue=issue, actor=office, kind="group", target=group)

    liaison = LiaisonStaffFactory()
    own = GroupFactory()
    own.liaison_staff.add(liaison)
    street.group = own
    street.save()
    services.issue_accept(issue=issue, actor=office)
    with pytest.raises(TransitionRefused):
        services.issue_route(issue=issue, actor=liaison, kind="group", target=group)

    assert not IssueLink.objects.exists()
    services.issue_route(issue=issue, actor=liaison, kind="group", target=own)
    assert IssueLink.objects.get().group == own


def test_route_to_the_same_group_twice_is_refused(accepted, office):
    group = GroupFactory()
    services.issue_route(issue=accepted, actor=office, kind="group", target=group)

    with pytest.raises(TransitionRefused):
        services.issue_route(issue=accepted, actor=office, kind="group", target=group)

    assert IssueLink.objects.count() == 1


def test_convert_into_draft_report_for_member_links_both_ways(accepted, office):
    accepted.name, accepted.mobile = "张大爷", "13812345678"
    accepted.save()
    member = MemberFactory()

    issue = services.issue_convert(
        issue=accepted,
        actor=office,
        kind="opinion_report",
        member=member,
        title="关于延长解放路口行人绿灯时间的建议",
        category="transport",
    )

    report = OpinionReport.objects.get()
    assert report.state == OpinionReport.State.DRAFT
    assert report.author == member
    assert issue.tracking_code in report.content
    assert "红绿灯时间太短" in report.content
    # The member writes it up; the resident's identity does not travel with it.
    assert "张大爷" not in report.content and "13812345678" not in report.content
    assert list(report.resident_issue_links.values_list("issue", flat=True)) == [issue.pk]
    assert IssueLink.objects.get(issue=issue).opinion_report == report
    row = issue_timeline(issue).get(action="issue_convert")
    assert row.is_public and "关于延长解放路口行人绿灯时间的建议" in row.note
    assert Notification.objects.filter(recipient=member.user).exists()


def test_convert_into_collective_proposal_of_a_group(accepted, office):
    group = GroupFactory()

    services.issue_convert(
        issue=accepted,
        actor=office,
        kind="proposal",
        member=None,
        group=group,
        title="关于优化老城区交通信号配时的提案",
        category="transport",
    )

    proposal = Proposal.objects.get()
    assert proposal.group == group and proposal.proposer is None
    assert IssueLink.objects.get().proposal == proposal


def test_convert_refused_when_closed_and_nothing_created(accepted, office):
    services.issue_close(issue=accepted, actor=office, reply="已解决。")

    with pytest.raises(TransitionRefused):
        services.issue_convert(
            issue=accepted,
            actor=office,
            kind="opinion_report",
            member=MemberFactory(),
            title="标题",
            category="transport",
        )

    assert not OpinionReport.objects.exists()
    assert not IssueLink.objects.exists()


def test_convert_with_a_failing_item_rolls_the_step_back(accepted, office):
    # An opinion report needs a member: the opinions service refuses, the issue stays put.
    with pytest.raises(ValidationError):
        services.issue_convert(
            issue=accepted,
            actor=office,
            kind="opinion_report",
            member=None,
            group=GroupFactory(),
            title="标题",
            category="transport",
        )

    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED
    assert not issue_timeline(accepted).filter(action="issue_convert").exists()


def test_answer_then_close_with_public_reply(accepted, office):
    issue = services.issue_answer(issue=accepted, actor=office, reply="已联系交警部门调整。")
    assert issue.state == State.ANSWERED
    assert issue.public_reply == "已联系交警部门调整。"

    issue = services.issue_close(issue=issue, actor=office, reply="绿灯已延长至40秒。")

    assert issue.state == State.CLOSED
    assert issue.closed_at is not None and issue.due_at is None
    assert issue.public_reply == "绿灯已延长至40秒。"


def test_close_requires_a_reply(accepted, office):
    with pytest.raises(ValidationError):
        services.issue_close(issue=accepted, actor=office, reply="  ")

    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED


def test_merge_points_the_merged_issue_and_its_own_merged_ones_at_the_survivor(street, office):
    first, second, survivor = _submit(street), _submit(street), _submit(street)
    services.issue_merge(issue=first, into=second, actor=office)

    services.issue_merge(issue=second, into=survivor, actor=office)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.merged_into) == (State.MERGED, survivor)
    assert (second.state, second.merged_into) == (State.MERGED, survivor)
    assert set(survivor.merged_issues.all()) == {first, second}
    assert issue_timeline(survivor).filter(action="issue_absorb").count() == 1


def test_merge_refused_into_itself_or_into_a_merged_issue(street, office):
    first, second, third = _submit(street), _submit(street), _submit(street)
    with pytest.raises(TransitionRefused):
        services.issue_merge(issue=first, into=first, actor=office)
    services.issue_merge(issue=second, into=third, actor=office)

    with pytest.raises(TransitionRefused):
        services.issue_merge(issue=first, into=second, actor=office)

    first.refresh_from_db()
    assert first.state == State.SUBMITTED


def test_feedback_is_taken_once_and_only_after_closing(accepted, office):
    with pytest.raises(TransitionRefused):
        services.issue_feedback_record(issue=accepted, answer="solved")
    services.issue_close(issue=accepted, actor=office, reply="已处理。")

    services.issue_feedback_record(issue=accepted, answer="partly")
    with pytest.raises(TransitionRefused):
        services.issue_feedback_record(issue=accepted, answer="solved")

    accepted.refresh_from_db()
    assert accepted.satisfaction == "partly"
    assert not issue_timeline(accepted).get(action="issue_feedback").is_public


def test_resident_of_a_merged_issue_answers_for_their_own_issue(street, office):
    merged, survivor = _submit(street), _submit(street)
    services.issue_merge(issue=merged, into=survivor, actor=office)
    services.issue_close(issue=survivor, actor=office, reply="已处理。")

    services.issue_feedback_record(issue=merged, answer="unsolved")
    services.issue_feedback_record(issue=survivor, answer="solved")

    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert (merged.satisfaction, survivor.satisfaction) == ("unsolved", "solved")


def test_internal_note_is_not_public(accepted, office):
    services.issue_note_add(issue=accepted, actor=office, note="来电者情绪激动，注意沟通方式")

    row = issue_timeline(accepted).get(action="issue_note")
    assert not row.is_public


# --- Privacy ---------------------------------------------------------------------------------


def test_phone_reveal_logs_each_look_by_entitled_staff(street, office):
    issue = _submit(street, mobile="13812345678", consent=True)

    assert services.issue_phone_reveal(issue=issue, actor=office) == "13812345678"
    services.issue_phone_reveal(issue=issue, actor=office)

    assert PhoneViewLog.objects.filter(issue=issue, viewer=office).count() == 2


def test_phone_reveal_of_an_erased_number_shows_nothing_and_logs_nothing(street, office):
    issue = _submit(street, mobile="13812345678", consent=True)
    ResidentIssue.objects.filter(pk=issue.pk).update(mobile="", name="")

    assert services.issue_phone_reveal(issue=issue, actor=office) == ""
    assert not PhoneViewLog.objects.exists()


def test_phone_reveal_refused_to_liaison_staff_and_not_logged(street):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    street.group = group
    street.save()
    issue = _submit(street, mobile="13812345678", consent=True)

    with pytest.raises(TransitionRefused):
        services.issue_phone_reveal(issue=issue, actor=liaison)

    assert not PhoneViewLog.objects.exists()


def test_erase_removes_name_and_phone_after_retention_and_keeps_statistics(settings, office):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 730
    street = StreetFactory()
    now = timezone.now()
    old = ResidentIssueFactory(
        street=street,
        name="张大爷",
        mobile="13812345678",
        state=State.CLOSED,
        closed_at=now - datetime.timedelta(days=731),
        satisfaction="solved",
    )
    merged_into_old = ResidentIssueFactory(
        street=street, name="李阿姨", mobile="13900000000", state=State.MERGED, merged_into=old
    )
    recent = ResidentIssueFactory(
        street=street,
        name="王师傅",
        mobile="13700000000",
        state=State.CLOSED,
        closed_at=now - datetime.timedelta(days=700),
    )
    open_issue = ResidentIssueFactory(street=street, name="赵女士", mobile="13600000000")

    assert services.personal_data_erase_expired(now=now) == 2
    assert services.personal_data_erase_expired(now=now) == 0

    for issue in (old, merged_into_old, recent, open_issue):
        issue.refresh_from_db()
    assert (old.name, old.mobile) == ("", "")
    assert (merged_into_old.name, merged_into_old.mobile) == ("", "")
    assert old.personal_data_erased_at == now
    # What statistics need stays.
    assert (old.category, old.street, old.satisfaction, old.description) == (
        ResidentIssue.Category.PUBLIC_FACILITIES,
        street,
        "solved",
        "路灯坏了一个多月，晚上出门很黑。",
    )
    assert recent.mobile == "13700000000"
    assert open_issue.mobile == "13600000000"


def test_erase_masks_phones_and_names_in_the_text_and_deletes_the_photos(
    settings, office, django_capture_on_commit_callbacks
):
    settings.RESIDENT_ISSUE_RETENTION_DAYS = 730
    now = timezone.now()
    street = StreetFactory()
    old = ResidentIssueFactory(
        street=street,
        name="张建国",
        mobile="13812345678",
        place="幸福小区3栋，找张建国",
        description="路灯坏了。请打１３８ １２３４ ５６７８，我叫张建国",
        public_reply="张建国您好，路灯已修好。",
        state=State.CLOSED,
        closed_at=now - datetime.timedelta(days=731),
    )
    recent = ResidentIssueFactory(
        street=street,
        name="王师傅",
        description="电话13700000000",
        state=State.CLOSED,
        closed_at=now - datetime.timedelta(days=10),
    )
    TimelineEntry.objects.create(
        subject=old, action="note", note="已电话联系13812345678（张建国），约好周三上门"
    )
    TimelineEntry.objects.create(subject=recent, action="note", note="王师傅13700000000")
    photos = {
        issue.pk: IssuePhoto.objects.create(issue=issue, image=ContentFile(b"x", name="a.jpg"))
        for issue in (old, recent)
    }
    storage = IssuePhoto._meta.get_field("image").storage
    old_file, recent_file = photos[old.pk].image.name, photos[recent.pk].image.name

    with django_capture_on_commit_callbacks(execute=True):
        assert services.personal_data_erase_expired(now=now) == 1

    old.refresh_from_db()
    assert (old.name, old.mobile, old.personal_data_erased_at) == ("", "", now)
    assert old.place == "幸福小区3栋，找***"
    assert old.description == "路灯坏了。请打*** **** ****，我叫***"
    assert old.public_reply == "***您好，路灯已修好。"
    notes = dict(TimelineEntry.objects.filter(action="note").values_list("object_id", "note"))
    assert notes[old.pk] == "已电话联系***********（***），约好周三上门"
    assert not IssuePhoto.objects.filter(issue=old).exists()
    assert not storage.exists(old_file)
    # Within the retention period nothing is touched.
    recent.refresh_from_db()
    assert (recent.name, recent.description) == ("王师傅", "电话13700000000")
    assert notes[recent.pk] == "王师傅13700000000"
    assert storage.exists(recent_file)


def test_roles_hold_the_permissions_the_services_check(db):
    office = OfficeStaffFactory()
    liaison = LiaisonStaffFactory()
    plain = UserFactory(roles=[roles.MEMBER])

    assert office.has_perm(services.PHONE_PERMISSION)
    assert office.has_perm(TRIAGE_PERMISSION)
    assert liaison.has_perm(TRIAGE_PERMISSION)
    assert not liaison.has_perm(services.PHONE_PERMISSION)
    assert not plain.has_perm(TRIAGE_PERMISSION)
