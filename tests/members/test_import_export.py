"""The member roster through the admin: template download, upload → preview → confirm, export."""

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from members import roles
from members.models import Member, Sector
from members.phones import normalize_mobile
from members.resources import EXAMPLE_MOBILE, MemberResource

from .factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    SectorFactory,
    SectorGroupFactory,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:members_member_import"
TEMPLATE_URL = "admin:members_member_import_template"


@pytest.fixture
def office_client(client):
    client.force_login(OfficeStaffFactory())
    return client


@pytest.fixture
def roster():
    """A sector with its sector group and a street group, as rows will name them."""
    sector = SectorFactory(name="教育界")
    return {
        "sector": sector,
        "sector_group": SectorGroupFactory(sector=sector, name="教育界活动组"),
        "street_group": GroupFactory(name="东街街道活动组"),
    }


def _template(client) -> list[list]:
    response = client.get(reverse(TEMPLATE_URL))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _row(headers, example, **changes):
    """A data row: the template's example row with some columns changed (by field name)."""
    resource = MemberResource()
    values = dict(zip(headers, example, strict=True))
    for name, value in changes.items():
        values[resource.fields[name].column_name] = value
    return [values[header] for header in headers]


def _xlsx(headers, *rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "名册.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _upload(client, upload):
    # Format 0 is XLSX (MemberAdmin.formats).
    response = client.post(reverse(IMPORT_URL), {"format": "0", "import_file": upload})
    assert response.status_code == 200
    return response


def _confirm(client, preview):
    confirm_form = preview.context["confirm_form"]
    assert confirm_form is not None, preview.context["result"].invalid_rows
    return client.post(reverse("admin:members_member_process_import"), confirm_form.initial)


def _problems(preview) -> dict[int, list[str]]:
    """Problems of each refused row, by spreadsheet row number (the header is row 1)."""
    result = preview.context["result"]
    return {
        row.number + 1: [message for messages in row.error_dict.values() for message in messages]
        for row in result.invalid_rows
    }


def _message(error: ValidationError) -> str:
    return error.messages[0]


# --- the template ------------------------------------------------------------------------------


def test_template_has_the_roster_headers_and_a_fake_example_row(office_client, roster):
    rows = _template(office_client)
    assert rows[0] == MemberResource().get_export_headers()
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    mobile = MemberResource().fields["mobile"].column_name
    assert example[mobile] == EXAMPLE_MOBILE
    assert example[MemberResource().fields["sector"].column_name] == "教育界"


def test_template_example_row_left_in_the_file_is_refused(office_client, roster):
    headers, example = _template(office_client)
    preview = _upload(office_client, _xlsx(headers, example))
    assert list(_problems(preview)) == [2]
    assert preview.context.get("confirm_form") is None
    assert not Member.objects.exists()


def test_liaison_staff_get_neither_template_nor_import(client, roster):
    client.force_login(LiaisonStaffFactory())
    assert client.get(reverse(TEMPLATE_URL)).status_code == 403
    assert client.get(reverse(IMPORT_URL)).status_code == 403


# --- a good file -------------------------------------------------------------------------------


def test_import_creates_and_updates_members_after_confirmation(office_client, roster):
    existing = MemberFactory(
        name="老委员", mobile="13900000001", title="教师", sector=roster["sector"]
    )
    headers, example = _template(office_client)
    update = _row(headers, example, name="老委员", mobile="１３９ ００００ ０００１", title="校长")
    new = _row(headers, example, name="新委员", mobile="+86 139 0000 0002", term="第9届")
    preview = _upload(office_client, _xlsx(headers, update, new))

    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["update", "new"]
    existing.refresh_from_db()
    assert existing.title == "教师"  # the preview writes nothing
    assert not Member.objects.filter(name="新委员").exists()

    response = _confirm(office_client, preview)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.title == "校长"
    created = Member.objects.get(name="新委员")
    assert (created.mobile, created.term) == ("13900000002", 9)
    assert (created.sector, created.sector_group, created.street_group) == (
        roster["sector"],
        roster["sector_group"],
        roster["street_group"],
    )
    # Created through member_create: the login exists, named by the mobile number.
    assert created.user.username == "13900000002"
    assert created.user.groups.filter(name=roles.MEMBER).exists()


def test_import_reads_choices_by_label_and_numbers_stored_as_numbers(office_client, roster):
    headers, example = _template(office_client)
    row = _row(
        headers,
        example,
        mobile=13900000003,
        gender=str(Member.Gender.MALE.label),
        party=str(Member.Party.CDL.label),
        status=str(Member.Status.LEFT.label),
    )
    _confirm(office_client, _upload(office_client, _xlsx(headers, row)))
    member = Member.objects.get(mobile="13900000003")
    assert (member.gender, member.party, member.status) == (
        Member.Gender.MALE,
        Member.Party.CDL,
        Member.Status.LEFT,
    )
    assert member.left_on is not None


def test_import_accepts_headers_of_another_ui_language(office_client, roster):
    _, example = _template(office_client)
    with translation.override("en"):
        english_headers = MemberResource().get_export_headers()
    row = _row(MemberResource().get_export_headers(), example, mobile="13900000004")
    _confirm(office_client, _upload(office_client, _xlsx(english_headers, row)))
    assert Member.objects.filter(mobile="13900000004").exists()


def test_import_skips_empty_lines(office_client, roster):
    headers, example = _template(office_client)
    good = _row(headers, example, mobile="13900000005")
    preview = _upload(office_client, _xlsx(headers, good, [None] * len(headers)))
    _confirm(office_client, preview)
    assert Member.objects.count() == 1


# --- a bad row: reported by row number and reason, and nothing written -----------------------


def _bad_phone():
    with pytest.raises(ValidationError) as refused:
        normalize_mobile("139-0000")
    return {"mobile": "139-0000"}, _message(refused.value)


def _unknown_sector():
    return {"sector": "火星界"}, "火星界"


def _unknown_street_group():
    return {"street_group": "月球街道"}, "月球街道"


def _missing_name():
    return {"name": "  "}, str(translation.gettext("This column is required."))


@pytest.mark.parametrize("bad", [_bad_phone, _unknown_sector, _unknown_street_group, _missing_name])
def test_one_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    office_client, roster, bad
):
    changes, reason = bad()
    headers, example = _template(office_client)
    good = _row(headers, example, name="好委员", mobile="13900000006")
    wrong = _row(headers, example, **{"mobile": "13900000007", **changes})
    preview = _upload(office_client, _xlsx(headers, good, wrong))

    problems = _problems(preview)
    assert list(problems) == [3]  # the header is row 1, the good row row 2
    assert any(reason in problem for problem in problems[3])
    assert preview.context.get("confirm_form") is None
    page = preview.text
    assert '<td class="spreadsheet-row">3</td>' in page
    assert reason in page
    assert not Member.objects.exists()
    assert not Member.objects.filter(name="好委员").exists()


def test_problems_are_reported_against_the_spreadsheet_columns(office_client, roster):
    headers, example = _template(office_client)
    wrong = _row(headers, example, mobile="12345", sector="火星界")
    row = _upload(office_client, _xlsx(headers, wrong)).context["result"].invalid_rows[0]
    resource = MemberResource()
    assert set(row.field_specific_errors) == {
        resource.fields["mobile"].column_name,
        resource.fields["sector"].column_name,
    }


def test_the_same_number_twice_in_a_file_is_refused(office_client, roster):
    headers, example = _template(office_client)
    first = _row(headers, example, name="甲", mobile="13900000008")
    second = _row(headers, example, name="乙", mobile="139 0000 0008")
    problems = _problems(_upload(office_client, _xlsx(headers, first, second)))
    assert set(problems) == {2, 3}
    assert not Member.objects.exists()


def test_a_row_gone_bad_before_confirmation_leaves_everything_unwritten(office_client, roster):
    headers, example = _template(office_client)
    doomed = Sector.objects.create(name="将撤销界")
    good = _row(headers, example, name="好委员", mobile="13900000009")
    later_bad = _row(
        headers,
        example,
        name="坏委员",
        mobile="13900000010",
        sector="将撤销界",
        sector_group="",
    )
    preview = _upload(office_client, _xlsx(headers, good, later_bad))
    assert preview.context["confirm_form"] is not None
    doomed.delete()  # someone removes the sector while the preview is on screen

    response = _confirm(office_client, preview)
    assert response.status_code == 302
    assert response.url == reverse(IMPORT_URL)
    assert not Member.objects.exists()
    levels = [message.level_tag for message in get_messages(response.wsgi_request)]
    assert levels == ["error"]


# --- export -------------------------------------------------------------------------------------


def test_export_masks_every_mobile_number(office_client, roster):
    MemberFactory(name="甲", mobile="13912345678", sector=roster["sector"])
    data = {"format": "0", "resource": "0"}
    for name in MemberResource().get_export_order():
        data[f"memberresource_{name}"] = "on"
    response = office_client.post(reverse("admin:members_member_export"), data)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == tuple(MemberResource().get_export_headers())
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported[MemberResource().fields["mobile"].column_name] == "139****5678"
    assert exported[MemberResource().fields["sector"].column_name] == "教育界"
