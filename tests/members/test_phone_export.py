"""The phone list with whole numbers: only for staff holding members.export_member_phones,
only their own members, and every export logged."""

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.workflow import TransitionRefused
from members import services
from members.models import Member, MemberPhoneExport
from members.resources import MemberPhoneListResource, MemberResource

from .factories import GroupFactory, LiaisonStaffFactory, MemberFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("admin:members_member_export")
LOG_URL = reverse("admin:members_memberphoneexport_changelist")


def _grant(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="members", codename="export_member_phones")
    )
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


@pytest.fixture
def liaison():
    return LiaisonStaffFactory()


@pytest.fixture
def own_member(liaison):
    group = GroupFactory(name="东街街道活动组")
    group.liaison_staff.add(liaison)
    return MemberFactory(name="王自己", street_group=group, mobile="13811110001")


@pytest.fixture
def other_member():
    return MemberFactory(
        name="李别人", street_group=GroupFactory(name="西街街道活动组"), mobile="13822220002"
    )


def _post(client, resource_index, resource_class, fmt="0"):
    data = {"format": fmt, "resource": str(resource_index)}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return client.post(EXPORT_URL, data)


def _rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_liaison_with_the_permission_exports_own_members_whole_numbers_and_it_is_logged(
    client, liaison, own_member, other_member
):
    liaison = _grant(liaison)
    client.force_login(liaison)
    page = client.get(EXPORT_URL)
    assert [str(label) for _v, label in page.context["form"].fields["resource"].choices] == [
        "委员名册",
        "委员通讯录",
    ]

    response = _post(client, 1, MemberPhoneListResource)

    assert response.status_code == 200
    assert "委员通讯录-" in unquote(response["Content-Disposition"])
    assert [(row["姓名"], row["手机号码"]) for row in _rows(response)] == [
        ("王自己", "13811110001")
    ]
    log = MemberPhoneExport.objects.get()
    assert (log.exported_by, log.row_count) == (liaison, 1)


def test_liaison_phone_list_csv_is_logged_too(client, liaison, own_member):
    client.force_login(_grant(liaison))
    response = _post(client, 1, MemberPhoneListResource, fmt="1")
    assert "13811110001" in response.content.decode("utf-8-sig")
    assert MemberPhoneExport.objects.get().row_count == 1


def test_liaison_without_the_permission_is_not_offered_the_phone_list(client, liaison, own_member):
    client.force_login(liaison)
    page = client.get(EXPORT_URL)
    assert len(page.context["form"].fields["resource"].choices) == 1

    # Asking for it anyway gets the form back, not the numbers.
    response = _post(client, 1, MemberPhoneListResource)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"13811110001" not in response.content
    assert not MemberPhoneExport.objects.exists()

    # The roster they may export stays masked, and is not logged as a phone export.
    rows = _rows(_post(client, 0, MemberResource))
    assert [row["手机号码"] for row in rows] == ["138****0001"]
    assert not MemberPhoneExport.objects.exists()


def test_the_service_keeps_a_liaison_to_their_own_members_whatever_it_is_given(
    liaison, own_member, other_member
):
    liaison = _grant(liaison)
    dataset = services.member_phone_list_export(actor=liaison, queryset=Member.objects.all())
    assert [row[-1] for row in dataset] == ["13811110001"]
    assert MemberPhoneExport.objects.get().row_count == 1


def test_the_service_refuses_without_the_permission_and_logs_nothing(liaison, own_member):
    with pytest.raises(TransitionRefused) as refused:
        services.member_phone_list_export(actor=liaison, queryset=Member.objects.all())
    assert refused.value.message == "您无权导出完整手机号码。"
    assert not MemberPhoneExport.objects.exists()


def test_office_staff_read_the_log_and_liaison_staff_do_not(client, liaison, own_member):
    liaison = _grant(liaison)
    services.member_phone_list_export(actor=liaison, queryset=Member.objects.all())
    log = MemberPhoneExport.objects.get()

    client.force_login(OfficeStaffFactory())
    assert liaison.username in client.get(LOG_URL).content.decode()
    change = reverse("admin:members_memberphoneexport_change", args=[log.pk])
    assert client.get(change).status_code == 200
    assert (
        client.post(reverse("admin:members_memberphoneexport_delete", args=[log.pk])).status_code
        == 403
    )

    client.force_login(liaison)
    assert client.get(LOG_URL).status_code == 403
    assert client.get(change).status_code == 403
