"""The export page's field picker, in the words of the exported file.

django-import-export labels each tick box with the resource field's Python name, title-cased,
and the column header after it ("Work Unit (工作单位)"): staff read English they never chose.
Here the box reads what the column will be called in the file, nothing else.
"""

from import_export.forms import SelectableFieldsExportForm


class ExportFieldsForm(SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name:
            return str(field.column_name)
        return super()._get_field_label(resource, field_name)
