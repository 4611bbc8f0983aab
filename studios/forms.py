"""Forms of the studios' public pages.

Forms only parse and check input; every write goes through a service.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class DirectoryFilterForm(forms.Form):
    """The directory's choice of street and sector: only those that have a public studio."""

    street = forms.ModelChoiceField(
        label=_("Street"),
        queryset=selectors.directory_streets(),
        required=False,
        empty_label=_("All streets"),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=selectors.directory_sectors(),
        required=False,
        empty_label=_("All sectors"),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
