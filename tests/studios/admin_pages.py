"""What a browser posts back for an admin page as it was rendered."""

from django.forms import FileInput, MultiWidget


def page_data(response) -> dict:
    """The POST data of a rendered admin add or change page, inlines included (file fields
    left out: a test adds the upload it means)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, FileInput):
                continue
            if isinstance(field.widget, MultiWidget):  # date and time of a datetime
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{index}"] = "" if part is None else part
            elif value is None or value is False:
                continue
            else:
                data[form.add_prefix(name)] = value
    return data
