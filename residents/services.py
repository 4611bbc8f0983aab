"""Writes for resident issues. Every state change is one function per edge declared in
residents/workflow.py, taken through core.workflow.run_edge (claim the row, check actor, state
and guards, write the state and a timeline row, in one transaction).

Timeline rows marked public appear on the resident's tracking page, so their wording is
written for residents, in the portal's language; what staff note for each other stays internal.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.notifications import notify
from core.privacy import erase_expired, reveal_phone
from core.workflow import TransitionRefused, refuse_unless, run_edge, staff_in_scope, timeline_add
from members.models import Group, Member, User
from members.phones import mask_mobile, normalize_mobile
from members.selectors import groups_visible_to, members_visible_to, visible_group_ids

from . import selectors
from .models import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    Community,
    IssueLink,
    IssuePhoto,
    PhoneSearchLog,
    PhoneViewLog,
    ResidentIssue,
    Street,
    new_tracking_code,
)
from .targets import TARGET_KINDS
from .timelimits import due_at_for
from .workflow import ISSUE, may_triage

State = ResidentIssue.State

TRACKING_CODE_ATTEMPTS = 5
PHONE_PERMISSION = "residents.view_resident_phone"


def _public(text_factory) -> str:
    """Public wording is stored in the portal's language whatever the staff browser speaks."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text_factory())


def _check_text(value: str, *, label, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("%(field)s is required.") % {"field": label})
    if len(value) > max_length:
        raise ValidationError(
            _("%(field)s is too long (at most %(max)d characters).")
            % {"field": label, "max": max_length}
        )
    return value


def _internal_note(issue: ResidentIssue, actor: User, note: str) -> None:
    if note.strip():
        timeline_add(subject=issue, actor=actor, action="issue_note", note=note.strip())


# --- Submission -------------------------------------------------------------------------------


def _store_issue(*, code: str, photos: Sequence[File], actor: User | None, **fields):
    """One transaction: the issue under `code`, its photos and its public timeline row. Raises
    IntegrityError when the code is taken, and leaves nothing behind on any error."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            issue = ResidentIssue.objects.create(tracking_code=code, created_by=actor, **fields)
            for photo in photos:
                row = IssuePhoto(issue=issue)
                row.image.save(photo.name, photo, save=False)
                stored.append(row.image.name)
                row.save()
            timeline_add(
                subject=issue,
                actor=actor,
                action="issue_submit",
                to_state=State.SUBMITTED,
                is_public=True,
            )
    except BaseException:
        # The rows are rolled back; the files on disk must go too.
        if stored:
            storage = IssuePhoto._meta.get_field("image").storage
            for name_on_disk in stored:
                storage.delete(name_on_disk)
        raise
    return issue


def issue_submit(
    *,
    actor: User | None,
    category: str,
    street: Street,
    community: Community | None,
    place: str,
    description: str,
    channel: str = ResidentIssue.Channel.WEB,
    name: str = "",
    mobile: str = "",
    consent: bool = False,
    photos: Sequence[File] = (),
    any_street: bool = False,
) -> ResidentIssue:
    """Store a new issue with a unique tracking code, its photos and a public timeline row.

    `actor` is None for the public form (channel web) and the staff member who typed it in for
    a phone call, visit or studio reception: liaison staff for the streets of their groups
    only, unless the caller checked their scope another way (`any_street`: a visit to a studio
    of their group, whose issue goes to that studio). Name and phone are kept only with consent
    to the privacy notice. Raises ValidationError and stores nothing (no row, no file) when anything
    is wrong.
    """
    if actor is None:
        refuse_unless(
            channel == ResidentIssue.Channel.WEB, gettext("Only staff may set the channel.")
        )
    elif not actor.has_perm("residents.add_residentissue"):
        raise TransitionRefused(gettext("You are not allowed to do this."))
    elif (
        not any_street
        and (ids := visible_group_ids(actor)) is not None
        and street.group_id not in ids
    ):
        raise ValidationError(_("You can enter issues only for the streets your groups work in."))
    if category not in ResidentIssue.Category.values:
        raise ValidationError(_("Unknown category."))
    if channel not in ResidentIssue.Channel.values:
        raise ValidationError(_("Unknown channel."))
    if community is not None and community.street_id != street.pk:
        raise ValidationError(_("The community is not in the chosen street."))
    place = _check_text(place, label=_("Place"), max_length=PLACE_MAX_LENGTH)
    description = _check_text(
        description, label=_("What happened"), max_length=DESCRIPTION_MAX_LENGTH
    )
    name = _check_text(name, label=_("Name"), max_length=NAME_MAX_LENGTH, required=False)
    mobile = normalize_mobile(mobile) if (mobile or "").strip() else ""
    if (name or mobile) and not consent:
        raise ValidationError(
            _("Please agree to the privacy notice, or leave out your name and phone.")
        )
    if len(photos) > settings.RESIDENT_ISSUE_PHOTO_MAX_COUNT:
        raise ValidationError(_("Too many photos."))

    now = timezone.now()
    fields = {
        "category": category,
        "street": street,
        "community": community,
        "place": place,
        "description": description,
        "channel": channel,
        "name": name,
        "mobile": mobile,
        "consent_at": now if (name or mobile) else None,
        "due_at": due_at_for(State.SUBMITTED, now),
    }
    # A fresh random code per attempt. On the (astronomically rare) collision the whole
    # transaction is tried again with another code: cheaper than a savepoint around every
    # insert, which the public form would pay on every submission.
    for _attempt in range(TRACKING_CODE_ATTEMPTS):
        code = new_tracking_code()
        try:
            return _store_issue(code=code, photos=photos, actor=actor, **fields)
        except IntegrityError:
            if not ResidentIssue.objects.filter(tracking_code=code).exists():
                raise  # some other constraint: not ours to retry
    raise RuntimeError("No free tracking code after several attempts.")


# --- Triage: one function per edge ------------------------------------------------------------


def issue_accept(*, issue: ResidentIssue, actor: User, note: str = "") -> ResidentIssue:
    """submitted → accepted: the office takes the issue on; the handling limit starts."""
    now = timezone.now()
    return run_edge(
        ISSUE,
        "issue_accept",
        subject=issue,
        actor=actor,
        updates={"accepted_at": now, "due_at": due_at_for(State.ACCEPTED, now)},
        after=lambda locked: _internal_note(locked, actor, note),
    )


def _check_target(kind_key: str, *, creates: bool):
    kind = TARGET_KINDS.get(kind_key)
    if kind is None or kind.creates != creates:
        raise TransitionRefused(gettext("Unknown destination."))
    return kind


def _link(issue: ResidentIssue, kind, target, actor: User, *, notify_title) -> IssueLink:
    """The link row, and a notification (titled by `notify_title()`, in the portal's
    language) to whoever the kind says should know; emails go out after commit."""
    link = IssueLink.objects.create(
        issue=issue, kind=kind.key, created_by=actor, **{kind.field: target}
    )
    recipients = kind.recipients(target)
    if recipients:
        notify(
            recipients=recipients,
            title=_public(notify_title),
            body=Truncator(f"{issue.place}\n{issue.description}").chars(300),
        )
    return link


def issue_route(
    *, issue: ResidentIssue, actor: User, kind: str, target, note: str = ""
) -> ResidentIssue:
    """accepted / being handled → being handled: hand the issue to a group or a member (or any
    routing kind of targets.py) that the actor may choose; they are notified."""
    target_kind = _check_target(kind, creates=False)
    refuse_unless(
        target_kind.choices(actor).filter(pk=target.pk).exists(),
        gettext("You cannot hand the issue to this destination."),
    )
    refuse_unless(
        not IssueLink.objects.filter(issue=issue, **{target_kind.field: target}).exists(),
        gettext("The issue has already been handed there."),
    )
    now = timezone.now()

    def after(locked):
        _link(
            locked,
            target_kind,
            target,
            actor,
            notify_title=lambda: (
                gettext("A resident issue was handed to you: %(code)s")
                % {"code": locked.tracking_code}
            ),
        )
        _internal_note(locked, actor, note)

    return run_edge(
        ISSUE,
        "issue_route",
        subject=issue,
        actor=actor,
        updates={"due_at": due_at_for(State.IN_PROGRESS, now)},
        note=_public(lambda: target_kind.public_text(target)),
        after=after,
    )


def issue_convert(
    *,
    issue: ResidentIssue,
    actor: User,
    kind: str,
    member: Member | None,
    group: Group | None = None,
    title: str,
    category: str,
    note: str = "",
) -> ResidentIssue:
    """accepted / being handled → being handled: turn the issue into a new draft item (an
    opinion report or a proposal, or any creating kind of targets.py) for a member or a group
    to write up; the item and the issue are linked both ways and the member is told."""
    target_kind = _check_target(kind, creates=True)
    if member is not None:
        refuse_unless(
            members_visible_to(actor).active().filter(pk=member.pk).exists(),
            gettext("You cannot choose this member."),
        )
    if group is not None:
        refuse_unless(
            groups_visible_to(actor).filter(pk=group.pk).exists(),
            gettext("You cannot choose this group."),
        )
    title = _check_text(title, label=_("Title"), max_length=200)
    now = timezone.now()

    def after(locked):
        target = target_kind.create(
            issue=locked, actor=actor, member=member, group=group, title=title, category=category
        )
        # The public wording names the new item, which exists only from here on. It is a draft
        # staff started for the member: passed on, not yet taken up (that is read from the
        # item's submission on the tracking page).
        wording = target_kind.pending_text or target_kind.public_text
        step = selectors.issue_timeline(locked).filter(action="issue_convert").latest("pk")
        step.note = _public(lambda: wording(target))
        step.save(update_fields=["note"])
        _link(
            locked,
            target_kind,
            target,
            actor,
            notify_title=lambda: (
                gettext("A draft was prepared for you from a resident issue: %(title)s")
                % {"title": title}
            ),
        )
        _internal_note(locked, actor, note)

    return run_edge(
        ISSUE,
        "issue_convert",
        subject=issue,
        actor=actor,
        updates={"due_at": due_at_for(State.IN_PROGRESS, now)},
        after=after,
    )


def issue_answer(*, issue: ResidentIssue, actor: User, reply: str) -> ResidentIssue:
    """accepted / being handled → answered: staff answer the resident directly; the reply is
    public. Closing follows (with the same or a final reply)."""
    reply = _check_text(reply, label=_("Reply"), max_length=REPLY_MAX_LENGTH)
    now = timezone.now()
    return run_edge(
        ISSUE,
        "issue_answer",
        subject=issue,
        actor=actor,
        updates={"public_reply": reply, "due_at": due_at_for(State.ANSWERED, now)},
        note=reply,
    )


def issue_close(*, issue: ResidentIssue, actor: User, reply: str) -> ResidentIssue:
    """any open state → closed, with a public reply (also to decline an issue that is out of
    scope without accepting it). The resident is then asked whether it was solved."""
    reply = _check_text(reply, label=_("Reply"), max_length=REPLY_MAX_LENGTH)
    return run_edge(
        ISSUE,
        "issue_close",
        subject=issue,
        actor=actor,
        updates={"public_reply": reply, "closed_at": timezone.now(), "due_at": None},
        note=reply,
    )


def issue_merge(
    *, issue: ResidentIssue, into: ResidentIssue, actor: User, note: str = ""
) -> ResidentIssue:
    """any open state → merged into `into` (the same matter raised twice). The resident of the
    merged issue follows the surviving one from then on, with their own code; issues merged
    into this one before move along to the survivor, so nobody follows a chain."""
    refuse_unless(into.pk != issue.pk, gettext("An issue cannot be merged into itself."))
    with transaction.atomic():
        # Both rows, in a fixed order: two people merging A into B and B into A at once must
        # not deadlock; the second one finds its issue merged and is refused.
        survivors = {
            row.pk: row
            for row in ResidentIssue.objects.select_for_update()
            .filter(pk__in=[issue.pk, into.pk])
            .order_by("pk")
        }
        survivor = survivors[into.pk]
        refuse_unless(
            survivor.state != State.MERGED,
            gettext("The issue to merge into has itself been merged."),
        )
        refuse_unless(may_triage(actor, survivor), gettext("You are not allowed to do this."))

        def after(locked):
            ResidentIssue.objects.filter(merged_into=locked).update(merged_into=survivor)
            timeline_add(
                subject=survivor,
                actor=actor,
                action="issue_absorb",
                note=gettext("Issue %(code)s was merged into this one.")
                % {"code": locked.tracking_code},
            )
            _internal_note(locked, actor, note)

        return run_edge(
            ISSUE,
            "issue_merge",
            subject=issue,
            actor=actor,
            updates={"merged_into": survivor, "due_at": None},
            note=_public(
                lambda: gettext(
                    "Others raised the same matter: it is handled together with their issue, "
                    "and its progress is shown here."
                )
            ),
            after=after,
        )


def issue_note_add(*, issue: ResidentIssue, actor: User, note: str) -> None:
    """An internal note on the timeline (never shown to the resident); no state change."""
    note = _check_text(note, label=_("Note"), max_length=REPLY_MAX_LENGTH)
    run_edge(ISSUE, "issue_note", subject=issue, actor=actor, note=note)


def issue_feedback_record(*, issue: ResidentIssue, answer: str) -> ResidentIssue:
    """closed (or merged into a closed issue) → unchanged: the resident says once whether the
    problem was solved. Anonymous: whoever holds the tracking code."""
    refuse_unless(
        answer in ResidentIssue.Satisfaction.values, gettext("Please choose one of the answers.")
    )
    return run_edge(
        ISSUE,
        "issue_feedback",
        subject=issue,
        actor=None,
        updates={"satisfaction": answer, "satisfaction_at": timezone.now()},
        note=str(ResidentIssue.Satisfaction(answer).label),
    )


# --- Privacy -----------------------------------------------------------------------------------


def issue_phone_reveal(*, issue: ResidentIssue, actor: User) -> str:
    """The resident's whole phone number, for staff entitled to it; each look is logged."""
    return reveal_phone(
        subject=issue,
        field="mobile",
        actor=actor,
        allowed=staff_in_scope(
            actor, issue, permission=PHONE_PERMISSION, visible=selectors.issues_visible_to
        ),
        log=PhoneViewLog,
    )


def issue_phone_search_log(*, actor: User, mobile: str) -> PhoneSearchLog:
    """Record that `actor` looked for issues by the phone number `mobile` (kept masked): a
    search by number is logged as a look at a number is, whoever searched."""
    return PhoneSearchLog.objects.create(searcher=actor, masked_mobile=mask_mobile(mobile))


def personal_data_erase_expired(*, now=None, batch_size: int = 200) -> int:
    """Erase the personal data of issues closed (or merged into an issue closed) longer ago than
    RESIDENT_ISSUE_RETENTION_DAYS: the name and phone fields, phone numbers and names typed into
    the place, the description, the reply and the timeline notes (core/privacy.py), and the
    photos. What statistics need (street, category, dates, satisfaction, the text with the
    personal words masked) stays.

    Batches of rows locked with SKIP LOCKED, so two runs at once never erase the same issue twice
    and a rerun finds nothing left. Photo files are deleted once their rows are gone for good
    (after the commit). Returns the number of issues erased.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RESIDENT_ISSUE_RETENTION_DAYS)
    expired = Q(state=State.CLOSED, closed_at__lt=cutoff) | Q(
        state=State.MERGED, merged_into__state=State.CLOSED, merged_into__closed_at__lt=cutoff
    )
    pending = ResidentIssue.objects.filter(expired, personal_data_erased_at__isnull=True)
    storage = IssuePhoto._meta.get_field("image").storage

    def delete_photos(batch) -> None:
        photos = IssuePhoto.objects.filter(issue__in=batch)
        files = list(photos.values_list("image", flat=True))
        photos.delete()
        transaction.on_commit(lambda: _delete_files(storage, files))

    return erase_expired(
        pending,
        name_field="name",
        mobile_field="mobile",
        text_fields=("place", "description", "public_reply"),
        now=now,
        batch_size=batch_size,
        also=delete_photos,
    )


def _delete_files(storage, names) -> None:
    for name in names:
        if name:
            storage.delete(name)
