"""Export of the resident issue list (django-import-export): masked phone, no name.

Text typed by the public is written so that a spreadsheet never runs it as a formula (the
export base, core.exports, does that for every cell).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.exports import SafeExportResource

from .models import ResidentIssue


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class ResidentIssueResource(SafeExportResource):
    tracking_code = fields.Field(attribute="tracking_code", column_name=_("tracking code"))
    created_at = fields.Field(column_name=_("submitted at"))
    channel = fields.Field(attribute="get_channel_display", column_name=_("channel"))
    category = fields.Field(attribute="get_category_display", column_name=_("category"))
    street = fields.Field(attribute="street__name", column_name=_("street"))
    community = fields.Field(attribute="community__name", column_name=_("community"))
    place = fields.Field(attribute="place", column_name=_("place"))
    description = fields.Field(attribute="description", column_name=_("what happened"))
    state = fields.Field(attribute="get_state_display", column_name=_("state"))
    due_at = fields.Field(column_name=_("due"))
    closed_at = fields.Field(column_name=_("closed at"))
    public_reply = fields.Field(attribute="public_reply", column_name=_("public reply"))
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

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("street", "community")
