"""Scoping of admin pages by the visibility selectors, for every app's admin classes.

Liaison staff may see and change only the rows of their own groups (and, later, studios). The
rule lives in each app's selectors (`members/selectors.py`, `opinions/selectors.py` …); this
module makes every door of the admin go through them:

- the changelist, the change/delete/history pages (`get_queryset`),
- the choices of foreign-key and many-to-many form fields, inlines included,
- autocomplete results (Django's autocomplete view asks the *related* model's admin for
  `get_queryset` and `get_search_results`, so scoping that admin scopes its autocompletes),
- exports through django-import-export (`get_export_queryset`),
- sidebar filters listing related rows (`scoped_related_filter`),
- links on change pages: a read-only foreign key links to the related row's change page only
  when the viewer may open that row (`change_link`); otherwise its name is plain text. A row's
  own attributes (a report's author, an issue's street) stay shown; the related *lists* on a
  page (inlines, panels) hold only rows in scope.

Each app registers the selector of its own models once, next to its admin classes:

    register_scope(Studio, studios_visible_to)

and then lists `ScopedAdminMixin` first among the bases of its `ModelAdmin` / `InlineModelAdmin`.
"""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

ScopeSelector = Callable[..., QuerySet]

_SCOPES: dict[type[Model], ScopeSelector] = {}


def register_scope(model: type[Model], selector: ScopeSelector) -> None:
    """Declare that the rows of `model` a user may see are `selector(user)`: once per model,
    by the app that owns it, next to its admin classes."""
    existing = _SCOPES.get(model)
    if existing is not None and existing is not selector:
        raise RuntimeError(f"{model.__name__} already has a scope")
    _SCOPES[model] = selector


def visible_rows(model: type[Model], user) -> QuerySet | None:
    """The rows of `model` that `user` may see, or None when no selector governs `model`."""
    selector = _SCOPES.get(model)
    return None if selector is None else selector(user)


def sees_everything(model: type[Model], user) -> bool:
    """True when the selector of `model` does not narrow anything for `user` (office staff)."""
    visible = visible_rows(model, user)
    return visible is None or not visible.query.has_filters()


def narrow(queryset: QuerySet, user) -> QuerySet:
    """`queryset` restricted to the rows the selector of its model lets `user` see.

    The queryset keeps its own joins, annotations and ordering. Office staff, whose selector
    filters nothing, get the queryset untouched (no subquery on the biggest lists).
    """
    visible = visible_rows(queryset.model, user)
    if visible is None or not visible.query.has_filters():
        return queryset
    return queryset.filter(pk__in=visible.values("pk"))


def may_open(user, obj: Model) -> bool:
    """Whether `user` may open the admin change page of `obj`: the model is registered, the
    user holds its view or change permission, and the model's selector (if any) shows the row."""
    opts = obj._meta
    if type(obj) not in admin.site._registry:
        return False
    if not (
        user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    ):
        return False
    visible = visible_rows(type(obj), user)
    if visible is None or not visible.query.has_filters():
        return True
    return visible.filter(pk=obj.pk).exists()


def change_link(user, obj: Model | None):
    """`obj` as a link to its change page when `user` may open it, else its name as text."""
    if obj is None:
        return ""
    if user is not None and may_open(user, obj):
        opts = obj._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        except NoReverseMatch:
            return str(obj)
        return format_html('<a href="{}">{}</a>', url, obj)
    return str(obj)


_django_readonly_link = helpers.AdminReadonlyField.get_admin_url


def _scoped_readonly_link(self, remote_field, remote_obj):
    # Set by ScopedAdminMixin on the form class it makes for the request.
    user = getattr(self.form, "scope_user", None)
    if user is None:
        return _django_readonly_link(self, remote_field, remote_obj)
    return change_link(user, remote_obj)


def install_readonly_links() -> None:
    """Make read-only foreign keys link only to rows the viewer may open (CoreConfig.ready).

    Django links every read-only foreign key to the related change page, whoever looks: a
    liaison would see links to other groups' rows (answered by a 404, but named all the same).
    """
    helpers.AdminReadonlyField.get_admin_url = _scoped_readonly_link


def _keep_current_choices(form_fields: dict, rows: QuerySet) -> None:
    """Let related fields keep the values `rows` already point at, even outside the scope.

    A liaison editing a member of their street group must not silently clear the member's sector
    group because another liaison runs it: the current value stays selectable (and shown), but
    no other out-of-scope row can be chosen.
    """
    for name, field in form_fields.items():
        if not isinstance(field, ModelChoiceField):
            continue
        try:
            db_field = rows.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        related = db_field.related_model
        if related is None or related not in _SCOPES or db_field.auto_created:
            continue
        if not field.queryset.query.has_filters():
            continue  # the user sees every row already
        field.queryset = related._default_manager.filter(
            Q(pk__in=field.queryset.values("pk")) | Q(pk__in=rows.values(name))
        )


class ScopedAdminMixin:
    """Scope a ModelAdmin or InlineModelAdmin by the registered selectors.

    List it before the admin base class: `class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin)`.
    Models without a registered selector pass through untouched.
    """

    def get_queryset(self, request):
        return narrow(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            visible = visible_rows(db_field.related_model, request.user)
            if visible is not None:
                kwargs["queryset"] = visible
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            visible = visible_rows(db_field.related_model, request.user)
            if visible is not None:
                kwargs["queryset"] = visible
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A class made afresh for this request by modelform_factory: read-only foreign keys
        # link by this user's scope (install_readonly_links).
        form.scope_user = request.user
        if obj is not None and obj.pk is not None:
            _keep_current_choices(form.base_fields, self.model._default_manager.filter(pk=obj.pk))
        return form

    def get_formset(self, request, obj=None, **kwargs):
        # Inlines: the rows of this formset are those pointing at `obj` through the formset's fk.
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.scope_user = request.user
        # Inline instances are made per request (get_inline_instances): display methods of
        # the inline may read the viewer from here.
        self.scope_user = request.user
        fk = getattr(formset, "fk", None)  # generic inlines have none
        if obj is not None and obj.pk is not None and fk is not None:
            rows = self.model._default_manager.filter(**{fk.name: obj})
            _keep_current_choices(formset.form.base_fields, rows)
        return formset

    def get_export_queryset(self, request):
        # django-import-export builds it from get_queryset through a ChangeList; narrowing it
        # here too keeps exports scoped whatever that library does in a later version.
        return narrow(super().get_export_queryset(request), request.user)


#: A filter that would list more choices than this is left out of the sidebar: a district has a
#: few dozen groups and streets, but a province-wide roster's 2,000 groups would be 2,000 links
#: rendered on every page of the list, growing with the roster (the search box finds them).
MAX_FILTER_CHOICES = 60


def scoped_related_filter(field_name: str, title, **limit: object) -> type[admin.SimpleListFilter]:
    """A changelist filter on a foreign key that offers only the related rows the user may see.

    Django's own RelatedFieldListFilter lists every related row (another group's name, say);
    this one asks the related model's selector. `limit` narrows the choices further, such as
    `kind="sector"`. Beyond MAX_FILTER_CHOICES choices the filter is not shown.
    """

    class ScopedRelatedFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            related = model_admin.model._meta.get_field(field_name).related_model
            rows = visible_rows(related, request.user)
            if rows is None:
                rows = related._default_manager.all()
            # One more than the most shown: enough to know there are too many, whatever the size.
            rows = list(rows.filter(**limit)[: MAX_FILTER_CHOICES + 1])
            if len(rows) > MAX_FILTER_CHOICES:
                return []
            return [(str(row.pk), str(row)) for row in rows]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field_name: self.value()})
            return queryset

    ScopedRelatedFilter.title = title
    ScopedRelatedFilter.__name__ = f"Scoped{field_name.title().replace('_', '')}Filter"
    return ScopedRelatedFilter
