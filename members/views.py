import base64

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import dashboard_sections, otp, passwords, roles, selectors, services
from .forms import MemberPasswordChangeForm
from .models import Member


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member's own page: their groups, upcoming activities and attendance record, and
    what the apps above members add to it (members/dashboard_sections.py)."""
    try:
        # Cached on request.user, so the navbar's `user.member` costs no second query.
        member = request.user.member
    except Member.DoesNotExist:
        # Office staff and department handlers have logins but no member record. 403 says
        # "logged in, not entitled" to browsers and monitoring; the page says where to go.
        return render(request, "members/not_a_member.html", status=403)
    return render(
        request,
        "members/dashboard.html",
        {
            "member": member,
            "dashboard": selectors.member_dashboard(member),
            "sections": dashboard_sections.sections_for(member),
        },
    )


def home_url_for(user) -> str:
    """Where a user lands after logging in without a `next`: members on their duties,
    department handlers on their inbox, office and liaison staff in the admin."""
    if Member.objects.filter(user=user).exists():
        return resolve_url("members:dashboard")
    if roles.has_role(user, roles.DEPARTMENT_HANDLER):
        return resolve_url("departments:home")
    if user.is_staff:
        return resolve_url("admin:index")
    return resolve_url("members:dashboard")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Staff add an authenticator app (TOTP) as their second factor: scan the code, type the six
    digits it shows, and from then on the administration login asks for them. A lost phone is
    removed by the office under "TOTP devices" in the admin."""
    if not request.user.is_staff:
        raise PermissionDenied
    confirmed = otp.confirmed_totp_device(request.user)
    if confirmed is not None:
        return render(request, "registration/two_factor.html", {"device": confirmed})
    # One pending device per user: reloading the page keeps the code already scanned.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=gettext("Authenticator app"), confirmed=False
        )
    form = otp.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # This session has just shown the code: it counts as verified.
            django_otp.login(request, device)
            request.session.pop(otp.SECOND_FACTOR_PENDING, None)
            messages.success(request, gettext("The authenticator app is set up."))
            return redirect("two_factor")
        form.add_error(
            "token", gettext("The code is wrong or has expired; type the code the app shows now.")
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr.svg_inline(scale=5, border=4, light="#fff", title="QR")),  # noqa: S308 - segno's own markup
            "secret": base64.b32encode(device.bin_key).decode(),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; a user who had to change an initial password goes on to
    their home page once they chose their own."""

    form_class = MemberPasswordChangeForm

    def form_valid(self, form):
        forced = self.request.session.pop(passwords.FORCED_CHANGE, False)
        response = super().form_valid(form)
        services.password_change_completed(user=form.user)
        if forced:
            messages.success(self.request, gettext("Your password is changed."))
            return redirect(home_url_for(form.user))
        return response
