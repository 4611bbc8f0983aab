"""The members' appointment pages (/member/studio/appointments/): the requests residents made
for the slots of the member's studios, and the answer to each. Thin: parse, check, call one
service, redirect.

Phone numbers: the list shows them masked; an appointment's own page shows the whole number
(the member must call the resident) and each such page view is logged
(AppointmentPhoneView), as staff's looks at residents' numbers are.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import apply_service_error
from core.workflow import TransitionRefused
from opinions.selectors import timeline_of
from opinions.views import member_required

from . import booking_selectors
from .booking_forms import AnswerForm
from .models import Appointment
from .services import booking
from .workflow import APPOINTMENT

# As the member's other lists: a phone screen shows about this many before the pager.
PAGE_SIZE = 20


@member_required
def appointment_list(request: HttpRequest, member) -> HttpResponse:
    past = request.GET.get("when") == "past"
    rows = booking_selectors.member_appointment_list(member, past=past)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "studios/booking/member_list.html",
        {"appointments": page.object_list, "page": page, "past": past},
    )


@member_required
def appointment_detail(request: HttpRequest, member, pk: int) -> HttpResponse:
    """Who asked, about what, for when; the whole phone number to call them (logged); the
    confirm and decline buttons while the request is open."""
    try:
        appointment = booking_selectors.member_appointment(member, pk)
    except Appointment.DoesNotExist:
        raise Http404 from None
    may_answer = APPOINTMENT.allows("appointment_confirm", appointment) or APPOINTMENT.allows(
        "appointment_decline", appointment
    )
    form = AnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:  # answered meanwhile, or cancelled: the page says what it is now
            return redirect("studio_member:appointment", pk=pk)
        if form.is_valid():
            declining = form.cleaned_data["decision"] == AnswerForm.DECLINE
            answer = booking.appointment_decline if declining else booking.appointment_confirm
            try:
                answer(
                    appointment=appointment,
                    actor=request.user,
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as error:
                apply_service_error(form, error)
            except TransitionRefused as error:
                form.add_error(None, error.message)
            else:
                if declining:
                    messages.success(request, _("Declined. The resident sees it with their code."))
                else:
                    messages.success(request, _("Confirmed. The resident sees it with their code."))
                return redirect("studio_member:appointment", pk=pk)
    return render(
        request,
        "studios/booking/member_detail.html",
        {
            "appointment": appointment,
            "mobile": booking.appointment_phone_reveal(appointment=appointment, actor=request.user),
            "form": form,
            "may_confirm": APPOINTMENT.allows("appointment_confirm", appointment),
            "timeline": timeline_of(appointment),
        },
    )
