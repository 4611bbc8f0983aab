"""Strings of third-party admin pages (django-axes, django-auditlog) that ship no Chinese catalog.

Listed here only so that `make messages` keeps them in locale/zh_Hans: the portal's catalog
then translates them wherever axes shows them (the login record and the unlock page in the
admin). Nothing imports this module.
"""

from django.utils.translation import gettext_noop as _

AXES_ADMIN = [
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Remaining"),
    _("Attempt Time"),
    _("Clean up expired attempts"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("Not set"),
    _("POST Data"),
    _("Path"),
    _("Session key hash (sha256)"),
    _("The time when access attempt expires and is no longer valid."),
    _("User Agent"),
    _("Username"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("Axes"),
]

# django-auditlog's model and field names, shown on the audit trail's pages (core/admin.py);
# it ships no Chinese catalog either.
AUDITLOG_ADMIN = [
    _("log entry"),
    _("log entries"),
    _("create"),
    _("update"),
    _("delete"),
    _("access"),
    _("action"),
    _("timestamp"),
    _("object pk"),
    _("object representation"),
    _("remote address"),
    _("Correlation ID"),
]
