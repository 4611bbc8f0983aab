"""The studios' admin: registry and lifecycle here; reception and appointments in
admin_reception.py; the yearly plan, the five norms and the archive in admin_plans.py.

A studio's own fields (address, reception hours, members…) are edited and saved as usual;
its state moves only by the steps of the panel above the page (open, suspend, resume, exit),
each calling one service that takes the declared edge (studios/workflow.py). Registering a
studio goes through its service too, which writes the first timeline row. An exited studio's
page is read-only, with its members and its timeline kept. Liaison staff see and run only the
studios of their groups (studios.selectors.studios_visible_to).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin_display import row_count
from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import ScopedAdminMixin, register_scope, scoped_related_filter
from core.admin_steps import Step, StepsAdminMixin
from core.workflow import TransitionRefused
from opinions.admin import TimelineInline
from residents.photos import sanitize_photo

from . import selectors
from .models import Studio, StudioMember
from .services import studios as services
from .workflow import STUDIO

register_scope(Studio, selectors.studios_visible_to)

State = Studio.State

# Set by the steps only (studios/services/studios.py).
LIFECYCLE_FIELDS = ("state", "opened_on", "exited_on", "exit_reason", "created_at")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- The registry form ---------------------------------------------------------------------------


class StudioAdminForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = (
            "name",
            "kind",
            "industry",
            "sector",
            "group",
            "lead_mode",
            "employer",
            "build_mode",
            "street",
            "address",
            "reception_hours",
            "phone",
            "photo",
            "description",
        )

    def clean_photo(self):
        """A new photo is decoded within the memory budget of core/images.py and stored as a
        fresh encoding of its pixels: no EXIF (a phone's GPS position) reaches the public page."""
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return photo  # unchanged, or cleared
        return sanitize_photo(photo)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Studio.Kind.INDUSTRY and not cleaned.get("industry"):
            self.add_error(
                "industry", _("Name the industry of an industry studio (法律, 煤炭, 商会…).")
            )
        if cleaned.get("lead_mode") == Studio.LeadMode.EMPLOYER and not cleaned.get("employer"):
            self.add_error("employer", _("Name the employer that leads the studio."))
        return cleaned


# --- The steps ------------------------------------------------------------------------------------


class OpenForm(forms.Form):
    opened_on = forms.DateField(
        label=_("Opened on"),
        widget=DATE_WIDGET,
        help_text=_("The day the studio opened for reception (挂牌)."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExitForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for exiting"),
        max_length=services.EXIT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason why the studio exits.")},
        help_text=_("Kept on the studio's record (退出机制)."),
    )
    exited_on = forms.DateField(label=_("Exited on"), widget=DATE_WIDGET)


def _today(studio) -> dict:
    return {"opened_on": timezone.localdate(), "exited_on": timezone.localdate()}


# Each step is open in the from-states of the edge it takes (studios/workflow.py).
STEPS = (
    Step(
        "open",
        "studio_open",
        _("Open for reception (挂牌运行)"),
        lambda studio, actor, data: services.studio_open(
            studio=studio, actor=actor, opened_on=data["opened_on"]
        ),
        OpenForm,
        initial=_today,
        primary=True,
    ),
    Step(
        "suspend",
        "studio_suspend",
        _("Suspend reception"),
        lambda studio, actor, data: services.studio_suspend(
            studio=studio, actor=actor, note=data["note"]
        ),
        NoteForm,
    ),
    Step(
        "resume",
        "studio_resume",
        _("Resume reception"),
        lambda studio, actor, data: services.studio_resume(
            studio=studio, actor=actor, note=data["note"]
        ),
        NoteForm,
        primary=True,
    ),
    Step(
        "exit",
        "studio_exit",
        _("Exit (退出)"),
        lambda studio, actor, data: services.studio_exit(
            studio=studio, actor=actor, reason=data["reason"], exited_on=data["exited_on"]
        ),
        ExitForm,
        initial=_today,
    ),
)


# --- Admin classes --------------------------------------------------------------------------------


class KeptWhenExitedInlineMixin:
    """An exited studio's rows stay as they were."""

    def _exited(self, obj) -> bool:
        return obj is not None and obj.state == State.EXITED

    def has_add_permission(self, request, obj=None):
        return not self._exited(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._exited(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._exited(obj) and super().has_delete_permission(request, obj)


class StudioMemberInline(KeptWhenExitedInlineMixin, ScopedAdminMixin, admin.TabularInline):
    model = StudioMember
    fields = ("member", "role")
    # Scoped: liaison staff find only their groups' members (the member list's own scope).
    autocomplete_fields = ("member",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Studio)
class StudioAdmin(NoBulkDeleteAdminMixin, ScopedAdminMixin, StepsAdminMixin, admin.ModelAdmin):
    workflow = STUDIO
    steps = STEPS
    form = StudioAdminForm
    list_display = ("name", "kind", "group", "street", "state", "member_count")
    list_filter = (
        "kind",
        "state",
        scoped_related_filter("group", _("group")),
        scoped_related_filter("street", _("street")),
    )
    list_select_related = ("group", "street")
    # No second COUNT(*) of the whole table under a filtered list.
    show_full_result_count = False
    # The name as typed (法律) or in pinyin (fa, lv).
    search_fields = ("name", "name_pinyin")
    search_help_text = _("Name of the studio, or its pinyin.")
    autocomplete_fields = ("group", "street")

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": (
                        "name",
                        ("kind", "industry"),
                        "sector",
                        "group",
                        ("lead_mode", "employer"),
                        "build_mode",
                    )
                },
            ),
            (
                _("Reception"),
                {
                    "fields": (
                        "street",
                        "address",
                        "reception_hours",
                        "phone",
                        "photo",
                        "description",
                    )
                },
            ),
        ]
        if obj is not None:
            fieldsets.append((_("Lifecycle"), {"fields": LIFECYCLE_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return LIFECYCLE_FIELDS if obj is not None else ()

    def get_inlines(self, request, obj):
        # The timeline, kept for good: registration and every step, an exited studio's too.
        return (StudioMemberInline,) if obj is None else (StudioMemberInline, TimelineInline)

    def get_queryset(self, request):
        # The member count in the changelist's one query, whatever the number of rows.
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=row_count(StudioMember.objects.filter(studio=OuterRef("pk"))))
        )

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, studio):
        return studio.member_count

    def has_change_permission(self, request, obj=None):
        # An exited studio is kept as it was: its page is read-only, its history stays.
        if obj is not None and obj.state == State.EXITED:
            return False
        return super().has_change_permission(request, obj)

    def render_change_form(self, request, context, *args, **kwargs):
        # Only the state is the steps' to move: the registry's own fields are saved as usual
        # (the step panel turned the save buttons off).
        context.pop("show_save", None)
        context.pop("show_save_and_continue", None)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            services.studio_register(studio=obj, actor=request.user)
        except TransitionRefused:
            raise PermissionDenied from None


from . import admin_booking, admin_plans, admin_reception  # noqa: E402, F401 - they register admins
