from .attachments import Attachment
from .common import Category, Department, Notification, TimelineEntry, register_actions
from .proposals import CommitteeSession, Proposal, ProposalReply
from .reports import (
    AdoptionLevel,
    Bulletin,
    DeclineReason,
    LeaderInstruction,
    OpinionReport,
    ReportAdoption,
)

__all__ = [
    "AdoptionLevel",
    "Attachment",
    "Bulletin",
    "Category",
    "CommitteeSession",
    "DeclineReason",
    "Department",
    "LeaderInstruction",
    "Notification",
    "OpinionReport",
    "Proposal",
    "ProposalReply",
    "ReportAdoption",
    "TimelineEntry",
    "register_actions",
]
