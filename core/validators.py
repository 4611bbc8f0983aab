"""Checks on what people type that every app shares.

Single-line text (a title, a name, a place) never holds control characters: a line break in a
report's title once made Django refuse the notification email's subject, and nothing retried.
Every CharField of the project's models carries `validate_single_line` (added at start-up by
`attach_to_models`, so no model can be left out), and so does every single-line field of the
project's plain forms (`SingleLineCharField`); tests/core/test_single_line.py walks both.
"""

import re

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# C0 controls (line feed, carriage return, tab, NUL…), DEL, and the Unicode line and paragraph
# separators, which mail headers and many viewers take as line breaks too.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f\u2028\u2029]")

# The apps whose models people type into; third-party models keep their own rules.
PROJECT_APPS = ("core", "members", "opinions", "residents", "studios", "consultations")


def validate_single_line(value) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("This must not contain control characters (such as line breaks)."),
            code="control_characters",
        )


def single_line(text: str) -> str:
    """`text` on one line: control characters, and the spaces around them, become one space."""
    return re.sub(r"\s*(?:[\x00-\x1f\x7f\u2028\u2029]\s*)+", " ", text or "").strip()


class SingleLineCharField(forms.CharField):
    """A form's one-line text field: refuses control characters, line breaks included."""

    default_validators = [validate_single_line]


def attach_to_models() -> None:
    """Give every CharField of the project's models the single-line check (CoreConfig.ready).

    Added to the field's validators at start-up rather than written on each field: no field
    can be forgotten, and migrations do not change (they record only validators passed to
    the field). Model forms, the admin's included, run it through full_clean.
    """
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and validate_single_line not in field.validators:
                field.validators.append(validate_single_line)
