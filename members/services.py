"""Writes for members and groups. Every function takes the acting user for its checks."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from tablib import Dataset

from core.audit import audit_record_changes
from core.delivery import reminder_record
from core.workflow import refuse_unless

from . import roles, selectors
from .models import Attendance, Member, MemberPhoneExport, User
from .passwords import generate_initial_password
from .phones import normalize_mobile

logger = logging.getLogger(__name__)


@transaction.atomic
def member_create(*, actor: User | None, password: str | None = None, **fields) -> Member:
    """Create a member and the login they use (username = mobile number).

    The mobile number is normalised first. Without a password the login cannot be used until
    the office sets one. `actor` is None only for management commands (demo data, imports run
    from the shell).
    """
    fields["mobile"] = normalize_mobile(fields["mobile"])
    user = User(username=fields["mobile"], first_name=fields.get("name", ""))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(AuthGroup.objects.get(name=roles.MEMBER))
    return Member.objects.create(user=user, **fields)


def activity_reminders_send(*, day: datetime.date) -> int:
    """Remind every invited participant of each activity that starts on the day after `day`.

    Each (activity, member, activity date) is reminded once, however often this runs and in
    how many workers at once: the outbox's unique key decides (core.delivery.reminder_record).
    The in-app notification always, the email when the member's login has an address (sent
    after commit, retried until it goes out), an SMS too when SMS_REMINDERS is on. Returns the
    number of members reminded by this run.
    """
    tz = timezone.get_default_timezone()
    starts = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tz)
    attendances = (
        Attendance.objects.filter(
            status=Attendance.Status.INVITED,
            activity__starts_at__gte=starts,
            activity__starts_at__lt=starts + datetime.timedelta(days=1),
        )
        .select_related("activity", "member__user")
        .order_by("activity__starts_at", "activity_id", "member_id")
    )
    reminded = 0
    with transaction.atomic():
        for attendance in attendances:
            activity, member = attendance.activity, attendance.member
            subject, body = _activity_reminder_message(attendance)
            reminded += reminder_record(
                kind="activity-reminder",
                about=activity,
                recipient=member.user,
                due_on=timezone.localdate(activity.starts_at),
                title=subject,
                body=body,
                phone=member.mobile,
            )
    if reminded:
        logger.info("Queued %d activity reminders for %s", reminded, starts.date())
    return reminded


def _activity_reminder_message(attendance: Attendance) -> tuple[str, str]:
    activity = attendance.activity
    starts_at = timezone.localtime(activity.starts_at)
    # Reminders are read in the portal's language, whichever language the worker runs in.
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "name": attendance.member.name,
            "title": activity.title,
            "date": formats.date_format(starts_at, "DATE_FORMAT"),
            "time": formats.time_format(starts_at, "H:i"),
            "place": activity.place,
        }
        subject = _("Reminder: %(title)s tomorrow at %(time)s, %(place)s") % params
        body = (
            _(
                "Dear %(name)s,\n\n"
                "you are invited to “%(title)s” tomorrow, %(date)s, at %(time)s, "
                "at %(place)s.\n\n"
                "If you cannot attend, please ask your group for leave."
            )
            % params
        )
    return subject, body


# --- Privacy -----------------------------------------------------------------------------------

PHONE_EXPORT_PERMISSION = "members.export_member_phones"


def member_phone_list_allowed(*, actor: User) -> bool:
    """Whether `actor` may export whole phone numbers (of the members they may see)."""
    return actor.is_active and actor.has_perm(PHONE_EXPORT_PERMISSION)


def member_phone_list_export(
    *,
    actor: User,
    queryset: QuerySet[Member],
    export_fields: list[str] | None = None,
    force_native_type: bool = False,
) -> Dataset:
    """The phone list, with whole numbers, of the members of `queryset` that `actor` may see
    (liaison staff: their own groups' members only, whatever `queryset` holds). Refused
    without members.export_member_phones. Each export is logged — who, when, how many
    members — in the transaction that reads the rows."""
    from .resources import MemberPhoneListResource  # the resources call these services

    refuse_unless(
        member_phone_list_allowed(actor=actor),
        _("You are not allowed to export whole phone numbers."),
    )
    visible = selectors.members_visible_to(actor)
    if visible.query.has_filters():
        queryset = queryset.filter(pk__in=visible.values("pk"))
    with transaction.atomic():
        dataset = MemberPhoneListResource().export(
            queryset=queryset, export_fields=export_fields, force_native_type=force_native_type
        )
        MemberPhoneExport.objects.create(exported_by=actor, row_count=len(dataset))
    return dataset


#: At most this many initial passwords per run: each is hashed with the full work factor
#: (most of a second), and the page must come back before the web server's timeout.
INITIAL_PASSWORDS_MAX = 20


@dataclass(frozen=True)
class InitialPassword:
    """One slip of the printed sheet."""

    name: str
    login: str
    password: str


class InitialPasswordsRefused(Exception):
    """Nothing was issued; carries a translated message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def initial_passwords_issue(*, members, actor: User) -> list[InitialPassword]:
    """Give each of `members` a new one-time password and oblige them to change it at their
    first login. Office staff only; members who left and logins of staff are refused (a staff
    login's password is never reset from the roster).

    The passwords are returned once, for the printed sheet, and stored only hashed; nothing is
    emailed. Each login's audit trail records the change and who made it. Either every
    password is issued or none (one transaction).
    """
    if not roles.is_office_staff(actor):
        raise PermissionDenied
    members = list(members.select_related("user").order_by("name_pinyin", "name", "pk"))
    if not members:
        raise InitialPasswordsRefused(_("Select the members who should get a password."))
    if len(members) > INITIAL_PASSWORDS_MAX:
        raise InitialPasswordsRefused(
            _(
                "At most %(max)d members at a time: %(count)d are selected. Select fewer (for "
                "example one page of a filtered list) and run it again."
            )
            % {"max": INITIAL_PASSWORDS_MAX, "count": len(members)}
        )
    refused = [m.name for m in members if m.status != Member.Status.ACTIVE]
    if refused:
        raise InitialPasswordsRefused(
            _("These members have left and get no password: %(names)s. Nothing was issued.")
            % {"names": "、".join(refused)}
        )
    staff = [m.name for m in members if m.user.is_staff or m.user.is_superuser]
    if staff:
        raise InitialPasswordsRefused(
            _(
                "These members log in as staff; their password is changed on their login's "
                "page, not here: %(names)s. Nothing was issued."
            )
            % {"names": "、".join(staff)}
        )
    slips = []
    users = []
    for member in members:
        user = member.user
        password = generate_initial_password(user)
        user.set_password(password)
        user.must_change_password = True
        users.append(user)
        slips.append(InitialPassword(name=member.name, login=member.mobile, password=password))
    # One UPDATE for the whole batch, and the audit entries written here with the actor (a
    # bulk update passes by the per-row signals the trail listens to).
    User.objects.bulk_update(users, ["password", "must_change_password"])
    audit_record_changes(
        users,
        actor=actor,
        changes={"password": ["******", "******"], "must_change_password": ["False", "True"]},
    )
    return slips


def password_change_completed(*, user: User) -> None:
    """The user chose their own password: the initial one's obligation is over."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
