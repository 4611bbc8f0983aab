"""Writes for residents' appointments: asking for a place in a duty slot, the members'
answer, the resident's cancellation with their code, the logged look at a phone number and the
erasure of names and phones after the retention period.

Every state change is an edge of studios/workflow.py taken through core.workflow.run_edge. The
request itself locks the slot row, so that two residents asking for its last place at once
cannot both have it.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.notifications import notify_in_site_language
from core.privacy import erase_expired, reveal_phone
from core.workflow import run_edge, timeline_add
from members.models import Member, User
from members.phones import normalize_mobile

from .. import booking_selectors
from ..models import (
    NAME_MAX_LENGTH,
    Appointment,
    AppointmentPhoneView,
    DutySlot,
    Studio,
    new_appointment_code,
)
from ..workflow import APPOINTMENT, may_answer_appointment

AState = Appointment.State

TOPIC_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 1000
CODE_ATTEMPTS = 5


def _text(value: str, *, field: str, label, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("%(field)s is required.") % {"field": label}})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: _("%(field)s is too long (at most %(max)d characters).")
                % {"field": label, "max": max_length}
            }
        )
    return value


def slot_label(slot: DutySlot) -> str:
    """2026年11月24日 星期二 14:30–17:30, in the active language."""
    day = formats.date_format(slot.date, "DATE_FORMAT")
    weekday = formats.date_format(slot.date, "l")
    return f"{day} {weekday} {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"


def _slot_start(slot: DutySlot) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(slot.date, slot.starts_at))


def _members_to_tell(slot: DutySlot) -> list[User]:
    """The logins of the members on duty in `slot`; when nobody is on duty, of every member of
    the studio, so that a request never goes unseen."""
    on_duty = Member.objects.active().filter(duty_slots=slot)
    if not on_duty.exists():
        on_duty = Member.objects.active().filter(studio_memberships__studio_id=slot.studio_id)
    return list(User.objects.filter(member__in=on_duty, is_active=True))


def _tell_members(appointment: Appointment, slot: DutySlot, title) -> None:
    """An in-app notification (and its email) to the members of `slot` (read with its studio).
    No name, phone or topic in it: emails leave the portal; the page behind the link shows
    them to the members."""
    url = reverse("studio_member:appointment", args=[appointment.pk])
    notify_in_site_language(
        recipients=_members_to_tell(slot),
        title=lambda: title() % {"studio": slot.studio.name, "slot": slot_label(slot)},
        body=lambda: gettext(
            "Open the appointment to see who asked and how to reach them, then confirm or "
            "decline it."
        ),
        url=url,
    )


# --- The resident's request ---------------------------------------------------------------------


def _store_request(*, code: str, studio: Studio, slot_id: int, now, **fields) -> Appointment:
    """One transaction: the slot locked, its places counted, the appointment, its public
    timeline row and the members' notification. IntegrityError when the code is taken."""
    with transaction.atomic():
        # Only the slot row is locked (not the studio's): residents asking for other slots of
        # the studio at the same moment do not wait for each other.
        slot = (
            DutySlot.objects.select_for_update(of=("self",))
            .select_related("studio")
            .filter(pk=slot_id, studio_id=studio.pk)
            .first()
        )
        if slot is None:
            raise ValidationError({"slot": _("Please choose one of the times listed.")})
        if slot.studio.state != Studio.State.OPEN:
            raise ValidationError(_("This studio takes no appointments at the moment."))
        if _slot_start(slot) <= now:
            raise ValidationError(
                {"slot": _("This time has already begun. Please choose a later one.")}
            )
        if booking_selectors.places_taken(slot) >= slot.capacity:
            raise ValidationError(
                {
                    "slot": _(
                        "Someone has just taken the last place at this time. Please choose "
                        "another time."
                    )
                }
            )
        appointment = Appointment.objects.create(
            studio=slot.studio, slot=slot, code=code, consent_at=now, **fields
        )
        timeline_add(
            subject=appointment,
            actor=None,
            action="appointment_request",
            to_state=AState.REQUESTED,
            is_public=True,
        )
        _tell_members(
            appointment,
            slot,
            lambda: gettext("New appointment request at %(studio)s: %(slot)s"),
        )
    return appointment


def appointment_request(
    *, studio: Studio, slot_id: int, name: str, mobile: str, topic: str, consent: bool
) -> Appointment:
    """A resident asks for a place in one of `studio`'s coming duty slots (public form, no
    login). Stored under a new unique code, with a public timeline row, and the members on
    duty told in the same transaction.

    Raises ValidationError (naming the field where there is one) and stores nothing when the
    input is wrong, the studio is not open, the slot has begun or its places are taken: the
    slot row is locked while its places are counted, so the last place goes to one resident.
    """
    name = _text(name, field="name", label=_("Name"), max_length=NAME_MAX_LENGTH)
    try:
        mobile = normalize_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error}) from None
    topic = _text(topic, field="topic", label=_("What it is about"), max_length=TOPIC_MAX_LENGTH)
    if not consent:
        raise ValidationError(
            {
                "consent": _(
                    "Please agree to the privacy notice: the studio's members need your name "
                    "and phone to arrange the visit."
                )
            }
        )
    now = timezone.now()
    # A fresh random code per attempt; on the (astronomically rare) collision the whole
    # transaction is tried again, as resident issues do with their tracking codes.
    for _attempt in range(CODE_ATTEMPTS):
        code = new_appointment_code()
        try:
            return _store_request(
                code=code,
                studio=studio,
                slot_id=slot_id,
                now=now,
                name=name,
                mobile=mobile,
                topic=topic,
            )
        except IntegrityError:
            if not Appointment.objects.filter(code=code).exists():
                raise  # some other constraint: not ours to retry
    raise RuntimeError("No free appointment code after several attempts.")


def appointment_cancel(*, appointment: Appointment) -> Appointment:
    """requested / confirmed → cancelled, by whoever holds the code; the members are told."""

    def after(locked: Appointment) -> None:
        slot = DutySlot.objects.select_related("studio").get(pk=locked.slot_id)
        _tell_members(
            locked,
            slot,
            lambda: gettext("An appointment at %(studio)s was cancelled: %(slot)s"),
        )

    return run_edge(APPOINTMENT, "appointment_cancel", subject=appointment, actor=None, after=after)


# --- The members' answer ------------------------------------------------------------------------


def _answer(action: str, *, appointment: Appointment, actor: User, answer: str) -> Appointment:
    answer = _text(
        answer,
        field="answer",
        label=_("Answer to the resident"),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
    )
    return run_edge(
        APPOINTMENT,
        action,
        subject=appointment,
        actor=actor,
        # A decline after a confirmation replaces what the confirmation said.
        updates={"answer": answer},
        note=answer,
        # Residents read the studio's name on their page, not the member's or staff's.
        actor_label=lambda locked: locked.studio.name,
    )


def appointment_confirm(*, appointment: Appointment, actor: User, answer: str = "") -> Appointment:
    """requested → confirmed, by a member of the studio or staff in its scope; `answer` (what
    to bring, which door…) is shown to the resident with their code."""
    return _answer("appointment_confirm", appointment=appointment, actor=actor, answer=answer)


def appointment_decline(*, appointment: Appointment, actor: User, answer: str = "") -> Appointment:
    """requested / confirmed → declined, which frees the place; `answer` (why, where else to
    go) is shown to the resident with their code."""
    return _answer("appointment_decline", appointment=appointment, actor=actor, answer=answer)


# --- Privacy -----------------------------------------------------------------------------------


def appointment_phone_reveal(*, appointment: Appointment, actor: User) -> str:
    """The resident's whole phone number, for a member of the studio or staff in its scope;
    each look is logged (AppointmentPhoneView). '' once erased."""
    return reveal_phone(
        subject=appointment,
        field="mobile",
        actor=actor,
        allowed=may_answer_appointment(actor, appointment),
        log=AppointmentPhoneView,
    )


def personal_data_erase_expired(*, now=None, batch_size: int = 200) -> int:
    """Erase the names and phones of appointments whose slot was more than
    RESIDENT_ISSUE_RETENTION_DAYS ago (the retention period of resident issues): the name and
    phone fields, and phone numbers and the name typed into the topic, the answer and the
    timeline notes (core/privacy.py). Studio, slot, state and dates stay for the figures.

    Batches of rows locked with SKIP LOCKED, so two runs at once never erase one appointment
    twice and a rerun finds nothing left. Returns the number of appointments erased.
    """
    now = now or timezone.now()
    cutoff = timezone.localtime(now).date() - timedelta(days=settings.RESIDENT_ISSUE_RETENTION_DAYS)
    pending = Appointment.objects.filter(
        slot__date__lt=cutoff, personal_data_erased_at__isnull=True
    )
    return erase_expired(
        pending,
        name_field="name",
        mobile_field="mobile",
        text_fields=("topic", "answer"),
        now=now,
        batch_size=batch_size,
    )
