"""Staff triage of resident issues in the admin.

The change page of an issue is read-only: each step (accept, hand on, turn into a report or a
proposal, answer, close, merge, note) is a small form posting to its own URL, which calls one
service. Phone numbers are masked everywhere; the whole number is shown on request to staff
holding residents.view_resident_phone, and each such look is logged.
"""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_display import ReadOnlyAdminMixin, due_with_mark
from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import (
    ScopedAdminMixin,
    change_link,
    narrow,
    register_scope,
    scoped_related_filter,
)
from core.admin_steps import Step, StepsAdminMixin
from core.exports import SafeExportAdminMixin
from core.workflow import TransitionRefused
from members.phones import normalize_mobile
from opinions.models import Category as OpinionCategory

from . import selectors, services
from .forms import (
    ConvertForm,
    MergeForm,
    NoteForm,
    ReplyForm,
    RequiredNoteForm,
    RouteForm,
    StaffIssueForm,
)
from .models import (
    Community,
    IssueLink,
    IssuePhoto,
    PhoneSearchLog,
    PhoneViewLog,
    PresetReply,
    ResidentIssue,
    Street,
)
from .resources import ResidentIssueResource
from .workflow import ISSUE

State = ResidentIssue.State

register_scope(ResidentIssue, selectors.issues_visible_to)
register_scope(Street, selectors.streets_visible_to)
register_scope(Community, selectors.communities_visible_to)

# Resident category → the nearest report/proposal category, as the convert form's default.
OPINION_CATEGORY_FOR = {
    ResidentIssue.Category.PUBLIC_WELFARE: OpinionCategory.WELFARE,
    ResidentIssue.Category.HARDSHIP: OpinionCategory.WELFARE,
    ResidentIssue.Category.LIVELIHOOD: OpinionCategory.HEALTH,
    ResidentIssue.Category.PUBLIC_ORDER: OpinionCategory.PUBLIC_ORDER,
    ResidentIssue.Category.ENVIRONMENT: OpinionCategory.ENVIRONMENT,
    ResidentIssue.Category.PUBLIC_FACILITIES: OpinionCategory.URBAN,
    ResidentIssue.Category.ROAD_TRAFFIC: OpinionCategory.TRANSPORT,
    ResidentIssue.Category.OTHER: OpinionCategory.OTHER,
}


class OverdueFilter(admin.SimpleListFilter):
    title = _("time limit")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("within the limit"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(state__in=ResidentIssue.OPEN_STATES, due_at__lt=now)
        if self.value() == "no":
            return queryset.exclude(state__in=ResidentIssue.OPEN_STATES, due_at__lt=now)
        return queryset


class CommunityInline(ScopedAdminMixin, admin.TabularInline):
    model = Community
    extra = 1
    fields = ("name", "sort_order")


@admin.register(Street)
class StreetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "group", "sort_order")
    list_select_related = ("group",)
    search_fields = ("name",)
    inlines = (CommunityInline,)


@admin.register(Community)
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "street", "sort_order")
    list_filter = (scoped_related_filter("street", _("street")),)
    list_select_related = ("street",)
    search_fields = ("name", "street__name")


@admin.register(PresetReply)
class PresetReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "is_active", "sort_order")
    list_filter = ("is_active",)
    search_fields = ("title", "text")


@admin.register(PhoneViewLog)
class PhoneViewLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw which resident's whole phone number: written by the service, only read here."""

    list_display = ("viewed_at", "viewer", "issue")
    list_select_related = ("viewer", "issue")
    list_filter = ("viewed_at",)
    search_fields = ("issue__tracking_code", "viewer__username")
    date_hierarchy = "viewed_at"


@admin.register(PhoneSearchLog)
class PhoneSearchLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who looked for issues by a phone number: written by the service, only read here."""

    list_display = ("searched_at", "searcher", "masked_mobile")
    list_select_related = ("searcher",)
    list_filter = ("searched_at",)
    search_fields = ("searcher__username",)
    date_hierarchy = "searched_at"


class IssuePhotoInline(admin.TabularInline):
    model = IssuePhoto
    extra = 0
    fields = ("thumbnail", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        url = reverse("admin:residents_residentissue_photo", args=[photo.issue_id, photo.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="issue-photo-thumb"></a>',
            url,
            url,
            gettext("Photo of the issue"),
        )


class IssueLinkInline(ScopedAdminMixin, admin.TabularInline):
    model = IssueLink
    fk_name = "issue"
    extra = 0
    fields = ("kind", "target_link", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("where the issue went")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        from .targets import select_related_fields

        return super().get_queryset(request).select_related("created_by", *select_related_fields())

    @admin.display(description=_("destination"))
    def target_link(self, link):
        # A link only to what the viewer may open (scope_user: set per request by the mixin).
        return change_link(getattr(self, "scope_user", None), link.target)


def _studio_visit_link(user, issue):
    """The studio visit the issue came from, as a link when `user` may open it. Studios sit
    above residents: the visit is read through its one-to-one link, never imported."""
    try:
        visit = issue.studio_visit
    except ObjectDoesNotExist:
        return ""
    return change_link(user, visit)


def _with_user(request, issue) -> dict:
    return {"user": request.user}


def _with_user_and_issue(request, issue) -> dict:
    return {"user": request.user, "issue": issue}


# The steps of the triage panel; each is open in the from-states of its edge
# (residents/workflow.py).
STEPS = (
    Step(
        "accept",
        "issue_accept",
        _("Accept"),
        lambda issue, actor, data: services.issue_accept(
            issue=issue, actor=actor, note=data["note"]
        ),
        NoteForm,
    ),
    Step(
        "route",
        "issue_route",
        _("Hand on to a group, member or studio"),
        lambda issue, actor, data: services.issue_route(
            issue=issue,
            actor=actor,
            kind=data["destination"][0],
            target=data["destination"][1],
            note=data["note"],
        ),
        RouteForm,
        form_kwargs=_with_user_and_issue,
    ),
    Step(
        "convert",
        "issue_convert",
        _("Turn into a draft report or proposal"),
        lambda issue, actor, data: services.issue_convert(
            issue=issue,
            actor=actor,
            kind=data["kind"],
            member=data["member"],
            group=data["group"],
            title=data["title"],
            category=data["category"],
            note=data["note"],
        ),
        ConvertForm,
        initial=lambda issue: {
            "title": issue.place,
            "category": OPINION_CATEGORY_FOR.get(issue.category, OpinionCategory.OTHER),
        },
        form_kwargs=_with_user,
    ),
    Step(
        "answer",
        "issue_answer",
        _("Answer the resident"),
        lambda issue, actor, data: services.issue_answer(
            issue=issue, actor=actor, reply=data["reply"]
        ),
        ReplyForm,
    ),
    Step(
        "close",
        "issue_close",
        _("Close with a public reply"),
        lambda issue, actor, data: services.issue_close(
            issue=issue, actor=actor, reply=data["reply"]
        ),
        ReplyForm,
    ),
    Step(
        "merge",
        "issue_merge",
        _("Merge into another issue"),
        lambda issue, actor, data: services.issue_merge(
            issue=issue, into=data["into"], actor=actor, note=data["note"]
        ),
        MergeForm,
    ),
    Step(
        "note",
        "issue_note",
        _("Add an internal note"),
        lambda issue, actor, data: services.issue_note_add(
            issue=issue, actor=actor, note=data["note"]
        ),
        RequiredNoteForm,
    ),
)


@admin.register(ResidentIssue)
class ResidentIssueAdmin(
    NoBulkDeleteAdminMixin,
    ScopedAdminMixin,
    StepsAdminMixin,
    SafeExportAdminMixin,
    admin.ModelAdmin,
):
    workflow = ISSUE
    steps = STEPS
    # Staff triage many issues in a row: every open step's form is on the change page.
    inline_step_forms = True
    list_display = (
        "tracking_code",
        "created_at",
        "channel",
        "category",
        "where",
        "state",
        "due",
        "masked_phone",
        "satisfaction",
    )
    list_filter = (
        "state",
        OverdueFilter,
        "category",
        "channel",
        scoped_related_filter("street", _("street")),
        "satisfaction",
        "created_at",
    )
    list_select_related = ("street", "community")
    # No second COUNT(*) of the whole table under a filtered list (it grows with the table).
    show_full_result_count = False
    search_fields = ("tracking_code", "name", "place", "description")
    search_help_text = _(
        "Tracking code, the resident's name or whole mobile number (each search by number is "
        "logged), place or what happened."
    )
    # No date_hierarchy: its year links are a DISTINCT over the whole table on every page, which
    # grows with the district's issues; the "created at" filter gives the date ranges instead.
    ordering = ("-created_at", "-pk")
    actions = ["accept_selected"]
    inlines = (IssuePhotoInline, IssueLinkInline)
    change_form_template = "admin/residents/residentissue/change_form.html"
    resource_classes = [ResidentIssueResource]

    fieldsets = (
        (
            None,
            {
                "fields": (
                    "tracking_code",
                    "state",
                    "due_at",
                    "channel",
                    "category",
                    ("street", "community"),
                    "place",
                    "description",
                )
            },
        ),
        (
            _("Resident"),
            {"fields": ("name", "masked_phone", "consent_at", "personal_data_erased_at")},
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    "public_reply",
                    "satisfaction",
                    "satisfaction_at",
                    "merged_into",
                    "created_by",
                    "created_at",
                    "accepted_at",
                    "closed_at",
                )
            },
        ),
    )

    # Every change goes through the steps (services); the fields themselves are read-only.
    def get_readonly_fields(self, request, obj=None):
        return [
            field
            for section in self.fieldsets
            for row in section[1]["fields"]
            for field in (row if isinstance(row, tuple) else (row,))
        ]

    # Street, community and place in one column, and the deadline with its overdue mark in
    # another: fewer cells per row on a list staff page through a hundred rows at a time.
    @admin.display(description=_("place"), ordering="street__name")
    def where(self, issue):
        place = issue.place if len(issue.place) <= 30 else f"{issue.place[:30]}…"
        community = issue.community.name if issue.community_id else ""
        return " · ".join(part for part in (issue.street.name, community, place) if part)

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, issue):
        return due_with_mark(issue.due_at, overdue=issue.is_overdue)

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, issue):
        return issue.masked_mobile or "—"

    def get_search_results(self, request, queryset, search_term):
        """Words as usual; a whole mobile number however typed ("138 1234 5678", full-width
        digits, +86) finds the issues left with that number, and the search is logged. The
        queryset is already narrowed to what the viewer may see (ScopedAdminMixin)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            mobile = normalize_mobile(search_term)
        except ValidationError:
            return results, may_have_duplicates
        services.issue_phone_search_log(actor=request.user, mobile=mobile)
        return results | queryset.filter(mobile=mobile), may_have_duplicates

    # --- The steps -----------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/phone/",
                wrap(self.phone_view),
                name=f"{prefix}_phone",
            ),
            path(
                "<path:object_id>/photos/<int:photo_id>/",
                wrap(self.photo_view),
                name=f"{prefix}_photo",
            ),
            path(
                "<path:object_id>/route-targets/",
                wrap(self.route_targets_view),
                name=f"{prefix}_route_targets",
            ),
            *super().get_urls(),
        ]

    def _issue_or_404(self, request, object_id) -> ResidentIssue:
        issue = self.get_object(request, object_id)
        if issue is None:
            raise Http404
        return issue

    def _change_url(self, issue) -> str:
        return reverse("admin:residents_residentissue_change", args=[issue.pk])

    def route_targets_view(self, request, object_id):
        """The route-to picker's choices, in the JSON that Django's admin autocomplete (select2)
        reads: the issue's street's groups, members and studios first, a page at a time."""
        issue = self._issue_or_404(request, object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        try:
            page = max(int(request.GET.get("page") or 1), 1)
        except ValueError:
            page = 1
        sections, more = selectors.route_targets(
            user=request.user, issue=issue, term=request.GET.get("term", ""), page=page
        )
        results = [
            {
                "text": section.title,
                "children": [{"id": value, "text": label} for value, label in section.choices],
            }
            for section in sections
        ]
        return JsonResponse({"results": results, "pagination": {"more": more}})

    def phone_view(self, request, object_id):
        """The whole number, on a page of its own, after a POST that is logged."""
        issue = self._issue_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(issue))
        try:
            mobile = services.issue_phone_reveal(issue=issue, actor=request.user)
        except TransitionRefused:
            raise PermissionDenied from None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "issue": issue,
            "mobile": mobile,
            "title": gettext("Phone number of issue %(code)s") % {"code": issue.tracking_code},
            "change_url": self._change_url(issue),
        }
        return TemplateResponse(request, "admin/residents/residentissue/phone.html", context)

    def photo_view(self, request, object_id, photo_id):
        issue = self._issue_or_404(request, object_id)
        photo = get_object_or_404(IssuePhoto, pk=photo_id, issue=issue)
        return FileResponse(photo.image.open("rb"))

    @admin.action(description=_("Accept the selected issues"), permissions=["change"])
    def accept_selected(self, request, queryset):
        accepted = refused = 0
        for issue in queryset.filter(state=State.SUBMITTED):
            try:
                services.issue_accept(issue=issue, actor=request.user)
            except TransitionRefused:
                refused += 1
            else:
                accepted += 1
        skipped = queryset.exclude(state=State.SUBMITTED).count() + refused
        messages.info(
            request,
            gettext("%(accepted)d accepted, %(skipped)d skipped (not waiting to be accepted).")
            % {"accepted": accepted, "skipped": skipped},
        )

    # --- Pages ---------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if issue is not None:
            presets = list(PresetReply.objects.filter(is_active=True))
            extra_context.update(
                {
                    "issue": issue,
                    "preset_texts": {str(preset.pk): preset.text for preset in presets},
                    "duplicates": selectors.possible_duplicates(issue, viewer=request.user)
                    if issue.state in ResidentIssue.OPEN_STATES
                    else [],
                    # Only those the viewer may open: another group's issue may have been
                    # merged into one routed to this liaison's group.
                    "merged_issues": list(narrow(issue.merged_issues.all(), request.user)),
                    "merged_into_link": change_link(request.user, issue.merged_into),
                    "studio_visit_link": _studio_visit_link(request.user, issue),
                    "timeline": list(selectors.issue_timeline(issue)),
                    "can_see_phone": bool(issue.mobile)
                    and request.user.has_perm(services.PHONE_PERMISSION),
                    "phone_url": reverse("admin:residents_residentissue_phone", args=[issue.pk]),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """Staff enter an issue that came by phone, at the office or at a studio: the
        public form's fields and checks, with the channel, through the same service."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = StaffIssueForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                try:
                    issue = services.issue_submit(actor=request.user, **form.service_arguments())
                except (ValidationError, TransitionRefused) as error:
                    form.add_error(None, getattr(error, "message", None) or error)
                else:
                    messages.success(
                        request,
                        gettext("Issue %(code)s entered. Give the resident this code.")
                        % {"code": issue.tracking_code},
                    )
                    return HttpResponseRedirect(self._change_url(issue))
        else:
            form = StaffIssueForm(
                initial={"channel": ResidentIssue.Channel.PHONE}, user=request.user
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Enter a resident issue"),
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/residents/residentissue/add_form.html", context)
