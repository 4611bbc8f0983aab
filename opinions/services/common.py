"""What the report and proposal services share: labels, recipients, attachments, checks."""

import functools
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.language import in_site_language
from core.workflow import TransitionRefused
from members.models import Group, Member, User
from members.selectors import member_groups

from .. import selectors
from ..attachments import validate_attachment, validate_attachment_count
from ..models import Attachment, Department

MAX_TITLE_CHARS = 200
MAX_CONTENT_CHARS = 20_000


@in_site_language
def office_label() -> str:
    """How office and liaison staff appear to members and residents: never by name."""
    return _("District CPPCC office")


def actor_label(actor) -> str:
    """How the actor of a step appears on its timeline row: a member by name, staff as the
    office."""
    member = selectors.member_of(actor)
    return member.name if member is not None else office_label()


def check_text(*, title: str, content: str) -> tuple[str, str]:
    """Trimmed title and content, or ValidationError naming the field that is wrong."""
    title = (title or "").strip()
    content = (content or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Write a title.")
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = _("The title may have at most %(limit)s characters.") % {
            "limit": MAX_TITLE_CHARS
        }
    if not content:
        errors["content"] = _("Write the content.")
    elif len(content) > MAX_CONTENT_CHARS:
        errors["content"] = _("The content may have at most %(limit)s characters.") % {
            "limit": MAX_CONTENT_CHARS
        }
    if errors:
        raise ValidationError(errors)
    return title, content


def check_category(category: str, choices) -> None:
    if category not in choices.values:
        raise ValidationError({"category": _("Choose a category from the list.")})


def check_group(*, member: Member | None, group: Group | None) -> None:
    """A report or proposal is made for one of the member's own groups."""
    if group is None or member is None:
        return
    if not member_groups(member).filter(pk=group.pk).exists():
        raise ValidationError({"group": _("Choose one of your own groups.")})


def check_studio(*, actor, studio, current_id: int | None = None) -> None:
    """Only a member of a studio marks a report or proposal with it (it then counts for the
    studio's yearly plan); a studio already on the item may stay whoever changes the item."""
    if studio is None or studio.pk == current_id:
        return
    member = selectors.member_of(actor)
    if member is None or not selectors.studios_of_member(member).filter(pk=studio.pk).exists():
        raise ValidationError(
            {
                "studio": _(
                    "Choose one of your own studios: only its members may mark an item with it."
                )
            }
        )


def check_deadline(day, *, field: str = "deadline") -> None:
    if day is None:
        raise ValidationError({field: _("Set the date the reply is due.")})
    if day < timezone.localdate():
        raise ValidationError({field: _("The reply cannot be due in the past.")})


def check_required(field: str, value: str, *, limit: int = MAX_CONTENT_CHARS) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters are allowed.") % {"limit": limit}}
        )
    return value


def check_reply_letter(letter) -> None:
    """The reply letter (答复函) is a PDF: the attachment check by content, then its kind."""
    if letter is None:
        return
    try:
        kind = validate_attachment(letter)
    except ValidationError as error:
        raise ValidationError({"letter": error.messages}) from None
    if kind != Attachment.Kind.PDF:
        raise ValidationError({"letter": _("The reply letter must be a PDF file.")})


def short(title: str) -> str:
    """A title cut to fit in a notification's title."""
    return Truncator(title).chars(60)


def refuse_unless_may_act_for(actor, member: Member) -> None:
    if not selectors.may_act_for_member(actor, member):
        raise TransitionRefused(_("You are not allowed to do this."))


def member_users(members_q: Q) -> list[User]:
    return list(User.objects.filter(member__in=Member.objects.filter(members_q)))


def department_users(departments: Iterable[Department]) -> list[User]:
    ids = [department.pk for department in departments if department is not None]
    return list(User.objects.filter(departments__in=ids, is_active=True).distinct())


def attachments_add(*, subject, files: Sequence, actor) -> list[Attachment]:
    """Check every file first (type by content, size, count), then store them all.

    Call inside the transaction of the change they belong to. A refused file raises
    ValidationError before anything is written.
    """
    if not files:
        return []
    existing = selectors.attachments_of(subject).count()
    validate_attachment_count(existing=existing, added=len(files))
    kinds = [validate_attachment(upload) for upload in files]
    content_type = ContentType.objects.get_for_model(subject)
    rows = []
    for upload, kind in zip(files, kinds, strict=True):
        name = PurePath(upload.name or "").name[:200]
        attachment = Attachment(
            content_type=content_type,
            object_id=subject.pk,
            original_name=name,
            kind=kind,
            size=upload.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        upload.seek(0)
        attachment.file.save(name, upload, save=False)
        attachment.save()
        rows.append(attachment)
    return rows


def attachments_remove(*, subject, ids: Iterable[int]) -> int:
    """Delete the subject's attachments among `ids` (others are ignored); the files go once
    the transaction commits, so a rolled-back change keeps them."""
    rows = list(selectors.attachments_of(subject).filter(pk__in=list(ids)))
    for row in rows:
        storage, name = row.file.storage, row.file.name
        row.delete()
        transaction.on_commit(functools.partial(storage.delete, name))
    return len(rows)
