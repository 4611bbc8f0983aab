"""The public appointment pages: a resident asks for a place in a studio's duty slot, gets a
code, and checks or cancels the appointment with it.

Open to anyone, so they carry the resident issue form's anti-robot check and its per-address
limits (residents/ratelimits.py): a stored request counts against RESIDENT_ISSUE_SUBMIT_RATE,
each look-up by code against RESIDENT_ISSUE_TRACK_RATE, each counted apart from the issue
pages' own; a request sent through the no-JavaScript word counts against the same
RESIDENT_ISSUE_NOSCRIPT_RATE as an issue sent that way (it guards the word, which a robot can
learn, whichever form asks it).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import apply_service_error
from core.workflow import TransitionRefused
from residents import ratelimits

from . import booking_selectors
from .booking_forms import AppointmentCodeForm, AppointmentForm
from .models import Studio
from .services import booking

BOOK = "studios.book"
CHECK = "studios.check"


def _too_many(request, usage: dict):
    # What the resident wrote about, shown again to copy and send later.
    return ratelimits.too_many(request, usage, typed=request.POST.get("topic", ""))


def _check_url(code: str) -> str:
    return f"{reverse('studios:appointment')}?{urlencode({'code': code})}"


@require_http_methods(["GET", "POST"])
def appointment_new(request, pk: int):
    """The appointment form of an open studio. A suspended one says it takes no appointments
    for now; one that is preparing or has exited is not found."""
    studio = booking_selectors.studio_for_booking(pk)
    if studio is None:
        raise Http404
    if studio.state != Studio.State.OPEN:
        status = 409 if request.method == "POST" else 200
        return render(request, "studios/booking/closed.html", {"studio": studio}, status=status)
    # Only stored requests count towards the limit: a resident whose form came back with a
    # mistake has lost nothing of their allowance.
    submit_rate = settings.RESIDENT_ISSUE_SUBMIT_RATE
    if request.method == "POST" and (
        usage := ratelimits.used_up(request, group=BOOK, rate=submit_rate)
    ):
        return _too_many(request, usage)
    slots = booking_selectors.bookable_slots(studio)
    form = AppointmentForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        noscript = form.cleaned_data["antirobot"] == "word"
        noscript_rate = settings.RESIDENT_ISSUE_NOSCRIPT_RATE
        if noscript and (
            usage := ratelimits.used_up(request, group=ratelimits.NOSCRIPT, rate=noscript_rate)
        ):
            return _too_many(request, usage)
        try:
            appointment = booking.appointment_request(studio=studio, **form.service_arguments())
        except ValidationError as error:
            apply_service_error(form, error)
            # The slot may have been taken meanwhile: offer what is free now.
            slots = booking_selectors.bookable_slots(studio)
            form.offer(slots)
        else:
            ratelimits.usage(request, group=BOOK, rate=submit_rate, increment=True)
            if noscript:
                ratelimits.usage(
                    request, group=ratelimits.NOSCRIPT, rate=noscript_rate, increment=True
                )
            done = reverse("studios:appointment_done")
            return redirect(f"{done}?{urlencode({'code': appointment.code})}")
    return render(
        request,
        "studios/booking/form.html",
        {
            "studio": studio,
            "form": form,
            "slots": slots,
            "retention_years": settings.RESIDENT_ISSUE_RETENTION_DAYS / 365,
        },
    )


# The code is the resident's key to their appointment: no cache may keep a page showing it.
@cache_control(private=True, no_store=True)
def appointment_done(request):
    """After asking: the code, the time asked for and what happens next."""
    if usage := ratelimits.limited(request, group=CHECK, rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request, usage)
    check = booking_selectors.appointment_check(request.GET.get("code", ""))
    if check is None:
        return redirect("studios:appointment")
    code = check.appointment.code
    return render(
        request,
        "studios/booking/done.html",
        {"check": check, "code": code, "check_url": request.build_absolute_uri(_check_url(code))},
    )


@cache_control(private=True, no_store=True)
def appointment_check(request):
    """The code form, and with a code, the appointment's state, time and place."""
    if "code" not in request.GET:
        return render(request, "studios/booking/check.html", {"form": AppointmentCodeForm()})
    if usage := ratelimits.limited(request, group=CHECK, rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request, usage)
    form = AppointmentCodeForm(request.GET)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    check = booking_selectors.appointment_check(code)
    return render(
        request,
        "studios/booking/check.html",
        {"form": form, "check": check, "searched": True},
        status=200 if check else 404,
    )


@require_POST
def appointment_cancel(request):
    """The resident cancels with their code; the members on duty are told."""
    if usage := ratelimits.limited(request, group=CHECK, rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request, usage)
    form = AppointmentCodeForm(request.POST)
    check = (
        booking_selectors.appointment_check(form.cleaned_data["code"]) if form.is_valid() else None
    )
    if check is None:
        return redirect("studios:appointment")
    try:
        booking.appointment_cancel(appointment=check.appointment)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your appointment was cancelled. The studio has been told."))
    return redirect(_check_url(check.appointment.code))
