"""Forms of the appointment pages: the resident's request, the code to check it, and the
members' answer. They parse and check input; the services (studios/services/booking.py)
decide and write."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.validators import SingleLineCharField
from members.phones import normalize_mobile
from residents.forms import AntiRobotField

from .models import APPOINTMENT_CODE_LENGTH, NAME_MAX_LENGTH
from .services.booking import ANSWER_MAX_LENGTH, TOPIC_MAX_LENGTH, slot_label


def _lazy_percent(message, **params):
    """`message % params`, translated when shown rather than when the module is imported."""
    return lazy(lambda: str(message) % params, str)()


def _helper() -> FormHelper:
    # The templates write the <form> tag and its one large submit button (for a thumb).
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class SlotField(forms.ChoiceField):
    """The coming slots with a free place, as radio buttons: the day, the time, the places
    left and who is on duty. Cleans to the slot's id; the service checks it on the locked
    row (another resident may take the last place in between)."""

    widget = forms.RadioSelect

    def __init__(self, *, slots, **kwargs):
        super().__init__(choices=[(slot.pk, self.label_for(slot)) for slot in slots], **kwargs)

    @staticmethod
    def label_for(slot) -> str:
        """2026年11月24日 星期二 14:30–17:30 · 还可预约3人 · 值班委员：王秀英、李强"""
        parts = [
            slot_label(slot),
            _("%(count)d places left") % {"count": slot.capacity - slot.taken},
        ]
        names = "、".join(member.name for member in slot.members.all())
        if names:
            parts.append(_("on duty: %(names)s") % {"names": names})
        return " · ".join(str(part) for part in parts)

    def clean(self, value):
        return int(super().clean(value))


class AppointmentForm(forms.Form):
    """What a resident fills in on /studios/<pk>/book/."""

    slot = forms.ChoiceField(label=_("When would you like to come?"))
    name = SingleLineCharField(label=_("Your name"), max_length=NAME_MAX_LENGTH)
    mobile = SingleLineCharField(
        label=_("Your mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("The members on duty call you on it to confirm the appointment."),
    )
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=TOPIC_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy_percent(_("At most %(max)d characters."), max=TOPIC_MAX_LENGTH),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the studio's members use my name "
            "and phone to arrange this appointment."
        ),
        error_messages={
            "required": _(
                "Please agree to the privacy notice: the studio's members need your name and "
                "phone to arrange the visit."
            )
        },
    )
    antirobot = AntiRobotField(
        label=_("Anti-robot check"),
        help_text=_("Your phone or computer does it by itself: nothing to read or type."),
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(slots)
        self.helper = _helper()

    def offer(self, slots) -> None:
        """List `slots` (those with a free place now) as the choices."""
        self.fields["slot"] = SlotField(
            slots=slots,
            label=self.base_fields["slot"].label,
            error_messages={
                "required": _("Please choose a time."),
                "invalid_choice": _(
                    "This time can no longer be chosen: it is fully booked or has begun. "
                    "Please choose another one."
                ),
            },
        )
        # A form already cleaned keeps its bound fields: show the new choices.
        self._bound_fields_cache.pop("slot", None)

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "slot_id": data["slot"],
            "name": data["name"],
            "mobile": data["mobile"],
            "topic": data["topic"],
            "consent": data["consent"],
        }


class AppointmentCodeForm(forms.Form):
    code = SingleLineCharField(
        label=_("Appointment code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=_lazy_percent(
            _("%(length)d letters and digits, as shown when you asked for the appointment."),
            length=APPOINTMENT_CODE_LENGTH,
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AnswerForm(forms.Form):
    """The members' answer to a request: confirm or decline, with an optional word to the
    resident."""

    CONFIRM = "confirm"
    DECLINE = "decline"

    # Sent by the button pressed (the template renders only `answer` as a field).
    decision = forms.ChoiceField(choices=[(CONFIRM, _("Confirm")), (DECLINE, _("Decline"))])
    answer = forms.CharField(
        label=_("Answer to the resident (optional)"),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The resident reads it with their code: what to bring, which door, or why not and "
            "where else to go. Do not write their phone number here."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
