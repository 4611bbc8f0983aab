"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS): three kinds of character, and
never the user's own mobile number, which anyone who has their business card knows. Also the
initial passwords the office issues, and the forced change at the first login with one."""

import re
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
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


# --- Initial passwords issued by the office --------------------------------------------------
# Read off a printed slip, often by an elderly member on a phone keyboard: no 0/O/o, 1/l/I,
# 2/Z, 5/S, 8/B, u/v nor 9/g/q, which print or read alike.
READABLE_LOWER = "acdefhjkmnprtwxy"
READABLE_UPPER = "ACDEFHJKMNPRTWXY"
READABLE_DIGITS = "34679"
GROUP_SEPARATOR = "-"


def generate_initial_password(user=None) -> str:
    """A readable one-time password such as `Kx7m-Ra4p` that passes AUTH_PASSWORD_VALIDATORS
    for `user`: two groups of four from letters of both cases and digits, joined by a dash."""
    alphabet = READABLE_LOWER + READABLE_UPPER + READABLE_DIGITS
    while True:
        chars = [
            secrets.choice(READABLE_LOWER),
            secrets.choice(READABLE_UPPER),
            secrets.choice(READABLE_DIGITS),
            *(secrets.choice(alphabet) for _ in range(5)),
        ]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars[:4]) + GROUP_SEPARATOR + "".join(chars[4:])
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


FORCED_CHANGE = "must_change_password"

# Pages a user who must change the password can still open: the change itself, logging out,
# the large-text switch.
FORCED_CHANGE_ALLOWED = ("password_change", "password_change_done", "logout", "elder_mode")


@receiver(user_logged_in)
def note_forced_change(sender, request, user, **kwargs):
    """On login (user_logged_in): remember in the session that this user must choose a
    password, so that the middleware reads the session only, never the user row."""
    if getattr(user, "must_change_password", False):
        request.session[FORCED_CHANGE] = True


class ForcePasswordChangeMiddleware:
    """A user logged in with an initial password is sent to the password change on every
    request until they chose their own (members.views.PasswordChangeView clears the mark)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(FORCED_CHANGE):
            allowed = {reverse(name) for name in FORCED_CHANGE_ALLOWED}
            if request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)
