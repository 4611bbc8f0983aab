"""The audit trail: who changed what, when, and the values before and after (django-auditlog).

Every audited model is one line of `AUDITED_MODELS` below, by label, so that core imports no
app above it; a later app adds its models there (`"studios.Studio"`). Fields holding personal
data (mobile numbers, residents' names) are listed in `PERSONAL_FIELDS`: their values are
masked in the stored diff, so the trail never outlives the erasure of a resident's phone nor
shows a member's whole number to someone who may not see it.

The actor is the logged-in user of the request (`AuditActorMiddleware`), for admin edits,
member pages and the service-layer transitions they call alike; rows written by Celery tasks
have no actor ("system"). Entries are kept `AUDIT_RETENTION_DAYS` (at least six months) and then
purged by a nightly task.
"""

import datetime
import ipaddress
import re

from auditlog.cid import get_cid
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.utils import timezone

#: Models whose every create, change and delete is recorded. One line per model.
AUDITED_MODELS: tuple[str, ...] = (
    # members: logins, the roster, groups, activities and attendance
    "members.User",
    "members.Member",
    "members.Group",
    "members.Activity",
    "members.Attendance",
    "members.Sector",
    # opinions: reports, proposals and what hangs on them; departments and staff-kept lists
    "opinions.OpinionReport",
    "opinions.ReportAdoption",
    "opinions.LeaderInstruction",
    "opinions.Proposal",
    "opinions.ProposalReply",
    "opinions.Department",
    "opinions.DeclineReason",
    "opinions.Bulletin",
    "opinions.CommitteeSession",
    # residents: issues and the staff-kept lists
    "residents.ResidentIssue",
    "residents.IssueLink",
    "residents.Street",
    "residents.Community",
    "residents.PresetReply",
    # studios: the registry, reception, appointments and the yearly plan
    "studios.Studio",
    "studios.StudioMember",
    "studios.DutyRule",
    "studios.DutySlot",
    "studios.Visit",
    "studios.Appointment",
    "studios.AnnualPlan",
    "studios.NormCheck",
    "studios.ArchiveItem",
    # core: the office's working-day exceptions
    "core.WorkdayException",
)

#: Personal data: recorded as changed, with masked values.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "members.User": ("username",),  # a member's login is their mobile number
    "members.Member": ("mobile",),
    "residents.ResidentIssue": ("name", "mobile"),
    "studios.Visit": ("visitor_name", "visitor_mobile"),
    "studios.Appointment": ("name", "mobile"),
}

#: Never recorded: secrets, and bookkeeping that every login would write.
EXCLUDED_FIELDS: dict[str, tuple[str, ...]] = {
    "members.User": ("password", "last_login"),
}

#: The shortest retention the office may set: six months.
MINIMUM_RETENTION_DAYS = 183

_MOBILE = re.compile(r"^1\d{10}$")


def mask_personal(value: str) -> str:
    """A mobile number as 138****1234, anything else (a name) as three stars."""
    value = str(value)
    if value in ("", "None"):
        return value
    if _MOBILE.match(value):
        return f"{value[:3]}****{value[-4:]}"
    return "***"


def register_audited_models() -> None:
    """Connect the audit trail to every model of AUDITED_MODELS (called once, at start-up)."""
    for label in AUDITED_MODELS:
        model = apps.get_model(label)
        auditlog.unregister(model)
        auditlog.register(
            model,
            exclude_fields=list(EXCLUDED_FIELDS.get(label, ())),
            mask_fields=list(PERSONAL_FIELDS.get(label, ())),
            mask_callable="core.audit.mask_personal",
        )
    pre_save.connect(_mask_object_repr, sender=LogEntry, dispatch_uid="core.audit.mask_repr")


def _mask_object_repr(sender, instance, **kwargs):
    # A member's login reads as its user name, the whole mobile number: the list of entries
    # names it masked, like every other list.
    if _MOBILE.match(instance.object_repr or ""):
        instance.object_repr = mask_personal(instance.object_repr)


def audit_record_changes(objects, *, actor, changes: dict[str, list[str]]) -> None:
    """Write one UPDATE entry per object of `objects`, with `changes` ({field: [before,
    after]}, masked where personal) and `actor`: for writes that bypass the per-row signals
    (bulk updates). One query whatever the number of objects."""
    objects = list(objects)
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(objects[0])
    text = "; ".join(f"{field}: {before} → {after}" for field, (before, after) in changes.items())
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=mask_personal(str(obj)) if _MOBILE.match(str(obj)) else str(obj),
            action=LogEntry.Action.UPDATE,
            changes=changes,
            changes_text=text,
            actor=actor,
            actor_email=getattr(actor, "email", None) or None,
            cid=get_cid(),
        )
        for obj in objects
    )


def retention_days() -> int:
    return max(int(settings.AUDIT_RETENTION_DAYS), MINIMUM_RETENTION_DAYS)


def audit_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete audit entries older than the retention (never less than six months).

    Safe to run twice or in two workers at once: a second run finds nothing left to delete.
    Returns the number of entries deleted.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    deleted, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording the request's user as the actor of each change.

    The user is handed over unevaluated: a request that changes nothing (a list, the public
    form) costs no query for it. The address is the one the rate limits and the login lockout
    read (RATELIMIT_IP_META_KEY behind a proxy), never a header a client could forge.
    """

    @staticmethod
    def _get_actor(request):
        return getattr(request, "user", None)

    @staticmethod
    def _get_remote_addr(request):
        key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
        for value in (request.META.get(key), request.META.get("REMOTE_ADDR")):
            # The column is an address type: something else would make the change itself fail.
            try:
                return str(ipaddress.ip_address((value or "").strip()))
            except ValueError:
                continue
        return None

    @staticmethod
    def _get_remote_port(request):
        return None
