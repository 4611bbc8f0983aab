"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS): three kinds of character, and
never the user's own mobile number, which anyone who has their business card knows."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .phones import MOBILE_RE

KINDS = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)


class CharacterKindsValidator:
    """At least `min_kinds` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_kinds: int = 3):
        self.min_kinds = min_kinds

    def validate(self, password, user=None):
        if sum(1 for kind in KINDS if kind.search(password)) < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_too_few_kinds")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of character: lower-case letters, "
            "capitals, digits, other characters.",
            "Your password must mix at least %(count)d kinds of character: lower-case letters, "
            "capitals, digits, other characters.",
            self.min_kinds,
        ) % {"count": self.min_kinds}


def _mobiles_of(user) -> set[str]:
    mobiles = set()
    if user is None:
        return mobiles
    username = getattr(user, "username", "") or ""
    if MOBILE_RE.match(username):
        mobiles.add(username)
    member = getattr(user, "member", None) if getattr(user, "pk", None) else None
    if member is not None and member.mobile:
        mobiles.add(member.mobile)
    return mobiles


class NotMobileValidator:
    """The password must not contain the user's mobile number (nor its last eight digits)."""

    def validate(self, password, user=None):
        digits = re.sub(r"\D", "", password)
        for mobile in _mobiles_of(user):
            if mobile in digits or mobile[-8:] in digits:
                raise ValidationError(
                    _("Your password must not contain your mobile phone number."),
                    code="password_contains_mobile",
                )

    def get_help_text(self):
        return _("Your password must not contain your mobile phone number.")
