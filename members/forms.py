from crispy_forms.helper import FormHelper
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


def _form_helper() -> FormHelper:
    # The templates write the <form> tag themselves: the login form needs its `next` field and
    # both need one large submit button that works with a thumb.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


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
            {
                "autocomplete": "username",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        )
        self.helper = _form_helper()


class MemberPasswordChangeForm(PasswordChangeForm):
    """Django's password change, laid out with crispy like the other forms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _form_helper()
