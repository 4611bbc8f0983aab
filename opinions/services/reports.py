"""Opinion reports (社情民意信息): one function per step, each taking an edge declared in
opinions/workflow.py (core.workflow.run_edge).

Steps: create → (edit draft) → submit → start review → [edit with consent] → adopt (may climb)
/ forward to a lead department and co-handling ones / decline → [leader's instruction] → each
department's reply (feedback received once all replied) → close.
"""

from collections.abc import Iterable, Sequence
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

from .. import selectors
from ..drafts import REPORT_DRAFT
from ..models import (
    AdoptionLevel,
    Bulletin,
    DeclineReason,
    Department,
    LeaderInstruction,
    OpinionReport,
    ReportAdoption,
    ReportReply,
)
from ..workflow import (
    ALL_DEPARTMENTS_REPLIED,
    REPORT,
    handles_department,
    report_department_ids,
)
from .common import (
    attachments_add,
    check_deadline,
    check_reply_letter,
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
def forward_note(
    department: Department, reply_due: date, co_departments: Sequence[Department] = ()
) -> str:
    if co_departments:
        return _(
            "Forwarded to %(department)s (lead) with %(co)s (co-handling); reply due by %(date)s"
        ) % {
            "department": department.name,
            "co": "、".join(co.name for co in co_departments),
            "date": date_format(reply_due, "DATE_FORMAT"),
        }
    return _("Forwarded to %(department)s; reply due by %(date)s") % {
        "department": department.name,
        "date": date_format(reply_due, "DATE_FORMAT"),
    }


def opinion_report_forward(
    *,
    report: OpinionReport,
    actor,
    department: Department,
    reply_due: date,
    co_departments: Iterable[Department] = (),
) -> OpinionReport:
    """转办: forward the report to a lead handling department and any number of co-handling
    departments at once; each must reply by `reply_due` (the lead named among the co-handlers
    counts once, as the lead)."""
    check_deadline(reply_due, field="reply_due")
    if department is None:
        raise ValidationError({"department": _("Choose the lead department.")})
    co_list = [co for co in dict.fromkeys(co_departments) if co.pk != department.pk]

    def after(locked: OpinionReport) -> None:
        locked.co_departments.set(co_list)
        names = "、".join(d.name for d in [department, *co_list])
        _tell_members(
            locked,
            lambda: (
                _("Your opinion report “%(title)s” was forwarded to %(department)s")
                % {"title": short(locked.title), "department": names}
            ),
        )
        notify_in_site_language(
            recipients=department_users([department, *co_list]),
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
        note=forward_note(department, reply_due, co_list),
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
        departments = list(selectors.report_departments(locked))
        if departments:
            notify_in_site_language(
                recipients=department_users(departments),
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


def _replying_department(report: OpinionReport, actor, department: Department | None):
    """The department a reply is from: the one named, else the actor's own department on the
    report (the lead first), else the lead (staff entering a reply that came on paper)."""
    if department is not None:
        return department
    on_report = selectors.report_departments(report)
    mine = set(selectors.departments_of(actor).values_list("pk", flat=True))
    return next((d for d in on_report if d.pk in mine), None) or report.department


def opinion_report_reply(
    *,
    report: OpinionReport,
    actor,
    feedback: str,
    department: Department | None = None,
    letter=None,
) -> OpinionReport:
    """反馈: one department's reply to a forwarded report, by one of its handlers (or by staff
    who received it on paper), with the reply letter (答复函, a PDF) if given. Each department
    on the report replies once; when the last of them has, the report moves to "feedback
    received" ("all_replied", in the same transaction). Refused for a department not on the
    report, a second reply from the same department, and once the report left "forwarded"."""
    feedback = check_required("feedback", feedback)
    check_reply_letter(letter)
    # Which department replies is read from the locked row (the caller's copy may predate
    # the forwarding), by the first check that runs on it.
    chosen: dict[str, Department | None] = {}

    def may_act(locked: OpinionReport) -> bool:
        chosen["department"] = replying = _replying_department(locked, actor, department)
        if replying is None or replying.pk not in report_department_ids(locked):
            return False
        return handles_department(actor, replying.pk) or selectors.may_review(actor, locked)

    def note(locked: OpinionReport) -> str:
        replying = chosen["department"]
        if ReportReply.objects.filter(report=locked, department=replying).exists():
            raise TransitionRefused(
                _("%(department)s has already replied to this report.")
                % {"department": replying.name}
            )
        return feedback

    def after(locked: OpinionReport) -> None:
        replying = chosen["department"]
        reply = ReportReply.objects.create(
            report=locked,
            department=replying,
            is_lead=replying.pk == locked.department_id,
            text=feedback,
            replied_by=actor if getattr(actor, "pk", None) else None,
        )
        if letter is not None:
            attachments_add(subject=reply, files=[letter], actor=actor)
        _tell_members(
            locked,
            lambda: (
                _("%(department)s replied to your opinion report “%(title)s”")
                % {"department": replying.name, "title": short(locked.title)}
            ),
            feedback,
        )
        if ALL_DEPARTMENTS_REPLIED.check(locked):
            run_edge(
                REPORT,
                "all_replied",
                subject=locked,
                actor=actor,
                updates={"feedback_at": timezone.now()},
                actor_label=replying.name,
            )

    run_edge(
        REPORT,
        "replied",
        subject=report,
        actor=actor,
        may_act=may_act,
        note=note,
        actor_label=lambda locked: chosen["department"].name,
        after=after,
    )
    return OpinionReport.objects.get(pk=report.pk)


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
