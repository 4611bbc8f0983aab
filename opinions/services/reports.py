"""Opinion reports (社情民意信息): one function per step, each taking an edge declared in
opinions/workflow.py (core.workflow.run_edge).

Steps: create → (edit draft) → submit → start review → [edit with consent] → adopt (may climb)
/ forward to a department / decline → [leader's instruction] → department's feedback → close.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.language import in_site_language
from core.notifications import notify_in_site_language
from core.workflow import TransitionRefused, run_edge
from members import roles
from members.models import Member

from ..drafts import REPORT_DRAFT
from ..models import (
    AdoptionLevel,
    Bulletin,
    DeclineReason,
    Department,
    LeaderInstruction,
    OpinionReport,
    ReportAdoption,
)
from ..workflow import REPORT
from .common import (
    check_deadline,
    check_required,
    check_text,
    department_users,
    office_label,
    short,
)
from .drafts import draft_save, draft_submit, draft_tell_members

State = OpinionReport.State
MAX_LEADER_CHARS = 100

# --- Who is told ------------------------------------------------------------------------------


def _department_url(report: OpinionReport) -> str:
    return reverse("departments:report_detail", args=[report.pk])


def _tell_members(report: OpinionReport, title, body="") -> None:
    draft_tell_members(REPORT_DRAFT, report, title, body)


# --- Drafts: written and submitted as every draft kind is (opinions/drafts.py) -------------


def opinion_report_create(
    *, actor, author: Member, coauthors: Iterable[Member] = (), **fields
) -> OpinionReport:
    """A new DRAFT report by `author` and its co-authors (see `draft_save`)."""
    return draft_save(REPORT_DRAFT, actor=actor, owner=author, people=coauthors, **fields)


def opinion_report_update(
    *, report: OpinionReport, actor, coauthors: Iterable[Member] = (), **fields
) -> OpinionReport:
    """Change a draft report (see `draft_save`)."""
    return draft_save(REPORT_DRAFT, actor=actor, draft=report, people=coauthors, **fields)


def opinion_report_submit(*, report: OpinionReport, actor) -> OpinionReport:
    """The author sends the draft to the office."""
    return draft_submit(REPORT_DRAFT, draft=report, actor=actor)


# --- The office's review ------------------------------------------------------------------


def opinion_report_start_review(*, report: OpinionReport, actor) -> OpinionReport:
    """编审: the office takes the report up."""
    return run_edge(
        REPORT,
        "review_started",
        subject=report,
        actor=actor,
        actor_label=office_label(),
        after=lambda r: _tell_members(
            r,
            lambda: (
                _("Your opinion report “%(title)s” is being reviewed") % {"title": short(r.title)}
            ),
        ),
    )


@in_site_language
def _edit_note(locked: OpinionReport, *, title: str, content: str, consent_note: str) -> str:
    if locked.title == title and locked.content == content:
        raise TransitionRefused(_("Nothing was changed."))
    parts = [_("Author's consent: %(how)s") % {"how": consent_note}]
    if locked.title != title:
        parts.append(_("Title before: %(title)s") % {"title": locked.title})
        parts.append(_("Title after: %(title)s") % {"title": title})
    if locked.content != content:
        parts.append(_("Text before:") + "\n" + locked.content)
        parts.append(_("Text after:") + "\n" + content)
    return "\n\n".join(parts)


def opinion_report_edit_with_consent(
    *,
    report: OpinionReport,
    actor,
    title: str,
    content: str,
    author_consented: bool,
    consent_note: str,
) -> OpinionReport:
    """Staff edit a submitted report's title or text, only with the author's consent, which
    they confirm and describe (how and when it was given). The timeline row keeps the text
    before and after, and the authors are told."""
    if not author_consented:
        raise TransitionRefused(
            _("A report may be edited only with its author's consent: confirm that they agreed.")
        )
    consent_note = check_required("consent_note", consent_note, limit=300)
    title, content = check_text(title=title, content=content)
    return run_edge(
        REPORT,
        "edited_with_consent",
        subject=report,
        actor=actor,
        note=lambda r: _edit_note(r, title=title, content=content, consent_note=consent_note),
        updates={"title": title, "content": content},
        actor_label=office_label(),
        after=lambda r: _tell_members(
            r,
            lambda: (
                _("Your opinion report “%(title)s” was edited with your consent")
                % {"title": short(r.title)}
            ),
            lambda: _("See the text before and after on your page."),
        ),
    )


@in_site_language
def _adoption_note(level: AdoptionLevel, bulletin: Bulletin | None) -> str:
    if bulletin is None:
        return _("Adopted at %(level)s level") % {"level": level.label}
    return _("Adopted at %(level)s level, in %(bulletin)s") % {
        "level": level.label,
        "bulletin": str(bulletin),
    }


def opinion_report_adopt(
    *,
    report: OpinionReport,
    actor,
    level: int,
    bulletin: Bulletin | None = None,
    note: str = "",
) -> OpinionReport:
    """采用: adopt the report at a level, optionally in a bulletin issue.

    The first adoption moves a report in review to "adopted"; a report can then climb (city,
    province, national), even once forwarded: each adoption is its own row, each level once,
    and only upwards.
    """
    try:
        level = AdoptionLevel(int(level))
    except (TypeError, ValueError):
        raise ValidationError({"level": _("Choose a level from the list.")}) from None

    def target_state(locked: OpinionReport) -> str | None:
        top = locked.adoptions.aggregate(top=Max("level"))["top"]
        if top is not None and level <= top:
            raise TransitionRefused(
                _("This report was already adopted at %(level)s level; it can only climb.")
                % {"level": AdoptionLevel(top).label}
            )
        return State.ADOPTED if locked.state == State.IN_REVIEW else None

    def after(locked: OpinionReport) -> None:
        ReportAdoption.objects.create(report=locked, level=level, bulletin=bulletin, note=note)
        _tell_members(
            locked,
            lambda: (
                _("Your opinion report “%(title)s” was adopted at %(level)s level")
                % {"title": short(locked.title), "level": level.label}
            ),
            lambda: _adoption_note(level, bulletin),
        )

    return run_edge(
        REPORT,
        "adopted",
        subject=report,
        actor=actor,
        choose_state=target_state,
        note=_adoption_note(level, bulletin),
        actor_label=office_label(),
        after=after,
    )


@in_site_language
def forward_note(department: Department, reply_due: date) -> str:
    return _("Forwarded to %(department)s; reply due by %(date)s") % {
        "department": department.name,
        "date": date_format(reply_due, "DATE_FORMAT"),
    }


def opinion_report_forward(
    *, report: OpinionReport, actor, department: Department, reply_due: date
) -> OpinionReport:
    """转办: forward the report to a handling department, which must reply by `reply_due`."""
    check_deadline(reply_due, field="reply_due")

    def after(locked: OpinionReport) -> None:
        _tell_members(
            locked,
            lambda: (
                _("Your opinion report “%(title)s” was forwarded to %(department)s")
                % {"title": short(locked.title), "department": department.name}
            ),
        )
        notify_in_site_language(
            recipients=department_users([department]),
            title=lambda: (
                _("An opinion report was forwarded to you: “%(title)s”")
                % {"title": short(locked.title)}
            ),
            body=lambda: (
                _("Please reply by %(date)s.") % {"date": date_format(reply_due, "DATE_FORMAT")}
            ),
            url=_department_url(locked),
        )

    return run_edge(
        REPORT,
        "forwarded",
        subject=report,
        actor=actor,
        updates={"department": department, "reply_due": reply_due, "forwarded_at": timezone.now()},
        note=forward_note(department, reply_due),
        actor_label=office_label(),
        after=after,
    )


def opinion_report_decline(
    *, report: OpinionReport, actor, reason: DeclineReason, explanation: str = ""
) -> OpinionReport:
    """Not adopted, with a reason from the staff's list; the explanation goes to the authors
    only (the public timeline shows the reason)."""
    if reason is None or not reason.is_active:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    explanation = (explanation or "").strip()

    def after(locked: OpinionReport) -> None:
        _tell_members(
            locked,
            lambda: (
                _("Your opinion report “%(title)s” was not adopted")
                % {"title": short(locked.title)}
            ),
            lambda: "\n\n".join(filter(None, [reason.label, explanation])),
        )

    return run_edge(
        REPORT,
        "declined",
        subject=report,
        actor=actor,
        updates={"decline_reason": reason, "decline_note": explanation},
        note=reason.label,
        actor_label=office_label(),
        after=after,
    )


def opinion_report_record_instruction(
    *, report: OpinionReport, actor, leader: str, text: str, given_on: date | None = None
) -> OpinionReport:
    """领导批示: record a leader's instruction on the report; the authors (and the department
    handling it) are told."""
    leader = check_required("leader", leader, limit=MAX_LEADER_CHARS)
    text = check_required("text", text)
    given_on = given_on or timezone.localdate()

    def after(locked: OpinionReport) -> None:
        LeaderInstruction.objects.create(report=locked, leader=leader, text=text, given_on=given_on)
        _tell_members(
            locked,
            lambda: (
                _("A leader's instruction on your opinion report “%(title)s”")
                % {"title": short(locked.title)}
            ),
            f"{leader}: {text}",
        )
        if locked.department_id:
            notify_in_site_language(
                recipients=department_users([locked.department]),
                title=lambda: (
                    _("A leader's instruction on “%(title)s”") % {"title": short(locked.title)}
                ),
                body=f"{leader}: {text}",
                url=_department_url(locked),
            )

    return run_edge(
        REPORT,
        "instruction",
        subject=report,
        actor=actor,
        note=f"{leader}: {text}",
        actor_label=office_label(),
        after=after,
    )


# --- The department's feedback and the end ------------------------------------------------


def opinion_report_reply(*, report: OpinionReport, actor, feedback: str) -> OpinionReport:
    """反馈: the department's feedback on a forwarded report, by one of its handlers (or by
    staff who received it on paper). Refused once the report was answered or closed."""
    feedback = check_required("feedback", feedback)

    def after(locked: OpinionReport) -> None:
        _tell_members(
            locked,
            lambda: (
                _("%(department)s replied to your opinion report “%(title)s”")
                % {"department": locked.department.name, "title": short(locked.title)}
            ),
            feedback,
        )

    return run_edge(
        REPORT,
        "replied",
        subject=report,
        actor=actor,
        updates={"feedback": feedback, "feedback_at": timezone.now()},
        note=feedback,
        actor_label=lambda r: r.department.name,
        after=after,
    )


def opinion_report_close(*, report: OpinionReport, actor) -> OpinionReport:
    """办结: the office closes an adopted, answered or declined report."""
    return run_edge(
        REPORT,
        "closed",
        subject=report,
        actor=actor,
        updates={"closed_at": timezone.now()},
        actor_label=office_label(),
        after=lambda r: _tell_members(
            r,
            lambda: _("Your opinion report “%(title)s” was closed") % {"title": short(r.title)},
        ),
    )


# --- Bulletin issues ------------------------------------------------------------------------


def bulletin_create(
    *, actor, year: int | None = None, title: str = "", published_on: date | None = None
) -> Bulletin:
    """A new issue of 《社情民意》, numbered after the year's last one.

    Two staff creating issues at once cannot get the same number: the unique (year, number)
    constraint refuses the second insert, which then takes the next number.
    """
    if not roles_office_or_liaison(actor):
        raise TransitionRefused(_("You are not allowed to do this."))
    published_on = published_on or timezone.localdate()
    year = year or published_on.year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                top = Bulletin.objects.filter(year=year).aggregate(top=Max("number"))["top"]
                return Bulletin.objects.create(
                    year=year, number=(top or 0) + 1, title=title, published_on=published_on
                )
        except IntegrityError:
            continue
    raise TransitionRefused(_("Another issue was being numbered at the same time; try again."))


def roles_office_or_liaison(user) -> bool:
    return roles.is_office_staff(user) or roles.has_role(user, roles.LIAISON_STAFF)
