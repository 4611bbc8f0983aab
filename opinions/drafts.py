"""What a member writes before the office sees it: the registry of draft kinds.

An opinion report and a proposal are drafted the same way: a title, a category, the content, a
group it may be written for, the members who write or sign it with its owner, attachments;
saved as often as wanted, then submitted. One form (`forms.DraftForm`), one page
(`views.draft_form`, template `opinions/draft_form.html`) and one pair of services
(`services.drafts.draft_save` / `draft_submit`) serve every kind, reading its `DraftKind`
here. What happens after submission differs and stays with each kind's own steps
(services/reports.py, services/proposals.py). A new kind of written item is one declaration.

Nothing here imports opinions.services or opinions.forms at module level: both read this
registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow import Workflow

from . import selectors
from .models import OpinionReport, Proposal
from .workflow import PROPOSAL, REPORT, is_author, is_owner


@dataclass(frozen=True)
class DraftKind:
    # Also the draft's name in its pages' context and the prefix of its URL names
    # ("opinions:<key>_create", "_edit", "_detail", "_submit").
    key: str
    model: type[Model]
    workflow: Workflow
    # The member who answers for it (the author, the proposer).
    owner_field: str
    # The members who write or sign it with the owner: a many-to-many to Member.
    people_field: str
    people_label: Any
    people_help: Any
    # Who acts for the owners: edits the draft page, submits, is not told of their own draft.
    owned_by: Callable[[Any, Model], bool]
    # What the owner's display name is on the timeline row of the submission.
    submitted_by: Callable[[Model], str]
    # Fields written by the submission, given the locked row (inside its transaction).
    submit_updates: Callable[[Model], dict]
    # The drafts and submitted items a member may open (their own and those shared with them).
    of_member: Callable[[Any], QuerySet]
    # Refusal when there is no owner (and, where a group may own one, no group either).
    missing_owner: Any
    # A collective item: a group without a named owner member. Its conveners act for it and
    # are told of every step.
    group_may_own: bool = False
    group_label: Any = _("On behalf of a group")
    group_empty_label: Any = _("No, in my own name")
    # Page wording.
    subnav: str = ""
    write_title: Any = ""
    edit_title: Any = ""
    form_note: Any = ""
    # Told to the owners when someone else (staff) prepared the draft for them.
    prepared_title: Any = ""

    def url_name(self, page: str) -> str:
        return f"opinions:{self.key}_{page}"

    def owner_id(self, draft: Model) -> int | None:
        return getattr(draft, f"{self.owner_field}_id")

    def owner(self, draft: Model):
        return getattr(draft, self.owner_field)

    def people(self, draft: Model):
        return getattr(draft, self.people_field)


DRAFT_KINDS: dict[str, DraftKind] = {}


def register(kind: DraftKind) -> DraftKind:
    DRAFT_KINDS[kind.key] = kind
    return kind


# --- Opinion reports -------------------------------------------------------------------------

REPORT_DRAFT = register(
    DraftKind(
        key="report",
        model=OpinionReport,
        workflow=REPORT,
        owner_field="author",
        people_field="coauthors",
        people_label=_("Co-authors"),
        people_help=_("Members who wrote the report with you."),
        owned_by=is_author,
        submitted_by=lambda report: report.author.name,
        submit_updates=lambda _locked: {"submitted_at": timezone.now()},
        of_member=selectors.reports_of_member,
        missing_owner=_("An opinion report needs a member to write it."),
        subnav="reports",
        write_title=_("Write an opinion report"),
        edit_title=_("Edit opinion report"),
        form_note=_("A draft is seen only by you and your co-authors until you submit it."),
        prepared_title=_("A draft opinion report was prepared for you: “%(title)s”"),
    )
)


# --- Proposals -------------------------------------------------------------------------------


def _number_in_session(locked: Proposal) -> dict:
    from .services.proposals import proposal_number_take

    return proposal_number_take(locked)


PROPOSAL_DRAFT = register(
    DraftKind(
        key="proposal",
        model=Proposal,
        workflow=PROPOSAL,
        owner_field="proposer",
        people_field="cosigners",
        people_label=_("Co-signers"),
        people_help=_("Members who sign the proposal with you."),
        owned_by=is_owner,
        submitted_by=lambda proposal: proposal.proposer_label,
        submit_updates=_number_in_session,
        of_member=selectors.proposals_of_member,
        missing_owner=_("A proposal needs a proposer or a group."),
        group_may_own=True,
        group_label=_("Collective proposal of a group"),
        group_empty_label=_("No, my own proposal"),
        subnav="proposals",
        write_title=_("Write a proposal"),
        edit_title=_("Edit proposal"),
        form_note=_("A proposal gets its number when you submit it."),
        prepared_title=_("A draft proposal was prepared for you: “%(title)s”"),
    )
)
