"""Form widgets for choosing people on the member pages."""

from django import forms

from .pinyin import pinyin_search_text


class PeoplePickerWidget(forms.CheckboxSelectMultiple):
    """A checkbox per member, each carrying what a typed filter matches: the name, the label
    (name and sector) and the pinyin spelled out and as initials ("zhangsan zs").

    static/js/people-picker.js adds a search box above the list that hides the members who do
    not match; without JavaScript the whole list (in pinyin order) still works. The choices'
    queryset gives `name_pinyin` with each row, so the filter costs no query.
    """

    class Media:
        js = ("js/people-picker.js",)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        member = getattr(value, "instance", None)
        if member is not None:
            option["attrs"]["data-search"] = " ".join(
                [str(label), pinyin_search_text(member.name_pinyin)]
            ).lower()
        return option
