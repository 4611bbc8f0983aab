"""The portal's administration site: Django's, with the staff login that asks for the
authenticator code of staff who set one up (members/otp.py)."""

from django.contrib import admin

from members.otp import SECOND_FACTOR_PENDING, StaffLoginForm


class PortalAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/portal_login.html"

    def has_permission(self, request):
        # Reads the session only: no query on each administration page.
        return super().has_permission(request) and not request.session.get(SECOND_FACTOR_PENDING)
