"""The one base every spreadsheet export of the portal goes through (django-import-export).

- `SafeExportResource`: every exported text cell that a spreadsheet program would read as a
  formula (=, +, -, @, a tab or a carriage return first, in half or full width) is written with a
  leading single quote, so `=HYPERLINK(…)` typed into a title stays text. Columns are headed by
  the model's verbose names (编号 for the id) in the language of the request, and the sheet is
  named after the model (委员).
- `SafeExportAdminMixin`: the admin side — Excel and CSV, the field picker in Chinese, file
  names such as 委员名册-2026-12-01.xlsx, CSV with a byte-order mark so that Excel reads the
  Chinese.

Every resource of the project subclasses `SafeExportResource` and every exporting admin lists
`SafeExportAdminMixin`; `check_exports` (a system check) refuses anything else at start-up.
"""

from django.contrib import admin
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, SelectableFieldsExportForm
from import_export.signals import post_export

# A cell starting with one of these is run as a formula by Excel, LibreOffice or WPS (the
# full-width forms too: WPS and Excel in Chinese input mode accept them as the sign).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

#: The header of the primary-key column.
ID_HEADER = _("record number")

#: How the export page names each format.
FORMAT_LABELS = {
    "xlsx": _("Excel workbook (.xlsx)"),
    "csv": _("CSV text (.csv)"),
}


def spreadsheet_safe(value):
    """`value` as a spreadsheet shows it, never as a formula: text starting with a formula
    character gets a leading single quote; numbers, dates and empty cells pass unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class SafeExportResource(resources.ModelResource):
    """Base of every export resource: formula-safe cells, Chinese headers and sheet name."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            # A column nobody named (Meta.fields) is headed by the model field's verbose name.
            if model is not None and field.column_name == name:
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    pass
                else:
                    field.column_name = (
                        ID_HEADER if model_field.primary_key else model_field.verbose_name
                    )
            # In the language of this request, as a plain string (headers and row lookups).
            field.column_name = str(field.column_name)

    @classmethod
    def get_display_name(cls):
        """The name staff read on the export page and in the file name."""
        name = getattr(cls._meta, "name", None)
        if name:
            return str(name)
        return str(cls._meta.model._meta.verbose_name_plural)

    @classmethod
    def get_sheet_name(cls) -> str:
        return str(cls._meta.model._meta.verbose_name)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # Here rather than in export_field: dehydrate_* methods and widgets all end up here.
        row = super().export_resource(instance, selected_fields=selected_fields, **kwargs)
        return [spreadsheet_safe(value) for value in row]

    def get_export_headers(self, selected_fields=None):
        return [spreadsheet_safe(h) for h in super().get_export_headers(selected_fields)]

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        dataset.title = self.get_sheet_name()
        return dataset


class _ChineseLabelsMixin:
    def _init_resources(self, resources):
        super()._init_resources(resources)
        # The library's "Resource" (untranslated in its catalog): which list to export.
        self.fields["resource"].label = _("what to export")

    def _init_formats(self, formats):
        super()._init_formats(formats)
        field = self.fields["format"]
        field.choices = [(value, FORMAT_LABELS.get(label, label)) for value, label in field.choices]
        if len(formats) == 1:
            field.value = FORMAT_LABELS.get(field.value, field.value)


class SafeExportForm(_ChineseLabelsMixin, ExportForm):
    """The export page without a field picker: every column of the resource."""


class SafeSelectableExportForm(_ChineseLabelsMixin, SelectableFieldsExportForm):
    """The export page with a field picker whose boxes read the column headers."""

    def _create_boolean_fields(self, resource, index):
        # The headers of this request's language, read once per resource.
        self._headers = {name: field.column_name for name, field in resource().fields.items()}
        return super()._create_boolean_fields(resource, index)

    def _get_field_label(self, resource, field_name):
        # The library labels a box "Work Unit (工作单位)"; staff read only the header.
        return self._headers.get(field_name, field_name)


class SafeExportAdminMixin(ExportMixin):
    """Admin mixin of every export: list it where `ExportMixin` would go."""

    formats = [XLSX, CSV]
    export_form_class = SafeSelectableExportForm
    # A byte-order mark, without which Excel reads a UTF-8 CSV as GBK and garbles the Chinese.
    to_encoding = "utf-8-sig"

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format, resource_class=None):
        if resource_class is None:
            resource_class = self.get_export_resource_classes(request)[0]
        name = resource_class.get_display_name()
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        export_data = self.get_export_data(
            file_format,
            request,
            queryset,
            encoding=self.to_encoding,
            export_form=export_form,
        )
        filename = self.get_export_filename(
            request,
            queryset,
            file_format,
            resource_class=self.choose_export_resource_class(export_form, request),
        )
        response = HttpResponse(export_data, content_type=file_format.get_content_type())
        # The library writes the name raw into the header; a Chinese name needs RFC 6266.
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        post_export.send(sender=None, model=self.model)
        return response


@checks.register(checks.Tags.admin)
def check_exports(app_configs=None, **kwargs):
    """Every admin that exports does so through the safe base, with safe resources only."""
    return _export_errors(admin.site)


def _export_errors(site: admin.AdminSite) -> list[checks.Error]:
    errors = []
    for model_admin in site._registry.values():
        if not isinstance(model_admin, ExportMixin):
            continue
        label = f"{type(model_admin).__module__}.{type(model_admin).__qualname__}"
        if not isinstance(model_admin, SafeExportAdminMixin):
            errors.append(
                checks.Error(
                    f"{label} exports without core.exports.SafeExportAdminMixin.",
                    hint="List SafeExportAdminMixin instead of ExportMixin.",
                    obj=model_admin,
                    id="core.E101",
                )
            )
        for resource_class in model_admin.resource_classes or []:
            if not issubclass(resource_class, SafeExportResource):
                errors.append(
                    checks.Error(
                        f"{resource_class.__qualname__} of {label} is not a SafeExportResource.",
                        hint="Subclass core.exports.SafeExportResource.",
                        obj=model_admin,
                        id="core.E102",
                    )
                )
    return errors
