"""Read queries for residents' appointments: the slots a resident may ask for, what a code
shows, what the members of a studio and the staff see."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Member
from residents.selectors import is_well_formed_code, normalize_tracking_code

from . import selectors
from .models import Appointment, DutySlot, Studio
from .workflow import APPOINTMENT

AState = Appointment.State

#: The states that hold a place in a slot.
TAKING_A_PLACE = (AState.REQUESTED, AState.CONFIRMED)
#: How many coming slots the appointment form offers: a studio's year of duty slots is not
#: a list a resident reads on a phone, and the page costs the same whatever the schedule.
SLOTS_OFFERED = 20


def studio_for_booking(pk: int) -> Studio | None:
    """The studio whose appointment page this is, when residents can find it at all: open or
    suspended (which says it takes no appointments for now); preparing or exited: None."""
    return selectors.public_studios().filter(pk=pk).first()


def coming_slots(studio: Studio, *, now: datetime.datetime | None = None) -> QuerySet[DutySlot]:
    """The studio's duty slots that start after `now` (local time), each annotated with
    `taken`: the places held by requested or confirmed appointments."""
    now = timezone.localtime(now or timezone.now())
    return (
        DutySlot.objects.filter(studio=studio)
        .filter(Q(date__gt=now.date()) | Q(date=now.date(), starts_at__gt=now.time()))
        .annotate(taken=Count("appointments", filter=Q(appointments__state__in=TAKING_A_PLACE)))
        .order_by("date", "starts_at", "pk")
    )


def bookable_slots(studio: Studio, *, now: datetime.datetime | None = None) -> list[DutySlot]:
    """The first SLOTS_OFFERED coming slots with a free place, with their members on duty:
    two queries whatever the schedule."""
    return list(
        coming_slots(studio, now=now)
        .filter(taken__lt=F("capacity"))
        .prefetch_related(Prefetch("members", queryset=Member.objects.only("pk", "name")))[
            :SLOTS_OFFERED
        ]
    )


def places_taken(slot: DutySlot) -> int:
    """The places of `slot` held now (read on the locked slot, when asking for one)."""
    return Appointment.objects.filter(slot=slot, state__in=TAKING_A_PLACE).count()


# --- The resident's code ----------------------------------------------------------------------


def normalize_code(raw: str) -> str:
    """What a resident typed, as stored (appointment codes are written like tracking codes)."""
    return normalize_tracking_code(raw)


@dataclass
class PublicStep:
    at: datetime.datetime
    label: str
    note: str = ""


@dataclass
class AppointmentCheck:
    """What a resident may see with their code: never their name or phone in full."""

    appointment: Appointment
    steps: list[PublicStep]

    @property
    def masked_name(self) -> str:
        return mask_name(self.appointment.name)

    @property
    def masked_mobile(self) -> str:
        return self.appointment.masked_mobile

    @property
    def may_cancel(self) -> bool:
        return APPOINTMENT.allows("appointment_cancel", self.appointment)


def mask_name(name: str) -> str:
    """张** for 张建国: the family name, the rest hidden."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def appointment_check(code: str) -> AppointmentCheck | None:
    """The appointment of `code` with its studio, slot and public steps, or None. Runs the same
    two queries whether the code exists or not, so that its time tells nothing."""
    code = normalize_code(code)
    appointment = (
        Appointment.objects.select_related("studio", "slot")
        .filter(code=code if is_well_formed_code(code) else "")
        .first()
    )
    rows = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Appointment),
        object_id=appointment.pk if appointment is not None else 0,
        is_public=True,
    ).order_by("created_at", "pk")
    steps = [PublicStep(row.created_at, row.action_label, row.note) for row in rows]
    if appointment is None:
        return None
    return AppointmentCheck(appointment=appointment, steps=steps)


# --- Members of the studio ----------------------------------------------------------------------


def appointments_of_member(member: Member) -> QuerySet[Appointment]:
    """The appointments residents asked for in the slots of the member's studios."""
    return Appointment.objects.filter(
        studio_id__in=selectors.studios_of_member(member).values("pk")
    )


def member_appointment_list(member: Member, *, past: bool) -> QuerySet[Appointment]:
    """Coming appointments soonest first, or past ones latest first; with studio and slot."""
    today = timezone.localdate()
    rows = appointments_of_member(member).select_related("studio", "slot")
    if past:
        return rows.filter(slot__date__lt=today).order_by("-slot__date", "-slot__starts_at", "-pk")
    return rows.filter(slot__date__gte=today).order_by(
        "slot__date", "slot__starts_at", "slot_id", "created_at", "pk"
    )


def member_appointment(member: Member, pk: int) -> Appointment:
    """One appointment of the member's studios (raises Appointment.DoesNotExist otherwise)."""
    return (
        appointments_of_member(member)
        .select_related("studio", "slot")
        .prefetch_related(Prefetch("slot__members", queryset=Member.objects.only("pk", "name")))
        .get(pk=pk)
    )


# --- Staff ------------------------------------------------------------------------------------


def appointments_visible_to(user) -> QuerySet[Appointment]:
    """Office staff see every appointment; liaison staff those of the studios of their groups.
    A subquery, no join: the admin ANDs it into its list's own query."""
    studios = selectors.studios_visible_to(user)
    if not studios.query.has_filters():
        return Appointment.objects.all()
    return Appointment.objects.filter(studio_id__in=studios.values("pk"))
