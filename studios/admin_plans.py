"""Admin of the annual plans (1+123), the five norms and the archive.

Office staff see every studio; liaison staff the studios of their groups (ScopedAdminMixin and
the selectors registered below). Writes go through studios/services/plans.py. Besides the
lists: the progress of all studios in a year (`overview/`), the five norms of a studio in a
year ticked with evidence from its archive (`studio/<id>/<year>/norms/`), and the printable
yearly archive of a studio (`studio/<id>/<year>/archive/`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import ScopedAdminMixin, register_scope, scoped_related_filter
from core.forms import apply_service_error
from core.workflow import TransitionRefused
from opinions.attachments import ACCEPT, MAX_ATTACHMENT_BYTES, validate_attachment

from . import selectors
from .models import AnnualPlan, ArchiveItem, Norm, NormCheck, Studio
from .progress import (
    TARGETS,
    annotate_progress,
    progress_of_studio,
    progress_rows,
    studios_of_year,
    totals,
)
from .services import plans as services

register_scope(AnnualPlan, selectors.plans_visible_to)
register_scope(NormCheck, selectors.norm_checks_visible_to)
register_scope(ArchiveItem, selectors.archive_items_visible_to)

TARGET_FIELDS = tuple(target.plan_field for target in TARGETS)
#: Studios a page of the overview: a district has a dozen, a province a few hundred.
OVERVIEW_PAGE_SIZE = 20
NEGATIVE_TARGET = _("A target cannot be negative.")


def _year_or_current(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        return timezone.localdate().year
    return year


def _studio_in_scope(request, studio_id: int, year: int) -> Studio:
    """The studio if the viewer's scope includes it (404 otherwise, as for no such studio)."""
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404
    return get_object_or_404(
        selectors.studios_visible_to(request.user).select_related("group"), pk=studio_id
    )


# --- The yearly plan ---------------------------------------------------------------------------


class AnnualPlanForm(forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = (
            "studio",
            "year",
            "plan",
            "research_topics",
            "service_projects",
            *TARGET_FIELDS,
        )
        error_messages = {name: {"min_value": NEGATIVE_TARGET} for name in TARGET_FIELDS}

    def clean(self):
        cleaned = super().clean()
        studio = cleaned.get("studio") if "studio" in self.fields else self.instance.studio
        year = cleaned.get("year") if "year" in self.fields else self.instance.year
        targets = {name: cleaned.get(name) for name in TARGET_FIELDS}
        if studio is None or year is None or any(value is None for value in targets.values()):
            return cleaned  # the field's own message says what is missing
        try:
            services.check_plan(
                studio=studio,
                year=year,
                targets=targets,
                plan=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            apply_service_error(self, error)
        return cleaned


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ScopedAdminMixin, NoBulkDeleteAdminMixin, admin.ModelAdmin):
    form = AnnualPlanForm
    change_list_template = "admin/studios/annualplan/change_list.html"
    list_display = ("studio", "year", *TARGET_FIELDS, "archive_link")
    list_filter = ("year", scoped_related_filter("studio", _("studio")))
    list_select_related = ("studio",)
    search_fields = ("studio__name",)
    search_help_text = _("The studio's name.")
    fieldsets = (
        (None, {"fields": ("studio", "year")}),
        (_("Plan"), {"fields": ("plan", "research_topics", "service_projects")}),
        (
            _("Targets (1+123)"),
            {
                "fields": TARGET_FIELDS,
                "description": _(
                    "1 service activity for residents, 1 quality proposal, 2 consultation "
                    "activities, 3 opinion reports, unless the studio's plan says otherwise."
                ),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # A plan stays the plan of its studio and year: a second year is a second plan.
        return ("studio", "year") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year)
        return initial

    @admin.display(description=_("yearly archive"))
    def archive_link(self, plan):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:studios_annualplan_archive", args=[plan.studio_id, plan.year]),
            gettext("Archive of %(year)s") % {"year": plan.year},
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "plan_text": data["plan"],
            "research_topics": data["research_topics"],
            "service_projects": data["service_projects"],
            "targets": {name: data[name] for name in TARGET_FIELDS},
        }
        try:
            if change:
                services.annual_plan_update(actor=request.user, plan=obj, **fields)
                return
            plan = services.annual_plan_create(
                actor=request.user, studio=data["studio"], year=data["year"], **fields
            )
        except TransitionRefused:
            raise PermissionDenied from None
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.pk = plan.pk
        obj._state.adding = False
        obj._state.db = plan._state.db

    # --- The pages of a year -------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("overview/", wrap(self.overview_view), name="studios_annualplan_overview"),
            path(
                "studio/<int:studio_id>/<int:year>/norms/",
                wrap(self.norms_view),
                name="studios_annualplan_norms",
            ),
            path(
                "studio/<int:studio_id>/<int:year>/archive/",
                wrap(self.archive_view),
                name="studios_annualplan_archive",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def overview_view(self, request):
        """Every studio of the year the viewer sees, with its four figures against its
        targets, OVERVIEW_PAGE_SIZE a page in the order of their names: two queries whatever
        the number of studios (the year's totals counted in the database, the page's
        figures)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = _year_or_current(request.GET.get("year"))
        visible = selectors.studios_visible_to(request.user)
        annotated = annotate_progress(year, studios_of_year(year, visible))
        summary = totals(annotated)
        paginator = Paginator(
            annotated.select_related("group").order_by("name_pinyin", "pk"), OVERVIEW_PAGE_SIZE
        )
        paginator.count = summary["studios"]  # counted with the totals: no COUNT of its own
        page = paginator.get_page(request.GET.get("page"))
        rows = progress_rows(page.object_list, year)
        context = self._context(
            request,
            gettext("Progress of the studios in %(year)s (1+123)") % {"year": year},
            year=year,
            rows=rows,
            page=page,
            totals=summary,
            targets=TARGETS,
            previous_year=year - 1 if year > services.MIN_YEAR else None,
            next_year=year + 1 if year < services.MAX_YEAR else None,
            may_add=self.has_add_permission(request),
            may_tick=request.user.has_perm("studios.change_normcheck"),
        )
        return TemplateResponse(request, "admin/studios/annualplan/overview.html", context)

    def norms_view(self, request, studio_id: int, year: int):
        """The five norms of a studio in a year: ticked, with evidence from its archive of
        that year, all saved together or none."""
        studio = _studio_in_scope(request, studio_id, year)
        if not request.user.has_perm("studios.change_normcheck"):
            raise PermissionDenied
        items = list(selectors.archive_of_year(studio, year))
        checked = selectors.norm_checks_of_year(studio, year)
        norm_forms = [
            NormCheckForm(
                request.POST if request.method == "POST" else None,
                prefix=norm.value,
                norm=norm,
                items=items,
                initial=_norm_initial(checked.get(norm.value)),
            )
            for norm in Norm
        ]
        archive_url = reverse("admin:studios_annualplan_archive", args=[studio.pk, year])
        if request.method == "POST" and all([form.is_valid() for form in norm_forms]):
            try:
                services.norm_checks_save(
                    actor=request.user,
                    studio=studio,
                    year=year,
                    checks=[form.norm_input() for form in norm_forms],
                )
            except TransitionRefused:
                raise PermissionDenied from None
            except ValidationError as error:
                _apply_norm_errors(norm_forms, error)
            else:
                messages.success(request, gettext("The five norms were saved."))
                return HttpResponseRedirect(archive_url)
        context = self._context(
            request,
            gettext("Five norms of %(studio)s in %(year)s") % {"studio": studio, "year": year},
            studio=studio,
            year=year,
            norm_forms=norm_forms,
            has_items=bool(items),
            archive_url=archive_url,
            add_item_url=reverse("admin:studios_archiveitem_add")
            + f"?studio={studio.pk}&year={year}",
        )
        return TemplateResponse(request, "admin/studios/annualplan/norms.html", context)

    def archive_view(self, request, studio_id: int, year: int):
        """档案: the studio's year on one printable page: the plan, the 1+123, the five norms
        with their evidence, the archive, the visits received. Never kept by a browser or a
        proxy."""
        if not (
            self.has_view_permission(request) or request.user.has_perm("studios.view_archiveitem")
        ):
            raise PermissionDenied
        studio = _studio_in_scope(request, studio_id, year)
        checked = selectors.norm_checks_of_year(studio, year)
        context = self._context(
            request,
            gettext("Archive of %(studio)s, %(year)s") % {"studio": studio, "year": year},
            studio=studio,
            year=year,
            plan=AnnualPlan.objects.filter(studio=studio, year=year).first(),
            progress=progress_of_studio(studio, year),
            norms=[(norm, checked.get(norm.value)) for norm in Norm],
            items=list(selectors.archive_of_year(studio, year)),
            visits=selectors.visits_in_year(studio, year),
            may_tick=request.user.has_perm("studios.change_normcheck"),
            norms_url=reverse("admin:studios_annualplan_norms", args=[studio.pk, year]),
        )
        response = TemplateResponse(request, "admin/studios/annualplan/archive.html", context)
        patch_cache_control(response, private=True, no_store=True)
        return response


# --- The five norms ----------------------------------------------------------------------------


class NormCheckForm(forms.Form):
    """One norm of the five: met or not, the evidence chosen from the year's archive, a note.
    The archive is read once for the five forms (`items`)."""

    met = forms.BooleanField(label=_("Met"), required=False)
    evidence = forms.MultipleChoiceField(
        label=_("Evidence from the archive"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, norm: Norm, items: list[ArchiveItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.norm = norm
        self.items = {str(item.pk): item for item in items}
        # The items filed under this norm first.
        ordered = sorted(items, key=lambda item: item.norm != norm.value)
        self.fields["evidence"].choices = [
            (
                str(item.pk),
                f"{item.title}（{item.get_norm_display()}）" if item.norm else item.title,
            )
            for item in ordered
        ]

    def norm_input(self) -> services.NormInput:
        data = self.cleaned_data
        return services.NormInput(
            norm=self.norm.value,
            met=data["met"],
            evidence=tuple(self.items[pk] for pk in data["evidence"]),
            note=data["note"],
        )


def _norm_initial(check: NormCheck | None) -> dict:
    if check is None:
        return {}
    return {
        "met": check.met,
        "evidence": [str(item.pk) for item in check.evidence.all()],
        "note": check.note,
    }


def _apply_norm_errors(norm_forms: list[NormCheckForm], error: ValidationError) -> None:
    by_norm = {form.norm.value: form for form in norm_forms}
    if not hasattr(error, "error_dict"):
        norm_forms[0].add_error(None, error)
        return
    for norm, errors in error.error_dict.items():
        form = by_norm.get(norm, norm_forms[0])
        form.add_error(None, errors)


@admin.register(NormCheck)
class NormCheckAdmin(ScopedAdminMixin, NoBulkDeleteAdminMixin, admin.ModelAdmin):
    """The five norms as ticked so far: read here, ticked on each studio's norms page."""

    list_display = ("studio", "year", "norm", "met", "checked_at", "tick_link")
    list_filter = ("year", "norm", "met", scoped_related_filter("studio", _("studio")))
    list_select_related = ("studio",)
    search_fields = ("studio__name",)
    fields = ("studio", "year", "norm", "met", "evidence", "note", "checked_by", "checked_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("tick"))
    def tick_link(self, check):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:studios_annualplan_norms", args=[check.studio_id, check.year]),
            gettext("Tick the five norms"),
        )


# --- The archive -------------------------------------------------------------------------------


def archive_file_link(item: ArchiveItem):
    attachment = item.attachment
    if attachment is None:
        return ""
    return format_html(
        '<a href="{}">{}</a>',
        reverse("studios:archive_file", args=[item.pk]),
        attachment.display_name,
    )


class ArchiveItemAddForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_(
            "A document or a photo, checked by its content: PDF, Word (.docx), Excel (.xlsx), "
            "JPEG or PNG, at most %(size)s MB."
        )
        % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )

    class Meta:
        model = ArchiveItem
        fields = ("studio", "year", "title", "norm")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_attachment(upload)  # raises ValidationError saying what is wrong
        return upload


class ArchiveItemChangeForm(forms.ModelForm):
    class Meta:
        model = ArchiveItem
        fields = ("title", "norm")


@admin.register(ArchiveItem)
class ArchiveItemAdmin(ScopedAdminMixin, NoBulkDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("title", "studio", "year", "norm", "file_link", "created_at")
    list_filter = ("year", "norm", scoped_related_filter("studio", _("studio")))
    list_select_related = ("studio",)
    search_fields = ("title", "studio__name")
    search_help_text = _("Words in the title, or the studio's name.")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attachments")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ArchiveItemAddForm if obj is None else ArchiveItemChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("studio", "year", "title", "norm", "file")
        return ("studio", "year", "title", "norm", "file_link", "uploaded_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("studio", "year", "file_link", "uploaded_by", "created_at")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year)
        return initial

    @admin.display(description=_("file"))
    def file_link(self, item):
        return archive_file_link(item)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.archive_item_update(
                    actor=request.user, item=obj, title=data["title"], norm=data["norm"]
                )
                return
            item = services.archive_item_add(
                actor=request.user,
                studio=data["studio"],
                year=data["year"],
                title=data["title"],
                norm=data["norm"],
                upload=data["file"],
            )
        except TransitionRefused:
            raise PermissionDenied from None
        obj.pk = item.pk
        obj._state.adding = False
        obj._state.db = item._state.db

    def delete_model(self, request, obj):
        try:
            services.archive_item_delete(actor=request.user, item=obj)
        except TransitionRefused:
            raise PermissionDenied from None
