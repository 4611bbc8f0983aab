"""The states' edges of opinion reports and proposals, declared once.

The services take each step through `core.workflow.run_edge`; the admin step panel and the
member and department pages read the same declaration.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Edge, Guard, Workflow, register

from . import selectors
from .models import CommitteeSession, Department, OpinionReport, Proposal, ReportReply

ReportState = OpinionReport.State
ProposalState = Proposal.State


# --- Who may act ------------------------------------------------------------------------------


def reviewer(actor, subject) -> bool:
    """Office staff, or liaison staff whose groups include the item's members."""
    return selectors.may_review(actor, subject)


def handles_department(actor, department_id: int | None) -> bool:
    return (
        department_id is not None
        and Department.handlers.through.objects.filter(
            department_id=department_id, user_id=actor.pk
        ).exists()
    )


def report_department_ids(report: OpinionReport) -> set[int]:
    """The lead and co-handling departments the report was forwarded to."""
    ids = set(
        OpinionReport.co_departments.through.objects.filter(opinionreport=report).values_list(
            "department_id", flat=True
        )
    )
    if report.department_id is not None:
        ids.add(report.department_id)
    return ids


def handles_report(actor, report: OpinionReport) -> bool:
    """A handler of one of the departments the report was forwarded to."""
    ids = report_department_ids(report)
    return bool(ids) and (
        Department.handlers.through.objects.filter(department_id__in=ids, user_id=actor.pk).exists()
    )


def is_author(actor, report: OpinionReport) -> bool:
    member = selectors.member_of(actor)
    return member is not None and report.author_id == member.pk


def is_owner(actor, proposal: Proposal) -> bool:
    return selectors.is_proposal_owner(selectors.member_of(actor), proposal)


# --- Opinion reports --------------------------------------------------------------------------

ALL_DEPARTMENTS_REPLIED = Guard(
    "all_departments_replied",
    lambda report: (
        report_department_ids(report)
        <= set(ReportReply.objects.filter(report=report).values_list("department_id", flat=True))
    ),
    _("Not every handling department has replied yet."),
)

REPORT = register(
    Workflow(
        model=OpinionReport,
        edges=(
            Edge(
                "edited",
                _("draft edited"),
                (ReportState.DRAFT,),
                may_act=lambda actor, r: is_author(actor, r) or reviewer(actor, r),
            ),
            Edge(
                "submitted",
                _("submitted"),
                (ReportState.DRAFT,),
                ReportState.SUBMITTED,
                may_act=is_author,
                public=True,
            ),
            Edge(
                "review_started",
                _("review started"),
                (ReportState.SUBMITTED,),
                ReportState.IN_REVIEW,
                may_act=reviewer,
            ),
            Edge(
                "edited_with_consent",
                _("edited by the office with the author's consent"),
                (ReportState.SUBMITTED, ReportState.IN_REVIEW),
                may_act=reviewer,
            ),
            # The first adoption moves a report in review to "adopted"; a report can then
            # climb (city, province, national) in the later states, which it keeps.
            Edge(
                "adopted",
                _("adopted"),
                (
                    ReportState.IN_REVIEW,
                    ReportState.ADOPTED,
                    ReportState.FORWARDED,
                    ReportState.FEEDBACK,
                ),
                ReportState.ADOPTED,
                also_to=(None,),
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "forwarded",
                _("forwarded to a department"),
                (ReportState.IN_REVIEW, ReportState.ADOPTED),
                ReportState.FORWARDED,
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "declined",
                _("not adopted"),
                (ReportState.SUBMITTED, ReportState.IN_REVIEW),
                ReportState.DECLINED,
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "instruction",
                _("leader's instruction"),
                (
                    ReportState.IN_REVIEW,
                    ReportState.ADOPTED,
                    ReportState.FORWARDED,
                    ReportState.FEEDBACK,
                ),
                may_act=reviewer,
            ),
            # Each department on the report replies once; the state stays "forwarded" until
            # every one of them has (the service then takes "all_replied" in the same
            # transaction). Lead and co-handling departments were each asked for their part of
            # the answer (the school gate needed the street office, education, housing and the
            # traffic police), so the report is answered only when all parts are in, and the
            # overdue list keeps chasing a department that has not replied.
            Edge(
                "replied",
                _("department replied"),
                (ReportState.FORWARDED,),
                may_act=lambda actor, r: handles_report(actor, r) or reviewer(actor, r),
                public=True,
            ),
            Edge(
                "all_replied",
                _("every handling department replied"),
                (ReportState.FORWARDED,),
                ReportState.FEEDBACK,
                may_act=lambda actor, r: handles_report(actor, r) or reviewer(actor, r),
                guards=(ALL_DEPARTMENTS_REPLIED,),
                public=True,
            ),
            Edge(
                "closed",
                _("closed"),
                (ReportState.ADOPTED, ReportState.FEEDBACK, ReportState.DECLINED),
                ReportState.CLOSED,
                may_act=reviewer,
                public=True,
            ),
        ),
        other_actions={"created": _("created")},
    )
)


# --- Proposals --------------------------------------------------------------------------------

SESSION_OPEN = Guard(
    "session_open",
    lambda proposal: CommitteeSession.objects.filter(is_current=True).exists(),
    _("No committee session is open for proposals; ask the committee office."),
)

PROPOSAL = register(
    Workflow(
        model=Proposal,
        edges=(
            Edge(
                "edited",
                _("draft edited"),
                (ProposalState.DRAFT,),
                may_act=lambda actor, p: is_owner(actor, p) or reviewer(actor, p),
            ),
            Edge(
                "submitted",
                _("submitted"),
                (ProposalState.DRAFT,),
                ProposalState.SUBMITTED,
                may_act=is_owner,
                guards=(SESSION_OPEN,),
                public=True,
            ),
            Edge(
                "filed",
                _("filed"),
                (ProposalState.SUBMITTED,),
                ProposalState.FILED,
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "not_filed",
                _("not filed, turned into a suggestion"),
                (ProposalState.SUBMITTED,),
                ProposalState.NOT_FILED,
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "assigned",
                _("assigned to handling units"),
                (ProposalState.FILED,),
                ProposalState.ASSIGNED,
                may_act=reviewer,
                public=True,
            ),
            Edge(
                "marked_key",
                _("made a key proposal"),
                (ProposalState.FILED, *Proposal.AWAITING_REPLY, ProposalState.REPLIED),
                may_act=reviewer,
            ),
            Edge(
                "replied",
                _("department replied"),
                Proposal.AWAITING_REPLY,
                ProposalState.REPLIED,
                may_act=lambda actor, p: (
                    handles_department(actor, p.lead_department_id) or reviewer(actor, p)
                ),
                public=True,
            ),
            # Who may act depends on the co-handling unit named: the service checks it.
            Edge(
                "co_replied",
                _("co-handling unit gave its opinion"),
                Proposal.AWAITING_REPLY,
            ),
            # Unsatisfied the first time: back to the units for re-handling.
            Edge(
                "evaluated",
                _("proposer evaluated the reply"),
                (ProposalState.REPLIED,),
                ProposalState.EVALUATED,
                also_to=(ProposalState.REHANDLING,),
                may_act=is_owner,
            ),
            Edge(
                "closed",
                _("closed"),
                (ProposalState.EVALUATED, ProposalState.REPLIED, ProposalState.NOT_FILED),
                ProposalState.CLOSED,
                may_act=reviewer,
                public=True,
            ),
        ),
        other_actions={"created": _("created")},
    )
)
