"""Read queries for reports and proposals: who may see what, and what each page shows."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)

from core.models import Notification, TimelineEntry
from members import roles
from members.models import Group, Member, User
from members.selectors import members_visible_to, visible_group_ids

from .models import (
    Attachment,
    Department,
    OpinionReport,
    Proposal,
    ProposalReply,
    ReportAdoption,
    ReportReply,
)

ReportCoauthor = OpinionReport.coauthors.through
ReportCoDepartment = OpinionReport.co_departments.through
ProposalCosigner = Proposal.cosigners.through
ProposalCoDepartment = Proposal.co_departments.through


def member_of(user) -> Member | None:
    """The member record of `user`, or None for staff and department handlers."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def studios_of_member(member: Member, *, keep_id: int | None = None) -> QuerySet:
    """The member studios `member` belongs to and may mark a report or proposal with: those
    not exited, and the studio `keep_id` already on the item. Studios sit above opinions in
    the layers: their model is read through the app registry, never imported."""
    studio_model = apps.get_model("studios", "Studio")
    rows = studio_model.objects.filter(members=member)
    still_running = ~Q(state=studio_model.State.EXITED)
    if keep_id is not None:
        still_running |= Q(pk=keep_id)
    return rows.filter(still_running)


# --- What a member sees: their own, co-authored and co-signed items -------------------------


def reports_of_member(member: Member) -> QuerySet[OpinionReport]:
    """Reports the member wrote or co-authored, each once (no DISTINCT).

    A UNION of two indexed lookups: `author = … OR pk IN (…)` made PostgreSQL scan the whole
    report table on every member page, so the page slowed as the district's reports grew.
    """
    authored = OpinionReport.objects.filter(author=member).order_by().values("pk")
    coauthored = ReportCoauthor.objects.filter(member=member).order_by().values("opinionreport_id")
    return OpinionReport.objects.filter(pk__in=authored.union(coauthored))


def convened_group_ids(member: Member) -> QuerySet:
    return Group.conveners.through.objects.filter(member=member).values("group_id")


def proposals_of_member(member: Member) -> QuerySet[Proposal]:
    """Proposals the member made or co-signed, and the collective proposals of the groups
    they convene."""
    cosigned = ProposalCosigner.objects.filter(member=member).values("proposal_id")
    return Proposal.objects.filter(
        Q(proposer=member) | Q(pk__in=cosigned) | Q(group__in=convened_group_ids(member))
    )


def is_proposal_owner(member: Member | None, proposal: Proposal) -> bool:
    """Who acts for the proposers: the proposer, or for a collective proposal without one the
    conveners of the group."""
    if member is None:
        return False
    if proposal.proposer_id is not None:
        return proposal.proposer_id == member.pk
    return Group.conveners.through.objects.filter(
        group_id=proposal.group_id, member=member
    ).exists()


def member_report_list(member: Member) -> QuerySet[OpinionReport]:
    return reports_of_member(member).select_related("author").order_by("-created_at", "-pk")


def member_proposal_list(member: Member) -> QuerySet[Proposal]:
    return (
        proposals_of_member(member)
        .select_related("session", "proposer", "group")
        .order_by("-created_at", "-pk")
    )


# --- What staff see in the admin -----------------------------------------------------------


def reports_visible_to(user) -> QuerySet[OpinionReport]:
    """Office staff see every report; liaison staff those of their groups' members (as author
    or co-author) and those written for their groups."""
    if roles.is_office_staff(user):
        return OpinionReport.objects.all()
    if not roles.has_role(user, roles.LIAISON_STAFF):
        return OpinionReport.objects.none()
    members = members_visible_to(user).values("pk")
    group_ids = visible_group_ids(user)
    # A union of three narrow reads (by author, by group, by co-author), each along its own
    # index, rather than one OR of three subqueries, which PostgreSQL can answer only by
    # reading every report (35 ms for a liaison's 265 reports among 83,333, against 3 ms).
    # Each part unordered: SQLite (the demo) refuses ORDER BY inside a compound statement.
    in_scope = (
        OpinionReport.objects.filter(author__in=members)
        .order_by()
        .values("pk")
        .union(
            OpinionReport.objects.filter(group_id__in=group_ids).order_by().values("pk"),
            ReportCoauthor.objects.filter(member__in=members).order_by().values("opinionreport_id"),
        )
    )
    return OpinionReport.objects.filter(pk__in=in_scope)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Office staff see every proposal; liaison staff those of their groups' members and the
    collective proposals of their groups."""
    if roles.is_office_staff(user):
        return Proposal.objects.all()
    if not roles.has_role(user, roles.LIAISON_STAFF):
        return Proposal.objects.none()
    members = members_visible_to(user).values("pk")
    # A union of two narrow reads, as for reports.
    in_scope = (
        Proposal.objects.filter(proposer__in=members)
        .order_by()
        .values("pk")
        .union(
            Proposal.objects.filter(group_id__in=visible_group_ids(user)).order_by().values("pk")
        )
    )
    return Proposal.objects.filter(pk__in=in_scope)


def adoptions_visible_to(user) -> QuerySet[ReportAdoption]:
    """The adoptions of the reports `user` may see: what a bulletin issue's page lists."""
    if roles.is_office_staff(user):
        return ReportAdoption.objects.all()
    return ReportAdoption.objects.filter(report__in=reports_visible_to(user))


def may_review(user, subject: Model) -> bool:
    """Whether `user` is staff who may take the office's steps on this report or proposal."""
    if isinstance(subject, OpinionReport):
        visible = reports_visible_to(user)
    else:
        visible = proposals_visible_to(user)
    return visible.filter(pk=subject.pk).exists()


def may_act_for_member(user, member: Member) -> bool:
    """The member themselves, or staff whose scope includes the member."""
    if member_of(user) == member:
        return True
    if roles.is_office_staff(user):
        return True
    return (
        roles.has_role(user, roles.LIAISON_STAFF)
        and members_visible_to(user).filter(pk=member.pk).exists()
    )


def highest_adoption_level():
    """A subquery for annotate(): the highest level a report was adopted at, or None."""
    return Subquery(
        ReportAdoption.objects.filter(report=OuterRef("pk")).order_by("-level").values("level")[:1]
    )


# --- What a department sees: only what was forwarded or assigned to it ----------------------


def department_handler_users() -> QuerySet[User]:
    """Logins holding the department handler role: who may be linked to a department."""
    return User.objects.filter(groups__name=roles.DEPARTMENT_HANDLER, is_active=True).order_by(
        "username"
    )


def departments_of(user) -> QuerySet[Department]:
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(handlers=user)


def department_reports(user) -> QuerySet[OpinionReport]:
    """Reports forwarded to one of the user's departments, as lead or co-handling one."""
    mine = departments_of(user).values("pk")
    co = ReportCoDepartment.objects.filter(department__in=mine).values("opinionreport_id")
    return OpinionReport.objects.filter(Q(department__in=mine) | Q(pk__in=co))


def report_departments(report: OpinionReport) -> list[Department]:
    """The lead department first, then the co-handling ones by name."""
    co = list(report.co_departments.all())
    lead = [report.department] if report.department_id else []
    return lead + sorted((d for d in co if d.pk != report.department_id), key=lambda d: d.name)


def report_replies(report: OpinionReport) -> QuerySet[ReportReply]:
    """Each department's reply, the lead's first, with the department and the reply letter."""
    return (
        ReportReply.objects.filter(report=report)
        .select_related("department")
        .prefetch_related("attachments")
    )


def department_proposals(user) -> QuerySet[Proposal]:
    mine = departments_of(user).values("pk")
    co = ProposalCoDepartment.objects.filter(department__in=mine).values("proposal_id")
    return Proposal.objects.filter(Q(lead_department__in=mine) | Q(pk__in=co)).exclude(
        state__in=[Proposal.State.DRAFT, Proposal.State.SUBMITTED, Proposal.State.FILED]
    )


def department_inbox(user) -> tuple[list[OpinionReport], list[Proposal]]:
    """The department's reports and proposals, those still waiting for its reply first, by
    deadline; two queries whatever the number of rows."""
    # Waiting for this user's department: forwarded and not yet replied by it (another
    # department on the same report may have replied already).
    replied = ReportReply.objects.filter(
        report=OuterRef("pk"), department__in=departments_of(user).values("pk")
    )
    report_waiting = Case(
        When(Q(state=OpinionReport.State.FORWARDED) & ~Exists(replied), then=0), default=1
    )
    reports = (
        department_reports(user)
        .select_related("department", "author")
        .annotate(done=report_waiting)
        .order_by("done", "reply_due", "-pk")
    )
    proposal_waiting = Case(When(state__in=Proposal.AWAITING_REPLY, then=0), default=1)
    proposals = (
        department_proposals(user)
        .select_related("session", "lead_department", "proposer", "group")
        .annotate(done=proposal_waiting)
        .order_by("done", "deadline", "-pk")
    )
    return list(reports), list(proposals)


# --- Details: timeline and attachments ------------------------------------------------------


def timeline_of(subject: Model) -> QuerySet[TimelineEntry]:
    """Every step of a report or proposal, oldest first."""
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).order_by("created_at", "pk")


def public_timeline(subject: Model) -> QuerySet[TimelineEntry]:
    """The steps a resident may see on a tracking page: no internal notes, no staff names
    (show `actor_label`, `action_label`, `note` and `created_at`)."""
    return timeline_of(subject).filter(is_public=True)


def attachments_of(subject: Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).order_by("created_at", "pk")


def report_detail(report_qs: QuerySet[OpinionReport], pk: int) -> OpinionReport:
    """One report with everything its page shows, in the same number of queries whatever its
    state and however many departments, replies and files it has: the handling departments
    and their replies (none before it is forwarded), and in one query the report's own
    attachments (`report.page_attachments`) with the reply letters of its replies (each
    reply's `attachments`, so `reply.letter` reads no more)."""
    report = (
        report_qs.select_related("author", "group", "department", "decline_reason", "studio")
        .prefetch_related(
            "coauthors",
            Prefetch("adoptions", queryset=ReportAdoption.objects.select_related("bulletin")),
            "instructions",
            "co_departments",
            Prefetch("replies", queryset=ReportReply.objects.select_related("department")),
        )
        .get(pk=pk)
    )
    replies = list(report.replies.all())
    types = ContentType.objects.get_for_models(OpinionReport, ReportReply)
    report_type, reply_type = types[OpinionReport], types[ReportReply]
    rows = Attachment.objects.filter(
        Q(content_type=report_type, object_id=report.pk)
        | Q(content_type=reply_type, object_id__in=[reply.pk for reply in replies])
    ).order_by("created_at", "pk")
    report.page_attachments = []
    letters: dict[int, list[Attachment]] = {reply.pk: [] for reply in replies}
    for row in rows:
        if row.content_type_id == report_type.pk:
            report.page_attachments.append(row)
        else:
            letters[row.object_id].append(row)
    for reply in replies:
        _keep_prefetched(reply, "attachments", letters[reply.pk])
    return report


def _keep_prefetched(instance: Model, relation: str, rows: list) -> None:
    """Hand `rows` to `instance.<relation>.all()` as if prefetch_related had read them (what
    Django's prefetching stores), so that the template's `.all()` runs no query."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def proposal_detail(proposal_qs: QuerySet[Proposal], pk: int) -> Proposal:
    return (
        proposal_qs.select_related("session", "proposer", "group", "lead_department", "studio")
        .prefetch_related(
            "cosigners",
            "co_departments",
            Prefetch(
                "replies",
                queryset=ProposalReply.objects.select_related("department").prefetch_related(
                    "attachments"
                ),
            ),
        )
        .get(pk=pk)
    )


def attachment_viewable_by(user, attachment: Attachment) -> bool:
    """Members who see the item, staff whose scope includes it, and the departments it was
    forwarded or assigned to."""
    model = attachment.content_type.model_class()
    pk = attachment.object_id
    if model is ReportReply:
        # A reply letter: whoever may see the report it answers.
        model = OpinionReport
        pk = ReportReply.objects.filter(pk=pk).values_list("report_id", flat=True).first()
        if pk is None:
            return False
    elif model is ProposalReply:
        # A reply letter: whoever may see the proposal it answers.
        model = Proposal
        pk = ProposalReply.objects.filter(pk=pk).values_list("proposal_id", flat=True).first()
        if pk is None:
            return False
    if model is OpinionReport:
        member = member_of(user)
        return (
            (member is not None and reports_of_member(member).filter(pk=pk).exists())
            or reports_visible_to(user).filter(pk=pk).exists()
            or department_reports(user).filter(pk=pk).exists()
        )
    if model is Proposal:
        member = member_of(user)
        return (
            (member is not None and proposals_of_member(member).filter(pk=pk).exists())
            or proposals_visible_to(user).filter(pk=pk).exists()
            or department_proposals(user).filter(pk=pk).exists()
        )
    return False


def notifications_of(user, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit]
