from auditlog.models import LogEntry
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_display import ReadOnlyAdminMixin
from .audit import mask_personal
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
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


# --- The audit trail --------------------------------------------------------------------------
# django-auditlog's own page links to every changed row and lets a superuser delete entries;
# the portal's is read by office staff only (the permission `auditlog.view_logentry`, given
# to their role by a data migration) and changed or deleted by nobody, superusers included.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "timestamp",
        "actor_label",
        "action",
        "subject_kind",
        "object_repr",
        "changed_fields",
    )
    list_filter = ("action", "timestamp")
    # The actor and the content type come with the page's one query: no query per row.
    list_select_related = ("actor", "content_type")
    search_fields = ("object_repr", "actor__username", "actor__first_name")
    date_hierarchy = "timestamp"
    show_full_result_count = False
    fields = (
        "timestamp",
        "actor_label",
        "remote_addr",
        "action",
        "subject_kind",
        "object_pk",
        "object_repr",
        "changes_table",
        "cid",
    )
    readonly_fields = fields

    @admin.display(description=_("who"), ordering="actor")
    def actor_label(self, obj):
        if obj.actor_id is None:
            return gettext("system")
        user = obj.actor
        # A member's user name is their mobile number: masked, as in every list.
        return user.get_full_name() or mask_personal(user.username)

    @admin.display(description=_("what"), ordering="content_type")
    def subject_kind(self, obj):
        model = obj.content_type.model_class()
        return model._meta.verbose_name if model else obj.content_type.model

    @admin.display(description=_("fields changed"))
    def changed_fields(self, obj):
        # The field names only: the values shown on the entry's page look up related rows.
        model = obj.content_type.model_class()
        names = [name for name in obj.changes_dict if _recorded(model, name)]
        return ", ".join(str(_verbose_name(model, name)) for name in names)

    @admin.display(description=_("before and after"))
    def changes_table(self, obj):
        changes = obj.changes_display_dict
        if not changes:
            return "-"
        model = obj.content_type.model_class()
        hidden = {name for name in obj.changes_dict if not _recorded(model, name)}
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (_ID_LABEL if str(name) == "ID" else name, *_before_after(values))
                for name, values in changes.items()
                if str(name) not in hidden
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("field"),
            gettext("before"),
            gettext("after"),
            rows,
        )


# The row's id, as the exports call it.
_ID_LABEL = _("record number")

# How django-auditlog writes values that are not text, in words staff read.
_VALUE_WORDS = {"True": _("yes"), "False": _("no"), "None": "—"}


def _before_after(values) -> tuple[str, str]:
    # [before, after], as django-auditlog stores a plain field's change.
    before, after = (list(values) + ["", ""])[:2]
    return tuple(str(_VALUE_WORDS.get(str(value), value)) for value in (before, after))


def _recorded(model, name: str) -> bool:
    """Whether `name` is a field of the row itself: django-auditlog also lists the rows that
    point at a new one (a report's replies, a user's notifications), always empty there."""
    try:
        field = model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return True
    return field.concrete or (field.many_to_many and not field.auto_created)


def _verbose_name(model, name: str):
    if name == "id":
        return _ID_LABEL
    try:
        return model._meta.get_field(name).verbose_name
    except (AttributeError, FieldDoesNotExist):
        return name
