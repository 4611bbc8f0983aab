"""Forms of the public pages and of the staff's triage steps. They parse and check input;
the services decide and write."""

import json

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteMixin, get_select2_language
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.validators import SingleLineCharField
from members.phones import normalize_mobile
from members.selectors import groups_visible_to, members_visible_to, visible_group_ids
from opinions.models.common import Category as OpinionCategory

from . import antirobot, places, targets
from .models import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    TRACKING_CODE_LENGTH,
    Community,
    PresetReply,
    ResidentIssue,
    Street,
)
from .photos import sanitize_photo
from .selectors import normalize_tracking_code, route_target


def _lazy_percent(message, **params):
    """`message % params`, translated when shown rather than when the module is imported."""
    return lazy(lambda: str(message) % params, str)()


def _helper() -> FormHelper:
    # The templates write the <form> tag (multipart, one large submit button for a thumb).
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class AntiRobotWidget(forms.Widget):
    """The ALTCHA widget, which works by itself, and inside <noscript> a word to type for
    browsers without JavaScript. Nothing of the request is rendered into it: the widget fetches
    its challenge from a JSON view, so the kept form page (residents/places.py) needs no hole.
    """

    template_name = "residents/antirobot_widget.html"
    WORD_FIELD = "antirobot_word"
    # What ALTCHA's widget calls its hidden field.
    PAYLOAD_FIELD = "altcha"
    # The widget's texts (ALTCHA's i18n keys) from our catalog: plain words for what it does.
    STRINGS = {
        "label": _("Automatic check: no need to do anything"),
        "verifying": _("Checking automatically…"),
        "verified": _("Check done"),
        "error": _("The check failed. Tap here to try again."),
        "expired": _("The check expired. Tap here to do it again."),
        "verificationRequired": _("Please wait for the automatic check to finish."),
        "waitAlert": _("Checking automatically… please wait a moment."),
    }

    def value_from_datadict(self, data, files, name):
        return (data.get(self.PAYLOAD_FIELD, ""), data.get(self.WORD_FIELD, ""))

    def value_omitted_from_data(self, data, files, name):
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["word_field"] = self.WORD_FIELD
        context["widget"]["payload_field"] = self.PAYLOAD_FIELD
        context["widget"]["strings"] = json.dumps(
            {key: str(text) for key, text in self.STRINGS.items()}, ensure_ascii=False
        )
        return context


class AntiRobotField(forms.Field):
    """The anti-robot check (residents/antirobot.py). Cleans to "pow" (the browser's proof of
    work passed) or "word" (the no-JavaScript question answered)."""

    widget = AntiRobotWidget
    default_error_messages = {
        antirobot.MISSING: _(
            "The automatic check has not finished yet. Please wait a moment and send again."
        ),
        antirobot.INVALID: _("The automatic check failed. Please send again."),
        antirobot.EXPIRED: _("The page was open too long. Please send again."),
        antirobot.REPLAYED: _("This form was already sent once. Please send again."),
        "word": _("Please type the two characters shown in the box."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)  # the checks below say what is missing
        super().__init__(**kwargs)

    def clean(self, value):
        payload, word = value
        if not payload and word:
            if antirobot.word_check(word):
                return "word"
            raise ValidationError(self.error_messages["word"], code="word")
        outcome = antirobot.solution_check(payload)
        if outcome != antirobot.PASSED:
            raise ValidationError(self.error_messages[outcome], code=outcome)
        return "pow"


class PlainSelect(forms.Select):
    """Django's select, rendered in Python: the same HTML as its templates, without one
    template rendering per option. The public form lists every community of the district (a
    few hundred) on every request, and the per-option templates were most of its time."""

    @staticmethod
    def _attrs(attrs: dict) -> str:
        # As django/forms/widgets/attrs.html: in order, True bare, False left out.
        return mark_safe(  # noqa: S308 - every part went through format_html
            "".join(
                format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
                for key, value in attrs.items()
                if value is not False
            )
        )

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], self._attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"],
                        self._attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html


class StreetField(forms.ChoiceField):
    """The street select, listed and checked from the kept street rows (residents/places.py)
    rather than a query per form; cleans to a Street."""

    def __init__(self, **kwargs):
        #: The groups whose streets may be chosen; None: every street.
        self.group_ids: set[int] | None = None
        super().__init__(choices=self._street_choices, **kwargs)

    def limit_to_groups(self, group_ids) -> None:
        """List and accept only the streets of these groups (a liaison's own streets)."""
        self.group_ids = set(group_ids)
        self.choices = self._street_choices

    def _allowed(self, pk: int) -> bool:
        row = places.street_rows().get(pk)
        return row is not None and (self.group_ids is None or row[2] in self.group_ids)

    def _street_choices(self) -> list:
        rows = places.street_rows().items()
        return [("", _("Choose…")), *((pk, row[1]) for pk, row in rows if self._allowed(pk))]

    def valid_value(self, value) -> bool:
        try:
            return self._allowed(int(value))
        except (TypeError, ValueError):
            return False

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        pk, name, group_id, sort_order = places.street_rows()[int(value)]
        return Street(pk=pk, name=name, group_id=group_id, sort_order=sort_order)


class CommunityField(forms.ChoiceField):
    """The community select, grouped by street so that it works without JavaScript, listed and
    checked from the kept community rows (residents/places.py); cleans to a Community or None."""

    def __init__(self, **kwargs):
        #: The streets whose communities may be chosen; None: every street.
        self.street_ids: set[int] | None = None
        super().__init__(choices=self._community_choices, **kwargs)

    def limit_to_streets(self, street_ids) -> None:
        """List and accept only the communities of these streets."""
        self.street_ids = set(street_ids)
        self.choices = self._community_choices

    def _allowed(self, pk: int) -> bool:
        row = places.community_rows().get(pk)
        return row is not None and (self.street_ids is None or row[2] in self.street_ids)

    def _community_choices(self) -> list:
        grouped: dict[str, list] = {}
        for pk, name, street_id, street_name in places.community_rows().values():
            if self.street_ids is None or street_id in self.street_ids:
                grouped.setdefault(street_name, []).append((pk, name))
        return [("", _("Not sure")), *grouped.items()]

    def valid_value(self, value) -> bool:
        try:
            return self._allowed(int(value))
        except (TypeError, ValueError):
            return False

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        pk, name, street_id, _street_name = places.community_rows()[int(value)]
        return Community(pk=pk, street_id=street_id, name=name)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to RESIDENT_ISSUE_PHOTO_MAX_COUNT images, each checked and re-encoded
    (residents/photos.py). Cleans to a list of files ready to store."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        received = data if isinstance(data, list | tuple) else [data]
        uploads = [upload for upload in received if upload]
        limit = settings.RESIDENT_ISSUE_PHOTO_MAX_COUNT
        if len(uploads) > limit:
            raise ValidationError(
                _("At most %(count)d photos, please."), code="too_many", params={"count": limit}
            )
        photos, errors = [], []
        for upload in uploads:
            try:
                photos.append(sanitize_photo(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return photos


class IssueForm(forms.Form):
    """What a resident fills in on /issues/new/; staff use it (with a channel) in the admin."""

    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=ResidentIssue.Category.choices,
        widget=forms.RadioSelect,
    )
    street = StreetField(label=_("Street or township"), widget=PlainSelect)
    community = CommunityField(
        label=_("Community"),
        widget=PlainSelect,
        required=False,
        help_text=_("Leave it empty if you are not sure."),
    )
    place = SingleLineCharField(
        label=_("Where exactly?"),
        max_length=PLACE_MAX_LENGTH,
        help_text=_("For example: the east gate of Building 3, Heping Lane."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_lazy_percent(_("At most %(max)d characters."), max=DESCRIPTION_MAX_LENGTH),
    )
    photos = PhotosField(
        label=_("Photos (optional)"),
        help_text=_("Up to 3 photos (JPEG, PNG or WebP). Location data is removed."),
    )
    name = SingleLineCharField(
        label=_("Your name (optional)"), max_length=NAME_MAX_LENGTH, required=False
    )
    mobile = SingleLineCharField(
        label=_("Your mobile phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only if you want the office to call you back."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my name and phone are used to "
            "handle this issue."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_mobile(self):
        raw = self.cleaned_data.get("mobile", "").strip()
        return normalize_mobile(raw) if raw else ""

    def clean(self):
        cleaned = super().clean()
        street, community = cleaned.get("street"), cleaned.get("community")
        if street is not None and community is not None and community.street_id != street.pk:
            self.add_error("community", _("This community is not in the chosen street."))
        if (cleaned.get("name") or cleaned.get("mobile")) and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Please agree to the privacy notice, or leave out your name and phone."),
            )
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "category",
                "street",
                "community",
                "place",
                "description",
                "name",
                "mobile",
                "consent",
                "photos",
            )
        }


class PublicIssueForm(IssueForm):
    antirobot = AntiRobotField(
        label=_("Anti-robot check"),
        help_text=_("Your phone or computer does it by itself: nothing to read or type."),
    )


class StaffIssueForm(IssueForm):
    """The same form for an issue that came by phone, at the office or at a studio."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            choice
            for choice in ResidentIssue.Channel.choices
            if choice[0] != ResidentIssue.Channel.WEB
        ],
    )
    field_order = ["channel"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        group_ids = visible_group_ids(user) if user is not None else None
        if group_ids is not None:  # liaison staff: the streets of their groups only
            street = self.fields["street"]
            street.limit_to_groups(group_ids)
            self.fields["community"].limit_to_streets(pk for pk, _name in street.choices if pk)
        self.fields["consent"].label = _("The resident agreed to the privacy notice.")
        self.fields["name"].label = _("Resident's name")
        self.fields["mobile"].label = _("Resident's mobile phone")

    def service_arguments(self) -> dict:
        return {**super().service_arguments(), "channel": self.cleaned_data["channel"]}


class TrackForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    code = SingleLineCharField(
        label=_("Tracking code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=_lazy_percent(
            _("%(length)d letters and digits, as shown when you sent the issue."),
            length=TRACKING_CODE_LENGTH,
        ),
    )

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


class FeedbackForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    code = SingleLineCharField(widget=forms.HiddenInput, max_length=32)
    answer = forms.ChoiceField(
        label=_("Was the problem solved?"),
        choices=ResidentIssue.Satisfaction.choices,
        widget=forms.RadioSelect,
    )

    def clean_code(self):
        return normalize_tracking_code(self.cleaned_data["code"])


# --- Staff triage (admin change page) -----------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (not shown to the resident)"),
        max_length=REPLY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredNoteForm(NoteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True


class RouteTargetSelect(forms.Select):
    """The route-to picker: Django admin's autocomplete (select2, vendored by Django, no CDN),
    fed by the issue's own endpoint (`ResidentIssueAdmin.route_targets_view`), which offers the
    groups, members and studios of the issue's street first. Only the chosen value is in the
    page: the roster can be tens of thousands of members."""

    def __init__(self, *, url: str, attrs=None):
        super().__init__(attrs)
        self.url = url
        self.i18n_name = get_select2_language()

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.update(
            {
                "class": "admin-autocomplete",
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": self.url,
                "data-theme": "admin-autocomplete",
                "data-allow-clear": "false",
                "data-placeholder": "",
                "lang": self.i18n_name,
            }
        )
        return attrs

    @property
    def media(self):
        return AutocompleteMixin.media.fget(self)


class RouteForm(NoteForm):
    """Hand the issue to one destination of any routing kind the user may choose."""

    destination = SingleLineCharField(
        label=_("Hand to"),
        help_text=_(
            "Type a name or its pinyin; the street's own group, members and studios come first."
        ),
        error_messages={"required": _("Choose a group, member or studio to hand the issue to.")},
    )
    field_order = ["destination", "note"]

    def __init__(self, *args, user, issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["destination"].widget = RouteTargetSelect(
            url=reverse("admin:residents_residentissue_route_targets", args=[issue.pk])
        )

    def clean_destination(self):
        chosen = route_target(user=self.user, value=self.cleaned_data["destination"])
        if chosen is None:
            raise ValidationError(
                _(
                    "Choose a group, member or studio from the list; this one cannot take the "
                    "issue."
                ),
                code="invalid_destination",
            )
        return chosen


class ConvertForm(NoteForm):
    """Turn the issue into a new draft item (report, proposal…) for a member or a group."""

    kind = forms.ChoiceField(label=_("Turn into"))
    member = forms.ModelChoiceField(label=_("For member"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("On behalf of group"), queryset=None, required=False)
    title = SingleLineCharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=OpinionCategory.choices)
    field_order = ["kind", "member", "group", "title", "category", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.key, kind.label) for kind in targets.convert_kinds()]
        self.fields["member"].queryset = members_visible_to(user).active()
        self.fields["group"].queryset = groups_visible_to(user)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("member") and not cleaned.get("group"):
            raise ValidationError(_("Choose a member or a group to write it up."))
        return cleaned


class ReplyForm(forms.Form):
    """A public reply: pick a preset text and edit it, or write one."""

    preset = forms.ModelChoiceField(
        label=_("Preset reply"),
        queryset=PresetReply.objects.filter(is_active=True),
        required=False,
        empty_label=_("None"),
    )
    reply = forms.CharField(
        label=_("Reply to the resident (public)"),
        max_length=REPLY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reply") or "").strip():
            preset = cleaned.get("preset")
            if preset is None:
                raise ValidationError(_("Write a reply or pick a preset one."))
            cleaned["reply"] = preset.text
        return cleaned


class MergeForm(NoteForm):
    into = SingleLineCharField(label=_("Merge into the issue with tracking code"), max_length=32)
    field_order = ["into", "note"]

    def clean_into(self):
        code = normalize_tracking_code(self.cleaned_data["into"])
        issue = ResidentIssue.objects.filter(tracking_code=code).first()
        if issue is None:
            raise ValidationError(_("No issue has this tracking code."))
        return issue
