"""Forms of the member pages, the department pages and the admin's step pages.

Forms only parse and check input; every write goes through a service.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import SingleLineCharField
from members.models import Member
from members.selectors import member_groups
from members.widgets import PeoplePickerWidget

from . import selectors
from .attachments import (
    ACCEPT,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    validate_attachment,
    validate_attachment_count,
)
from .drafts import DraftKind
from .models import (
    AdoptionLevel,
    Bulletin,
    Category,
    DeclineReason,
    Department,
    Proposal,
)
from .services.common import MAX_CONTENT_CHARS, MAX_TITLE_CHARS


def _helper(*layout) -> FormHelper:
    # The templates write the <form> tag and the buttons: forms with files need enctype, and
    # the member pages put their two large buttons (save, submit) under the fields.
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by content in the form's clean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MemberChoiceField(forms.ModelMultipleChoiceField):
    widget = PeoplePickerWidget

    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name}（{obj.sector.name}）"


ATTACHMENT_HELP = _(
    "PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; at most %(count)s files of %(size)s MB each."
) % {"count": MAX_ATTACHMENTS, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}


class DraftForm(forms.Form):
    """A draft of any kind (opinions/drafts.py): text, category, group, the members writing or
    signing it with the owner (the kind's people field), attachments."""

    title = SingleLineCharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *Category.choices]
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The situation, its causes and your suggestions."),
    )
    group = forms.ModelChoiceField(label="", queryset=None, required=False)
    # Shown only to a member of a studio, listing their own studios.
    studio = forms.ModelChoiceField(
        label=_("For a member studio"),
        queryset=None,
        required=False,
        empty_label=_("No, not for a studio"),
        help_text=_("It then counts for the studio's yearly plan (1+123)."),
        error_messages={
            "invalid_choice": _(
                "Choose one of your own studios: only its members may mark an item with it."
            )
        },
    )
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENT_HELP)
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove these attachments"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kind: DraftKind, member: Member, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        group = self.fields["group"]
        group.queryset = member_groups(member)
        group.label = kind.group_label
        group.empty_label = kind.group_empty_label
        # A member of no studio is not offered the field, and a studio posted all the same
        # is refused (the list is empty): never silently ignored.
        self.fields["studio"].queryset = selectors.studios_of_member(
            member, keep_id=getattr(subject, "studio_id", None)
        )
        self.shows_studio = self.fields["studio"].queryset.exists()
        # The people field sits with the group, before the attachments, as on paper forms.
        self.fields[kind.people_field] = MemberChoiceField(
            label=kind.people_label,
            queryset=Member.objects.active().exclude(pk=member.pk).select_related("sector"),
            required=False,
            help_text=kind.people_help,
        )
        self.order_fields(["title", "category", "content", "group", "studio", kind.people_field])
        self.existing_attachments = (
            list(selectors.attachments_of(subject)) if subject is not None else []
        )
        if self.existing_attachments:
            self.fields["remove_attachments"].queryset = selectors.attachments_of(subject)
        else:
            del self.fields["remove_attachments"]
        self.helper = _helper(
            "title",
            "category",
            Field("content"),
            "group",
            *(["studio"] if self.shows_studio else []),
            Div(
                kind.people_field,
                css_class="border rounded px-3 pt-2 mb-3 overflow-auto people-picker",
                # Read by static/js/people-picker.js, which adds the search box.
                data_people_picker="1",
                data_search_label=_("Find a member"),
                data_search_placeholder=_("Name, or pinyin such as zhangsan or zs"),
                data_search_empty=_("No member matches; ticked members stay in the list."),
            ),
            "attachments",
            *(["remove_attachments"] if self.existing_attachments else []),
        )

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        errors = []
        for upload in uploads:
            try:
                validate_attachment(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self):
        cleaned = super().clean()
        if not self.shows_studio and "studio" in self.errors:
            # The field is not on the page: say it above the form.
            self.add_error(None, self.errors.pop("studio"))
        removed = len(cleaned.get("remove_attachments") or [])
        try:
            validate_attachment_count(
                existing=len(self.existing_attachments) - removed,
                added=len(cleaned.get("attachments") or []),
            )
        except ValidationError as error:
            self.add_error("attachments", error)
        return cleaned

    def draft_fields(self) -> dict:
        """The keyword arguments of `draft_save` (the draft's owner and the draft aside)."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "content": data["content"],
            "category": data["category"],
            "group": data["group"],
            "people": list(data[self.kind.people_field]),
            "attachments": data["attachments"],
            "remove_attachment_ids": [row.pk for row in data.get("remove_attachments") or []],
        }
        fields["studio"] = data["studio"]
        return fields


class EvaluationForm(forms.Form):
    evaluation = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Proposal.Evaluation.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- Department pages ----------------------------------------------------------------------


class DepartmentReplyForm(forms.Form):
    """A department's reply to a forwarded report or an assigned proposal, with the formal
    reply letter (答复函) if there is one; the service checks that the letter is a PDF."""

    text = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done or will be done, and by when. The member sees this text."),
    )
    letter = forms.FileField(
        label=_("Reply letter (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("The signed reply letter, if there is one: a PDF of at most 10 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- The admin's step pages ----------------------------------------------------------------


class _StepForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ConsentEditForm(_StepForm):
    title = SingleLineCharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    content = forms.CharField(
        label=_("Content"), max_length=MAX_CONTENT_CHARS, widget=forms.Textarea(attrs={"rows": 14})
    )
    author_consented = forms.BooleanField(
        label=_("The author agreed to these changes"),
        help_text=_("A report is edited only with its author's consent."),
    )
    consent_note = SingleLineCharField(
        label=_("How and when the author agreed"),
        max_length=300,
        help_text=_("e.g. by phone on 3 May"),
    )


class AdoptForm(_StepForm):
    level = forms.TypedChoiceField(
        label=_("Adopted at level"), choices=AdoptionLevel.choices, coerce=int
    )
    bulletin = forms.ModelChoiceField(
        label=_("In bulletin issue"),
        queryset=Bulletin.objects.all(),
        required=False,
        help_text=_("Several reports can be merged into one issue. Create issues in the admin."),
    )
    note = SingleLineCharField(label=_("Note"), max_length=300, required=False)


class ForwardForm(_StepForm):
    department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.all()
    )
    co_departments = forms.ModelMultipleChoiceField(
        label=_("Co-handling departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each of them replies too; the report is answered once all have replied."),
    )
    reply_due = forms.DateField(
        label=_("Reply due by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_reply_due(self):
        day = self.cleaned_data["reply_due"]
        if day < timezone.localdate():
            raise ValidationError(_("The reply cannot be due in the past."))
        return day


class DeclineForm(_StepForm):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=DeclineReason.objects.filter(is_active=True)
    )
    explanation = forms.CharField(
        label=_("Explanation to the author"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InstructionForm(_StepForm):
    leader = SingleLineCharField(
        label=_("Leader"), max_length=100, help_text=_("Post and name, e.g. district mayor Wang.")
    )
    text = forms.CharField(
        label=_("Instruction"), max_length=MAX_CONTENT_CHARS, widget=forms.Textarea
    )
    given_on = forms.DateField(
        label=_("Given on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class FeedbackForm(_StepForm):
    department = forms.ModelChoiceField(label=_("From department"), queryset=Department.objects)
    feedback = forms.CharField(
        label=_("Department's feedback"),
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For feedback that arrived on paper or by email."),
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            # The departments on the report that have not replied yet.
            replied = report.replies.values("department_id")
            on_report = Q(pk=report.department_id) | Q(cohandled_reports=report)
            self.fields["department"].queryset = (
                Department.objects.filter(on_report).exclude(pk__in=replied).distinct()
            )


class NotFileForm(_StepForm):
    reason = forms.CharField(
        label=_("Reason for not filing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The proposers see this reason."),
    )


class AssignForm(_StepForm):
    lead = forms.ModelChoiceField(label=_("Lead unit"), queryset=Department.objects.all())
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=_("Reply due by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day < timezone.localdate():
            raise ValidationError(_("The reply cannot be due in the past."))
        return day


class KeyProposalForm(_StepForm):
    leader = SingleLineCharField(
        label=_("Supervising leader"),
        max_length=100,
        help_text=_("Post and name, e.g. district party secretary Li."),
    )


class StaffProposalReplyForm(_StepForm):
    text = forms.CharField(
        label=_("Lead unit's reply"),
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For a reply that arrived on paper or by email."),
    )
