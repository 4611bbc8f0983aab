"""Reception at the studios (接待): the duty schedule, the visits, the visit that becomes a
resident issue, and the erasure of visitors' names and phones after the retention period.

- Staff (office staff, or the liaison staff of the studio's group) keep the schedule: recurring
  rules ("every Tuesday 14:30–17:30 from … to …") expanded into dated duty slots, and single
  slots. A slot in the past, a slot that ends before it starts, members on duty who are not the
  studio's, and a member on duty in two overlapping slots (of any studio) are refused with
  nothing written. The overlap is read with the members' rows locked: two staff putting the
  same member on duty at once are served one after the other, and the second one sees the
  first one's slot.
- A studio's members record its visits (on their phones); staff record and correct them in the
  admin. The visitor's name and phone are optional, kept only with their consent, shown masked;
  the whole number only to staff entitled to residents' numbers, each look logged.
- A visit that needs follow-up becomes a resident issue (channel 委员工作室) through the
  residents' own services, handed to the studio: the visitor follows it with a tracking code.
"""

import datetime
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import workdays
from core.privacy import erase_expired, reveal_phone
from core.validators import validate_single_line
from core.workflow import refuse_unless, staff_in_scope
from members.models import Member, User
from members.phones import normalize_mobile
from residents.models import Community, ResidentIssue, Street
from residents.services import PHONE_PERMISSION, issue_accept, issue_route, issue_submit

from .. import selectors
from ..models import (
    NAME_MAX_LENGTH,
    DutyRule,
    DutySlot,
    Studio,
    StudioMember,
    Visit,
    VisitPhoneViewLog,
)

OnDuty = DutySlot.members.through

#: What a visit's texts (raised, done, feedback) may hold: what was raised becomes the
#: description of a resident issue when the visit needs follow-up, which holds as much.
VISIT_TEXT_MAX_LENGTH = 2000
#: A rule covers at most a year of reception days; the next year is a rule of its own.
RULE_MAX_DAYS = 366

# Refusals the member page's form gives as well, before anything reaches the service.
METHOD_REQUIRED = _("Choose how the visitor was received.")
RAISED_REQUIRED = _("Write what the visitor raised.")
CONSENT_REQUIRED = _(
    "Leave out the visitor's name and phone, or tick that the visitor agreed to leave them."
)


# --- Who may do what ---------------------------------------------------------------------------


def _staff_may(actor: User | None, studio: Studio, permission: str) -> bool:
    """Staff holding `permission` whose scope includes the studio (office staff: every studio;
    liaison staff: the studios of their groups)."""
    return staff_in_scope(
        actor, studio, permission=permission, visible=selectors.studios_visible_to
    )


def _refuse_unless_staff(actor: User | None, studio: Studio, permission: str) -> None:
    refuse_unless(_staff_may(actor, studio, permission), gettext("You are not allowed to do this."))


def _refuse_if_exited(studio: Studio) -> None:
    refuse_unless(
        studio.state != Studio.State.EXITED,
        gettext("%(studio)s has exited: it receives nobody any more.") % {"studio": studio.name},
    )


# --- The duty schedule -------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.localtime()


def _ends_in_past(day: datetime.date, ends_at: datetime.time, now: datetime.datetime) -> bool:
    # Asia/Shanghai has no daylight saving: every wall-clock time exists once.
    return datetime.datetime.combine(day, ends_at, tzinfo=now.tzinfo) <= now


def _check_times(day, starts_at, ends_at, *, now: datetime.datetime | None) -> None:
    """A slot that ends after it starts and (with `now`) has not ended yet."""
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": gettext("The slot must end after it starts.")})
    if now is not None and _ends_in_past(day, ends_at, now):
        raise ValidationError(
            {"date": gettext("This time is in the past: duty can only be planned ahead.")}
        )


def _members_on_duty(studio: Studio, members: Iterable[Member]) -> list[Member]:
    """`members`, at least one, each an active member of the studio; ValidationError naming
    those who are not."""
    members = list(members)
    if not members:
        raise ValidationError({"members": gettext("Choose at least one member on duty.")})
    belonging = set(
        StudioMember.objects.filter(
            studio=studio,
            member_id__in=[member.pk for member in members],
            member__status=Member.Status.ACTIVE,
        ).values_list("member_id", flat=True)
    )
    strangers = [member.name for member in members if member.pk not in belonging]
    if strangers:
        raise ValidationError(
            {
                "members": gettext("Not a member of %(studio)s: %(names)s.")
                % {"studio": studio.name, "names": "、".join(strangers)}
            }
        )
    return members


def _lock_members(member_ids: Sequence[int]) -> None:
    """Lock the members' rows until the transaction ends, in a fixed order (no deadlock between
    two staff scheduling overlapping sets of members). Whoever schedules one of them next waits
    here, then reads the slots committed meanwhile."""
    list(
        Member.objects.select_for_update()
        .filter(pk__in=member_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refuse_overlap(
    member_ids: Sequence[int],
    days: Sequence[datetime.date],
    starts_at: datetime.time,
    ends_at: datetime.time,
    *,
    except_slot: int | None = None,
) -> None:
    """ValidationError when one of the members is on duty, in any studio, in a slot that
    overlaps `starts_at`–`ends_at` on one of `days`. One query however many days."""
    overlapping = OnDuty.objects.filter(
        member_id__in=member_ids,
        dutyslot__date__in=days,
        dutyslot__starts_at__lt=ends_at,
        dutyslot__ends_at__gt=starts_at,
    )
    if except_slot is not None:
        overlapping = overlapping.exclude(dutyslot_id=except_slot)
    found = (
        overlapping.select_related("member", "dutyslot__studio")
        .order_by("dutyslot__date", "dutyslot__starts_at", "member__name_pinyin")
        .first()
    )
    if found is not None:
        slot = found.dutyslot
        raise ValidationError(
            {
                "members": gettext(
                    "%(member)s is already on duty at %(studio)s on %(date)s, %(starts)s–%(ends)s:"
                    " a member cannot be on duty in two overlapping slots."
                )
                % {
                    "member": found.member.name,
                    "studio": slot.studio.name,
                    "date": f"{slot.date:%Y-%m-%d}",
                    "starts": f"{slot.starts_at:%H:%M}",
                    "ends": f"{slot.ends_at:%H:%M}",
                }
            }
        )


def duty_rule_save(
    *,
    actor: User,
    rule: DutyRule | None = None,
    studio: Studio | None = None,
    weekday: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
    first_day: datetime.date,
    last_day: datetime.date,
    members: Iterable[Member],
) -> DutyRule:
    """Create a reception rule of `studio` (`rule` None) or change `rule` (of its own studio):
    every `weekday` from `starts_at` to `ends_at`, between `first_day` and `last_day` (at most
    a year), with these members on duty.
    Changing a rule leaves the slots already made from it as they are; expanding it again adds
    the days still missing. Raises ValidationError or TransitionRefused, writing nothing."""
    if rule is not None:
        studio = rule.studio
    permission = "studios.change_dutyrule" if rule else "studios.add_dutyrule"
    _refuse_unless_staff(actor, studio, permission)
    _refuse_if_exited(studio)
    if weekday not in DutyRule.Weekday.values:
        raise ValidationError({"weekday": gettext("Choose a day of the week.")})
    _check_times(None, starts_at, ends_at, now=None)
    if last_day < first_day:
        raise ValidationError({"last_day": gettext("The last day must not be before the first.")})
    if last_day < timezone.localdate():
        raise ValidationError({"last_day": gettext("The last day has passed.")})
    if (last_day - first_day).days >= RULE_MAX_DAYS:
        raise ValidationError(
            {"last_day": gettext("A rule covers at most a year; make another for the next.")}
        )
    members = _members_on_duty(studio, members)
    fields = {
        "weekday": weekday,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "first_day": first_day,
        "last_day": last_day,
    }
    with transaction.atomic():
        if rule is None:
            rule = DutyRule.objects.create(studio=studio, **fields)
        else:
            rule = DutyRule.objects.select_for_update().get(pk=rule.pk)
            for name, value in fields.items():
                setattr(rule, name, value)
            rule.save(update_fields=list(fields))
        rule.members.set(members)
    return rule


def _receives_on(day: datetime.date) -> bool:
    """Reception keeps the office's calendar on weekdays: no reception on a public holiday or a
    weekday the office declared off (core.workdays). A studio that receives at weekends keeps
    its weekend days, which the calendar does not tell apart from holidays."""
    return day.weekday() >= 5 or workdays.is_working_day(day)


def rule_days(rule: DutyRule) -> list[datetime.date]:
    """The reception days of `rule`: each of its weekdays between its first and last day, less
    public holidays."""
    day = rule.first_day + timedelta(days=(rule.weekday - rule.first_day.weekday()) % 7)
    days = []
    while day <= rule.last_day:
        if _receives_on(day):
            days.append(day)
        day += timedelta(days=7)
    return days


def duty_rule_expand(*, rule: DutyRule, actor: User) -> list[DutySlot]:
    """Make the rule's dated duty slots still missing: one per reception day of the rule that
    has not ended yet and has no slot of this rule already (expanding twice makes nothing
    twice). All or nothing: a member of the rule on duty elsewhere at an overlapping time on any
    of the days refuses the whole expansion (ValidationError naming the first clash). Returns
    the slots made."""
    with transaction.atomic():
        # Two staff expanding the same rule at once: the second waits, then finds the days taken.
        rule = DutyRule.objects.select_for_update().select_related("studio").get(pk=rule.pk)
        studio = rule.studio
        _refuse_unless_staff(actor, studio, "studios.add_dutyslot")
        _refuse_if_exited(studio)
        now = _now()
        days = [day for day in rule_days(rule) if not _ends_in_past(day, rule.ends_at, now)]
        taken = set(rule.slots.filter(date__in=days).values_list("date", flat=True))
        days = [day for day in days if day not in taken]
        if not days:
            return []
        member_ids = [member.pk for member in _members_on_duty(studio, rule.members.all())]
        _lock_members(member_ids)
        _refuse_overlap(member_ids, days, rule.starts_at, rule.ends_at)
        # One row at a time, so that each slot is in the audit trail like any other.
        slots = [
            DutySlot.objects.create(
                studio=studio,
                rule=rule,
                date=day,
                starts_at=rule.starts_at,
                ends_at=rule.ends_at,
            )
            for day in days
        ]
        OnDuty.objects.bulk_create(
            OnDuty(dutyslot=slot, member_id=member_id) for slot in slots for member_id in member_ids
        )
    return slots


def duty_slot_create(
    *,
    actor: User,
    studio: Studio,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    members: Iterable[Member],
    capacity: int | None = None,
) -> DutySlot:
    """A single duty slot, outside any rule. Refused (ValidationError, nothing written) in the
    past, ending before it starts, with members not of the studio or on duty elsewhere at an
    overlapping time."""
    _refuse_unless_staff(actor, studio, "studios.add_dutyslot")
    _refuse_if_exited(studio)
    _check_times(date, starts_at, ends_at, now=_now())
    members = _members_on_duty(studio, members)
    member_ids = [member.pk for member in members]
    with transaction.atomic():
        _lock_members(member_ids)
        _refuse_overlap(member_ids, [date], starts_at, ends_at)
        slot = DutySlot.objects.create(
            studio=studio,
            date=date,
            starts_at=starts_at,
            ends_at=ends_at,
            **({"capacity": capacity} if capacity is not None else {}),
        )
        slot.members.set(members)
    return slot


def duty_slot_update(
    *,
    slot: DutySlot,
    actor: User,
    date: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time,
    members: Iterable[Member],
    capacity: int | None = None,
) -> DutySlot:
    """Change a slot's time or members on duty, with the checks of a new slot. A slot that has
    passed may still be corrected (who was on duty) as long as its time stays as it was."""
    with transaction.atomic():
        slot = (
            DutySlot.objects.select_for_update(of=("self",))
            .select_related("studio")
            .get(pk=slot.pk)
        )
        studio = slot.studio
        _refuse_unless_staff(actor, studio, "studios.change_dutyslot")
        moved = (date, starts_at, ends_at) != (slot.date, slot.starts_at, slot.ends_at)
        _check_times(date, starts_at, ends_at, now=_now() if moved else None)
        members = _members_on_duty(studio, members)
        member_ids = [member.pk for member in members]
        _lock_members(member_ids)
        _refuse_overlap(member_ids, [date], starts_at, ends_at, except_slot=slot.pk)
        slot.date, slot.starts_at, slot.ends_at = date, starts_at, ends_at
        fields = ["date", "starts_at", "ends_at"]
        if capacity is not None:
            slot.capacity = capacity
            fields.append("capacity")
        slot.save(update_fields=fields)
        slot.members.set(members)
    return slot


# --- Visits ------------------------------------------------------------------------------------


def _text(value: str, *, field: str, label, errors: dict, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = gettext("%(field)s is required.") % {"field": label}
    elif len(value) > VISIT_TEXT_MAX_LENGTH:
        errors[field] = gettext("%(field)s is too long (at most %(max)d characters).") % {
            "field": label,
            "max": VISIT_TEXT_MAX_LENGTH,
        }
    return value


def _visit_fields(
    *,
    studio: Studio,
    actor: User,
    method: str,
    raised: str,
    done: str,
    solved_on_spot: bool,
    feedback: str,
    visited_on: datetime.date | None,
    slot: DutySlot | None,
    members: Iterable[Member] | None,
    errors: dict,
) -> tuple[dict, list[Member]]:
    """The checked fields of a visit and the members who received; problems go into `errors`
    (field → message) so that the form shows them all at once."""
    if method not in Visit.Method.values:
        errors["method"] = str(METHOD_REQUIRED)
    raised = (raised or "").strip()
    if not raised:
        errors["raised"] = str(RAISED_REQUIRED)
    else:
        raised = _text(raised, field="raised", label=_("What was raised"), errors=errors)
    done = _text(done, field="done", label=_("What was done"), errors=errors)
    feedback = _text(feedback, field="feedback", label=_("Feedback given"), errors=errors)
    today = timezone.localdate()
    visited_on = visited_on or today
    if visited_on > today:
        errors["visited_on"] = gettext("The visit cannot be on a day still to come.")
    if slot is not None and (slot.studio_id != studio.pk or slot.date != visited_on):
        errors["slot"] = gettext("The duty slot must be one of this studio on the visit's day.")
    if slot is None and "visited_on" not in errors:
        slot = selectors.studio_slot_on(studio, visited_on)
    if members is None:
        # The member on duty who records it received the visitor; staff recording it name the
        # members, or it is the members on duty in the slot.
        if selectors.is_studio_member(actor, studio.pk):
            members = [actor.member]
        else:
            members = list(slot.members.all()) if slot else []
    members = list(members)
    if members:
        belonging = set(
            StudioMember.objects.filter(
                studio=studio, member_id__in=[member.pk for member in members]
            ).values_list("member_id", flat=True)
        )
        strangers = [member.name for member in members if member.pk not in belonging]
        if strangers:
            errors["members"] = gettext("Not a member of %(studio)s: %(names)s.") % {
                "studio": studio.name,
                "names": "、".join(strangers),
            }
    fields = {
        "method": method,
        "raised": raised,
        "done": done,
        "solved_on_spot": bool(solved_on_spot),
        "feedback": feedback,
        "visited_on": visited_on,
        "slot": slot,
    }
    return fields, members


def _visitor(name: str, mobile: str, consent: bool, errors: dict) -> tuple[str, str]:
    name = (name or "").strip()
    try:
        validate_single_line(name)
    except ValidationError as error:
        errors["visitor_name"] = error.messages[0]
    if len(name) > NAME_MAX_LENGTH:
        errors["visitor_name"] = gettext("%(field)s is too long (at most %(max)d characters).") % {
            "field": gettext("The visitor's name"),
            "max": NAME_MAX_LENGTH,
        }
    mobile = (mobile or "").strip()
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError as error:
            errors["visitor_mobile"] = error.messages[0]
    if (name or mobile) and not consent:
        errors["consent"] = str(CONSENT_REQUIRED)
    return name, mobile


def visit_record(
    *,
    actor: User,
    studio: Studio,
    method: str,
    raised: str,
    done: str = "",
    solved_on_spot: bool = False,
    feedback: str = "",
    visitor_name: str = "",
    visitor_mobile: str = "",
    consent: bool = False,
    visited_on: datetime.date | None = None,
    slot: DutySlot | None = None,
    members: Iterable[Member] | None = None,
) -> Visit:
    """Record a visit to `studio`: by one of its members (the member on duty, on a phone) or by
    staff whose scope includes it. How the visitor was received and what they raised are
    required; name and phone are optional and kept only with the visitor's consent. The visit
    is of today unless `visited_on` says an earlier day, and in that day's duty slot of the
    studio if there is one. Raises ValidationError (each problem under its field) or
    TransitionRefused, writing nothing."""
    refuse_unless(
        actor is not None
        and actor.is_active
        and (
            selectors.is_studio_member(actor, studio.pk)
            or _staff_may(actor, studio, "studios.add_visit")
        ),
        gettext("Only the members of a studio record its visits."),
    )
    _refuse_if_exited(studio)
    errors: dict = {}
    name, mobile = _visitor(visitor_name, visitor_mobile, consent, errors)
    fields, members = _visit_fields(
        studio=studio,
        actor=actor,
        method=method,
        raised=raised,
        done=done,
        solved_on_spot=solved_on_spot,
        feedback=feedback,
        visited_on=visited_on,
        slot=slot,
        members=members,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = Visit.objects.create(
            studio=studio, visitor_name=name, visitor_mobile=mobile, recorded_by=actor, **fields
        )
        visit.members.set(members)
    return visit


def visit_update(
    *,
    visit: Visit,
    actor: User,
    method: str,
    raised: str,
    done: str = "",
    solved_on_spot: bool = False,
    feedback: str = "",
    visited_on: datetime.date | None = None,
    slot: DutySlot | None = None,
    members: Iterable[Member] | None = None,
) -> Visit:
    """Staff correct a visit (not the visitor's name and phone, given with consent as they
    were): the checks of a new visit. Raises ValidationError or TransitionRefused, writing
    nothing."""
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update(of=("self",)).select_related("studio").get(pk=visit.pk)
        )
        _refuse_unless_staff(actor, visit.studio, "studios.change_visit")
        errors: dict = {}
        fields, members = _visit_fields(
            studio=visit.studio,
            actor=actor,
            method=method,
            raised=raised,
            done=done,
            solved_on_spot=solved_on_spot,
            feedback=feedback,
            visited_on=visited_on or visit.visited_on,
            slot=slot,
            members=members,
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        for name, value in fields.items():
            setattr(visit, name, value)
        visit.save(update_fields=list(fields))
        visit.members.set(members)
    return visit


def visit_phone_reveal(*, visit: Visit, actor: User) -> str:
    """The visitor's whole phone number, for staff entitled to residents' numbers whose scope
    includes the studio; each look is logged."""
    return reveal_phone(
        subject=visit,
        field="visitor_mobile",
        actor=actor,
        allowed=staff_in_scope(
            actor, visit, permission=PHONE_PERMISSION, visible=selectors.visits_visible_to
        ),
        log=VisitPhoneViewLog,
    )


# --- Follow-up through a resident issue ----------------------------------------------------------


def _follow_up_note(visit: Visit) -> str:
    """The internal note of the hand-over: what the members did and told the visitor, for the
    studio and the office (not on the tracking page)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            gettext("From a visit to %(studio)s on %(date)s (%(method)s).")
            % {
                "studio": visit.studio.name,
                "date": f"{visit.visited_on:%Y-%m-%d}",
                "method": visit.get_method_display(),
            }
        ]
        if visit.done:
            lines.append(gettext("What was done: %(text)s") % {"text": visit.done})
        if visit.feedback:
            lines.append(gettext("Feedback given: %(text)s") % {"text": visit.feedback})
        return "\n".join(lines)


def visit_to_issue(
    *,
    visit: Visit,
    actor: User,
    street: Street,
    community: Community | None,
    category: str,
    place: str = "",
) -> ResidentIssue:
    """Make the visit a resident issue the visitor follows with a tracking code: what they
    raised, their name and phone (given with consent at the visit), channel 委员工作室, the
    street and community where it happened; accepted and handed to the studio at once (the
    studio's members and liaison staff are told), with what was done and fed back as an
    internal note. The visit points at the issue and the issue's page shows the visit.

    For staff who may enter and triage resident issues and whose scope includes the studio.
    One transaction through the residents' own services: refused (TransitionRefused,
    ValidationError) with nothing written, and a visit becomes an issue only once."""
    with transaction.atomic():
        locked = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("studio", "issue")
            .get(pk=visit.pk)
        )
        studio = locked.studio
        _refuse_unless_staff(actor, studio, "studios.change_visit")
        refuse_unless(
            locked.issue_id is None,
            gettext("This visit is already resident issue %(code)s.")
            % {"code": locked.issue.tracking_code if locked.issue_id else ""},
        )
        _refuse_if_exited(studio)
        issue = issue_submit(
            actor=actor,
            category=category,
            street=street,
            community=community,
            place=(place or "").strip() or studio.name,
            description=locked.raised,
            channel=ResidentIssue.Channel.STUDIO,
            name=locked.visitor_name,
            mobile=locked.visitor_mobile,
            consent=bool(locked.visitor_name or locked.visitor_mobile),
            any_street=True,  # the studio is in the actor's scope; the issue goes to it
        )
        # Before the steps: liaison staff see the issue through the visit of their studio.
        locked.issue = issue
        locked.save(update_fields=["issue"])
        issue = issue_accept(issue=issue, actor=actor)
        return issue_route(
            issue=issue, actor=actor, kind="studio", target=studio, note=_follow_up_note(locked)
        )


# --- Privacy -----------------------------------------------------------------------------------


def visit_personal_data_erase_expired(
    *, now: datetime.datetime | None = None, batch_size: int = 200
) -> int:
    """Erase the visitor's name and phone of visits received longer ago than the residents'
    retention period (RESIDENT_ISSUE_RETENTION_DAYS), and the phone numbers and names typed into
    what was raised, done and fed back (core/privacy.py). A visit that became a resident issue
    keeps them until the issue's own personal data is erased (the issue holds the same name and
    phone until then). What statistics need (studio, date, method, the texts masked) stays.

    Batches of rows locked with SKIP LOCKED: two runs at once never erase the same visit twice,
    and a rerun finds nothing left. Returns the number of visits erased."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - timedelta(days=settings.RESIDENT_ISSUE_RETENTION_DAYS)
    pending = Visit.objects.filter(
        Q(issue__isnull=True) | Q(issue__personal_data_erased_at__isnull=False),
        visited_on__lt=cutoff,
        personal_data_erased_at__isnull=True,
    )
    return erase_expired(
        pending,
        name_field="visitor_name",
        mobile_field="visitor_mobile",
        text_fields=("raised", "done", "feedback"),
        now=now,
        batch_size=batch_size,
        with_timeline=False,
    )
