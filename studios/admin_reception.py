"""Admin of the reception: duty rules and slots, visits, and who saw a visitor's phone number.

Every write is one reception service (studios/services/reception.py): the add and change forms
call it when they are validated (forms_reception.ServiceModelForm), so that a refusal shows on
the form with what was typed, and nothing is written. Liaison staff see the rules, slots and
visits of their groups' studios only. Visitors' phones are masked in the list and the export;
the whole number is shown on request to staff entitled to residents' numbers, each look logged.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.admin_display import ReadOnlyAdminMixin
from core.admin_scoping import ScopedAdminMixin, change_link, register_scope, scoped_related_filter
from core.exports import SafeExportAdminMixin, SafeExportResource
from core.workflow import TransitionRefused
from members.models import Member
from residents.services import PHONE_PERMISSION

from . import selectors
from .forms_reception import DutyRuleForm, DutySlotForm, VisitAdminForm, VisitToIssueForm
from .models import DutyRule, DutySlot, Visit, VisitPhoneViewLog
from .services import reception

register_scope(DutyRule, selectors.duty_rules_visible_to)
register_scope(DutySlot, selectors.duty_slots_visible_to)
register_scope(Visit, selectors.visits_visible_to)
register_scope(VisitPhoneViewLog, selectors.visit_phone_views_visible_to)

ISSUE_PERMISSIONS = ("residents.add_residentissue", "residents.change_residentissue")


class ServiceFormAdminMixin:
    """The form (a ServiceModelForm) has written the row through its service by the time the
    admin saves: saving only hands the row on (history entry, redirect)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A class made afresh for this request by modelform_factory.
        form.actor = request.user
        return form

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class OnDutyMembersMixin:
    """Members offered on duty (or as having received a visit): the active members of the
    studios the user sees; the service checks each against the studio of the row."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = selectors.studio_members_visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ListsMembersOnDutyMixin:
    """The list names the members on duty of each row: one query for the whole page."""

    def get_queryset(self, request):
        names = Prefetch("members", queryset=Member.objects.only("pk", "name", "name_pinyin"))
        return super().get_queryset(request).prefetch_related(names)

    @admin.display(description=_("members on duty"))
    def on_duty(self, obj):
        return "、".join(member.name for member in obj.members.all())


def _hours(obj) -> str:
    return f"{obj.starts_at:%H:%M}–{obj.ends_at:%H:%M}"


@admin.register(DutyRule)
class DutyRuleAdmin(
    ScopedAdminMixin,
    ListsMembersOnDutyMixin,
    OnDutyMembersMixin,
    ServiceFormAdminMixin,
    admin.ModelAdmin,
):
    form = DutyRuleForm
    list_display = ("studio", "weekday", "hours", "first_day", "last_day", "on_duty")
    list_filter = (scoped_related_filter("studio", _("studio")), "weekday", "last_day")
    list_select_related = ("studio",)
    search_fields = ("studio__name",)
    actions = ("expand_selected",)

    @admin.display(description=_("hours"))
    def hours(self, rule):
        return _hours(rule)

    def get_fields(self, request, obj=None):
        return ("studio", "weekday", ("starts_at", "ends_at"), ("first_day", "last_day"), "members")

    def get_readonly_fields(self, request, obj=None):
        # A rule stays with its studio: another studio's schedule is another rule.
        return ("studio",) if obj is not None else ()

    def has_expand_permission(self, request):
        return request.user.has_perm("studios.add_dutyslot")

    @admin.action(
        description=_("Make the duty slots of the selected rules"), permissions=["expand"]
    )
    def expand_selected(self, request, queryset):
        made = 0
        for rule in queryset.select_related("studio"):
            try:
                made += len(reception.duty_rule_expand(rule=rule, actor=request.user))
            except TransitionRefused as error:
                messages.error(request, f"{rule}: {error.message}")
            except ValidationError as error:
                messages.error(request, f"{rule}: {' '.join(error.messages)}")
        messages.info(
            request,
            gettext("%(count)d duty slots made (days that already had one are left as they are).")
            % {"count": made},
        )


@admin.register(DutySlot)
class DutySlotAdmin(
    ScopedAdminMixin,
    ListsMembersOnDutyMixin,
    OnDutyMembersMixin,
    ServiceFormAdminMixin,
    admin.ModelAdmin,
):
    form = DutySlotForm
    list_display = ("date", "hours", "studio", "on_duty", "capacity", "from_rule")
    list_filter = (scoped_related_filter("studio", _("studio")), "date")
    list_select_related = ("studio",)
    search_fields = ("studio__name",)
    # The coming slots first: a year of slots of every studio would bury them.
    ordering = ("-date", "-starts_at", "-pk")

    @admin.display(description=_("hours"))
    def hours(self, slot):
        return _hours(slot)

    @admin.display(description=_("from a rule"), boolean=True)
    def from_rule(self, slot):
        return slot.rule_id is not None

    def get_fields(self, request, obj=None):
        shown = ["studio", "date", ("starts_at", "ends_at"), "members", "capacity"]
        return shown if obj is None else [*shown, "rule"]

    def get_readonly_fields(self, request, obj=None):
        return ("studio", "rule") if obj is not None else ()


class VisitResource(SafeExportResource):
    """The visits as a spreadsheet: the visitor's phone masked, their name left out."""

    visited_on = fields.Field(attribute="visited_on", column_name=_("date"))
    studio = fields.Field(attribute="studio__name", column_name=_("studio"))
    method = fields.Field(attribute="get_method_display", column_name=_("method"))
    mobile = fields.Field(attribute="masked_visitor_mobile", column_name=_("mobile phone"))
    raised = fields.Field(attribute="raised", column_name=_("what was raised"))
    done = fields.Field(attribute="done", column_name=_("what was done"))
    solved_on_spot = fields.Field(column_name=_("solved on the spot"))
    feedback = fields.Field(attribute="feedback", column_name=_("feedback given"))
    issue = fields.Field(attribute="issue__tracking_code", column_name=_("tracking code"))

    class Meta:
        model = Visit
        fields = (
            "visited_on",
            "studio",
            "method",
            "mobile",
            "raised",
            "done",
            "solved_on_spot",
            "feedback",
            "issue",
        )
        export_order = fields

    def dehydrate_solved_on_spot(self, visit):
        return gettext("yes") if visit.solved_on_spot else gettext("no")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("studio", "issue")


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("open", _("not solved on the spot, no resident issue yet")),
            ("issue", _("became a resident issue")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(solved_on_spot=False, issue__isnull=True)
        if self.value() == "issue":
            return queryset.filter(issue__isnull=False)
        return queryset


@admin.register(Visit)
class VisitAdmin(
    ScopedAdminMixin,
    OnDutyMembersMixin,
    ServiceFormAdminMixin,
    SafeExportAdminMixin,
    admin.ModelAdmin,
):
    form = VisitAdminForm
    list_display = (
        "visited_on",
        "studio",
        "method",
        "visitor",
        "masked_phone",
        "raised_short",
        "solved_on_spot",
        "tracking_code",
    )
    list_filter = (
        scoped_related_filter("studio", _("studio")),
        "method",
        "solved_on_spot",
        FollowUpFilter,
        "visited_on",
    )
    list_select_related = ("studio", "issue")
    search_fields = ("raised", "done", "feedback", "issue__tracking_code")
    search_help_text = _("What was raised, done or fed back, or a resident issue's tracking code.")
    ordering = ("-visited_on", "-pk")
    resource_classes = [VisitResource]
    change_form_template = "admin/studios/visit/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return (
                "studio",
                "visited_on",
                "method",
                "members",
                ("visitor_name", "visitor_mobile"),
                "consent",
                "raised",
                "done",
                "solved_on_spot",
                "feedback",
            )
        return (
            "studio",
            "visited_on",
            "slot",
            "method",
            "members",
            ("visitor_name_shown", "masked_phone"),
            "raised",
            "done",
            "solved_on_spot",
            "feedback",
            "issue",
            "personal_data_erased_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The visitor's name and phone were given with consent as they are: not changed here.
        return (
            "studio",
            "slot",
            "visitor_name_shown",
            "masked_phone",
            # A link only when the viewer may open the issue (core.admin_scoping).
            "issue",
            "personal_data_erased_at",
        )

    def get_changeform_initial_data(self, request):
        return {"visited_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("visitor"))
    def visitor(self, visit):
        return visit.masked_visitor_name or "—"

    @admin.display(description=_("visitor"))
    def visitor_name_shown(self, visit):
        return visit.visitor_name or "—"

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, visit):
        return visit.masked_visitor_mobile or "—"

    @admin.display(description=_("what was raised"))
    def raised_short(self, visit):
        return Truncator(visit.raised).chars(40)

    @admin.display(description=_("tracking code"), ordering="issue__tracking_code")
    def tracking_code(self, visit):
        return visit.issue.tracking_code if visit.issue_id else ""

    # --- The visitor's phone and the follow-up ---------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/phone/", wrap(self.phone_view), name=f"{prefix}_phone"),
            path("<path:object_id>/to-issue/", wrap(self.to_issue_view), name=f"{prefix}_to_issue"),
            *super().get_urls(),
        ]

    def _visit_or_404(self, request, object_id) -> Visit:
        visit = self.get_object(request, object_id)
        if visit is None:
            raise Http404
        return visit

    def _change_url(self, visit) -> str:
        return reverse("admin:studios_visit_change", args=[visit.pk])

    def may_make_issue(self, request, visit) -> bool:
        return (
            visit.issue_id is None
            and self.has_change_permission(request, visit)
            and all(request.user.has_perm(permission) for permission in ISSUE_PERMISSIONS)
        )

    def phone_view(self, request, object_id):
        """The whole number, on a page of its own, after a POST that is logged."""
        visit = self._visit_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(visit))
        try:
            mobile = reception.visit_phone_reveal(visit=visit, actor=request.user)
        except TransitionRefused:
            raise PermissionDenied from None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "visit": visit,
            "mobile": mobile,
            "title": gettext("Phone number of the visitor of %(visit)s") % {"visit": visit},
            "change_url": self._change_url(visit),
        }
        return TemplateResponse(request, "admin/studios/visit/phone.html", context)

    def to_issue_view(self, request, object_id):
        """Make the visit a resident issue handed to the studio (reception.visit_to_issue)."""
        visit = self._visit_or_404(request, object_id)
        change_url = self._change_url(visit)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, visit):
            raise PermissionDenied
        form = VisitToIssueForm(request.POST, prefix="issue")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(change_url)
        try:
            issue = reception.visit_to_issue(visit=visit, actor=request.user, **form.cleaned_data)
        except TransitionRefused as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext(
                    "Resident issue %(code)s made and handed to the studio. Give the visitor "
                    "this tracking code."
                )
                % {"code": issue.tracking_code},
            )
        return HttpResponseRedirect(change_url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        visit = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if visit is not None:
            extra_context.update(
                {
                    "visit": visit,
                    "can_see_phone": bool(visit.visitor_mobile)
                    and request.user.has_perm(PHONE_PERMISSION),
                    "phone_url": reverse("admin:studios_visit_phone", args=[visit.pk]),
                    "issue_link": change_link(request.user, visit.issue),
                    "to_issue_url": reverse("admin:studios_visit_to_issue", args=[visit.pk]),
                    "to_issue_form": VisitToIssueForm(
                        prefix="issue",
                        initial={"street": visit.studio.street_id, "place": visit.studio.name},
                    )
                    if self.may_make_issue(request, visit)
                    else None,
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(VisitPhoneViewLog)
class VisitPhoneViewLogAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw which visitor's whole phone number: written by the service, only read here."""

    list_display = ("viewed_at", "viewer", "visit")
    list_select_related = ("viewer", "visit__studio")
    list_filter = ("viewed_at",)
    search_fields = ("viewer__username", "visit__studio__name")
