"""Registering a studio and taking it through its lifecycle (studios/workflow.py).

A studio is registered preparing (筹建); it opens (挂牌运行), may be suspended and resumed, and
exits (退出机制) with a reason. Each step is one edge of the declared workflow, taken through
`run_edge`: the actor and the state are checked on the locked row and the timeline row is
written in the same transaction. An exited studio keeps its members, activities, visits and
timeline: nothing is deleted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.workflow import refuse_unless, run_edge, timeline_add
from members.models import User
from members.selectors import visible_group_ids

from ..models import Studio
from ..workflow import STUDIO

State = Studio.State
REGISTER_PERMISSION = "studios.add_studio"
EXIT_REASON_MAX_LENGTH = 2000


def may_register(actor: User | None, *, group_id: int | None) -> bool:
    """Staff allowed to add studios, to a group in their scope (liaison staff: their groups)."""
    if actor is None or not actor.is_active or not actor.has_perm(REGISTER_PERMISSION):
        return False
    ids = visible_group_ids(actor)
    return ids is None or group_id in ids


def _day(value: datetime.date | None, *, field: str) -> datetime.date:
    """The day a step took effect: today unless given, never in the future."""
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def studio_register(*, studio: Studio, actor: User) -> Studio:
    """Store a new studio, built by the registry form and not saved yet, as preparing (筹建),
    with its `studio_register` timeline row, in one transaction.

    Refused, nothing written, unless the actor may add studios to the studio's group. The
    lifecycle fields are the steps' to set: whatever the studio carries in them is reset.
    """
    refuse_unless(studio.pk is None, gettext("This studio is already registered."))
    refuse_unless(
        may_register(actor, group_id=studio.group_id),
        gettext("You are not allowed to do this."),
    )
    studio.state = State.PREPARING
    studio.opened_on = None
    studio.exited_on = None
    studio.exit_reason = ""
    with transaction.atomic():
        studio.save()
        timeline_add(
            subject=studio,
            actor=actor,
            action="studio_register",
            to_state=studio.state,
            is_public=True,
        )
    return studio


def studio_open(*, studio: Studio, actor: User, opened_on: datetime.date | None = None) -> Studio:
    """preparing → open (挂牌运行), on `opened_on` (today unless given, not in the future):
    the studio appears in the public directory."""
    day = _day(opened_on, field="opened_on")
    return run_edge(STUDIO, "studio_open", subject=studio, actor=actor, updates={"opened_on": day})


def studio_suspend(*, studio: Studio, actor: User, note: str = "") -> Studio:
    """open → suspended: reception stops for a while; the studio stays in the directory,
    marked as suspended."""
    return run_edge(STUDIO, "studio_suspend", subject=studio, actor=actor, note=note.strip())


def studio_resume(*, studio: Studio, actor: User, note: str = "") -> Studio:
    """suspended → open."""
    return run_edge(STUDIO, "studio_resume", subject=studio, actor=actor, note=note.strip())


def studio_exit(
    *, studio: Studio, actor: User, reason: str, exited_on: datetime.date | None = None
) -> Studio:
    """preparing / open / suspended → exited (退出机制), with the reason (required) and the day
    (today unless given; not in the future, not before the opening). The studio leaves the
    public directory and keeps its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason why the studio exits.")})
    if len(reason) > EXIT_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": gettext("The reason is too long (at most %(max)d characters).")
                % {"max": EXIT_REASON_MAX_LENGTH}
            }
        )
    day = _day(exited_on, field="exited_on")

    def updates(locked: Studio) -> dict:
        if locked.opened_on is not None and day < locked.opened_on:
            opened = formats.date_format(locked.opened_on, "DATE_FORMAT")
            raise ValidationError(
                {
                    "exited_on": gettext("The studio cannot exit before it opened (%(day)s).")
                    % {"day": opened}
                }
            )
        return {"exited_on": day, "exit_reason": reason}

    return run_edge(
        STUDIO, "studio_exit", subject=studio, actor=actor, updates=updates, note=reason
    )
