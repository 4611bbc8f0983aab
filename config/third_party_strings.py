"""Strings of third-party apps that their catalogs leave in English (django-axes, django-auditlog,
Django's own newer admin strings), translated in ours.

Listed here only so that `make messages` keeps them in locale/zh_Hans: the portal's catalog
comes first in Django's lookup, so it translates them wherever the app shows them. Nothing
imports this module.
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
    # Field names of a login record, which axes' own Chinese leaves half in English.
    _("GET Data"),
    _("POST Data"),
    _("HTTP Accept"),
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
    # The title of an entry's page (LogEntry.__str__).
    _("Created {repr:s}"),
    _("Updated {repr:s}"),
    _("Deleted {repr:s}"),
    _("Logged {repr:s}"),
]

#: Django's admin (5.2): strings newer than its Chinese catalog, and one whose Chinese names keys.
DJANGO_ADMIN = [
    # The visually hidden column headers of each app's table on the admin home (screen readers).
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    # The user-add page.
    _("After you’ve created a user, you’ll be able to edit more user options."),
    _(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
    # Under every many-to-many field of the admin; each of ours is a two-box picker
    # (filter_horizontal) or an autocomplete (which has no such text), so the Chinese says how
    # to use the picker rather than which keys to hold down.
    _("Hold down “Control”, or “Command” on a Mac, to select more than one."),
]
