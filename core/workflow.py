"""The one way state changes, and where each app declares its states' edges.

`transition()` claims the row, checks the actor, the state and the guards, writes the new
state and a timeline row in one transaction, and leaves side effects to `after` (notifications
queue their emails for after commit).

Each app declares its edges once, in `<app>/workflow.py`:

    REPORT = register(Workflow(
        model=OpinionReport,
        edges=(
            Edge("adopted", label=_("adopted"), from_states=(State.IN_REVIEW, …),
                 to_state=State.ADOPTED, may_act=reviewer, public=True),
            …
        ),
    ))

and its services take a step with `run_edge(REPORT, "adopted", subject=…, actor=…, …)`. The
admin step panel (`core.admin_steps`), the member and department pages and the timeline's
labels read the same declaration, so no list of states is written twice.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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


def staff_in_scope(actor, subject: models.Model, *, permission: str, visible: Callable) -> bool:
    """Whether `actor` is active staff holding `permission` whose scope includes `subject`:
    `visible(actor)` is the app's selector of the rows the actor sees (office staff: all;
    liaison staff: those of their groups)."""
    return bool(
        actor is not None
        and actor.is_active
        and actor.has_perm(permission)
        and visible(actor).filter(pk=subject.pk).exists()
    )


@dataclass(frozen=True)
class Guard:
    """A named condition the subject must meet for an edge, checked on the locked row, with
    the (lazily translated) message given when it does not: "a research record exists"."""

    name: str
    check: Callable[[Any], bool]
    message: Any


@dataclass(frozen=True)
class Edge:
    """One step of a workflow: from which states, to which, who may take it, what it is called.

    `to_state` None: the state stays (a note, an instruction). `also_to`: other states the
    step may end in, chosen by the service from the locked row (an unsatisfied evaluation
    sends a proposal back once). `may_act(actor, subject)` is asked on the locked row.
    """

    action: str
    label: Any
    from_states: tuple[str, ...]
    to_state: str | None = None
    may_act: Callable[[Any, Any], bool] | None = None
    public: bool = False
    guards: tuple[Guard, ...] = ()
    also_to: tuple[str, ...] = ()

    @property
    def to_states(self) -> tuple[str | None, ...]:
        return (self.to_state, *self.also_to)


@dataclass(frozen=True)
class Workflow:
    """The states' edges of one model, and the labels of the other timeline actions it
    writes (creation, a merge seen from the surviving side…)."""

    model: type[models.Model]
    edges: tuple[Edge, ...]
    state_field: str = "state"
    other_actions: dict[str, Any] = field(default_factory=dict)

    def edge(self, action: str) -> Edge:
        for edge in self.edges:
            if edge.action == action:
                return edge
        raise KeyError(f"{self.model.__name__} has no edge {action!r}")

    def allows(self, action: str, subject) -> bool:
        """Whether `subject`'s state lets the edge `action` be taken now (who may take it is
        checked when it is taken): for pages that offer a step's form only when it can work."""
        return getattr(subject, self.state_field) in self.edge(action).from_states

    def open_edges(self, state: str) -> list[Edge]:
        return [edge for edge in self.edges if state in edge.from_states]

    def action_label(self, action: str) -> str:
        for edge in self.edges:
            if edge.action == action:
                return str(edge.label)
        return str(self.other_actions.get(action, action))

    def state_label(self, value: str) -> str:
        choices = dict(self.model._meta.get_field(self.state_field).flatchoices)
        return str(choices.get(value, value))


_WORKFLOWS: dict[type[models.Model], Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Declare `workflow` as the one of its model (once per model)."""
    existing = _WORKFLOWS.get(workflow.model)
    if existing is not None and existing is not workflow:
        raise RuntimeError(f"{workflow.model.__name__} already has a workflow")
    actions = [edge.action for edge in workflow.edges]
    if len(actions) != len(set(actions)):
        raise RuntimeError(f"{workflow.model.__name__} declares an action twice")
    _WORKFLOWS[workflow.model] = workflow
    return workflow


def workflow_for(model: type[models.Model] | None) -> Workflow | None:
    """The declared workflow of `model` (or of the concrete model a proxy stands for)."""
    if model is None:
        return None
    return _WORKFLOWS.get(model) or _WORKFLOWS.get(model._meta.concrete_model)


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
    guards: Sequence[Guard] = (),
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
    locked row, then the state, then each guard (refused with the guard's own message).
    `updates` are further fields written with the state. `after` runs inside the transaction
    (for notifications and other rows that belong to the same step). Raises TransitionRefused
    and writes nothing when the step is not allowed.

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
        for guard in guards:
            if not guard.check(locked):
                raise TransitionRefused(str(guard.message))
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


def run_edge(
    workflow: Workflow,
    action: str,
    *,
    subject: M,
    actor,
    choose_state: Callable[[M], str | None] | None = None,
    may_act: Callable[[M], bool] | None = None,
    updates: dict[str, Any] | Callable[[M], dict[str, Any]] | None = None,
    note: str | Callable[[M], str] = "",
    actor_label: str | Callable[[M], str] = "",
    after: Callable[[M], None] | None = None,
) -> M:
    """Take the declared edge `action` of `workflow` through `transition()`: its from-states,
    to-state, who may act, guards and publicity come from the declaration.

    `choose_state` picks among the edge's declared `to_states` on the locked row; `may_act`
    adds a check of the step's own arguments (which co-handling unit) to the declared one.
    """
    edge = workflow.edge(action)

    def allowed_actor(locked: M) -> bool:
        if edge.may_act is not None and not edge.may_act(actor, locked):
            return False
        return may_act is None or may_act(locked)

    def target(locked: M) -> str | None:
        chosen = choose_state(locked)
        if chosen not in edge.to_states:
            raise RuntimeError(f"{action} may not end in {chosen!r}")
        return chosen

    return transition(
        subject=subject,
        actor=actor,
        action=edge.action,
        allowed_from=edge.from_states,
        to_state=target if choose_state is not None else edge.to_state,
        may_act=allowed_actor if (edge.may_act or may_act) else None,
        guards=edge.guards,
        updates=updates,
        note=note,
        actor_label=actor_label,
        is_public=edge.public,
        state_field=workflow.state_field,
        after=after,
    )
