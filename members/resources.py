"""Import and export of the member roster and the activity list (django-import-export).

The roster is read and written with the column headers staff see in the admin (the verbose
names, in the UI language), choices by their labels (男, 中国民主同盟 …) and sectors and groups by
name. Rows are matched by mobile number. Every problem of a row is reported together, against
its column; one bad row means nothing is written (see MemberAdmin).
"""

import io
import re
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from core.exports import SafeExportResource

from . import services
from .models import Activity, Group, Member, Sector, User
from .phones import mask_mobile, normalize_mobile

#: The phone number of the template's example row: obviously fake, and refused on import so
#: that an example row left in the file creates nobody.
EXAMPLE_MOBILE = "13800000000"


def _text(value) -> str:
    """A spreadsheet cell as stripped text ('' for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 13812341234 as 13812341234.0
    return str(value).strip()


def _verbose(field_name: str):
    return Member._meta.get_field(field_name).verbose_name


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


class ChoiceLabelWidget(widgets.Widget):
    """A choice column written as its label and read from the label in any UI language."""

    def __init__(self, choices, default=None):
        self.choices = choices
        self.default = default
        super().__init__()

    def _values_by_label(self) -> dict[str, str]:
        table = {value.casefold(): value for value in self.choices.values}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for value, label in self.choices.choices:
                    table[str(label).casefold()] = value
        return table

    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", _text(value))
        if not text:
            return self.default
        try:
            return self._values_by_label()[text.casefold()]
        except KeyError:
            raise ValueError(
                gettext("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(c.label) for c in self.choices)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class NameWidget(widgets.ForeignKeyWidget):
    """A sector or group given by its name."""

    def __init__(self, model, not_found, **limit):
        self.not_found = not_found
        self.limit = limit
        super().__init__(model, field="name")

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model._default_manager.filter(**self.limit)

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            return None
        try:
            return super().clean(name, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.not_found % {"name": name}) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class MobileWidget(widgets.Widget):
    """Read: normalised to 11 digits (full-width digits, spaces, +86). Written: always masked."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            mobile = normalize_mobile(text)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        if mobile == EXAMPLE_MOBILE:
            raise ValueError(gettext("This is the template's example row: replace or delete it."))
        return mobile

    def render(self, value, obj=None, **kwargs):
        return mask_mobile(value or "")


class TermWidget(widgets.Widget):
    """The term as a number; 8, "8" and "第8届" are all read as 8."""

    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", _text(value)).removeprefix("第").removesuffix("届")
        if not text:
            return None
        if not re.fullmatch(r"[0-9]{1,3}", text) or int(text) == 0:
            raise ValueError(
                gettext("“%(value)s” is not a term number, such as 8.") % {"value": _text(value)}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class MemberResource(SafeExportResource):
    """The member roster. New members are created through `member_create`, with their login."""

    name = fields.Field("name", _verbose("name"), TextWidget())
    gender = fields.Field("gender", _verbose("gender"), ChoiceLabelWidget(Member.Gender))
    sector = fields.Field(
        "sector", _verbose("sector"), NameWidget(Sector, _("There is no sector named “%(name)s”."))
    )
    party = fields.Field(
        "party", _verbose("party"), ChoiceLabelWidget(Member.Party, default=Member.Party.NONE)
    )
    work_unit = fields.Field("work_unit", _verbose("work_unit"), TextWidget())
    title = fields.Field("title", _verbose("title"), TextWidget())
    mobile = fields.Field("mobile", _verbose("mobile"), MobileWidget())
    term = fields.Field("term", _verbose("term"), TermWidget())
    sector_group = fields.Field(
        "sector_group",
        _verbose("sector_group"),
        NameWidget(Group, _("There is no sector group named “%(name)s”."), kind=Group.Kind.SECTOR),
    )
    street_group = fields.Field(
        "street_group",
        _verbose("street_group"),
        NameWidget(Group, _("There is no street group named “%(name)s”."), kind=Group.Kind.STREET),
    )
    status = fields.Field(
        "status", _verbose("status"), ChoiceLabelWidget(Member.Status, default=Member.Status.ACTIVE)
    )

    #: Columns a row cannot do without (for a new member; an update keeps what it had).
    required = ("name", "gender", "sector", "mobile", "term")

    class Meta:
        model = Member
        name = _("member roster")
        fields = (
            "name",
            "gender",
            "sector",
            "party",
            "work_unit",
            "title",
            "mobile",
            "term",
            "sector_group",
            "street_group",
            "status",
        )
        import_id_fields = ("mobile",)
        use_transactions = True
        clean_model_instances = True
        report_skipped = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._rows_by_mobile: dict[str, list[int]] = {}

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("sector", "sector_group", "street_group")

    # --- import -----------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        # A file saved by a colleague whose admin is in another language still imports.
        aliases = {}
        for name, field in type(self).fields.items():
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    aliases[str(field.column_name).casefold()] = self.fields[name].column_name
        if dataset.headers:
            dataset.headers = [aliases.get(_text(h).casefold(), _text(h)) for h in dataset.headers]

        # The same number on two rows is a mistake in the file, not two updates in a row.
        rows_by_mobile = defaultdict(list)
        column = self.fields["mobile"].column_name
        if dataset.headers and column in dataset.headers:
            for number, value in enumerate(dataset[column], start=2):
                try:
                    rows_by_mobile[normalize_mobile(_text(value))].append(number)
                except ValidationError:
                    continue
        self._rows_by_mobile = rows_by_mobile

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # An unreadable mobile number: reported with the row's other problems.
            return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if all(_text(value) == "" for value in row.values()):
            return True  # an empty line left in the spreadsheet
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)

        for name in self.required:
            attname = Member._meta.get_field(name).attname
            if name not in errors and getattr(instance, attname) in (None, ""):
                errors[name] = [ValidationError(_("This column is required."), code="required")]

        if "mobile" not in errors and instance.mobile:
            rows = self._rows_by_mobile.get(instance.mobile, [])
            if len(rows) > 1:
                errors["mobile"] = [
                    ValidationError(
                        _("The same mobile number is on rows %(rows)s."),
                        code="duplicate",
                        params={"rows": ", ".join(map(str, rows))},
                    )
                ]
            elif instance._state.adding and User.objects.filter(username=instance.mobile).exists():
                errors["mobile"] = [
                    ValidationError(
                        _("Another login already uses this mobile number as its user name."),
                        code="login_taken",
                    )
                ]

        # The roster has no leaving-date column: a member marked as left left today, unless
        # the date is known already.
        if instance.status == Member.Status.LEFT and instance.left_on is None:
            instance.left_on = timezone.localdate()
        elif instance.status == Member.Status.ACTIVE:
            instance.left_on = None

        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # A new member has no login yet: member_create makes it when the row is saved.
            instance.full_clean(exclude=[*errors, "user"], validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            # Keyed by the column headers, which is what staff see in their spreadsheet.
            raise ValidationError({self._column(name): value for name, value in errors.items()})

    def _column(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return name
        if name in self.fields:
            return self.fields[name].column_name
        return str(Member._meta.get_field(name).verbose_name)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        if is_create:
            member = services.member_create(
                actor=kwargs.get("user"),
                **{
                    field.attname: getattr(instance, field.attname)
                    for field in Member._meta.concrete_fields
                    if field.name not in ("id", "user")
                },
            )
            # The import goes on with `instance` (result rows, admin log): make it the saved row.
            instance.pk = member.pk
            instance.user = member.user
            instance._state.adding = False
            instance._state.db = member._state.db
        else:
            instance.save()
        self.after_save_instance(instance, row, **kwargs)


def roster_template_xlsx() -> bytes:
    """The import template: the header row and one example row, as an .xlsx file."""
    resource = MemberResource()
    sector = Sector.objects.first()
    sector_group = Group.objects.filter(kind=Group.Kind.SECTOR, sector=sector).first()
    street_group = Group.objects.filter(kind=Group.Kind.STREET).first()
    example = Member(
        name=gettext("Zhang San"),
        gender=Member.Gender.FEMALE,
        sector=sector,
        party=Member.Party.NONE,
        work_unit=gettext("District People's Hospital"),
        title=gettext("Chief physician"),
        mobile=EXAMPLE_MOBILE,
        term=Member.objects.aggregate(term=Max("term"))["term"] or 1,
        sector_group=sector_group,
        street_group=street_group,
        status=Member.Status.ACTIVE,
    )
    export_fields = resource.get_export_fields()
    values = [
        EXAMPLE_MOBILE if field.attribute == "mobile" else resource.export_field(field, example)
        for field in export_fields
    ]

    from openpyxl import Workbook  # only for this download: not loaded by every web worker
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("members")[:31]
    sheet.append(resource.get_export_headers())
    sheet.append(values)
    for column, field in enumerate(export_fields, start=1):
        header = sheet.cell(row=1, column=column)
        header.font = Font(bold=True)
        letter = header.column_letter
        sheet.column_dimensions[letter].width = 22 if field.attribute == "work_unit" else 14
        if field.attribute == "mobile":
            # Text, so that Excel neither rounds nor reformats the numbers typed in.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=column).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ActivityResource(SafeExportResource):
    """Export of the activity list, with the participant counts of the changelist."""

    title = fields.Field("title", Activity._meta.get_field("title").verbose_name)
    kind = fields.Field(
        "kind", Activity._meta.get_field("kind").verbose_name, ChoiceLabelWidget(Activity.Kind)
    )
    # The organising group or studio, whichever it is (export only).
    organiser = fields.Field("organiser", _("organiser"), readonly=True)
    starts_at = fields.Field(
        "starts_at", Activity._meta.get_field("starts_at").verbose_name, widgets.DateTimeWidget()
    )
    place = fields.Field("place", Activity._meta.get_field("place").verbose_name)
    participant_count = fields.Field(
        "participant_count", _("participants"), widgets.IntegerWidget(), readonly=True
    )
    present_count = fields.Field(
        "present_count", _("present"), widgets.IntegerWidget(), readonly=True
    )

    class Meta:
        model = Activity
        name = _("activity list")
        fields = (
            "title",
            "kind",
            "organiser",
            "starts_at",
            "place",
            "participant_count",
            "present_count",
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organiser_group", "organiser_studio")


class MemberPhoneListResource(SafeExportResource):
    """The phone list with whole mobile numbers: export only, for those holding
    members.export_member_phones, through `services.member_phone_list_export` (logged)."""

    name = fields.Field("name", _verbose("name"))
    sector = fields.Field("sector", _verbose("sector"), NameWidget(Sector, ""))
    work_unit = fields.Field("work_unit", _verbose("work_unit"))
    title = fields.Field("title", _verbose("title"))
    street_group = fields.Field("street_group", _verbose("street_group"), NameWidget(Group, ""))
    sector_group = fields.Field("sector_group", _verbose("sector_group"), NameWidget(Group, ""))
    mobile = fields.Field("mobile", _verbose("mobile"))

    class Meta:
        model = Member
        name = _("member phone list")
        fields = (
            "name",
            "sector",
            "work_unit",
            "title",
            "street_group",
            "sector_group",
            "mobile",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("sector", "sector_group", "street_group")
