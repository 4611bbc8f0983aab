"""The states' edges of resident issues, declared once.

The services take each step through `core.workflow.run_edge`; the admin's triage panel reads
the same declaration to offer the steps open in an issue's state.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Edge, Guard, Workflow, register, staff_in_scope

from . import selectors
from .models import ResidentIssue

State = ResidentIssue.State
OPEN = ResidentIssue.OPEN_STATES
HANDLING = (State.ACCEPTED, State.IN_PROGRESS)
TRIAGE_PERMISSION = "residents.change_residentissue"


def may_triage(actor, issue: ResidentIssue) -> bool:
    """Staff who may triage resident issues, and whose scope includes this one."""
    return staff_in_scope(
        actor, issue, permission=TRIAGE_PERMISSION, visible=selectors.issues_visible_to
    )


# The resident answers once, when the issue they follow (their own, or the one it was merged
# into) is closed.
FOLLOWED_CLOSED = Guard(
    "followed_issue_closed",
    lambda issue: (issue.merged_into or issue).state == State.CLOSED,
    _("You can say whether it was solved once the issue is closed."),
)
OUTCOME_KNOWN = Guard(
    "outcome_known",
    lambda issue: selectors.issue_outcome_known(issue.merged_into or issue),
    _("You can say whether it was solved once the report or proposal made of it has an outcome."),
)
NOT_ANSWERED_YET = Guard(
    "not_answered_yet",
    lambda issue: not issue.satisfaction,
    _("You have already answered. Thank you."),
)

ISSUE = register(
    Workflow(
        model=ResidentIssue,
        edges=(
            Edge(
                "issue_accept",
                _("issue accepted"),
                (State.SUBMITTED,),
                State.ACCEPTED,
                may_act=may_triage,
                public=True,
            ),
            Edge(
                "issue_route",
                _("handed on"),
                HANDLING,
                State.IN_PROGRESS,
                may_act=may_triage,
                public=True,
            ),
            Edge(
                "issue_convert",
                # A draft started for a member: "taken up by a member" comes when they submit
                # it (the tracking page reads it from the report's or proposal's own date).
                _("passed to a member to write"),
                HANDLING,
                State.IN_PROGRESS,
                may_act=may_triage,
                public=True,
            ),
            Edge(
                "issue_answer",
                _("answered"),
                HANDLING,
                State.ANSWERED,
                may_act=may_triage,
                public=True,
            ),
            Edge("issue_close", _("closed"), OPEN, State.CLOSED, may_act=may_triage, public=True),
            Edge(
                "issue_merge",
                _("merged with the same matter"),
                OPEN,
                State.MERGED,
                may_act=may_triage,
                public=True,
            ),
            # Anonymous: whoever holds the tracking code. The guard, not the state list, says
            # when (closed, or merged into a closed issue), in words a resident understands.
            Edge(
                "issue_feedback",
                _("resident said whether it was solved"),
                tuple(State.values),
                guards=(FOLLOWED_CLOSED, OUTCOME_KNOWN, NOT_ANSWERED_YET),
            ),
            Edge("issue_note", _("internal note"), tuple(State.values), may_act=may_triage),
        ),
        other_actions={
            "issue_submit": _("issue received"),
            "issue_absorb": _("another issue merged into this one"),
        },
    )
)
