"""The studio registry in the admin: registering, the lifecycle steps, liaison scoping, the
member inline and the photo."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from core.models import TimelineEntry
from core.workflow import TransitionRefused
from studios.admin import StudioAdminForm
from studios.models import Studio, StudioMember
from studios.services import studios as services
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)
from tests.residents.factories import StreetFactory

from .admin_pages import page_data
from .factories import StudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

State = Studio.State
CHANGELIST = reverse("admin:studios_studio_changelist")
ADD = reverse("admin:studios_studio_add")


def change_url(studio):
    return reverse("admin:studios_studio_change", args=[studio.pk])


def step_url(studio, step):
    return reverse("admin:studios_studio_step", args=[studio.pk, step])


def timeline(studio) -> list[str]:
    return list(
        TimelineEntry.objects.filter(content_type__model="studio", object_id=studio.pk).values_list(
            "action", flat=True
        )
    )


@pytest.fixture
def office():
    return OfficeStaffFactory()


@pytest.fixture
def liaison():
    return LiaisonStaffFactory()


@pytest.fixture
def own_group(liaison):
    group = GroupFactory(name="东街街道活动组")
    group.liaison_staff.add(liaison)
    return group


@pytest.fixture
def other_liaison():
    return LiaisonStaffFactory()


@pytest.fixture
def other_group(other_liaison):
    group = GroupFactory(name="西街街道活动组")
    group.liaison_staff.add(other_liaison)
    return group


@pytest.fixture
def own_studio(own_group):
    return StudioFactory(name="东街法律服务工作室", group=own_group, state=State.PREPARING)


@pytest.fixture
def other_studio(other_group):
    return StudioFactory(name="西街委员工作室", group=other_group)


def _registry_data(group, **changes) -> dict:
    """What the add page posts: the registry's fields and an empty member inline."""
    data = {
        "name": "城关法律服务委员工作室",
        "kind": Studio.Kind.INDUSTRY,
        "industry": "法律",
        "sector": "",
        "group": group.pk,
        "lead_mode": Studio.LeadMode.MEMBER,
        "employer": "",
        "build_mode": Studio.BuildMode.EMBEDDED,
        "street": "",
        "address": "城关街道司法所一楼",
        "reception_hours": "每周二下午",
        "phone": "0000-12345678",
        "description": "为群众提供法律咨询。",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _jpeg(**kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG", **kwargs)
    return buffer.getvalue()


# --- Registering ---------------------------------------------------------------------------------


def test_office_registers_a_studio_preparing_with_its_members_and_a_timeline_row(
    client, office, own_group
):
    lead = MemberFactory(name="王律师")
    data = _registry_data(
        own_group,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-member": lead.pk,
            "memberships-0-role": StudioMember.Role.LEAD,
        },
    )

    client.force_login(office)
    response = client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    studio = Studio.objects.get(name="城关法律服务委员工作室")
    assert studio.state == State.PREPARING
    assert studio.opened_on is None
    assert list(studio.memberships.values_list("member__name", "role")) == [("王律师", "lead")]
    entry = TimelineEntry.objects.get(content_type__model="studio", object_id=studio.pk)
    assert (entry.action, entry.to_state, entry.actor) == ("studio_register", "preparing", office)


def test_liaison_registers_a_studio_only_in_their_own_groups(
    client, liaison, own_group, other_group
):
    client.force_login(liaison)

    response = client.post(ADD, _registry_data(other_group))

    assert response.status_code == 200
    assert "group" in response.context["adminform"].form.errors
    assert not Studio.objects.exists()
    assert not TimelineEntry.objects.exists()

    response = client.post(ADD, _registry_data(own_group))
    assert response.status_code == 302
    assert timeline(Studio.objects.get()) == ["studio_register"]


def test_register_service_refuses_another_groups_studio_and_writes_nothing(
    liaison, own_group, other_group
):
    studio = Studio(
        name="西街工作室", kind=Studio.Kind.SECTOR, group=other_group, lead_mode="member"
    )

    with pytest.raises(TransitionRefused):
        services.studio_register(studio=studio, actor=liaison)

    assert not Studio.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_industry_studio_needs_its_industry_and_employer_lead_its_employer(
    client, office, own_group
):
    client.force_login(office)
    with translation.override("zh-hans"):
        response = client.post(
            ADD,
            _registry_data(own_group, industry="", lead_mode=Studio.LeadMode.EMPLOYER),
        )

    errors = response.context["adminform"].form.errors
    assert "行业" in " ".join(errors["industry"])
    assert "单位" in " ".join(errors["employer"])
    assert not Studio.objects.exists()
    # What was typed stays in the form.
    assert response.context["adminform"].form["address"].value() == "城关街道司法所一楼"


# --- The lifecycle through the step panel ---------------------------------------------------------


def test_the_lifecycle_open_suspend_resume_exit_each_writes_a_timeline_row(
    client, liaison, own_studio
):
    client.force_login(liaison)
    opened = timezone.localdate() - datetime.timedelta(days=30)

    response = client.post(step_url(own_studio, "open"), {"opened_on": opened.isoformat()})
    assert response.status_code == 302
    own_studio.refresh_from_db()
    assert (own_studio.state, own_studio.opened_on) == (State.OPEN, opened)

    client.post(step_url(own_studio, "suspend"), {"note": "办公场所装修"})
    own_studio.refresh_from_db()
    assert own_studio.state == State.SUSPENDED

    client.post(step_url(own_studio, "resume"), {"note": ""})
    own_studio.refresh_from_db()
    assert own_studio.state == State.OPEN

    client.post(
        step_url(own_studio, "exit"),
        {"reason": "牵头单位撤并", "exited_on": timezone.localdate().isoformat()},
    )
    own_studio.refresh_from_db()
    assert own_studio.state == State.EXITED
    assert own_studio.exited_on == timezone.localdate()
    assert own_studio.exit_reason == "牵头单位撤并"
    assert own_studio.opened_on == opened  # the history stays
    assert timeline(own_studio) == ["studio_open", "studio_suspend", "studio_resume", "studio_exit"]


def test_the_panel_offers_only_the_steps_open_in_the_state(client, office):
    client.force_login(office)
    preparing = StudioFactory(state=State.PREPARING)
    suspended = StudioFactory(state=State.SUSPENDED)

    def offered(studio):
        return [step.name for step, _, _ in client.get(change_url(studio)).context["steps"]]

    assert offered(preparing) == ["open", "exit"]
    assert offered(suspended) == ["resume", "exit"]


def test_exit_without_a_reason_is_refused_in_chinese_and_writes_nothing(client, office, own_studio):
    client.force_login(office)

    with translation.override("zh-hans"):
        response = client.post(
            step_url(own_studio, "exit"),
            {"reason": "   ", "exited_on": timezone.localdate().isoformat()},
        )

    assert response.status_code == 200
    assert "请写明工作室退出的原因" in response.content.decode()
    own_studio.refresh_from_db()
    assert own_studio.state == State.PREPARING
    assert own_studio.exited_on is None
    assert timeline(own_studio) == []


def test_exit_service_refuses_a_blank_reason_and_the_database_refuses_it_too(own_studio, office):
    with pytest.raises(ValidationError) as refused:
        services.studio_exit(studio=own_studio, actor=office, reason="  \n ")
    assert "reason" in refused.value.error_dict
    own_studio.refresh_from_db()
    assert own_studio.state == State.PREPARING

    with pytest.raises(IntegrityError), transaction.atomic():
        Studio.objects.filter(pk=own_studio.pk).update(state=State.EXITED, exit_reason="")


def test_exit_cannot_be_dated_before_the_opening_nor_in_the_future(client, office):
    studio = StudioFactory(opened_on=datetime.date(2025, 3, 1))
    client.force_login(office)

    before = client.post(step_url(studio, "exit"), {"reason": "撤并", "exited_on": "2025-02-01"})
    future = timezone.localdate() + datetime.timedelta(days=1)
    later = client.post(
        step_url(studio, "exit"), {"reason": "撤并", "exited_on": future.isoformat()}
    )

    assert before.status_code == later.status_code == 200
    assert before.context["form"].errors["exited_on"]
    assert later.context["form"].errors["exited_on"]
    studio.refresh_from_db()
    assert studio.state == State.OPEN
    assert timeline(studio) == []


def test_a_step_from_the_wrong_state_is_refused(office):
    studio = StudioFactory(state=State.OPEN)

    with pytest.raises(TransitionRefused):
        services.studio_resume(studio=studio, actor=office)
    with pytest.raises(TransitionRefused):
        services.studio_open(studio=studio, actor=office)

    assert timeline(studio) == []


def test_an_exited_studio_keeps_its_history_on_a_read_only_page(client, office, own_studio):
    StudioMemberFactory(studio=own_studio, member=MemberFactory(name="赵委员"))
    services.studio_open(studio=own_studio, actor=office)
    services.studio_exit(studio=own_studio, actor=office, reason="工作室合并")
    client.force_login(office)

    response = client.get(change_url(own_studio))

    assert response.status_code == 200
    assert response.context["steps"] == []
    assert not response.context["has_change_permission"]
    timeline_set = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.opts.model is TimelineEntry
    )
    assert [form.instance.action for form in timeline_set.formset.forms] == [
        "studio_open",
        "studio_exit",
    ]
    assert "赵委员" in response.content.decode()

    changed = client.post(change_url(own_studio), {"name": "改名", "address": "别处"})
    assert changed.status_code == 403
    own_studio.refresh_from_db()
    assert own_studio.name == "东街法律服务工作室"
    assert own_studio.memberships.count() == 1


# --- Editing the registry's own fields ------------------------------------------------------------


def test_staff_edit_the_address_and_members_while_the_state_stays_with_the_steps(
    client, liaison, own_group, own_studio
):
    member = MemberFactory(name="钱委员", street_group=own_group)
    client.force_login(liaison)
    page = client.get(change_url(own_studio))
    assert "state" not in page.context["adminform"].form.fields
    data = page_data(page)
    data.update(
        {
            "address": "东街社区服务中心三楼",
            "state": State.OPEN,  # not a field of the form: ignored
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-member": member.pk,
            "memberships-0-role": StudioMember.Role.LEAD,
        }
    )

    response = client.post(change_url(own_studio), data)

    assert response.status_code == 302
    own_studio.refresh_from_db()
    assert own_studio.address == "东街社区服务中心三楼"
    assert own_studio.state == State.PREPARING
    assert list(own_studio.members.all()) == [member]


def test_liaison_cannot_put_another_groups_member_in_their_studio(
    client, liaison, own_studio, other_group
):
    stranger = MemberFactory(name="孙别人", street_group=other_group)
    client.force_login(liaison)
    data = page_data(client.get(change_url(own_studio)))
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-member": stranger.pk,
            "memberships-0-role": StudioMember.Role.RESIDENT,
        }
    )

    response = client.post(change_url(own_studio), data)

    assert response.status_code == 200
    assert not own_studio.memberships.exists()


def test_the_photo_is_decoded_within_bounds_and_stored_without_its_metadata(
    client, office, own_studio
):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; a GPS position is stored the same way
    # A whole JPEG with web page code after it: the stored copy is the pixels alone.
    content = _jpeg(exif=exif.tobytes()) + b"<!DOCTYPE html><script>alert(1)</script>"
    upload = SimpleUploadedFile("门牌.jpg", content, content_type="image/jpeg")
    client.force_login(office)
    data = page_data(client.get(change_url(own_studio)))
    data["photo"] = upload

    response = client.post(change_url(own_studio), data)

    assert response.status_code == 302
    own_studio.refresh_from_db()
    with own_studio.photo.open("rb") as stored:
        assert b"<script" not in stored.read()
    with own_studio.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 30)
        assert not image.getexif()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>", "不是图片"),
        ("forty-megapixels", "像素过多"),
    ],
    ids=["jpeg-header-then-html", "40-MP"],
)
def test_a_studio_photo_must_be_a_whole_picture_of_bounded_size(own_group, content, message):
    if content == "forty-megapixels":
        buffer = io.BytesIO()
        Image.new("L", (7300, 5480), 0).save(buffer, format="JPEG")
        content = buffer.getvalue()
    upload = SimpleUploadedFile("门牌.jpg", content, content_type="image/jpeg")
    data = _registry_data(own_group)

    with translation.override("zh-hans"):
        form = StudioAdminForm(data=data, files={"photo": upload})
        assert not form.is_valid()
        assert message in " ".join(form.errors["photo"])


# --- Lists ---------------------------------------------------------------------------------------


def test_changelist_counts_members_in_constant_queries(client, office):
    client.force_login(office)

    def make(count):
        for _ in range(count):
            studio = StudioFactory(street=StreetFactory())
            StudioMemberFactory.create_batch(2, studio=studio)

    make(3)
    client.get(CHANGELIST)  # caches that are not per request (content types)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST)

    assert len(many) == len(few)
    assert {studio.member_count for studio in response.context["cl"].result_list} == {2}


def test_changelist_finds_a_studio_by_its_name_or_pinyin(client, office):
    StudioFactory(name="法律服务工作室")
    StudioFactory(name="煤炭行业工作室")
    client.force_login(office)

    def found(term):
        response = client.get(CHANGELIST, {"q": term})
        return {studio.name for studio in response.context["cl"].result_list}

    assert found("法律") == {"法律服务工作室"}
    assert found("mei") == {"煤炭行业工作室"}


def test_changelist_offers_no_bulk_delete(client, office, own_studio):
    client.force_login(office)
    form = client.get(CHANGELIST).context["action_form"]
    actions = [] if form is None else [name for name, _ in form.fields["action"].choices]
    assert "delete_selected" not in actions


def test_liaison_list_and_filters_hold_only_their_groups_studios_and_streets(
    client, liaison, own_studio, other_studio
):
    own_studio.street = StreetFactory(name="东街街道", group=own_studio.group)
    own_studio.save()
    other_studio.street = StreetFactory(name="西街街道", group=other_studio.group)
    other_studio.save()
    client.force_login(liaison)

    response = client.get(CHANGELIST)

    assert [studio.name for studio in response.context["cl"].result_list] == ["东街法律服务工作室"]
    choices = {
        spec.parameter_name: {title for _, title in spec.lookup_choices}
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) in ("group", "street")
    }
    assert choices == {"group": {"东街街道活动组"}, "street": {"东街街道"}}


# --- Another liaison's studio: every id-taking URL ------------------------------------------------


def test_every_admin_url_of_another_liaisons_studio_is_closed(client, liaison, other_studio):
    client.force_login(liaison)

    change = client.get(change_url(other_studio))
    assert change.status_code == 302 and change.url == reverse("admin:index")
    history = client.get(reverse("admin:studios_studio_history", args=[other_studio.pk]))
    assert history.status_code == 302 and history.url == reverse("admin:index")
    delete = client.get(reverse("admin:studios_studio_delete", args=[other_studio.pk]))
    assert delete.status_code in (302, 403)
    for step in ("open", "suspend", "resume", "exit"):
        assert client.get(step_url(other_studio, step)).status_code == 404
        posted = client.post(
            step_url(other_studio, step),
            {"reason": "越权", "exited_on": timezone.localdate().isoformat(), "note": ""},
        )
        assert posted.status_code == 404
    posted = client.post(change_url(other_studio), {"name": "越权改名"})
    assert posted.status_code == 302

    other_studio.refresh_from_db()
    assert (other_studio.name, other_studio.state) == ("西街委员工作室", State.OPEN)
    assert timeline(other_studio) == []
    listed = client.get(CHANGELIST).content.decode()
    assert "西街委员工作室" not in listed


def test_liaison_cannot_run_another_groups_studio_through_the_services(liaison, other_studio):
    with pytest.raises(TransitionRefused):
        services.studio_suspend(studio=other_studio, actor=liaison)
    with pytest.raises(TransitionRefused):
        services.studio_exit(studio=other_studio, actor=liaison, reason="越权")

    other_studio.refresh_from_db()
    assert other_studio.state == State.OPEN
