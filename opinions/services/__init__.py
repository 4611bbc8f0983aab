"""Writes and state changes of reports and proposals: one function per step.

Each step takes an edge declared in opinions/workflow.py (core.workflow.run_edge): it checks
who may take it and from which state, and writes the new state and a timeline row in one
transaction. Admin actions, member views, department views and other apps (resident issues)
all call these.
"""

from .drafts import draft_save, draft_submit
from .proposals import (
    committee_session_make_current,
    proposal_assign,
    proposal_close,
    proposal_co_reply,
    proposal_create,
    proposal_evaluate,
    proposal_file,
    proposal_mark_key,
    proposal_not_file,
    proposal_reply,
    proposal_submit,
    proposal_update,
)
from .reports import (
    bulletin_create,
    opinion_report_adopt,
    opinion_report_close,
    opinion_report_create,
    opinion_report_decline,
    opinion_report_edit_with_consent,
    opinion_report_forward,
    opinion_report_record_instruction,
    opinion_report_reply,
    opinion_report_start_review,
    opinion_report_submit,
    opinion_report_update,
)

__all__ = [
    "bulletin_create",
    "committee_session_make_current",
    "draft_save",
    "draft_submit",
    "opinion_report_adopt",
    "opinion_report_close",
    "opinion_report_create",
    "opinion_report_decline",
    "opinion_report_edit_with_consent",
    "opinion_report_forward",
    "opinion_report_record_instruction",
    "opinion_report_reply",
    "opinion_report_start_review",
    "opinion_report_submit",
    "opinion_report_update",
    "proposal_assign",
    "proposal_close",
    "proposal_co_reply",
    "proposal_create",
    "proposal_evaluate",
    "proposal_file",
    "proposal_mark_key",
    "proposal_not_file",
    "proposal_reply",
    "proposal_submit",
    "proposal_update",
]
