from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Login by mobile phone number (members) or username (staff)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The mobile number (or username) and password do not match. Both are case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Mobile phone or username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "text"}
        )
