"""An optional second factor for staff: a TOTP code from an authenticator app (django-otp).

A staff user who has a confirmed TOTP device must type its current code at the administration
login; one without a device logs in as before. Whoever logs in without the code (for instance
through the member login page) is marked in the session, and the administration pages refuse
them until they log in again with it (PortalAdminSite.has_permission).
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

SECOND_FACTOR_PENDING = "_second_factor_pending"


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


class StaffLoginForm(AdminAuthenticationForm):
    """The administration login: username or mobile, password, and the authenticator code for
    those who set one up."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        help_text=_("Only if you set up an authenticator app: the 6 digits it shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "token_invalid": _(
            "The authenticator code is wrong or has expired; enter the code the app shows now."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        device = confirmed_totp_device(user)
        if device is None:
            return
        token = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        if not token:
            raise forms.ValidationError(
                self.error_messages["token_required"], code="token_required"
            )
        if not device.verify_token(token):
            raise forms.ValidationError(self.error_messages["token_invalid"], code="token_invalid")
        # django_otp's user_logged_in receiver keeps the verified device in the session.
        user.otp_device = device


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


@receiver(user_logged_in)
def _mark_second_factor(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session") or not user.is_staff:
        return
    if getattr(user, "otp_device", None) is None and user_has_device(user, confirmed=True):
        request.session[SECOND_FACTOR_PENDING] = True
