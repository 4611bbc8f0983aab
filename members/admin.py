"""Admin pages for logins, sectors, groups, members and activities.

Office staff see everything; liaison staff only the rows of their own groups (ScopedAdminMixin,
driven by the selectors). Lists are masked: a mobile number is whole only on a member's change
page, for those holding members.view_full_mobile.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AdminTextInputWidget
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min, OuterRef, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX

from core.admin_display import ReadOnlyAdminMixin, row_count
from core.admin_safety import NoBulkDeleteAdminMixin
from core.admin_scoping import (
    ScopedAdminMixin,
    register_scope,
    scoped_related_filter,
    sees_everything,
)
from core.exports import SafeExportAdminMixin
from core.images import PictureRefused, contains_markup, decode_bounded
from core.workflow import TransitionRefused

from . import roles, selectors, services
from .models import (
    Activity,
    ActivityPhoto,
    Attendance,
    Group,
    Member,
    MemberPhoneExport,
    Sector,
    User,
)
from .phones import MOBILE_RE, mask_mobile, normalize_mobile
from .resources import (
    ActivityResource,
    MemberPhoneListResource,
    MemberResource,
    roster_template_xlsx,
)
from .selectors import groups_visible_to

FULL_MOBILE = "members.view_full_mobile"

register_scope(Group, selectors.groups_visible_to, listed=selectors.groups_listed_for)
register_scope(Member, selectors.members_visible_to)
register_scope(Activity, selectors.activities_visible_to)
register_scope(Attendance, selectors.attendances_visible_to)

#: Member fields that member_create takes (the login is made by the service).
MEMBER_CREATE_FIELDS = frozenset(
    field.name for field in Member._meta.concrete_fields if field.name not in ("id", "user")
)


def _login_label(user: User) -> str:
    """How a login appears in lists: the person's name, else the user name, masked if a mobile."""
    if user.get_full_name():
        return user.get_full_name()
    # Members log in with their mobile number: it is their user name.
    return mask_mobile(user.username) if MOBILE_RE.match(user.username) else user.username


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "masked_username",
        "first_name",
        "role_names",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("username",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if not request.user.is_superuser:
            # Whoever can reset a superuser's password is a superuser: office staff are not.
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        # Office staff give roles (groups), not superuser status or loose permissions.
        return ("is_superuser", "user_permissions", "last_login", "date_joined")

    def action_checkbox(self, obj):
        # Django labels the box with str(user), the user name: a member's whole mobile number.
        attrs = {
            "class": "action-select",
            "aria-label": format_html(
                gettext("Select this object for an action - {}"), _login_label(obj)
            ),
        }
        checkbox = forms.CheckboxInput(attrs, lambda value: False)
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    @admin.display(description=_("username"), ordering="username")
    def masked_username(self, obj):
        # Members log in with their mobile number: masked in this list like in every other.
        return mask_mobile(obj.username) if MOBILE_RE.match(obj.username) else obj.username


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name",)


class GroupAdminForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ("name", "kind", "sector", "conveners", "liaison_staff")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Group.Kind.STREET and cleaned.get("sector"):
            self.add_error("sector", _("Only sector groups belong to a sector."))
        return cleaned


@admin.register(Group)
class GroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = GroupAdminForm
    list_display = ("name", "kind", "sector", "member_count", "convener_names", "liaison_names")
    list_filter = ("kind", "sector")
    list_select_related = ("sector",)
    # Name as typed (城关) or in pinyin (chengguan's syllables: cheng, guan).
    search_fields = ("name", "name_pinyin")
    fields = ("name", "kind", "sector", "conveners", "liaison_staff")
    autocomplete_fields = ("sector", "conveners")
    filter_horizontal = ("liaison_staff",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=row_count(
                    Member.objects.filter(
                        Q(sector_group=OuterRef("pk")) | Q(street_group=OuterRef("pk"))
                    )
                )
            )
            .prefetch_related("conveners", "liaison_staff")
        )

    def get_readonly_fields(self, request, obj=None):
        if sees_everything(Group, request.user):
            return ()
        # Liaison staff name the conveners of their groups; they cannot widen their own reach.
        return ("name", "kind", "sector", "liaison_staff")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "liaison_staff":
            kwargs["queryset"] = selectors.liaison_staff_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("conveners"))
    def convener_names(self, obj):
        return ", ".join(member.name for member in obj.conveners.all())

    @admin.display(description=_("liaison staff"))
    def liaison_names(self, obj):
        return ", ".join(_login_label(user) for user in obj.liaison_staff.all())


class MemberAdminForm(forms.ModelForm):
    #: Set by MemberAdmin.get_form for users who see only some groups: those groups.
    visible_groups = None

    class Meta:
        model = Member
        fields = (
            "name",
            "gender",
            "party",
            "work_unit",
            "title",
            "mobile",
            "sector",
            "term",
            "sector_group",
            "street_group",
            "status",
            "left_on",
            "user",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mobile" in self.fields:
            # Room for "+86 138 1234 1234" or full-width digits; clean_mobile makes it 11 digits.
            model_field = Member._meta.get_field("mobile")
            self.fields["mobile"] = forms.CharField(
                label=model_field.verbose_name,
                max_length=32,
                widget=AdminTextInputWidget(attrs={"inputmode": "tel", "autocomplete": "off"}),
            )

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        if self.instance._state.adding and User.objects.filter(username=mobile).exists():
            raise ValidationError(
                _("Another login already uses this mobile number as its user name."),
                code="login_taken",
            )
        return mobile

    def clean(self):
        cleaned = super().clean()
        status, left_on = cleaned.get("status"), cleaned.get("left_on")
        if status == Member.Status.LEFT and not left_on and "left_on" not in self.errors:
            self.add_error("left_on", _("Enter the date the member left."))
        if status == Member.Status.ACTIVE and left_on:
            self.add_error(
                "left_on", _("An active member has no leaving date: clear it or mark them left.")
            )
        if self.visible_groups is not None:
            chosen = [g.pk for g in (cleaned.get("sector_group"), cleaned.get("street_group")) if g]
            if not self.visible_groups.filter(pk__in=chosen).exists():
                raise ValidationError(
                    _("Put the member in at least one of your groups."), code="outside_groups"
                )
        return cleaned


class TermFilter(admin.SimpleListFilter):
    """The roster's terms (届), from its first to its last: two probes of `member_term_idx`
    (MIN and MAX), where Django's own filter ran a DISTINCT over every member on each page of
    the list (17 ms at 50,000 members, and growing with the roster)."""

    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        bounds = Member.objects.aggregate(first=Min("term"), last=Max("term"))
        if bounds["first"] is None:
            return []
        return [
            (str(term), gettext("term %(term)s") % {"term": term})
            for term in range(bounds["last"], bounds["first"] - 1, -1)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            return queryset.filter(term=int(self.value()))
        except ValueError:
            raise IncorrectLookupParameters(self.value()) from None


@admin.register(Member)
class MemberAdmin(
    NoBulkDeleteAdminMixin, ScopedAdminMixin, ImportMixin, SafeExportAdminMixin, admin.ModelAdmin
):
    form = MemberAdminForm
    list_display = (
        "name",
        "gender",
        "sector",
        "party",
        "masked_mobile",
        "sector_group",
        "street_group",
        "status",
    )
    list_filter = (
        "sector",
        "party",
        "status",
        scoped_related_filter("sector_group", _("sector group"), kind=Group.Kind.SECTOR),
        scoped_related_filter("street_group", _("street group"), kind=Group.Kind.STREET),
        TermFilter,
    )
    list_select_related = ("sector", "sector_group", "street_group")
    # No second COUNT(*) of the whole table under a filtered list (it grows with the table).
    show_full_result_count = False
    # The name as typed (张) or in pinyin (zhang): staff without a Chinese input method at hand
    # find people too, in the list and in every autocomplete picking a member.
    search_fields = (
        "name",
        "name_pinyin",
        "work_unit",
        "mobile",
        "street_group__name",
        "sector_group__name",
    )
    search_help_text = _("Name (or its pinyin), work unit, mobile number or group.")
    autocomplete_fields = ("sector", "sector_group", "street_group", "user")

    resource_classes = [MemberResource]
    import_export_change_list_template = "admin/members/member/change_list.html"
    import_template_name = "admin/members/member/import.html"

    # --- lists and search ------------------------------------------------------------------

    @admin.display(description=_("mobile phone"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    def get_search_fields(self, request):
        if request.user.has_perm(FULL_MOBILE):
            return self.search_fields
        # Without the whole numbers, finding a member by number needs the whole number.
        return ("name", "name_pinyin", "work_unit", "=mobile")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            mobile = normalize_mobile(search_term)
        except ValidationError:
            return results, may_have_duplicates
        # "138 1234 1234" or full-width digits, as typed or pasted, find the member too.
        return results | queryset.filter(mobile=mobile), may_have_duplicates

    # --- the change page -------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        sees_mobile = obj is None or request.user.has_perm(FULL_MOBILE)
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "name",
                        "gender",
                        "party",
                        "work_unit",
                        "title",
                        "mobile" if sees_mobile else "masked_mobile",
                    ]
                },
            ),
            (
                _("Membership"),
                {
                    "fields": [
                        "sector",
                        "term",
                        "sector_group",
                        "street_group",
                        "status",
                        "left_on",
                    ]
                },
            ),
        ]
        if obj is not None:
            # New members get their login from member_create (user name = mobile number), so
            # the login is shown only to those who manage logins (and see whole numbers).
            login = ["login_state"]
            if request.user.has_perm("members.change_user") and request.user.has_perm(FULL_MOBILE):
                login.insert(0, "user")
            fieldsets.append((_("Login"), {"fields": login}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["login_state"]
        if obj is not None and not request.user.has_perm(FULL_MOBILE):
            readonly.append("masked_mobile")
        return readonly

    @admin.display(description=_("can log in"))
    def login_state(self, obj):
        if obj.user.has_usable_password():
            return gettext("yes, with the mobile number and a password")
        return gettext("not yet: the office sets a password on the login's page")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not sees_everything(Member, request.user):
            # The class is made afresh for this request by modelform_factory.
            form.visible_groups = groups_visible_to(request.user)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        member = services.member_create(
            actor=request.user,
            **{
                name: value
                for name, value in form.cleaned_data.items()
                if name in MEMBER_CREATE_FIELDS
            },
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.pk = member.pk
        obj.user = member.user
        obj.mobile = member.mobile
        obj._state.adding = False
        obj._state.db = member._state.db

    # --- initial passwords -----------------------------------------------------------------

    actions = ("issue_initial_passwords",)

    def has_issue_passwords_permission(self, request):
        # Office work: a password sheet for members of any group. Liaison staff do not get it.
        return roles.is_office_staff(request.user)

    @admin.action(description=_("Issue initial passwords"), permissions=["issue_passwords"])
    def issue_initial_passwords(self, request, queryset):
        try:
            slips = services.initial_passwords_issue(members=queryset, actor=request.user)
        except services.InitialPasswordsRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return None
        response = TemplateResponse(
            request,
            "admin/members/member/initial_passwords.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Initial passwords"),
                "opts": self.model._meta,
                "slips": slips,
                "login_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("login"),
            },
        )
        # The passwords exist readable on this page only: no cache, no back-button copy.
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        return response

    # --- import and export -----------------------------------------------------------------

    def has_import_permission(self, request):
        # The roster import creates logins and may update any member: office work.
        return (
            sees_everything(Member, request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_export_resource_classes(self, request):
        # The phone list with whole numbers is offered only to those who may export it.
        classes = list(super().get_export_resource_classes(request))
        if services.member_phone_list_allowed(actor=request.user):
            classes.append(MemberPhoneListResource)
        return classes

    def get_data_for_export(self, request, queryset, **kwargs):
        export_form = kwargs.get("export_form")
        if self.choose_export_resource_class(export_form, request) is MemberPhoneListResource:
            try:
                return services.member_phone_list_export(
                    actor=request.user,
                    queryset=queryset,
                    export_fields=self.get_export_resource_fields_from_form(export_form),
                    force_native_type=kwargs.get("force_native_type", False),
                )
            except TransitionRefused:
                raise PermissionDenied from None
        return super().get_data_for_export(request, queryset, **kwargs)

    def get_import_data_kwargs(self, **kwargs):
        data = super().get_import_data_kwargs(**kwargs)
        # One bad row, even one that turns bad between preview and confirmation: nothing saved.
        data["rollback_on_validation_errors"] = True
        return data

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                gettext(
                    "Nothing was imported: the file no longer passes the checks. "
                    "Upload it again to see which rows to correct."
                ),
            )
            return HttpResponseRedirect(reverse("admin:members_member_import"))
        return super().process_result(result, request)

    def get_urls(self):
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="members_member_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(roster_template_xlsx(), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=gettext("member-roster-template") + ".xlsx"
        )
        return response


class AttendanceInline(ScopedAdminMixin, admin.TabularInline):
    model = Attendance
    autocomplete_fields = ("member",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class ActivityPhotoForm(forms.ModelForm):
    class Meta:
        model = ActivityPhoto
        fields = ("image", "caption")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is None or not hasattr(image, "content_type"):
            return image  # unchanged: the file already stored
        try:
            decode_bounded(image, formats={"JPEG", "PNG", "WEBP"}).close()
        except PictureRefused as refused:
            if refused.reason == PictureRefused.TOO_MANY_PIXELS:
                raise ValidationError(
                    _("The picture has too many pixels."), code=refused.reason
                ) from None
            raise ValidationError(
                _("The file is not a whole JPEG, PNG or WebP picture."), code=refused.reason
            ) from None
        if contains_markup(image):
            raise ValidationError(
                _("The file contains web page code, which is not accepted in a photo."),
                code="active_content",
            )
        return image


class ActivityPhotoInline(ScopedAdminMixin, admin.TabularInline):
    model = ActivityPhoto
    form = ActivityPhotoForm
    fields = ("image", "caption")
    extra = 0


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, SafeExportAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "organiser",
        "starts_at",
        "place",
        "participant_count",
        "present_count",
    )
    list_filter = (
        "kind",
        scoped_related_filter("organiser_group", _("organising group")),
        scoped_related_filter("organiser_studio", _("organising studio")),
    )
    list_select_related = ("organiser_group", "organiser_studio")
    search_fields = ("title", "place")
    date_hierarchy = "starts_at"
    # A group or a studio, exactly one: the model's check constraint says so on the form.
    autocomplete_fields = ("organiser_group", "organiser_studio")
    inlines = (AttendanceInline, ActivityPhotoInline)

    resource_classes = [ActivityResource]

    def get_queryset(self, request):
        # Both counts in the changelist's one query, whatever the number of rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                participant_count=row_count(Attendance.objects.filter(activity=OuterRef("pk"))),
                present_count=row_count(
                    Attendance.objects.filter(
                        activity=OuterRef("pk"), status=Attendance.Status.PRESENT
                    )
                ),
            )
        )

    @admin.display(description=_("organiser"))
    def organiser(self, obj):
        return obj.organiser

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count

    @admin.display(description=_("present"), ordering="present_count")
    def present_count(self, obj):
        return obj.present_count


@admin.register(MemberPhoneExport)
class MemberPhoneExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who exported members' whole phone numbers: written by the service, only read here."""

    list_display = ("exported_at", "exported_by", "row_count")
    list_select_related = ("exported_by",)
    search_fields = ("exported_by__username",)
    date_hierarchy = "exported_at"
