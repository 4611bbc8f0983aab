"""The public form's fast select writes the HTML Django's own select templates write."""

import pytest
from django import forms

from residents.forms import PlainSelect

CHOICES = [
    ("", "不确定"),
    ("城关街道", [(1, "和平社区"), (2, "<b>东门</b> & 西门")]),
    ("新华街道", [(3, "新华村")]),
]


@pytest.mark.parametrize("value", [None, "", 2, 3])
def test_plain_select_renders_what_djangos_select_renders(value):
    attrs = {"id": "id_community", "class": "form-select", "aria-describedby": "help"}

    plain = PlainSelect(choices=CHOICES).render("community", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("community", value, attrs=attrs)

    assert plain.replace("\n", "") == django.replace("\n", "").replace("  ", "")
    assert "&lt;b&gt;东门&lt;/b&gt; &amp; 西门" in plain
