"""Forms of the reception: the visit a member on duty records on a phone, and the admin's
forms of duty rules, duty slots and visits, whose write is one call of a reception service.

Forms only parse what was typed; every check that decides whether something is written is the
service's (studios/services/reception.py), and its refusal comes back under the field it names.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import apply_service_error
from core.validators import SingleLineCharField
from core.workflow import TransitionRefused
from residents.forms import CommunityField, PlainSelect, StreetField
from residents.models import PLACE_MAX_LENGTH, ResidentIssue

from .models import NAME_MAX_LENGTH, DutyRule, DutySlot, Visit
from .services import reception
from .services.reception import METHOD_REQUIRED, RAISED_REQUIRED, VISIT_TEXT_MAX_LENGTH

RAISED_LABEL = _("What the visitor raised")
DONE_LABEL = _("What was done")
FEEDBACK_LABEL = _("Feedback given (成果反馈)")
SOLVED_LABEL = _("Solved on the spot")
CONSENT_LABEL = _("The visitor agreed to leave their name and phone for this matter.")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MemberVisitForm(forms.Form):
    """What the member on duty fills in on a phone: where (if they belong to several studios),
    how the visitor came, who (optional, with consent), what was raised and done, and whether
    it was solved on the spot and what was fed back."""

    studio = forms.TypedChoiceField(label=_("Studio"), coerce=int, empty_value=None)
    visited_on = forms.DateField(
        label=_("Date of the visit"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    method = forms.ChoiceField(
        label=_("How the visitor was received"),
        choices=Visit.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": METHOD_REQUIRED},
    )
    visitor_name = SingleLineCharField(
        label=_("Visitor's name (optional)"), max_length=NAME_MAX_LENGTH, required=False
    )
    visitor_mobile = SingleLineCharField(
        label=_("Visitor's mobile phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    consent = forms.BooleanField(label=CONSENT_LABEL, required=False)
    raised = forms.CharField(
        label=RAISED_LABEL,
        max_length=VISIT_TEXT_MAX_LENGTH,
        widget=_textarea(4),
        error_messages={"required": RAISED_REQUIRED},
    )
    done = forms.CharField(
        label=DONE_LABEL, max_length=VISIT_TEXT_MAX_LENGTH, required=False, widget=_textarea(3)
    )
    solved_on_spot = forms.BooleanField(label=SOLVED_LABEL, required=False)
    feedback = forms.CharField(
        label=FEEDBACK_LABEL,
        max_length=VISIT_TEXT_MAX_LENGTH,
        required=False,
        widget=_textarea(3),
        help_text=_("What the visitor was told of the outcome."),
    )

    def __init__(self, *args, studios, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.studios = {studio.pk: studio for studio in studios}
        field = self.fields["studio"]
        field.choices = [(studio.pk, studio.name) for studio in studios]
        if len(studios) == 1:
            # One studio: nothing to choose, and nothing to show.
            field.widget = forms.HiddenInput()
            field.initial = studios[0].pk
            field.required = False
        else:
            field.choices = [("", _("Choose…")), *field.choices]
        # The template writes the <form> tag, its CSRF token and the large submit button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_studio(self):
        chosen = self.cleaned_data["studio"]
        if chosen is None:  # one studio only: it is that one
            return next(iter(self.studios.values()))
        return self.studios[chosen]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "studio",
                "visited_on",
                "method",
                "visitor_name",
                "visitor_mobile",
                "consent",
                "raised",
                "done",
                "solved_on_spot",
                "feedback",
            )
        }


# --- The admin's forms --------------------------------------------------------------------------


class ServiceModelForm(forms.ModelForm):
    """An admin form whose write is one service call, made when the form is validated.

    The admin validates and saves in one transaction (ModelAdmin.changeform_view): calling the
    service here lets its refusal (an overlap found with the members' rows locked, say) show on
    the form like any other error, with what was typed kept and nothing written. The model's
    own validation is left to the service, whose messages are the ones staff read.
    `actor` is set per request by the admin (ServiceFormAdminMixin).
    """

    actor = None

    def run_service(self, data: dict):
        raise NotImplementedError

    def _post_clean(self):
        if self._errors:
            return
        try:
            self.instance = self.run_service(dict(self.cleaned_data))
        except ValidationError as error:
            apply_service_error(self, error)
        except TransitionRefused as error:
            self.add_error(None, error.message)


class DutyRuleForm(ServiceModelForm):
    class Meta:
        model = DutyRule
        fields = ("studio", "weekday", "starts_at", "ends_at", "first_day", "last_day", "members")

    def run_service(self, data: dict):
        rule = self.instance if self.instance.pk else None
        return reception.duty_rule_save(
            actor=self.actor,
            rule=rule,
            studio=data.get("studio"),
            weekday=data["weekday"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            members=data["members"],
        )


class DutySlotForm(ServiceModelForm):
    class Meta:
        model = DutySlot
        fields = ("studio", "date", "starts_at", "ends_at", "members", "capacity")

    def run_service(self, data: dict):
        times = {
            "date": data["date"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "members": data["members"],
            "capacity": data.get("capacity"),
        }
        if self.instance.pk:
            return reception.duty_slot_update(slot=self.instance, actor=self.actor, **times)
        return reception.duty_slot_create(actor=self.actor, studio=data["studio"], **times)


class VisitAdminForm(ServiceModelForm):
    # Declared here: the model's fields would refuse a number typed with spaces or +86, which
    # the service reads.
    visitor_name = SingleLineCharField(
        label=_("Visitor's name"), max_length=NAME_MAX_LENGTH, required=False
    )
    visitor_mobile = SingleLineCharField(
        label=_("Visitor's mobile phone"), max_length=20, required=False
    )
    consent = forms.BooleanField(label=CONSENT_LABEL, required=False)

    class Meta:
        model = Visit
        fields = (
            "studio",
            "visited_on",
            "method",
            "members",
            "visitor_name",
            "visitor_mobile",
            "raised",
            "done",
            "solved_on_spot",
            "feedback",
        )
        labels = {
            "raised": RAISED_LABEL,
            "feedback": FEEDBACK_LABEL,
        }
        error_messages = {
            "method": {"required": METHOD_REQUIRED},
            "raised": {"required": RAISED_REQUIRED},
        }

    def run_service(self, data: dict):
        fields = {
            "method": data["method"],
            "raised": data["raised"],
            "done": data.get("done", ""),
            "solved_on_spot": data.get("solved_on_spot", False),
            "feedback": data.get("feedback", ""),
            "visited_on": data["visited_on"],
            "members": data.get("members") or None,
        }
        if self.instance.pk:
            return reception.visit_update(visit=self.instance, actor=self.actor, **fields)
        return reception.visit_record(
            actor=self.actor,
            studio=data["studio"],
            visitor_name=data.get("visitor_name", ""),
            visitor_mobile=data.get("visitor_mobile", ""),
            consent=data.get("consent", False),
            **fields,
        )


class VisitToIssueForm(forms.Form):
    """Where the matter the visitor raised is, and what it is about: the resident issue the
    visit becomes (studios/services/reception.visit_to_issue)."""

    street = StreetField(label=_("Street or township"), widget=PlainSelect)
    community = CommunityField(label=_("Community"), widget=PlainSelect, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=ResidentIssue.Category.choices)
    place = SingleLineCharField(
        label=_("Where exactly?"),
        max_length=PLACE_MAX_LENGTH,
        required=False,
        help_text=_("Left empty: the studio's name."),
    )

    def clean(self):
        cleaned = super().clean()
        street, community = cleaned.get("street"), cleaned.get("community")
        if street is not None and community is not None and community.street_id != street.pk:
            self.add_error("community", _("This community is not in the chosen street."))
        return cleaned
