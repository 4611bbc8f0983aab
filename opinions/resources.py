"""Excel exports of the report and proposal lists (django-import-export), as filtered in the
admin. No phone numbers: people appear by name only."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.exports import SafeExportResource

from .models import AdoptionLevel, OpinionReport, Proposal


def _names(members) -> str:
    return "、".join(member.name for member in members)


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value).date()
    return value.isoformat()


class OpinionReportResource(SafeExportResource):
    title = fields.Field(attribute="title", column_name=_("title"))
    category = fields.Field(column_name=_("category"))
    state = fields.Field(column_name=_("state"))
    authors = fields.Field(column_name=_("authors"))
    group = fields.Field(column_name=_("on behalf of group"))
    submitted = fields.Field(column_name=_("submitted at"))
    adopted = fields.Field(column_name=_("adopted at level"))
    department = fields.Field(column_name=_("lead handling department"))
    co_departments = fields.Field(column_name=_("co-handling departments"))
    reply_due = fields.Field(column_name=_("reply due"))
    overdue = fields.Field(column_name=_("overdue"))
    feedback = fields.Field(column_name=_("departments' replies"))

    class Meta:
        model = OpinionReport
        fields = export_order = (
            "id",
            "title",
            "category",
            "state",
            "authors",
            "group",
            "submitted",
            "adopted",
            "department",
            "co_departments",
            "reply_due",
            "overdue",
            "feedback",
        )

    def filter_export(self, queryset, **kwargs):
        # Author and department are read for every row: joined, not one query per row.
        return queryset.select_related("author", "department")

    def dehydrate_category(self, report):
        return report.get_category_display()

    def dehydrate_state(self, report):
        return report.get_state_display()

    def dehydrate_authors(self, report):
        return _names([report.author, *report.coauthors.all()])

    def dehydrate_group(self, report):
        return report.group.name if report.group_id else ""

    def dehydrate_submitted(self, report):
        return _date(report.submitted_at)

    def dehydrate_adopted(self, report):
        level = getattr(report, "top_level", None)
        return str(AdoptionLevel(level).label) if level else ""

    def dehydrate_department(self, report):
        return report.department.name if report.department_id else ""

    def dehydrate_co_departments(self, report):
        return "、".join(d.name for d in report.co_departments.all())

    def dehydrate_feedback(self, report):
        return "\n\n".join(
            f"{reply.department.name}: {reply.text}" for reply in report.replies.all()
        )

    def dehydrate_reply_due(self, report):
        return _date(report.reply_due)

    def dehydrate_overdue(self, report):
        return str(_("yes")) if report.is_overdue() else ""


class ProposalResource(SafeExportResource):
    number = fields.Field(column_name=_("number"))
    title = fields.Field(attribute="title", column_name=_("title"))
    category = fields.Field(column_name=_("category"))
    state = fields.Field(column_name=_("state"))
    proposer = fields.Field(column_name=_("proposer"))
    cosigners = fields.Field(column_name=_("co-signers"))
    is_key = fields.Field(column_name=_("key proposal"))
    lead = fields.Field(column_name=_("lead handling unit"))
    co_handlers = fields.Field(column_name=_("co-handling units"))
    deadline = fields.Field(column_name=_("reply due"))
    overdue = fields.Field(column_name=_("overdue"))
    evaluation = fields.Field(column_name=_("proposer's evaluation"))

    class Meta:
        model = Proposal
        fields = export_order = (
            "id",
            "number",
            "title",
            "category",
            "state",
            "proposer",
            "cosigners",
            "is_key",
            "lead",
            "co_handlers",
            "deadline",
            "overdue",
            "evaluation",
        )

    def dehydrate_number(self, proposal):
        return proposal.number_label

    def dehydrate_category(self, proposal):
        return proposal.get_category_display()

    def dehydrate_state(self, proposal):
        return proposal.get_state_display()

    def dehydrate_proposer(self, proposal):
        return proposal.proposer_label

    def dehydrate_cosigners(self, proposal):
        return _names(proposal.cosigners.all())

    def dehydrate_is_key(self, proposal):
        return proposal.supervising_leader if proposal.is_key else ""

    def dehydrate_lead(self, proposal):
        return proposal.lead_department.name if proposal.lead_department_id else ""

    def dehydrate_co_handlers(self, proposal):
        return "、".join(department.name for department in proposal.co_departments.all())

    def dehydrate_deadline(self, proposal):
        return _date(proposal.deadline)

    def dehydrate_overdue(self, proposal):
        return str(_("yes")) if proposal.is_overdue() else ""

    def dehydrate_evaluation(self, proposal):
        return proposal.get_evaluation_display()
