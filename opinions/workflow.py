"""The one way state changes: claim the row, check the actor and the state, write the new
state and a timeline row in one transaction, and queue side effects after commit.

Reports, proposals and resident issues each define one transition function per edge in their
services; those functions all go through `transition()` below.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import TimelineEntry

M = TypeVar("M", bound=models.Model)


class TransitionRefused(Exception):
    """A step that is not allowed now, or not for this person. Carries a translated message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionRefused(message)


def timeline_add(
    *,
    subject: models.Model,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    actor_label: str = "",
    is_public: bool = False,
) -> TimelineEntry:
    """Append a timeline row for `subject`; call inside the transaction of the change."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label,
        note=note,
        is_public=is_public,
    )


def transition(
    *,
    subject: M,
    actor,
    action: str,
    allowed_from: Iterable[str],
    to_state: str | Callable[[M], str | None] | None,
    may_act: Callable[[M], bool] | None = None,
    updates: dict[str, Any] | Callable[[M], dict[str, Any]] | None = None,
    note: str | Callable[[M], str] = "",
    actor_label: str | Callable[[M], str] = "",
    is_public: bool = False,
    state_field: str = "state",
    after: Callable[[M], None] | None = None,
) -> M:
    """Move `subject` from one of `allowed_from` to `to_state` (None: state unchanged).

    Locks the row (SELECT … FOR UPDATE) so that two people acting at once cannot both succeed:
    the second one sees the new state and is refused. `may_act` checks the actor against the
    locked row. `updates` are further fields written with the state. `after` runs inside the
    transaction (for notifications and other rows that belong to the same step). Raises
    TransitionRefused and writes nothing when the step is not allowed.

    `to_state`, `updates`, `note` and `actor_label` may be functions of the locked row, for
    steps whose outcome depends on what the row holds once claimed (an evaluation that sends a
    proposal back only once; an edit that logs the text it replaced). They run after the
    checks, before anything is written; they may raise TransitionRefused too.
    """
    allowed = set(allowed_from)
    with transaction.atomic():
        locked = type(subject)._default_manager.select_for_update().get(pk=subject.pk)
        if may_act is not None and not may_act(locked):
            raise TransitionRefused(_("You are not allowed to do this."))
        current = getattr(locked, state_field)
        if current not in allowed:
            label = getattr(locked, f"get_{state_field}_display", lambda: current)()
            raise TransitionRefused(
                _("This step is not possible while the item is “%(state)s”.") % {"state": label}
            )
        new_state = to_state(locked) if callable(to_state) else to_state
        fields = dict((updates(locked) if callable(updates) else updates) or {})
        note_text = note(locked) if callable(note) else note
        label = actor_label(locked) if callable(actor_label) else actor_label
        if new_state is not None:
            fields[state_field] = new_state
        for name, value in fields.items():
            setattr(locked, name, value)
        if fields:
            locked.save(update_fields=list(fields))
        timeline_add(
            subject=locked,
            actor=actor,
            action=action,
            from_state=current,
            to_state=new_state if new_state is not None else current,
            note=note_text,
            actor_label=label,
            is_public=is_public,
        )
        if after is not None:
            after(locked)
    return locked
