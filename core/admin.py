from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Delivery, WorkdayException
from .sms import mask_phone


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(admin.ModelAdmin):
    """Days the office works or rests against the calendar: a year's holidays and make-up days
    before the calendar package knows them, or a local decision."""

    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("note",)
    date_hierarchy = "date"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox: every email and text message, whether it went out, and why not. Written by
    the services and the send task, only read here (office staff hold the view permission;
    liaison staff have none, so nothing to scope)."""

    list_display = (
        "kind",
        "channel",
        "recipient_label",
        "address_shown",
        "due_on",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "channel", "kind")
    list_select_related = ("recipient",)
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "kind",
        "channel",
        "recipient_label",
        "address_shown",
        "due_on",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    )
    fields = readonly_fields

    @admin.display(description=_("recipient"), ordering="recipient__username")
    def recipient_label(self, obj):
        # Members log in with their mobile number: never shown whole in a list.
        user = obj.recipient
        name = user.get_full_name() or user.get_username()
        return mask_phone(name) if name.isdigit() else name

    @admin.display(description=_("address"), ordering="address")
    def address_shown(self, obj):
        return mask_phone(obj.address) if obj.channel == Delivery.Channel.SMS else obj.address

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
