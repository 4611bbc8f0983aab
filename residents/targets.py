"""Where a resident issue can go: the registry of target kinds.

Routing (to a group, a member) points the issue at something that exists; conversion (into an
opinion report, a proposal) creates a new item from it. Both are one `IssueLink` row with one
foreign key per kind, written by `issue_route` / `issue_convert` in services.py, which ask this
registry what to do. A new target (a studio, a consultation topic with source 社会征) is added
here — one `TargetKind` and one foreign key on `IssueLink` — and every path (the services, the
admin forms, the tracking page, the link back from the target) picks it up.

Nothing here imports residents.models at module level: models.py reads the registry to build
IssueLink's choices and constraint. Studios sit above residents: their model and scope are
reached by name (`django.apps.apps.get_model`, `core.admin_scoping.visible_rows`), never imported.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TargetKind:
    key: str
    # The foreign key on IssueLink that points at the target.
    field: str
    label: Any
    # "app_label.ModelName" of the target.
    model: str
    # What the resident reads on the tracking page about this step (public wording).
    public_text: Callable[[Model], str]
    # Routing: the targets `user` may pick. Conversion kinds leave it None and set `create`.
    choices: Callable[[Any], QuerySet] | None = None
    # Routing: the filter of the targets that belong to the issue's street (offered first), or
    # None when the issue's street has none.
    near: Callable[[Any], Q | None] = field(default=lambda issue: None)
    # Routing: the filter of the targets matching what staff typed in the picker.
    matching: Callable[[str], Q] = field(default=lambda term: Q(pk__in=[]))
    # Routing: how a target reads in the picker (defaults to str(target)).
    choice_label: Callable[[Model], str] = field(default=str)
    # Conversion: make the new item, inside the step's transaction. Keyword arguments: issue,
    # actor, member, group, title, category.
    create: Callable[..., Model] | None = None
    # Whom to tell (users), given the target.
    recipients: Callable[[Model], list] = field(default=lambda target: [])
    # The target has a workflow of its own whose public timeline rows (department replies…)
    # the resident follows on the tracking page.
    follows_public_timeline: bool = False
    # Conversion: when the member made the item their own (submitted it), None while it is
    # still the draft staff started for them. Until then the resident reads `pending_text`:
    # that it was passed to a member to write, not that a member took it up.
    member_acted_at: Callable[[Model], Any] = field(default=lambda target: None)
    pending_text: Callable[[Model], str] | None = None
    # Conversion: the item has come to an outcome the resident can judge (a reply, a decision
    # not to adopt it, its closing). Until then they are not asked whether it was solved.
    settled: Callable[[Model], bool] = field(default=lambda target: True)

    @property
    def creates(self) -> bool:
        return self.create is not None


TARGET_KINDS: dict[str, TargetKind] = {}


def register(kind: TargetKind) -> TargetKind:
    TARGET_KINDS[kind.key] = kind
    return kind


def route_kinds() -> list[TargetKind]:
    return [kind for kind in TARGET_KINDS.values() if not kind.creates]


def convert_kinds() -> list[TargetKind]:
    return [kind for kind in TARGET_KINDS.values() if kind.creates]


def select_related_fields() -> list[str]:
    """Every target field, for one query that loads a page's links with their targets."""
    return [kind.field for kind in TARGET_KINDS.values()]


# --- Groups and members ----------------------------------------------------------------------


def _visible_groups(user) -> QuerySet:
    from members.selectors import groups_visible_to

    return groups_visible_to(user)


def _visible_members(user) -> QuerySet:
    from members.selectors import members_visible_to

    return members_visible_to(user).active().select_related("sector")


def _by_name(term: str) -> Q:
    """Name as typed (张) or its pinyin (zhang): the sort key spells each syllable."""
    return Q(name__icontains=term) | Q(name_pinyin__icontains=term.lower())


def _street_group_id(issue):
    return issue.street.group_id if issue.street_id else None


def _group_recipients(group) -> list:
    from members.models import User

    return list(
        User.objects.filter(liaison_groups=group, is_active=True).union(
            User.objects.filter(member__convened_groups=group, is_active=True)
        )
    )


register(
    TargetKind(
        key="group",
        field="group",
        label=_("group"),
        model="members.Group",
        public_text=lambda group: (
            gettext("Handed to %(name)s to follow up.") % {"name": group.name}
        ),
        choices=_visible_groups,
        near=lambda issue: Q(pk=gid) if (gid := _street_group_id(issue)) else None,
        matching=_by_name,
        recipients=_group_recipients,
    )
)
register(
    TargetKind(
        key="member",
        field="member",
        label=_("member"),
        model="members.Member",
        public_text=lambda member: (
            gettext("Handed to CPPCC member %(name)s to follow up.") % {"name": member.name}
        ),
        choices=_visible_members,
        near=lambda issue: Q(street_group=gid) if (gid := _street_group_id(issue)) else None,
        matching=_by_name,
        choice_label=lambda member: f"{member.name}（{member.sector.name}）",
        recipients=lambda member: [member.user],
    )
)


# --- Opinion reports and proposals ---------------------------------------------------------------


def _draft_content(issue) -> str:
    """The draft's text: what the resident wrote and where; never their name or phone."""
    from django.conf import settings
    from django.utils import timezone, translation

    with translation.override(settings.LANGUAGE_CODE):
        where = " ".join(
            part
            for part in (
                issue.street.name,
                issue.community.name if issue.community_id else "",
                issue.place,
            )
            if part
        )
        return "\n\n".join(
            [
                issue.description,
                gettext("Place: %(where)s") % {"where": where},
                gettext("Source: resident issue %(code)s of %(date)s (%(category)s).")
                % {
                    "code": issue.tracking_code,
                    "date": timezone.localtime(issue.created_at).strftime("%Y-%m-%d"),
                    "category": issue.get_category_display(),
                },
            ]
        )


def _create_report(*, issue, actor, member, group, title, category):
    from django.core.exceptions import ValidationError

    from opinions.services import opinion_report_create

    if member is None:
        raise ValidationError(gettext("An opinion report needs a member to write it."))
    return opinion_report_create(
        actor=actor,
        author=member,
        title=title,
        content=_draft_content(issue),
        category=category,
        group=group,
    )


def _create_proposal(*, issue, actor, member, group, title, category):
    from opinions.services import proposal_create

    return proposal_create(
        actor=actor,
        proposer=member,
        group=group,
        title=title,
        content=_draft_content(issue),
        category=category,
    )


def _report_settled(report) -> bool:
    return report.state in {
        report.State.DECLINED,
        report.State.FEEDBACK,
        report.State.CLOSED,
    }


def _proposal_settled(proposal) -> bool:
    return proposal.state in {
        proposal.State.NOT_FILED,
        proposal.State.REPLIED,
        proposal.State.EVALUATED,
        proposal.State.CLOSED,
    }


# The member (or the group's members) are told by the opinions services themselves.
register(
    TargetKind(
        key="opinion_report",
        field="opinion_report",
        label=_("opinion report"),
        model="opinions.OpinionReport",
        public_text=lambda report: (
            gettext("Taken up by a CPPCC member in a public-opinion report: “%(title)s”.")
            % {"title": report.title}
        ),
        create=_create_report,
        follows_public_timeline=True,
        member_acted_at=lambda report: report.submitted_at,
        pending_text=lambda report: (
            gettext("Passed to a CPPCC member to write a public-opinion report: “%(title)s”.")
            % {"title": report.title}
        ),
        settled=_report_settled,
    )
)
register(
    TargetKind(
        key="proposal",
        field="proposal",
        label=_("proposal"),
        model="opinions.Proposal",
        public_text=lambda proposal: (
            gettext("Taken up in a CPPCC proposal: “%(title)s”.") % {"title": proposal.title}
        ),
        create=_create_proposal,
        follows_public_timeline=True,
        member_acted_at=lambda proposal: proposal.submitted_at,
        pending_text=lambda proposal: (
            gettext("Passed to CPPCC members to write a proposal: “%(title)s”.")
            % {"title": proposal.title}
        ),
        settled=_proposal_settled,
    )
)


# --- Member studios -----------------------------------------------------------------------------


def _studio_model():
    from django.apps import apps

    return apps.get_model("studios", "Studio")


def _visible_studios(user) -> QuerySet:
    """The studios `user` may hand an issue to: those of their scope (liaison staff: the studios
    of their groups), except exited ones, which receive nobody any more."""
    from core.admin_scoping import visible_rows

    studio = _studio_model()
    rows = visible_rows(studio, user)
    if rows is None:  # no scope registered (the studios admin is not loaded): nobody
        rows = studio.objects.none()
    return rows.exclude(state="exited")


def _studio_recipients(studio) -> list:
    """The studio's members and the liaison staff of its group."""
    from members.models import User

    return list(
        User.objects.filter(member__studio_memberships__studio=studio, is_active=True).union(
            User.objects.filter(liaison_groups=studio.group_id, is_active=True)
        )
    )


register(
    TargetKind(
        key="studio",
        field="studio",
        label=_("member studio"),
        model="studios.Studio",
        public_text=lambda studio: (
            gettext("Handed to the member studio “%(name)s” to follow up.") % {"name": studio.name}
        ),
        choices=_visible_studios,
        near=lambda issue: Q(street_id=issue.street_id) if issue.street_id else None,
        matching=_by_name,
        recipients=_studio_recipients,
    )
)
