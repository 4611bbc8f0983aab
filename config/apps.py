"""Django's and third-party apps as the portal uses them: the admin with the portal's site class,
the login-security apps and the audit trail under Chinese names on the admin home."""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site class as `admin.site`."""

    default_site = "config.admin_site.PortalAdminSite"


class LoginSecurityConfig(AxesAppConfig):
    verbose_name = _("Login security")


class TwoFactorConfig(TOTPAppConfig):
    verbose_name = _("Two-factor authentication")


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog, on the admin home as the audit trail (models registered in core/audit.py
    rather than from settings: its ready() finds none there)."""

    verbose_name = _("Audit trail")
