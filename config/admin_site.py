"""The portal's administration site: Django's, with the staff login that asks for the
authenticator code of staff who set one up (members/otp.py), and a home page that lists the
committee's own work first and the system's settings after it, under their own heading."""

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.otp import SECOND_FACTOR_PENDING, StaffLoginForm

#: Apps of the system rather than of the committee's work: listed under 系统设置.
SYSTEM_APPS = ("django_celery_beat", "axes", "otp_totp", "auth")


class PortalAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/portal_login.html"
    index_template = "admin/portal_index.html"

    def has_permission(self, request):
        # Reads the session only: no query on each administration page.
        return super().has_permission(request) and not request.session.get(SECOND_FACTOR_PENDING)

    def index(self, request, extra_context=None):
        app_list = self.get_app_list(request)
        extra_context = {
            **(extra_context or {}),
            "work_apps": [app for app in app_list if app["app_label"] not in SYSTEM_APPS],
            "system_apps": [app for app in app_list if app["app_label"] in SYSTEM_APPS],
            "system_heading": _("System settings"),
        }
        return super().index(request, extra_context)


def say_yes_and_no_in_words() -> None:
    """Django marks yes/no columns with an icon whose alt text is "True", "False" or "None",
    untranslated: screen readers read English to staff. The same icons, with 是 / 否 / 未知."""

    def boolean_icon(field_val):
        name = {True: "yes", False: "no", None: "unknown"}[field_val]
        alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), alt)

    admin_list._boolean_icon = boolean_icon
