"""Export of the resident issue list (django-import-export): masked phone, no name.

Text typed by the public is written so that a spreadsheet never runs it as a formula.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import ResidentIssue

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    text = text or ""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class ResidentIssueResource(resources.ModelResource):
    tracking_code = fields.Field(attribute="tracking_code", column_name=_("tracking code"))
    created_at = fields.Field(column_name=_("submitted at"))
    channel = fields.Field(attribute="get_channel_display", column_name=_("channel"))
    category = fields.Field(attribute="get_category_display", column_name=_("category"))
    street = fields.Field(attribute="street__name", column_name=_("street"))
    community = fields.Field(attribute="community__name", column_name=_("community"))
    place = fields.Field(column_name=_("place"))
    description = fields.Field(column_name=_("what happened"))
    state = fields.Field(attribute="get_state_display", column_name=_("state"))
    due_at = fields.Field(column_name=_("due"))
    closed_at = fields.Field(column_name=_("closed at"))
    public_reply = fields.Field(column_name=_("public reply"))
    satisfaction = fields.Field(attribute="get_satisfaction_display", column_name=_("solved?"))
    mobile = fields.Field(attribute="masked_mobile", column_name=_("mobile phone"))

    class Meta:
        model = ResidentIssue
        fields = (
            "tracking_code",
            "created_at",
            "channel",
            "category",
            "street",
            "community",
            "place",
            "description",
            "state",
            "due_at",
            "closed_at",
            "public_reply",
            "satisfaction",
            "mobile",
        )
        export_order = fields

    def dehydrate_created_at(self, issue):
        return _local(issue.created_at)

    def dehydrate_due_at(self, issue):
        return _local(issue.due_at)

    def dehydrate_closed_at(self, issue):
        return _local(issue.closed_at)

    def dehydrate_place(self, issue):
        return spreadsheet_safe(issue.place)

    def dehydrate_description(self, issue):
        return spreadsheet_safe(issue.description)

    def dehydrate_public_reply(self, issue):
        return spreadsheet_safe(issue.public_reply)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("street", "community")
