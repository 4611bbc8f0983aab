"""Mobile phone numbers: normalising what people type and masking what others may not see.

Phone numbers are personal data (PIPL): stored whole, shown masked (138****1234) to anyone not
entitled to the whole number.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS_RE = re.compile(r"[\s\-()]")


def normalize_mobile(raw: str) -> str:
    """Return the 11-digit mobile number in `raw`, or raise ValidationError.

    Accepts full-width digits (１３８…), spaces, dashes, brackets and a +86 / 86 prefix, which is
    how numbers arrive from spreadsheets and phone keyboards.
    """
    value = unicodedata.normalize("NFKC", str(raw or ""))
    value = _SEPARATORS_RE.sub("", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not MOBILE_RE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a valid mobile phone number (11 digits starting with 1)."),
            code="invalid_mobile",
            params={"value": raw},
        )
    return value


def mask_mobile(mobile: str) -> str:
    """138****1234: the first three and last four digits, the rest hidden."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"
