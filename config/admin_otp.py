"""django-otp's authenticator list as office staff use it: to see who set one up and remove a
lost phone's. django-otp names its fields in English without gettext, so the columns, filters
and fields office staff read are the admin's own, with Chinese names; superusers keep the
package's whole page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_display import local_datetime


def _titled(base, title):
    """A list filter of `base`'s kind under `title` instead of the field's English name."""

    class TitledFilter(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


class TOTPDeviceAdmin(OTPDeviceAdmin):
    list_display = ["login", "device_name", "created", "last_used", "is_confirmed"]
    list_filter = [
        ("created_at", _titled(admin.DateFieldListFilter, _("created at"))),
        ("last_used_at", _titled(admin.DateFieldListFilter, _("last used at"))),
        ("confirmed", _titled(admin.BooleanFieldListFilter, _("confirmed"))),
    ]
    search_help_text = _("Search by user name or email address.")
    OFFICE_FIELDS = ["login", "device_name", "is_confirmed", "created", "last_used"]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": self.OFFICE_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.OFFICE_FIELDS]

    @admin.display(description=_("login"), ordering="user__username")
    def login(self, obj):
        return str(obj.user)

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, obj):
        return local_datetime(obj.created_at, self.get_empty_value_display())

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, obj):
        return local_datetime(obj.last_used_at, self.get_empty_value_display())

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, obj):
        return obj.confirmed


def register(site) -> None:
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, TOTPDeviceAdmin)
