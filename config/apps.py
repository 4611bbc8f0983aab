"""Django's and third-party apps as the portal uses them: the admin with the portal's site class,
and the login-security apps under Chinese names on the admin home."""

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
