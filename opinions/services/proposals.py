"""Proposals (提案): one function per step, each taking an edge declared in
opinions/workflow.py (core.workflow.run_edge).

Steps: create → (edit draft) → submit (numbered in the current session) → file / not file →
assign to a lead unit and co-handlers → [key proposal] → [co-handlers' opinions] → lead unit
replies → proposer evaluates (unsatisfied: back for re-handling once) → close.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.language import in_site_language
from core.notifications import notify_in_site_language
from core.workdays import add_working_days
from core.workflow import TransitionRefused, run_edge
from members import roles
from members.models import Member

from .. import selectors
from ..drafts import PROPOSAL_DRAFT
from ..models import CommitteeSession, Department, Proposal, ProposalReply
from ..workflow import PROPOSAL, SESSION_OPEN, handles_department
from .common import (
    actor_label,
    attachments_add,
    check_deadline,
    check_reply_letter,
    check_required,
    department_users,
    office_label,
    short,
)
from .drafts import draft_save, draft_submit, draft_tell_members

State = Proposal.State
Evaluation = Proposal.Evaluation
# Working days a department has to reply again after an unsatisfied evaluation (about a month;
# a holiday week does not eat into it).
REHANDLING_WORKING_DAYS = 20
MAX_LEADER_CHARS = 100


# --- Who is told ------------------------------------------------------------------------------


def _department_url(proposal: Proposal) -> str:
    return reverse("departments:proposal_detail", args=[proposal.pk])


def _tell_members(proposal: Proposal, title, body="") -> None:
    draft_tell_members(PROPOSAL_DRAFT, proposal, title, body)


def _tell_departments(proposal: Proposal, departments, title, body="") -> None:
    notify_in_site_language(
        recipients=department_users(departments),
        title=title,
        body=body,
        url=_department_url(proposal),
    )


# --- Drafts: written and submitted as every draft kind is (opinions/drafts.py) -------------


def proposal_create(
    *, actor, proposer: Member | None, cosigners: Iterable[Member] = (), **fields
) -> Proposal:
    """A new DRAFT proposal by `proposer` and its co-signers, or a group's collective one
    without a proposer (see `draft_save`)."""
    return draft_save(PROPOSAL_DRAFT, actor=actor, owner=proposer, people=cosigners, **fields)


def proposal_update(
    *, proposal: Proposal, actor, cosigners: Iterable[Member] = (), **fields
) -> Proposal:
    """Change a draft proposal (see `draft_save`)."""
    return draft_save(PROPOSAL_DRAFT, actor=actor, draft=proposal, people=cosigners, **fields)


def proposal_submit(*, proposal: Proposal, actor) -> Proposal:
    """The owner submits the draft; it is numbered in the current session (八届四次 第 0012
    号), without gaps or duplicates however many submit at once."""
    return draft_submit(PROPOSAL_DRAFT, draft=proposal, actor=actor)


def proposal_number_take(_locked: Proposal) -> dict:
    """What a submission writes: the next number of the current session.

    The session row is locked until the submission commits: numbers are handed out one at a
    time, and a submission that fails gives its number back with the rollback (no gaps).
    """
    session = CommitteeSession.objects.select_for_update().filter(is_current=True).first()
    if session is None:
        raise TransitionRefused(str(SESSION_OPEN.message))
    session.last_number += 1
    session.save(update_fields=["last_number"])
    return {"session": session, "number": session.last_number, "submitted_at": timezone.now()}


@transaction.atomic
def committee_session_make_current(*, session: CommitteeSession, actor) -> CommitteeSession:
    """Make `session` the one proposals are numbered in (office staff only). Waits for
    submissions being numbered in the old session to finish (they hold its row)."""
    if not roles.is_office_staff(actor):
        raise TransitionRefused(_("You are not allowed to do this."))
    current = CommitteeSession.objects.select_for_update().filter(is_current=True)
    current.exclude(pk=session.pk).update(is_current=False)
    CommitteeSession.objects.filter(pk=session.pk).update(is_current=True)
    session.refresh_from_db()
    return session


# --- Examination and assignment -------------------------------------------------------------


def proposal_file(*, proposal: Proposal, actor) -> Proposal:
    """立案: the proposal is accepted for handling."""
    return run_edge(
        PROPOSAL,
        "filed",
        subject=proposal,
        actor=actor,
        actor_label=office_label(),
        after=lambda p: _tell_members(
            p,
            lambda: _("Your proposal “%(title)s” was filed") % {"title": short(p.title)},
        ),
    )


def proposal_not_file(*, proposal: Proposal, actor, reason: str) -> Proposal:
    """不立案转意见建议: not filed, passed on as a suggestion; the reason goes to the
    proposers (the public timeline shows only the step)."""
    reason = check_required("reason", reason, limit=2000)
    return run_edge(
        PROPOSAL,
        "not_filed",
        subject=proposal,
        actor=actor,
        updates={"not_filed_reason": reason},
        actor_label=office_label(),
        after=lambda p: _tell_members(
            p,
            lambda: (
                _("Your proposal “%(title)s” was not filed and was turned into a suggestion")
                % {"title": short(p.title)}
            ),
            reason,
        ),
    )


@in_site_language
def assign_note(lead: Department, co_handlers: list[Department], deadline: date) -> str:
    note = _("Lead unit: %(lead)s; reply due by %(date)s") % {
        "lead": lead.name,
        "date": date_format(deadline, "DATE_FORMAT"),
    }
    if co_handlers:
        note += "\n" + _("Co-handling units: %(units)s") % {
            "units": "、".join(department.name for department in co_handlers)
        }
    return note


def proposal_assign(
    *,
    proposal: Proposal,
    actor,
    lead: Department,
    co_handlers: Iterable[Department] = (),
    deadline: date,
) -> Proposal:
    """交办: assign a filed proposal to a lead unit and co-handlers, with a deadline."""
    if lead is None:
        raise ValidationError({"lead": _("Choose the lead unit.")})
    check_deadline(deadline)
    co_list = [department for department in dict.fromkeys(co_handlers) if department != lead]

    def after(locked: Proposal) -> None:
        locked.co_departments.set(co_list)
        _tell_members(
            locked,
            lambda: (
                _("Your proposal “%(title)s” was assigned to %(lead)s")
                % {"title": short(locked.title), "lead": lead.name}
            ),
        )
        _tell_departments(
            locked,
            [lead, *co_list],
            lambda: (
                _("A proposal was assigned to you: %(number)s “%(title)s”")
                % {"number": locked.number_label, "title": short(locked.title)}
            ),
            lambda: assign_note(lead, co_list, deadline),
        )

    return run_edge(
        PROPOSAL,
        "assigned",
        subject=proposal,
        actor=actor,
        updates={"lead_department": lead, "deadline": deadline},
        note=assign_note(lead, co_list, deadline),
        actor_label=office_label(),
        after=after,
    )


def proposal_mark_key(*, proposal: Proposal, actor, leader: str) -> Proposal:
    """重点督办: make it a key proposal supervised by `leader`."""
    leader = check_required("leader", leader, limit=MAX_LEADER_CHARS)

    def after(locked: Proposal) -> None:
        _tell_members(
            locked,
            lambda: (
                _("Your proposal “%(title)s” is a key proposal supervised by %(leader)s")
                % {"title": short(locked.title), "leader": leader}
            ),
        )
        if locked.lead_department_id:
            _tell_departments(
                locked,
                [locked.lead_department],
                lambda: (
                    _("Key proposal supervised by %(leader)s: “%(title)s”")
                    % {"leader": leader, "title": short(locked.title)}
                ),
            )

    return run_edge(
        PROPOSAL,
        "marked_key",
        subject=proposal,
        actor=actor,
        updates={"is_key": True, "supervising_leader": leader},
        note=leader,
        actor_label=office_label(),
        after=after,
    )


# --- Replies, evaluation, closing -----------------------------------------------------------


def _reply_round(proposal: Proposal) -> int:
    return 2 if proposal.rehandled else 1


def proposal_reply(*, proposal: Proposal, actor, text: str, letter=None) -> Proposal:
    """答复: the lead unit's reply (by one of its handlers, or by staff who received it on
    paper), with the reply letter (答复函, a PDF) if given. Refused once the proposal was
    answered or closed; a letter that is not a PDF is refused before anything is written."""
    text = check_required("text", text)
    check_reply_letter(letter)

    def after(locked: Proposal) -> None:
        reply = ProposalReply.objects.create(
            proposal=locked,
            department=locked.lead_department,
            is_lead=True,
            round=_reply_round(locked),
            text=text,
            replied_by=actor,
        )
        if letter is not None:
            attachments_add(subject=reply, files=[letter], actor=actor)
        _tell_members(
            locked,
            lambda: (
                _("%(department)s replied to your proposal “%(title)s”")
                % {"department": locked.lead_department.name, "title": short(locked.title)}
            ),
            lambda: text + "\n\n" + _("Please evaluate the reply on your page."),
        )

    return run_edge(
        PROPOSAL,
        "replied",
        subject=proposal,
        actor=actor,
        note=text,
        actor_label=lambda p: p.lead_department.name,
        after=after,
    )


def proposal_co_reply(
    *, proposal: Proposal, actor, department: Department, text: str, letter=None
) -> Proposal:
    """A co-handling unit's opinion, for the lead unit to take into its reply, with its
    letter (a PDF) if given; the letter is checked before anything is written."""
    text = check_required("text", text)
    check_reply_letter(letter)

    def may_act(locked: Proposal) -> bool:
        is_co = locked.co_departments.filter(pk=department.pk).exists()
        return is_co and (
            handles_department(actor, department.pk) or selectors.may_review(actor, locked)
        )

    def after(locked: Proposal) -> None:
        reply = ProposalReply.objects.create(
            proposal=locked,
            department=department,
            is_lead=False,
            round=_reply_round(locked),
            text=text,
            replied_by=actor,
        )
        if letter is not None:
            attachments_add(subject=reply, files=[letter], actor=actor)
        _tell_departments(
            locked,
            [locked.lead_department],
            lambda: (
                _("%(department)s gave its opinion on “%(title)s”")
                % {"department": department.name, "title": short(locked.title)}
            ),
            text,
        )

    return run_edge(
        PROPOSAL,
        "co_replied",
        subject=proposal,
        actor=actor,
        may_act=may_act,
        note=text,
        actor_label=department.name,
        after=after,
    )


@in_site_language
def _evaluation_note(evaluation: str, note: str, sent_back: bool) -> str:
    parts = [Evaluation(evaluation).label]
    if sent_back:
        parts.append(_("Sent back to the handling units for re-handling."))
    if note:
        parts.append(note)
    return "\n".join(str(part) for part in parts)


def proposal_evaluate(*, proposal: Proposal, actor, evaluation: str, note: str = "") -> Proposal:
    """The proposer evaluates the reply: satisfied or basically satisfied ends the handling;
    unsatisfied sends it back to the units for re-handling, once (a second unsatisfied
    evaluation is recorded and the proposal waits to be closed)."""
    if evaluation not in Evaluation.values:
        raise ValidationError({"evaluation": _("Choose one of the answers.")})
    note = (note or "").strip()[:2000]

    def sends_back(locked: Proposal) -> bool:
        return evaluation == Evaluation.UNSATISFIED and not locked.rehandled

    def updates(locked: Proposal) -> dict:
        fields = {"evaluation": evaluation, "evaluation_note": note}
        if sends_back(locked):
            fields["rehandled"] = True
            fields["deadline"] = add_working_days(timezone.localdate(), REHANDLING_WORKING_DAYS)
        return fields

    def after(locked: Proposal) -> None:
        if locked.state != State.REHANDLING:
            return
        _tell_departments(
            locked,
            [locked.lead_department, *locked.co_departments.all()],
            lambda: (
                _("Proposal sent back for re-handling: %(number)s “%(title)s”")
                % {"number": locked.number_label, "title": short(locked.title)}
            ),
            lambda: (
                _("The proposer was not satisfied with the reply. Please reply by %(date)s.")
                % {"date": date_format(locked.deadline, "DATE_FORMAT")}
            ),
        )

    return run_edge(
        PROPOSAL,
        "evaluated",
        subject=proposal,
        actor=actor,
        choose_state=lambda p: State.REHANDLING if sends_back(p) else State.EVALUATED,
        updates=updates,
        note=lambda p: _evaluation_note(evaluation, note, sends_back(p)),
        actor_label=lambda p: actor_label(actor),
        after=after,
    )


def proposal_close(*, proposal: Proposal, actor) -> Proposal:
    """办结: the office closes an evaluated, replied or not-filed proposal."""
    return run_edge(
        PROPOSAL,
        "closed",
        subject=proposal,
        actor=actor,
        updates={"closed_at": timezone.now()},
        actor_label=office_label(),
        after=lambda p: _tell_members(
            p, lambda: _("Your proposal “%(title)s” was closed") % {"title": short(p.title)}
        ),
    )
