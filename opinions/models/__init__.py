from .attachments import Attachment
from .common import Category, Department
from .proposals import CommitteeSession, Proposal, ProposalReply
from .reports import (
    AdoptionLevel,
    Bulletin,
    DeclineReason,
    LeaderInstruction,
    OpinionReport,
    ReportAdoption,
    ReportReply,
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
    "OpinionReport",
    "Proposal",
    "ProposalReply",
    "ReportAdoption",
    "ReportReply",
]
