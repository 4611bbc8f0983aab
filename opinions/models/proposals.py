"""提案: proposals, numbered per session of the committee, assigned to handling departments."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .attachments import Attachment
from .common import Category, Department


class CommitteeSession(models.Model):
    """A session of the committee (八届四次): proposals submitted while it is current are
    numbered in it, from 1, in the order they are submitted."""

    term = models.PositiveSmallIntegerField(_("term"), help_text=_("8 for the 8th term."))
    session = models.PositiveSmallIntegerField(
        _("session"), help_text=_("4 for the 4th session of the term.")
    )
    name = models.CharField(
        _("name"), max_length=50, help_text=_("As printed on proposals, e.g. 八届四次.")
    )
    is_current = models.BooleanField(
        _("current"),
        default=False,
        help_text=_("Proposals submitted now are numbered in the current session."),
    )
    last_number = models.PositiveIntegerField(_("last number given"), default=0, editable=False)

    class Meta:
        ordering = ["-term", "-session"]
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")
        constraints = [
            models.UniqueConstraint(fields=["term", "session"], name="session_unique"),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_session"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    FILED = "filed", _("filed")
    NOT_FILED = "not_filed", _("not filed, turned into a suggestion")
    ASSIGNED = "assigned", _("assigned")
    REPLIED = "replied", _("replied")
    REHANDLING = "rehandling", _("back for re-handling")
    EVALUATED = "evaluated", _("evaluated")
    CLOSED = "closed", _("closed")


# The states in which a proposal waits for its lead unit's reply: the one declaration that the
# workflow's reply steps, the overdue lists, the constraint and the pages read.
AWAITING_REPLY = (ProposalState.ASSIGNED, ProposalState.REHANDLING)


class ProposalQuerySet(models.QuerySet):
    def awaiting_reply(self):
        return self.filter(state__in=AWAITING_REPLY)

    def overdue(self, today=None):
        """Assigned (or back for re-handling) and not replied past the deadline."""
        return self.awaiting_reply().filter(deadline__lt=today or timezone.localdate())


class Proposal(models.Model):
    """提案: by a member, or collectively by a group (集体提案), with co-signers."""

    State = ProposalState
    # Waiting for the lead unit's reply (and overdue past the deadline).
    AWAITING_REPLY = AWAITING_REPLY

    class Evaluation(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY = "basically", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    session = models.ForeignKey(
        CommitteeSession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    content = models.TextField(_("content"))
    proposer = models.ForeignKey(
        "members.Member",
        verbose_name=_("proposer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    group = models.ForeignKey(
        "members.Group",
        verbose_name=_("collective proposal of group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    cosigners = models.ManyToManyField(
        "members.Member",
        verbose_name=_("co-signers"),
        blank=True,
        related_name="cosigned_proposals",
    )
    # A studio the proposer belongs to, set by them: the proposal then counts for the
    # studio's yearly plan (studios/progress.py). Protected: an exited studio keeps its figures.
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("member studio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    not_filed_reason = models.TextField(_("reason for not filing"), blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead handling unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_proposals",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-handling units"),
        blank=True,
        related_name="cohandled_proposals",
    )
    deadline = models.DateField(_("reply due"), null=True, blank=True)
    is_key = models.BooleanField(_("key proposal"), default=False)
    supervising_leader = models.CharField(_("supervising leader"), max_length=100, blank=True)
    evaluation = models.CharField(
        _("proposer's evaluation"), max_length=20, choices=Evaluation.choices, blank=True
    )
    evaluation_note = models.TextField(_("evaluation remarks"), blank=True)
    rehandled = models.BooleanField(
        _("re-handled once"),
        default=False,
        help_text=_("An unsatisfied evaluation sends a proposal back for re-handling once."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    attachments = GenericRelation(Attachment)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["lead_department", "state", "deadline"]),
            models.Index(fields=["proposer", "state"]),
            # The admin and member lists walk this backwards instead of sorting the table.
            models.Index(fields=["-created_at", "-id"], name="proposal_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposer__isnull=False) | Q(group__isnull=False),
                name="proposal_has_proposer_or_group",
            ),
            models.UniqueConstraint(fields=["session", "number"], name="proposal_number_unique"),
            models.CheckConstraint(
                condition=Q(session__isnull=True, number__isnull=True)
                | Q(session__isnull=False, number__isnull=False),
                name="proposal_session_iff_number",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=list(AWAITING_REPLY))
                | Q(lead_department__isnull=False, deadline__isnull=False),
                name="proposal_assigned_has_lead_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number_label(self) -> str:
        """八届四次 第 0012 号 (needs `session` loaded; empty before submission)."""
        if self.number is None:
            return ""
        return _("%(session)s No. %(number)s") % {
            "session": self.session.name,
            "number": f"{self.number:04d}",
        }

    @property
    def proposer_label(self) -> str:
        if self.group_id and self.proposer_id:
            return _("%(group)s (%(proposer)s)") % {
                "group": self.group.name,
                "proposer": self.proposer.name,
            }
        return self.group.name if self.group_id else self.proposer.name

    @property
    def awaits_reply(self) -> bool:
        return self.state in AWAITING_REPLY

    def is_overdue(self, today=None) -> bool:
        return (
            self.awaits_reply
            and self.deadline is not None
            and self.deadline < (today or timezone.localdate())
        )


class ProposalReply(models.Model):
    """答复: a department's reply (the lead unit's answer, or a co-handler's contribution),
    with the formal reply letter (答复函, a PDF) as its attachment when the department gives
    one."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="replies"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("lead unit's reply"), default=False)
    round = models.PositiveSmallIntegerField(
        _("round"), default=1, help_text=_("2 for the reply after re-handling.")
    )
    text = models.TextField(_("reply"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("replied at"), auto_now_add=True)

    # The reply letter: an attachment whose subject is this reply, so it is served only to
    # those who may see the proposal (opinions.selectors.attachment_viewable_by).
    attachments = GenericRelation(Attachment)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal reply")
        verbose_name_plural = _("proposal replies")

    def __str__(self) -> str:
        return f"{self.department} · {self.proposal}"

    @property
    def letter(self) -> Attachment | None:
        """The reply letter (use with `attachments` prefetched)."""
        return next(iter(self.attachments.all()), None)
