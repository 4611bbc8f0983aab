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
from django.db.models import F, Model, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.forms import ModelChoiceField
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .admin_pagination import BoundedCountPaginator

ScopeSelector = Callable[..., QuerySet]

_SCOPES: dict[type[Model], ScopeSelector] = {}
_LISTED: dict[type[Model], Callable[..., list | None]] = {}


def register_scope(
    model: type[Model], selector: ScopeSelector, *, listed: Callable[..., list | None] = None
) -> None:
    """Declare that the rows of `model` a user may see are `selector(user)`: once per model,
    by the app that owns it, next to its admin classes.

    `listed(user)`, where given, returns those rows when they are already in memory for this
    request (a liaison's handful of groups), else None: sidebar filters then read them
    instead of asking the database again.
    """
    existing = _SCOPES.get(model)
    if existing is not None and existing is not selector:
        raise RuntimeError(f"{model.__name__} already has a scope")
    _SCOPES[model] = selector
    if listed is not None:
        _LISTED[model] = listed


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
    if _is_flat(visible) and not queryset.query.is_sliced:
        # The selector's condition joins nothing: AND it into the queryset's own WHERE. Wrapped
        # as `pk IN (SELECT pk … WHERE condition)`, PostgreSQL reads the whole table twice
        # and joins the two (60 ms for a liaison's list at 166,666 resident issues, against
        # 3 ms for the same condition read along the list's ordering index).
        return queryset & visible
    return queryset.filter(pk__in=visible.values("pk"))


def _is_flat(visible: QuerySet) -> bool:
    """Whether `visible` is a plain filter of its model's table: no join (its conditions on
    other tables are subqueries), no DISTINCT, slice, annotation or extra SQL."""
    query = visible.query
    return (
        len([alias for alias, count in query.alias_refcount.items() if count]) <= 1
        and not query.distinct
        and not query.is_sliced
        and not query.annotations
        and not query.extra
        and not query.combinator
    )


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
    Models without a registered selector pass through untouched. Its lists count at most
    2,000 rows (`BoundedCountPaginator`).
    """

    paginator = BoundedCountPaginator

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
    `kind="sector"`. Beyond MAX_FILTER_CHOICES choices the filter is not shown. Several such
    filters on one related model (a member's sector group and street group) are answered by
    one query between them.
    """

    class ScopedRelatedFilter(_ScopedRelatedFilterBase):
        parameter_name = field_name

    ScopedRelatedFilter.field_name = field_name
    ScopedRelatedFilter.limit = limit
    ScopedRelatedFilter.title = title
    ScopedRelatedFilter.__name__ = f"Scoped{field_name.title().replace('_', '')}Filter"
    return ScopedRelatedFilter


class _ScopedRelatedFilterBase(admin.SimpleListFilter):
    field_name: str
    limit: dict

    @classmethod
    def related_model(cls, model_admin) -> type[Model]:
        return model_admin.model._meta.get_field(cls.field_name).related_model

    def lookups(self, request, model_admin):
        choices = _related_filter_choices(request, model_admin, self.related_model(model_admin))
        rows = choices[type(self)]
        if len(rows) > MAX_FILTER_CHOICES:
            return []
        return [(str(row.pk), str(row)) for row in rows]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


def _related_filter_choices(request, model_admin, related: type[Model]) -> dict:
    """The rows each scoped filter of `model_admin` on `related` offers (at most one more than
    shown: enough to know there are too many, whatever the size), read once per request."""
    memo = request.__dict__.setdefault("_scoped_filter_choices", {})
    key = (type(model_admin), related)
    if key in memo:
        return memo[key]
    siblings = [
        spec
        for spec in model_admin.get_list_filter(request)
        if isinstance(spec, type)
        and issubclass(spec, _ScopedRelatedFilterBase)
        and spec.related_model(model_admin) is related
    ]
    listed = _LISTED.get(related)
    in_memory = listed(request.user) if listed is not None else None
    if in_memory is not None:
        choices = {
            spec: [
                row
                for row in in_memory
                if all(getattr(row, name) == value for name, value in spec.limit.items())
            ][: MAX_FILTER_CHOICES + 1]
            for spec in siblings
        }
    else:
        rows = visible_rows(related, request.user)
        if rows is None:
            rows = related._default_manager.all()
        choices = _choices_in_one_query(rows, siblings)
    memo[key] = choices
    return choices


def _choices_in_one_query(rows: QuerySet, siblings: list) -> dict:
    keys = {tuple(sorted(spec.limit)) for spec in siblings}
    if len(siblings) < 2 or len(keys) != 1 or not next(iter(keys)):
        return {
            spec: list(rows.filter(**spec.limit)[: MAX_FILTER_CHOICES + 1]) for spec in siblings
        }
    # One query: the first rows of each filter's part, numbered within the part.
    (names,) = keys
    ordering = rows.query.order_by or rows.model._meta.ordering or ["pk"]
    order = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in ordering]
    condition = Q()
    for spec in siblings:
        condition |= Q(**spec.limit)
    found = list(
        rows.filter(condition)
        .annotate(
            _place=Window(RowNumber(), partition_by=[F(name) for name in names], order_by=order)
        )
        .filter(_place__lte=MAX_FILTER_CHOICES + 1)
        .order_by(*ordering)
    )
    return {
        spec: [
            row
            for row in found
            if all(getattr(row, name) == value for name, value in spec.limit.items())
        ]
        for spec in siblings
    }
