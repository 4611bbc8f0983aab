"""Drafts of every kind (opinions/drafts.py): written, changed and submitted the same way.

`draft_save` creates a draft (timeline row "created") or changes one (the kind's "edited"
edge); `draft_submit` takes the kind's "submitted" edge. The steps after submission are each
kind's own (reports.py, proposals.py).
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import notify_in_site_language
from core.workflow import TransitionRefused, run_edge, timeline_add
from members.models import Group, Member, User
from members.selectors import groups_visible_to

from ..drafts import DraftKind
from ..models import Category
from .common import (
    actor_label,
    attachments_add,
    attachments_remove,
    check_category,
    check_group,
    check_studio,
    check_text,
    member_users,
    refuse_unless_may_act_for,
    short,
)

# `draft_save` without a studio: a new draft has none, a changed one keeps its own.
KEEP_STUDIO = object()


def draft_members(kind: DraftKind, draft: Model) -> list[User]:
    """The users of the members a draft belongs to: its owner, the members writing or signing
    it with them, and for a group's item the group's conveners. They are told of every step."""
    relation = getattr(kind.model, kind.people_field)
    people = relation.through.objects.filter(**{relation.field.m2m_field_name(): draft})
    who = Q(pk=kind.owner_id(draft)) | Q(pk__in=people.values("member_id"))
    if kind.group_may_own and draft.group_id:
        conveners = Group.conveners.through.objects.filter(group_id=draft.group_id)
        who |= Q(pk__in=conveners.values("member_id"))
    return member_users(who)


def draft_tell_members(kind: DraftKind, draft: Model, title, body="") -> None:
    notify_in_site_language(
        recipients=draft_members(kind, draft),
        title=title,
        body=body,
        url=reverse(kind.url_name("detail"), args=[draft.pk]),
    )


def _people(people: Iterable[Member], owner: Member | None) -> list[Member]:
    """Each member once, never the owner."""
    owner_pk = owner.pk if owner is not None else None
    return [member for member in dict.fromkeys(people) if member.pk != owner_pk]


def _refuse_unless_may_create(actor, owner: Member | None, group: Group) -> None:
    if owner is not None:
        refuse_unless_may_act_for(actor, owner)
    elif not groups_visible_to(actor).filter(pk=group.pk).exists():
        raise TransitionRefused(_("You are not allowed to do this."))


@transaction.atomic
def _draft_create(
    kind: DraftKind, *, actor, owner: Member | None, fields: dict, people: list, files: Sequence
) -> Model:
    draft = kind.model.objects.create(
        **fields,
        **{kind.owner_field: owner},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    kind.people(draft).set(people)
    attachments_add(subject=draft, files=files, actor=actor)
    timeline_add(
        subject=draft,
        actor=actor,
        action="created",
        to_state=kind.model.State.DRAFT,
        actor_label=actor_label(actor),
    )
    if not kind.owned_by(actor, draft):
        draft_tell_members(
            kind,
            draft,
            lambda: str(kind.prepared_title) % {"title": short(draft.title)},
            lambda: _("Check it, complete it and submit it from your page."),
        )
    return draft


def draft_save(
    kind: DraftKind,
    *,
    actor,
    draft: Model | None = None,
    owner: Member | None = None,
    title: str,
    content: str,
    category: str,
    group: Group | None = None,
    people: Iterable[Member] = (),
    attachments: Sequence = (),
    remove_attachment_ids: Iterable[int] = (),
    studio: Model | None | object = KEEP_STUDIO,
) -> Model:
    """Create a DRAFT of `kind` by `owner` (no `draft`; timeline row "created"), or change
    `draft` (its "edited" edge): its text, group, people and attachments; its owner stays.

    Creating: `actor` is the owner, or staff whose scope includes the owner (or the group,
    for a group's item without an owner); a draft prepared by someone else is announced to
    its members. Changing: by those who act for the owners, or staff in scope, only while it
    is a draft. `studio` credits the item to a member studio (None takes it off; left out, a
    change keeps it): only a member of that studio may set it (`check_studio`). Raises
    ValidationError for bad input and TransitionRefused for an actor who may not; nothing is
    written then.
    """
    if draft is not None:
        owner = kind.owner(draft)
    if owner is None and (group is None or not kind.group_may_own):
        raise ValidationError(str(kind.missing_owner))
    if draft is None:
        _refuse_unless_may_create(actor, owner, group)
    title, content = check_text(title=title, content=content)
    check_category(category, Category)
    check_group(member=owner, group=group)
    fields = {"title": title, "content": content, "category": category, "group": group}
    if studio is not KEEP_STUDIO:
        check_studio(actor=actor, studio=studio, current_id=getattr(draft, "studio_id", None))
        fields["studio"] = studio
    people_list = _people(people, owner)
    if draft is None:
        return _draft_create(
            kind, actor=actor, owner=owner, fields=fields, people=people_list, files=attachments
        )

    def after(locked: Model) -> None:
        kind.people(locked).set(people_list)
        attachments_remove(subject=locked, ids=remove_attachment_ids)
        attachments_add(subject=locked, files=attachments, actor=actor)

    return run_edge(
        kind.workflow,
        "edited",
        subject=draft,
        actor=actor,
        updates=fields,
        actor_label=actor_label(actor),
        after=after,
    )


def draft_submit(kind: DraftKind, *, draft: Model, actor) -> Model:
    """Those who act for the owners send the draft to the office (the kind's "submitted"
    edge, writing what the kind declares: the time, a proposal's number)."""
    return run_edge(
        kind.workflow,
        "submitted",
        subject=draft,
        actor=actor,
        updates=kind.submit_updates,
        actor_label=kind.submitted_by,
    )
