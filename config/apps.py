"""Django's and third-party apps as the portal uses them: the admin with the portal's site class,
the login-security apps and the audit trail under Chinese names on the admin home."""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site class as `admin.site`."""

    default_site = "config.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # registers every app's admin, django-celery-beat's included
        from axes.admin import AccessAttemptAdmin
        from django.contrib import admin

        from . import admin_beat, admin_otp, admin_site

        admin_beat.register(admin.site)
        admin_otp.register(admin.site)
        admin_site.say_yes_and_no_in_words()
        # django-axes leaves the column's header to Django, which writes the method's name.
        AccessAttemptAdmin.status.short_description = _("status")


class LoginSecurityConfig(AxesAppConfig):
    verbose_name = _("Login security")

    def ready(self):
        super().ready()
        # django-axes names its records in English without gettext ("Access Log for x @ …"):
        # the titles, breadcrumbs and list labels staff read use these instead.
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.utils import formats, timezone
        from django.utils.translation import gettext

        def describe(text):
            def __str__(self):
                when = formats.localize(timezone.localtime(self.attempt_time))
                return gettext(text) % {"username": self.username, "time": when}

            return __str__

        AccessAttempt.__str__ = describe(gettext_noop("Failed logins of %(username)s, %(time)s"))
        AccessLog.__str__ = describe(gettext_noop("Login of %(username)s, %(time)s"))
        AccessFailureLog.__str__ = describe(gettext_noop("Failed login of %(username)s, %(time)s"))


class TwoFactorConfig(TOTPAppConfig):
    verbose_name = _("Two-factor authentication")

    def ready(self):
        super().ready()
        # django-otp's model name is English without gettext. Set on the model's options only
        # (not its declared Meta), so that no migration of the package follows from it.
        model = self.get_model("TOTPDevice")
        model._meta.verbose_name = _("authenticator app")
        model._meta.verbose_name_plural = _("authenticator apps")


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog, on the admin home as the audit trail (models registered in core/audit.py
    rather than from settings: its ready() finds none there)."""

    verbose_name = _("Audit trail")
