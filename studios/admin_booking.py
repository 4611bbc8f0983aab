"""Staff's view of the appointments residents ask for on the studios' public pages.

Scoped like the studios (liaison staff see the appointments of their groups' studios). The
change page is read-only with the steps of studios/workflow.py that staff may take (confirm,
decline); the studio's members answer on their own pages. Names and phones are masked in the
list, on the change page and in the export: calling the resident is the members' task, on the
member page, where each look at a whole number is logged (AppointmentPhoneView, listed here).
"""

from django import forms
from django.contrib import admin
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.admin_display import ReadOnlyAdminMixin
from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import ScopedAdminMixin, register_scope, scoped_related_filter
from core.admin_steps import Step, StepsAdminMixin
from core.exports import SafeExportAdminMixin, SafeExportResource
from core.privacy import erase_personal_text

from . import booking_selectors
from .models import Appointment, AppointmentPhoneView
from .services import booking
from .services.booking import ANSWER_MAX_LENGTH
from .workflow import APPOINTMENT

register_scope(Appointment, booking_selectors.appointments_visible_to)


class AnswerStepForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the resident (optional)"),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident reads it with their appointment code."),
    )


STEPS = (
    Step(
        "confirm",
        "appointment_confirm",
        _("Confirm the appointment"),
        lambda appointment, actor, data: booking.appointment_confirm(
            appointment=appointment, actor=actor, answer=data["answer"]
        ),
        AnswerStepForm,
        primary=True,
    ),
    Step(
        "decline",
        "appointment_decline",
        _("Decline the appointment"),
        lambda appointment, actor, data: booking.appointment_decline(
            appointment=appointment, actor=actor, answer=data["answer"]
        ),
        AnswerStepForm,
    ),
)


def _slot_text(appointment: Appointment) -> str:
    slot = appointment.slot
    return (
        f"{formats.date_format(slot.date, 'SHORT_DATE_FORMAT')} "
        f"{slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
    )


class AppointmentResource(SafeExportResource):
    """The export: no name, the phone masked, and phone numbers or the name typed into the
    topic masked too (core/privacy.py)."""

    code = fields.Field(attribute="code", column_name=_("appointment code"))
    studio = fields.Field(attribute="studio__name", column_name=_("studio"))
    slot = fields.Field(column_name=_("duty slot"))
    state = fields.Field(attribute="get_state_display", column_name=_("state"))
    topic = fields.Field(column_name=_("what it is about"))
    answer = fields.Field(attribute="answer", column_name=_("answer to the resident"))
    mobile = fields.Field(attribute="masked_mobile", column_name=_("mobile phone"))
    created_at = fields.Field(column_name=_("requested at"))

    class Meta:
        model = Appointment
        fields = ("code", "studio", "slot", "state", "topic", "answer", "mobile", "created_at")
        export_order = fields

    def dehydrate_slot(self, appointment):
        return _slot_text(appointment)

    def dehydrate_topic(self, appointment):
        return erase_personal_text(appointment.topic, [appointment.name])

    def dehydrate_created_at(self, appointment):
        return timezone.localtime(appointment.created_at).strftime("%Y-%m-%d %H:%M")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("studio", "slot")


@admin.register(Appointment)
class AppointmentAdmin(
    NoBulkDeleteAdminMixin,
    ScopedAdminMixin,
    StepsAdminMixin,
    SafeExportAdminMixin,
    admin.ModelAdmin,
):
    workflow = APPOINTMENT
    steps = STEPS
    list_display = (
        "code",
        "studio",
        "slot_when",
        "state",
        "masked_name",
        "masked_phone",
        "created_at",
    )
    list_filter = ("state", scoped_related_filter("studio", _("studio")), "created_at")
    list_select_related = ("studio", "slot")
    search_fields = ("code",)
    search_help_text = _("The appointment code the resident was given.")
    ordering = ("-created_at", "-pk")
    show_full_result_count = False
    resource_classes = [AppointmentResource]
    fieldsets = (
        (None, {"fields": ("code", "studio", "slot_when", "topic", "answer", "visit")}),
        (
            _("Resident"),
            {"fields": ("masked_name", "masked_phone", "consent_at", "personal_data_erased_at")},
        ),
        (None, {"fields": ("created_at",)}),
    )

    def has_add_permission(self, request):
        return False  # residents ask on the studio's public page

    def get_readonly_fields(self, request, obj=None):
        return [field for section in self.fieldsets for field in section[1]["fields"]]

    @admin.display(description=_("duty slot"), ordering="slot__date")
    def slot_when(self, appointment):
        return _slot_text(appointment)

    @admin.display(description=_("name"))
    def masked_name(self, appointment):
        return booking_selectors.mask_name(appointment.name) or "—"

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, appointment):
        return appointment.masked_mobile or "—"


@admin.register(AppointmentPhoneView)
class AppointmentPhoneViewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw which resident's whole phone number: written by the service, only read here."""

    list_display = ("viewed_at", "viewer", "appointment")
    list_select_related = ("viewer", "appointment")
    list_filter = ("viewed_at",)
    search_fields = ("appointment__code", "viewer__username")
    date_hierarchy = "viewed_at"
