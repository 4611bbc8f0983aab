"""The export base (core/exports.py): no export of the portal writes a live formula, and every
export is in Chinese, whatever resource or format a later change adds."""

import csv
import importlib
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from core.exports import (
    FORMULA_STARTS,
    SafeExportAdminMixin,
    SafeExportResource,
    _export_errors,
    spreadsheet_safe,
)
from members.models import Activity, Member
from members.resources import MemberResource
from opinions.models import OpinionReport, Proposal, ReportReply
from opinions.resources import OpinionReportResource
from residents.models import ResidentIssue
from studios.models import Appointment, Visit
from tests.members.factories import (
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    MemberFactory,
    SectorGroupFactory,
    UserFactory,
)
from tests.opinions.factories import (
    AssignedProposalFactory,
    DepartmentFactory,
    ForwardedReportFactory,
)
from tests.residents.factories import ResidentIssueFactory
from tests.studios.booking_factories import AppointmentFactory
from tests.studios.reception_factories import VisitFactory

pytestmark = pytest.mark.django_db

#: What a malicious title, name or place looks like: each is run by Excel, LibreOffice or WPS
#: when written raw into a cell.
PAYLOADS = (
    '=HYPERLINK("http://x","点")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A2)",
    "＝1+1",
    "\t=1+1",
)

PROJECT_APPS = ("core", "members", "opinions", "residents", "studios", "consultations", "portal")


def _project_resources() -> set[type]:
    for app in PROJECT_APPS:
        try:
            importlib.import_module(f"{app}.resources")
        except ModuleNotFoundError:
            pass
    found, todo = set(), [resources.Resource]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS and sub is not SafeExportResource:
                found.add(sub)
    return found


def _export_admins() -> list:
    return [a for a in admin.site._registry.values() if isinstance(a, ExportMixin)]


# --- one base for all -----------------------------------------------------------------------------


def test_every_resource_of_the_project_is_a_safe_export_resource():
    found = _project_resources()
    assert {"MemberResource", "ActivityResource", "OpinionReportResource"} <= {
        cls.__name__ for cls in found
    }
    assert [cls for cls in found if not issubclass(cls, SafeExportResource)] == []


def test_every_exporting_admin_goes_through_the_base():
    assert len(_export_admins()) >= 5
    assert _export_errors(admin.site) == []
    for model_admin in _export_admins():
        assert isinstance(model_admin, SafeExportAdminMixin)


def test_system_check_refuses_an_export_outside_the_base():
    class PlainResource(resources.ModelResource):
        class Meta:
            model = Member

    class PlainExportAdmin(ExportMixin, admin.ModelAdmin):
        resource_classes = [PlainResource]

    site = admin.AdminSite(name="plain")
    site.register(Member, PlainExportAdmin)

    assert sorted(error.id for error in _export_errors(site)) == ["core.E101", "core.E102"]


@pytest.mark.parametrize("value", PAYLOADS + ("'already quoted", "-"))
def test_spreadsheet_safe_quotes_every_formula_start(value):
    assert spreadsheet_safe(value) == f"'{value}" if value.startswith(FORMULA_STARTS) else value
    assert not str(spreadsheet_safe(value)).startswith(FORMULA_STARTS)


@pytest.mark.parametrize("value", ["区政协会议室", "", None, 12, -3])
def test_spreadsheet_safe_leaves_text_and_numbers_alone(value):
    assert spreadsheet_safe(value) == value


# --- the corpus: every resource, every format, every text column ----------------------------------


def _member():
    return MemberFactory(sector_group=SectorGroupFactory(), street_group=GroupFactory())


def _activity():
    activity = ActivityFactory()
    AttendanceFactory(activity=activity)
    return activity


def _report():
    report = ForwardedReportFactory(group=GroupFactory())
    report.coauthors.add(MemberFactory())
    ReportReply.objects.create(
        report=report, department=report.department, is_lead=True, text="已办理"
    )
    return report


def _proposal():
    proposal = AssignedProposalFactory(is_key=True, supervising_leader="李副主席")
    proposal.cosigners.add(MemberFactory())
    proposal.co_departments.add(DepartmentFactory())
    return proposal


def _issue():
    return ResidentIssueFactory(mobile="13812345678", public_reply="已修复")


def _visit():
    return VisitFactory(issue=ResidentIssueFactory())


#: One row of each exported model, with every related row its export reads. An export added
#: for another model fails `test_every_export_has_a_corpus_row` until it has its line here.
CORPUS_ROWS = {
    Member: _member,
    Activity: _activity,
    OpinionReport: _report,
    Proposal: _proposal,
    ResidentIssue: _issue,
    Visit: _visit,
    Appointment: AppointmentFactory,
}


def _poison(obj, payload: str, depth: int = 2, seen=None) -> None:
    """Write `payload` into every free-text column of `obj` and of the rows it points at."""
    seen = set() if seen is None else seen
    model = type(obj)
    if (model, obj.pk) in seen or model is get_user_model():
        return
    seen.add((model, obj.pk))
    updates = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            value = payload
            if field.unique:
                value = f"{payload[: (field.max_length or 50) - 7]}~{obj.pk}"
            updates[field.name] = value[: field.max_length] if field.max_length else value
    model._default_manager.filter(pk=obj.pk).update(**updates)
    if depth == 0:
        return
    for field in model._meta.get_fields():
        if field.one_to_many and depth == 2:
            # The exported row's own children (a report's departments' replies).
            name = field.name
            accessor = field.get_accessor_name() if hasattr(field, "get_accessor_name") else name
            for related in getattr(obj, accessor).all():
                _poison(related, payload, depth - 1, seen)
            continue
        if field.auto_created and not field.concrete:
            continue  # other reverse relations
        if field.many_to_one or field.one_to_one:
            related = getattr(obj, field.name)
            if related is not None:
                _poison(related, payload, depth - 1, seen)
        elif field.many_to_many:
            for related in getattr(obj, field.name).all():
                _poison(related, payload, depth - 1, seen)


def _cells(content: bytes, file_format) -> list[list]:
    if isinstance(file_format, XLSX):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"live formula in {cell.coordinate}: {cell.value}"
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _post_export(client, model_admin, resource_index, format_index, resource_class):
    opts = model_admin.model._meta
    data = {"format": str(format_index), "resource": str(resource_index)}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_export"), data)


def _exports():
    """(admin, resource index, resource class, format index, format) of every export offered
    to someone holding every permission."""
    superuser = get_user_model()(is_superuser=True, is_active=True)
    request = type("Request", (), {"user": superuser})()
    for model_admin in _export_admins():
        for r_index, resource_class in enumerate(model_admin.get_export_resource_classes(request)):
            for f_index, file_format in enumerate(model_admin.get_export_formats()):
                yield model_admin, r_index, resource_class, f_index, file_format()


def test_every_export_has_a_corpus_row():
    assert {model_admin.model for model_admin in _export_admins()} <= set(CORPUS_ROWS)


def test_the_corpus_finds_no_live_formula_in_any_export(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = {
        model: [make() for _ in PAYLOADS] for model, make in CORPUS_ROWS.items()
    }  # one row per payload
    for objs in rows.values():
        for obj, payload in zip(objs, PAYLOADS, strict=True):
            _poison(obj, payload)

    checked = 0
    for model_admin, r_index, resource_class, f_index, file_format in _exports():
        label = f"{resource_class.__name__} as {file_format.get_title()}"
        response = _post_export(client, model_admin, r_index, f_index, resource_class)
        assert response.status_code == 200, label
        assert response["Content-Type"].startswith(file_format.get_content_type()), label
        cells = [cell for row in _cells(response.content, file_format) for cell in row]
        assert len(cells) > len(PAYLOADS), label
        live = [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_STARTS)]
        assert live == [], label
        # The payloads did reach the file, defused: the corpus is not testing empty columns.
        for payload in PAYLOADS:
            assert any(isinstance(c, str) and c.startswith(f"'{payload[:3]}") for c in cells), (
                label,
                payload,
            )
        checked += 1
    assert checked >= 10  # five lists, xlsx and csv where offered, and the phone list


# --- Chinese names ------------------------------------------------------------------------------


def test_member_export_has_a_chinese_file_name_sheet_name_and_headers(client):
    MemberFactory(name="王秀英")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    model_admin = admin.site._registry[Member]
    response = _post_export(client, model_admin, 0, 0, MemberResource)

    disposition = unquote(response["Content-Disposition"])
    today = timezone.localdate()
    assert f"委员名册-{today:%Y-%m-%d}.xlsx" in disposition
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.title == "委员"
    headers = next(workbook.active.iter_rows(values_only=True))
    assert headers[:3] == ("姓名", "性别", "界别")


def test_csv_export_opens_in_excel_with_its_chinese(client):
    MemberFactory(name="王秀英")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = _post_export(client, admin.site._registry[Member], 0, 1, MemberResource)

    assert response.content.startswith("\ufeff".encode())  # the byte-order mark Excel needs
    assert "王秀英" in response.content.decode("utf-8-sig")
    assert ".csv" in unquote(response["Content-Disposition"])


def test_report_export_heads_the_id_column_in_chinese(client):
    ForwardedReportFactory(title="关于路灯的建议")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = _post_export(
        client, admin.site._registry[OpinionReport], 0, 0, OpinionReportResource
    )

    assert "社情民意信息-" in unquote(response["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "社情民意信息"
    headers = next(sheet.iter_rows(values_only=True))
    assert headers[:2] == ("编号", "标题")
    assert "id" not in headers


@pytest.mark.parametrize("model", list(CORPUS_ROWS))
def test_export_page_is_in_chinese(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_export"))
    form = response.context["form"]

    labels = [str(field.label) for field in form.visible_fields() if field.name != "format"]
    labels += [str(label) for _value, label in form.fields["format"].choices]
    for label in labels:
        # Only file-format names (Excel, CSV, .xlsx) may stay in Latin letters.
        latin = label.replace("Excel", "").replace("CSV", "").replace(".xlsx", "")
        assert not any("a" <= ch.lower() <= "z" for ch in latin.replace(".csv", "")), label


# --- constant queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", list(CORPUS_ROWS))
def test_export_query_count_does_not_grow_with_the_rows(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    model_admin = admin.site._registry[model]
    resource_class = model_admin.resource_classes[0]
    CORPUS_ROWS[model]()

    with CaptureQueriesContext(connection) as few:
        assert _post_export(client, model_admin, 0, 0, resource_class).status_code == 200
    for _ in range(4):
        CORPUS_ROWS[model]()
    with CaptureQueriesContext(connection) as many:
        assert _post_export(client, model_admin, 0, 0, resource_class).status_code == 200

    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
