"""Admin pages: staff review reports and proposals, step by step, and keep the lists.

The change page of a report or proposal is read-only; every step (adopt, forward, assign…) is
a small form page that calls one service, so the admin can never bypass a transition's checks.
Liaison staff see only the items of their groups' members (ScopedAdminMixin).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import XLSX

from core.admin_display import due_with_mark
from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import ScopedAdminMixin, register_scope, scoped_related_filter
from core.admin_steps import Step, StepsAdminMixin
from core.exports import SafeExportAdminMixin, SafeExportForm
from core.models import Notification, TimelineEntry
from core.workflow import TransitionRefused
from members import roles
from members.models import Member
from members.phones import MOBILE_RE, mask_mobile

from . import selectors, services
from .forms import (
    AdoptForm,
    AssignForm,
    ConsentEditForm,
    DeclineForm,
    FeedbackForm,
    ForwardForm,
    InstructionForm,
    KeyProposalForm,
    NotFileForm,
    StaffProposalReplyForm,
)
from .models import (
    AdoptionLevel,
    Attachment,
    Bulletin,
    CommitteeSession,
    DeclineReason,
    Department,
    LeaderInstruction,
    OpinionReport,
    Proposal,
    ProposalReply,
    ReportAdoption,
    ReportReply,
)
from .resources import OpinionReportResource, ProposalResource
from .workflow import PROPOSAL, REPORT

register_scope(OpinionReport, selectors.reports_visible_to)
register_scope(Proposal, selectors.proposals_visible_to)
register_scope(ReportAdoption, selectors.adoptions_visible_to)

ReportState = OpinionReport.State
ProposalState = Proposal.State


# --- Steps -------------------------------------------------------------------------------------
# Each step is open in the from-states of the edge it takes (opinions/workflow.py).

REPORT_STEPS = (
    Step(
        "review",
        "review_started",
        _("Start review"),
        lambda r, actor, data: services.opinion_report_start_review(report=r, actor=actor),
        primary=True,
    ),
    Step(
        "adopt",
        "adopted",
        _("Adopt at a level"),
        lambda r, actor, data: services.opinion_report_adopt(report=r, actor=actor, **data),
        AdoptForm,
        primary=True,
    ),
    Step(
        "forward",
        "forwarded",
        _("Forward to departments"),
        lambda r, actor, data: services.opinion_report_forward(report=r, actor=actor, **data),
        ForwardForm,
        primary=True,
    ),
    Step(
        "decline",
        "declined",
        _("Do not adopt"),
        lambda r, actor, data: services.opinion_report_decline(report=r, actor=actor, **data),
        DeclineForm,
    ),
    Step(
        "edit",
        "edited_with_consent",
        _("Edit with the author's consent"),
        lambda r, actor, data: services.opinion_report_edit_with_consent(
            report=r, actor=actor, **data
        ),
        ConsentEditForm,
        initial=lambda r: {"title": r.title, "content": r.content},
    ),
    Step(
        "instruction",
        "instruction",
        _("Record a leader's instruction"),
        lambda r, actor, data: services.opinion_report_record_instruction(
            report=r, actor=actor, **data
        ),
        InstructionForm,
    ),
    Step(
        "feedback",
        "replied",
        _("Record the department's feedback"),
        lambda r, actor, data: services.opinion_report_reply(report=r, actor=actor, **data),
        FeedbackForm,
        form_kwargs=lambda request, r: {"report": r},
    ),
    Step(
        "close",
        "closed",
        _("Close the report"),
        lambda r, actor, data: services.opinion_report_close(report=r, actor=actor),
    ),
)

PROPOSAL_STEPS = (
    Step(
        "file",
        "filed",
        _("File the proposal"),
        lambda p, actor, data: services.proposal_file(proposal=p, actor=actor),
        primary=True,
    ),
    Step(
        "not-file",
        "not_filed",
        _("Do not file: turn into a suggestion"),
        lambda p, actor, data: services.proposal_not_file(proposal=p, actor=actor, **data),
        NotFileForm,
    ),
    Step(
        "assign",
        "assigned",
        _("Assign to handling units"),
        lambda p, actor, data: services.proposal_assign(proposal=p, actor=actor, **data),
        AssignForm,
        primary=True,
    ),
    Step(
        "key",
        "marked_key",
        _("Make it a key proposal"),
        lambda p, actor, data: services.proposal_mark_key(proposal=p, actor=actor, **data),
        KeyProposalForm,
    ),
    Step(
        "reply",
        "replied",
        _("Record the lead unit's reply"),
        lambda p, actor, data: services.proposal_reply(proposal=p, actor=actor, **data),
        StaffProposalReplyForm,
    ),
    Step(
        "close",
        "closed",
        _("Close the proposal"),
        lambda p, actor, data: services.proposal_close(proposal=p, actor=actor),
    ),
)


class ReadOnlyStepsAdminMixin(StepsAdminMixin):
    """Reports and proposals are written by members on their pages (other apps create them
    through the services): the admin only reads them and takes steps."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [
            name for fieldset in self.get_fieldsets(request, obj) for name in fieldset[1]["fields"]
        ]


# --- Filters -----------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


class ProposalDepartmentFilter(admin.SimpleListFilter):
    """Lead or co-handling unit."""

    title = _("handling department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return [(str(d.pk), d.name) for d in Department.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        co = Proposal.co_departments.through.objects.filter(department_id=self.value())
        return queryset.filter(
            Q(lead_department_id=self.value()) | Q(pk__in=co.values("proposal_id"))
        )


# --- Read-only inlines -------------------------------------------------------------------------


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    classes = ["opinion-readonly"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TimelineInline(ScopedAdminMixin, ReadOnlyInlineMixin, GenericTabularInline):
    model = TimelineEntry
    verbose_name_plural = _("timeline")
    fields = ("created_at", "step", "actor_name", "actor_label", "note", "is_public")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("step"))
    def step(self, entry):
        return format_html(
            "{}<br><small>{} → {}</small>",
            entry.action_label,
            entry.from_state_label,
            entry.to_state_label,
        )

    @admin.display(description=_("by (login)"))
    def actor_name(self, entry):
        if entry.actor is None:
            return ""
        return entry.actor.get_full_name() or entry.actor.get_username()


class AttachmentInline(ScopedAdminMixin, ReadOnlyInlineMixin, GenericTabularInline):
    model = Attachment
    fields = ("download", "kind", "size", "created_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("opinions:attachment", args=[attachment.pk]),
            attachment.display_name,
        )


class AdoptionInline(ScopedAdminMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = ReportAdoption
    fields = ("level", "bulletin", "adopted_on", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        # The row's title (str) names its report.
        return super().get_queryset(request).select_related("bulletin", "report")


class InstructionInline(ScopedAdminMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = LeaderInstruction
    fields = ("leader", "text", "given_on")
    readonly_fields = fields


class ReplyLetterMixin:
    """A department reply's letter (答复函) as a link to the checking download view; the
    inline's queryset prefetches `attachments`."""

    @admin.display(description=_("reply letter"))
    def letter_link(self, reply):
        letter = reply.letter
        if letter is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("opinions:attachment", args=[letter.pk]),
            letter.display_name,
        )


class ReplyInline(ReplyLetterMixin, ScopedAdminMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """Each unit's reply to a proposal, with its reply letter."""

    model = ProposalReply
    fields = ("department", "is_lead", "round", "text", "letter_link", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department", "proposal")
            .prefetch_related("attachments")
        )


class ReportReplyInline(ReplyLetterMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """Each department's reply, with its reply letter (served by the checking download view)."""

    model = ReportReply
    fields = ("department", "is_lead", "text", "letter_link", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("department", "report")
            .prefetch_related("attachments")
        )


# --- Opinion reports ---------------------------------------------------------------------------


class OpinionExportMixin(SafeExportAdminMixin):
    formats = [XLSX]
    export_form_class = SafeExportForm


@admin.register(OpinionReport)
class OpinionReportAdmin(
    NoBulkDeleteAdminMixin,
    ScopedAdminMixin,
    ReadOnlyStepsAdminMixin,
    OpinionExportMixin,
    admin.ModelAdmin,
):
    workflow = REPORT
    steps = REPORT_STEPS
    resource_classes = [OpinionReportResource]
    list_display = (
        "title",
        "author_name",
        "category",
        "state",
        "adopted_level",
        "department_name",
        "reply_due_display",
        "submitted_at",
    )
    list_filter = (
        "state",
        "category",
        OverdueFilter,
        "department",
        scoped_related_filter("group", _("group")),
    )
    # No joined model instances: the author's and department's names come as annotations
    # (get_queryset), which is most of what a hundred-row page cost beyond a bare list.
    list_select_related = False
    # No second COUNT(*) of the whole table under a filtered list (it grows with the table).
    show_full_result_count = False
    # Title and content by words anywhere (trigram indexes on PostgreSQL, core/trigram.py).
    search_fields = ("title", "content", "author__name")
    search_help_text = _("Words in the title or content, or the author's name.")
    actions = ("start_review_selected", "close_selected")
    inlines = (
        AdoptionInline,
        InstructionInline,
        ReportReplyInline,
        AttachmentInline,
        TimelineInline,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "category",
                    "state",
                    "author",
                    "coauthor_names",
                    "group",
                    "studio",
                )
            },
        ),
        (_("Content"), {"fields": ("content",)}),
        (
            _("Handling"),
            {
                "fields": (
                    "submitted_at",
                    "department",
                    "co_department_names",
                    "forwarded_at",
                    "reply_due",
                    "feedback_at",
                    "decline_reason",
                    "decline_note",
                    "closed_at",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                top_level=selectors.highest_adoption_level(),
                # Subqueries rather than joins: run for the hundred rows shown only, and
                # dropped from the paginator's COUNT(*) (a join would stay in it).
                author_label=Subquery(
                    Member.objects.filter(pk=OuterRef("author_id")).values("name")
                ),
                department_label=Subquery(
                    Department.objects.filter(pk=OuterRef("department_id")).values("name")
                ),
            )
        )

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("group", "department")
            .prefetch_related("coauthors", "co_departments", "replies__department")
        )

    @admin.display(description=_("author"), ordering="author__name")
    def author_name(self, report):
        return report.author_label

    @admin.display(description=_("department"), ordering="department__name")
    def department_name(self, report):
        return report.department_label

    @admin.display(description=_("co-handling departments"))
    def co_department_names(self, report):
        return "、".join(department.name for department in report.co_departments.all())

    @admin.display(description=_("co-authors"))
    def coauthor_names(self, report):
        return "、".join(member.name for member in report.coauthors.all())

    @admin.display(description=_("adopted at"), ordering="top_level")
    def adopted_level(self, report):
        return AdoptionLevel(report.top_level).label if report.top_level else ""

    @admin.display(description=_("reply due"), ordering="reply_due")
    def reply_due_display(self, report):
        return due_with_mark(report.reply_due, overdue=report.is_overdue())

    def _each(self, request, queryset, run) -> None:
        done, refused = 0, []
        for item in queryset:
            try:
                run(item)
                done += 1
            except TransitionRefused as error:
                refused.append(f"{item}: {error.message}")
        if done:
            messages.success(request, gettext("%(count)s done.") % {"count": done})
        for line in refused:
            messages.warning(request, line)

    @admin.action(description=_("Start review of the selected reports"), permissions=["change"])
    def start_review_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.opinion_report_start_review(report=r, actor=request.user),
        )

    @admin.action(description=_("Close the selected reports"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._each(
            request, queryset, lambda r: services.opinion_report_close(report=r, actor=request.user)
        )


# --- Proposals ---------------------------------------------------------------------------------


@admin.register(Proposal)
class ProposalAdmin(
    NoBulkDeleteAdminMixin,
    ScopedAdminMixin,
    ReadOnlyStepsAdminMixin,
    OpinionExportMixin,
    admin.ModelAdmin,
):
    workflow = PROPOSAL
    steps = PROPOSAL_STEPS
    resource_classes = [ProposalResource]
    list_display = (
        "number_display",
        "title",
        "proposer_display",
        "category",
        "state",
        "is_key",
        "lead_department",
        "deadline",
        "overdue",
    )
    list_display_links = ("number_display", "title")
    list_filter = (
        "state",
        "category",
        OverdueFilter,
        ProposalDepartmentFilter,
        "is_key",
        "session",
        "evaluation",
    )
    list_select_related = ("session", "proposer", "group", "lead_department")
    # Title and content by words anywhere (trigram indexes on PostgreSQL, core/trigram.py).
    search_fields = ("title", "content", "proposer__name", "group__name")
    search_help_text = _("Words in the title or content, the proposer's name or group.")
    actions = ("file_selected", "close_selected")
    inlines = (ReplyInline, AttachmentInline, TimelineInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number_display",
                    "title",
                    "category",
                    "state",
                    "proposer",
                    "group",
                    "cosigner_names",
                    "studio",
                )
            },
        ),
        (_("Content"), {"fields": ("content",)}),
        (
            _("Handling"),
            {
                "fields": (
                    "submitted_at",
                    "not_filed_reason",
                    "lead_department",
                    "co_handler_names",
                    "deadline",
                    "is_key",
                    "supervising_leader",
                    "evaluation",
                    "evaluation_note",
                    "rehandled",
                    "closed_at",
                )
            },
        ),
    )

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("cosigners", "co_departments")

    @admin.display(description=_("number"), ordering="number")
    def number_display(self, proposal):
        return proposal.number_label or "—"

    @admin.display(description=_("proposer"))
    def proposer_display(self, proposal):
        return proposal.proposer_label

    @admin.display(description=_("co-signers"))
    def cosigner_names(self, proposal):
        return "、".join(member.name for member in proposal.cosigners.all())

    @admin.display(description=_("co-handling units"))
    def co_handler_names(self, proposal):
        return "、".join(department.name for department in proposal.co_departments.all())

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, proposal):
        return proposal.is_overdue()

    _each = OpinionReportAdmin._each

    @admin.action(description=_("File the selected proposals"), permissions=["change"])
    def file_selected(self, request, queryset):
        self._each(
            request, queryset, lambda p: services.proposal_file(proposal=p, actor=request.user)
        )

    @admin.action(description=_("Close the selected proposals"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._each(
            request, queryset, lambda p: services.proposal_close(proposal=p, actor=request.user)
        )


# --- The lists staff maintain ------------------------------------------------------------------


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "email", "handlers")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ("name", "email", "handler_names")
    search_fields = ("name",)
    filter_horizontal = ("handlers",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("handlers")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "handlers":
            kwargs["queryset"] = selectors.department_handler_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("handlers"))
    def handler_names(self, department):
        return format_html_join(
            ", ",
            "{}",
            ((user.get_full_name() or user.get_username(),) for user in department.handlers.all()),
        )


@admin.register(DeclineReason)
class DeclineReasonAdmin(admin.ModelAdmin):
    list_display = ("label", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    search_fields = ("label",)


class BulletinAdoptionInline(ScopedAdminMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """The reports of a bulletin issue; liaison staff see those of their scope only (the
    others are left out, not named: a bulletin holds every group's adopted reports)."""

    model = ReportAdoption
    verbose_name_plural = _("reports in this issue")
    fields = ("report", "level", "adopted_on")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report")


class BulletinAddForm(forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ("year", "title", "published_on")


@admin.register(Bulletin)
class BulletinAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "year", "number", "published_on")
    list_filter = ("year",)
    search_fields = ("title",)
    inlines = (BulletinAdoptionInline,)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = BulletinAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("year", "number") if obj is not None else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("year", "title", "published_on")
        return ("year", "number", "title", "published_on")

    def get_changeform_initial_data(self, request):
        today = timezone.localdate()
        return {"year": today.year, "published_on": today}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The number is the next of the year, given by the service.
        bulletin = services.bulletin_create(
            actor=request.user,
            year=form.cleaned_data["year"],
            title=form.cleaned_data["title"],
            published_on=form.cleaned_data["published_on"],
        )
        obj.pk, obj.number = bulletin.pk, bulletin.number
        obj._state.adding = False
        obj._state.db = bulletin._state.db


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "session", "is_current", "last_number")
    readonly_fields = ("is_current", "last_number")
    actions = ("make_current",)

    @admin.action(description=_("Make the selected session current"), permissions=["change"])
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, gettext("Choose exactly one session."))
            return
        try:
            services.committee_session_make_current(session=queryset.get(), actor=request.user)
        except TransitionRefused as error:
            messages.error(request, error.message)
            return
        messages.success(request, gettext("Proposals submitted from now on are numbered in it."))


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent to whom: written by the services, only read here."""

    list_display = ("title", "recipient_label", "created_at", "read_at", "emailed_at")
    list_select_related = ("recipient",)
    search_fields = ("title",)
    date_hierarchy = "created_at"

    @admin.display(description=_("recipient"), ordering="recipient__username")
    def recipient_label(self, note):
        # Members log in with their mobile number: never shown whole in a list.
        user = note.recipient
        name = user.get_full_name() or user.get_username()
        return mask_mobile(name) if MOBILE_RE.match(name) else name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return roles.is_office_staff(request.user)
