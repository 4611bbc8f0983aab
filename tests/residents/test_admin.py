import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.tasks import send_notification_emails
from opinions.models import OpinionReport
from residents import services
from residents.models import IssueLink, PhoneViewLog, ResidentIssue
from residents.resources import ResidentIssueResource
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)

from .factories import (
    CommunityFactory,
    PresetReplyFactory,
    ResidentIssueFactory,
    StreetFactory,
)

CHANGELIST = reverse("admin:residents_residentissue_changelist")
SCRIPT = "<script>alert('x')</script>"


def change_url(issue):
    return reverse("admin:residents_residentissue_change", args=[issue.pk])


def step_url(issue, step):
    return reverse("admin:residents_residentissue_step", args=[issue.pk, step])


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


@pytest.fixture
def issue(street):
    return ResidentIssueFactory(street=street, name="张大爷", mobile="13812345678")


# --- Lists and exports --------------------------------------------------------------------------


def test_changelist_query_count_stays_flat_from_5_to_50_rows(office_client, street):
    ResidentIssueFactory.create_batch(5, street=street, mobile="13812345678")
    with CaptureQueriesContext(connection) as few:
        assert office_client.get(CHANGELIST).status_code == 200
    for n in range(45):
        ResidentIssueFactory(street=StreetFactory(name=f"街道{n}"), mobile="13812345678")

    with CaptureQueriesContext(connection) as many:
        response = office_client.get(CHANGELIST)

    assert response.content.decode().count("138****5678") == 50
    assert len(many) == len(few)


def test_changelist_shows_phone_masked_only(office_client, issue):
    html = office_client.get(CHANGELIST).content.decode()

    assert "138****5678" in html
    assert "13812345678" not in html


def test_export_masks_the_phone_leaves_out_the_name_and_defuses_formulas(issue):
    issue.description = '=HYPERLINK("http://evil")'
    issue.save()

    exported = ResidentIssueResource().export(ResidentIssue.objects.all()).csv

    assert "138****5678" in exported
    assert "13812345678" not in exported
    assert "张大爷" not in exported
    assert "'=HYPERLINK" in exported


def test_export_page_is_offered_to_staff(office_client):
    response = office_client.get(reverse("admin:residents_residentissue_export"))

    assert response.status_code == 200


def test_overdue_filter_lists_open_issues_past_their_limit(office_client, street):
    past = timezone.now() - datetime.timedelta(days=1)
    late = ResidentIssueFactory(street=street, due_at=past)
    on_time = ResidentIssueFactory(street=street, due_at=timezone.now() + datetime.timedelta(1))
    closed_late = ResidentIssueFactory(street=street, due_at=past, state=ResidentIssue.State.CLOSED)

    response = office_client.get(CHANGELIST, {"overdue": "yes"})

    shown = set(response.context["cl"].result_list)
    assert shown == {late}
    assert on_time not in shown and closed_late not in shown


def test_changelist_marks_overdue_deadlines_in_words(office_client, street):
    past = timezone.now() - datetime.timedelta(days=1)
    ResidentIssueFactory(street=street, due_at=past, place="东门")
    ResidentIssueFactory(street=street, due_at=past, place="西门", state=ResidentIssue.State.CLOSED)
    ResidentIssueFactory(street=street, due_at=timezone.now() + datetime.timedelta(1))

    html = office_client.get(CHANGELIST).content.decode()

    assert html.count("<strong>已超期</strong>") == 1  # the open one past its limit only
    assert f"{street.name} · " in html and " · 东门" in html


def test_liaison_staff_list_only_their_streets_issues(client, street):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    street.group = group
    street.save()
    own = ResidentIssueFactory(street=street)
    other = ResidentIssueFactory(street=StreetFactory(name="东关街道"))
    client.force_login(liaison)

    response = client.get(CHANGELIST)

    assert set(response.context["cl"].result_list) == {own}
    assert client.get(change_url(other)).status_code in (302, 404)


# --- The change page ---------------------------------------------------------------------------


def test_change_page_shows_typed_html_as_text_and_the_phone_masked(office_client, street):
    issue = ResidentIssueFactory(
        street=street, place=SCRIPT, description=SCRIPT, name=SCRIPT, mobile="13812345678"
    )

    html = office_client.get(change_url(issue)).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(" in html
    assert "138****5678" in html
    assert "13812345678" not in html


def test_phone_is_revealed_to_entitled_staff_and_each_look_logged(office_client, office, issue):
    page = office_client.get(change_url(issue)).content.decode()
    assert 'id="phone-reveal"' in page

    response = office_client.post(reverse("admin:residents_residentissue_phone", args=[issue.pk]))

    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    log = PhoneViewLog.objects.get()
    assert (log.issue, log.viewer) == (issue, office)


def test_phone_stays_hidden_from_liaison_staff(client, street, issue):
    liaison = LiaisonStaffFactory()
    group = GroupFactory()
    group.liaison_staff.add(liaison)
    street.group = group
    street.save()
    client.force_login(liaison)

    page = client.get(change_url(issue)).content.decode()
    response = client.post(reverse("admin:residents_residentissue_phone", args=[issue.pk]))

    assert 'id="phone-reveal"' not in page and "13812345678" not in page
    assert response.status_code == 403
    assert not PhoneViewLog.objects.exists()


def test_change_page_lists_possible_duplicates(office_client, street):
    issue = ResidentIssueFactory(street=street, description="和平里3号楼东门的路灯坏了很久了。")
    twin = ResidentIssueFactory(street=street, description="和平里3号楼东门路灯坏了很久。")

    response = office_client.get(change_url(issue))

    assert twin in response.context["duplicates"]
    assert f'value="{twin.tracking_code}"' in response.content.decode()


# --- Triage through the change page ---------------------------------------------------------------


def test_staff_walk_an_issue_from_acceptance_to_a_draft_report_and_a_closing_reply(
    office_client, issue
):
    group = GroupFactory(name="城关街道活动组")
    member = MemberFactory(name="王秀英")
    preset = PresetReplyFactory(text="问题已解决，感谢您的反映。")

    office_client.post(step_url(issue, "accept"), {"accept-note": "请核实"})
    office_client.post(step_url(issue, "route"), {"route-destination": f"group:{group.pk}"})
    office_client.post(
        step_url(issue, "convert"),
        {
            "convert-kind": "opinion_report",
            "convert-member": member.pk,
            "convert-title": "关于修复和平里路灯的建议",
            "convert-category": "urban",
        },
    )
    office_client.post(step_url(issue, "close"), {"close-preset": preset.pk, "close-reply": ""})

    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.CLOSED
    assert issue.public_reply == "问题已解决，感谢您的反映。"
    assert set(IssueLink.objects.values_list("kind", flat=True)) == {"group", "opinion_report"}
    report = OpinionReport.objects.get()
    assert report.author == member and report.state == OpinionReport.State.DRAFT
    page = office_client.get(change_url(issue)).content.decode()
    assert "关于修复和平里路灯的建议" in page  # the link to the report


def test_edited_preset_reply_is_what_the_resident_reads(office_client, issue):
    services.issue_accept(issue=issue, actor=OfficeStaffFactory())
    preset = PresetReplyFactory(text="已转交有关部门。")

    office_client.post(
        step_url(issue, "answer"), {"answer-preset": preset.pk, "answer-reply": "已转交区城管局。"}
    )

    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.ANSWERED
    assert issue.public_reply == "已转交区城管局。"


def test_refused_step_shows_a_message_and_changes_nothing(office_client, issue):
    response = office_client.post(
        step_url(issue, "answer"), {"answer-reply": "已处理。"}, follow=True
    )

    issue.refresh_from_db()
    assert issue.state == ResidentIssue.State.SUBMITTED
    assert issue.public_reply == ""
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_merge_from_the_duplicate_list(office_client, street):
    issue = ResidentIssueFactory(street=street)
    survivor = ResidentIssueFactory(street=street)

    office_client.post(step_url(issue, "merge"), {"merge-into": survivor.tracking_code.lower()})

    issue.refresh_from_db()
    assert issue.merged_into == survivor


def test_bulk_accept_action(office_client, street):
    waiting = ResidentIssueFactory.create_batch(2, street=street)
    closed = ResidentIssueFactory(street=street, state=ResidentIssue.State.CLOSED)

    office_client.post(
        CHANGELIST,
        {
            "action": "accept_selected",
            "_selected_action": [issue.pk for issue in [*waiting, closed]],
        },
    )

    states = dict(ResidentIssue.objects.values_list("pk", "state"))
    assert states[waiting[0].pk] == states[waiting[1].pk] == ResidentIssue.State.ACCEPTED
    assert states[closed.pk] == ResidentIssue.State.CLOSED


def test_staff_enter_a_phoned_in_issue_with_the_same_form(office_client, office, street):
    response = office_client.post(
        reverse("admin:residents_residentissue_add"),
        {
            "channel": ResidentIssue.Channel.PHONE,
            "category": ResidentIssue.Category.HARDSHIP,
            "street": street.pk,
            "community": "",
            "place": "和平里5号楼",
            "description": "独居老人家中漏水无人处理。",
            "name": "李阿姨",
            "mobile": "13900001111",
            "consent": "on",
        },
    )

    issue = ResidentIssue.objects.get()
    assert response.status_code == 302 and response.url == change_url(issue)
    assert (issue.channel, issue.created_by, issue.mobile) == ("phone", office, "13900001111")


def test_liaison_staff_enter_issues_only_for_their_groups_streets(client, street):
    liaison = LiaisonStaffFactory()
    own_group = GroupFactory()
    own_group.liaison_staff.add(liaison)
    own_street = StreetFactory(name="东城街道（本组）", group=own_group)
    street.group = GroupFactory()  # another group's street
    street.save()
    client.force_login(liaison)
    add = reverse("admin:residents_residentissue_add")
    data = {
        "channel": ResidentIssue.Channel.PHONE,
        "category": ResidentIssue.Category.HARDSHIP,
        "community": "",
        "place": "和平里5号楼",
        "description": "独居老人家中漏水无人处理。",
    }

    own_community = CommunityFactory(street=own_street, name="本组社区")
    CommunityFactory(street=street, name="别组社区")
    fields = client.get(add).context["form"].fields
    streets = fields["street"].choices
    communities = [
        name for _street, group in fields["community"].choices[1:] for _pk, name in group
    ]
    refused = client.post(add, {**data, "street": street.pk})

    assert [pk for pk, _name in streets if pk] == [own_street.pk]
    assert communities == [own_community.name]
    assert refused.status_code == 200 and "street" in refused.context["form"].errors
    assert not ResidentIssue.objects.exists()
    with pytest.raises(ValidationError):  # the service refuses it too, whatever the form
        services.issue_submit(
            actor=liaison,
            category=data["category"],
            street=street,
            community=None,
            place=data["place"],
            description=data["description"],
            channel=data["channel"],
        )
    assert client.post(add, {**data, "street": own_street.pk}).status_code == 302
    assert ResidentIssue.objects.get().street == own_street


def test_staff_entry_refuses_overlong_text_and_writes_nothing(office_client, street):
    response = office_client.post(
        reverse("admin:residents_residentissue_add"),
        {
            "channel": ResidentIssue.Channel.VISIT,
            "category": ResidentIssue.Category.OTHER,
            "street": street.pk,
            "place": "某处",
            "description": "长" * 2001,
        },
    )

    assert response.status_code == 200
    assert not ResidentIssue.objects.exists()


def test_photo_is_served_to_staff_only(office_client, client, street, settings):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    issue = services.issue_submit(
        actor=None,
        category="other",
        street=street,
        community=None,
        place="某处",
        description="某事",
        photos=[ContentFile(buffer.getvalue(), name="a.jpg")],
    )
    photo = issue.photos.get()
    url = reverse("admin:residents_residentissue_photo", args=[issue.pk, photo.pk])

    assert office_client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login


def test_notification_email_shows_typed_html_as_text(
    office, street, django_capture_on_commit_callbacks
):
    issue = ResidentIssueFactory(
        street=street, state=ResidentIssue.State.ACCEPTED, description=SCRIPT
    )
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=False):
        services.issue_route(issue=issue, actor=office, kind="member", target=member)
    send_notification_emails(list(Notification.objects.values_list("pk", flat=True)))

    message = mail.outbox[0]
    assert SCRIPT in message.body  # plain text: the reader's mail program shows it as text
    assert not getattr(message, "alternatives", [])
