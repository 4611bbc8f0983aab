"""社情民意信息: opinion reports, the bulletin they are adopted into, and what staff record."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .attachments import Attachment
from .common import Category, Department


class DeclineReason(models.Model):
    """A reason for not adopting a report, from a list that staff maintain in the admin."""

    label = models.CharField(_("reason"), max_length=100, unique=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Reasons no longer in use are not offered.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("reason for not adopting")
        verbose_name_plural = _("reasons for not adopting")

    def __str__(self) -> str:
        return self.label


class Bulletin(models.Model):
    """《社情民意》第 N 期: one issue of the district's bulletin, merging adopted reports.

    Numbered per year from 1, by the service that creates it.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="bulletin_number_per_year"),
        ]

    def __str__(self) -> str:
        label = _("%(year)s issue %(number)s") % {"year": self.year, "number": self.number}
        return f"{label} {self.title}".strip()


class OpinionReportQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Forwarded and still waiting for the department's feedback past the deadline."""
        return self.filter(
            state=OpinionReport.State.FORWARDED, reply_due__lt=today or timezone.localdate()
        )


class OpinionReport(models.Model):
    """社情民意信息: written by a member (with co-authors, possibly for a group)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        ADOPTED = "adopted", _("adopted")
        FORWARDED = "forwarded", _("forwarded to a department")
        DECLINED = "declined", _("not adopted")
        FEEDBACK = "feedback", _("feedback received")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    content = models.TextField(_("content"))
    author = models.ForeignKey(
        "members.Member",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="opinion_reports",
    )
    coauthors = models.ManyToManyField(
        "members.Member",
        verbose_name=_("co-authors"),
        blank=True,
        related_name="coauthored_reports",
    )
    group = models.ForeignKey(
        "members.Group",
        verbose_name=_("on behalf of group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_reports",
    )
    # A studio the author belongs to, set by the author: the report then counts for the
    # studio's yearly plan (studios/progress.py). Protected: an exited studio keeps its figures.
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("member studio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_reports",
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
    # The lead department (牵头单位); the co-handling ones (协办单位) each reply too. The report
    # has its feedback once every one of them replied (opinions/workflow.py, "all_replied").
    department = models.ForeignKey(
        Department,
        verbose_name=_("lead handling department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_reports",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-handling departments"),
        blank=True,
        related_name="cohandled_reports",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("every department replied at"), null=True, blank=True)
    decline_reason = models.ForeignKey(
        DeclineReason,
        verbose_name=_("reason for not adopting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_note = models.TextField(_("explanation to the author"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    attachments = GenericRelation(Attachment)

    objects = OpinionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        indexes = [
            models.Index(fields=["department", "state", "reply_due"]),
            models.Index(fields=["author", "state"]),
            # The admin and member lists walk this backwards instead of sorting the table.
            models.Index(fields=["-created_at", "-id"], name="report_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="forwarded")
                | Q(department__isnull=False, reply_due__isnull=False),
                name="report_forwarded_has_department_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        return (
            self.state == self.State.FORWARDED
            and self.reply_due is not None
            and self.reply_due < (today or timezone.localdate())
        )


class ReportReply(models.Model):
    """反馈: one handling department's reply to a forwarded report, with the formal reply letter
    (答复函, a PDF) as its attachment when the department gives one. One per department."""

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="replies"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("lead department's reply"), default=False)
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
    # those who may see the report (opinions.selectors.attachment_viewable_by).
    attachments = GenericRelation(Attachment)

    class Meta:
        # The lead's reply first, then the co-handlers' in the order they came.
        ordering = ["-is_lead", "created_at", "pk"]
        verbose_name = _("department's reply")
        verbose_name_plural = _("departments' replies")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "department"], name="report_reply_once_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.report}"

    @property
    def letter(self) -> Attachment | None:
        """The reply letter (use with `attachments` prefetched)."""
        return next(iter(self.attachments.all()), None)


class AdoptionLevel(models.IntegerChoices):
    """How far up a report was adopted; a report can climb, one adoption row per level."""

    DISTRICT = 1, _("district")
    CITY = 2, _("city")
    PROVINCE = 3, _("province")
    NATIONAL = 4, _("national")


class ReportAdoption(models.Model):
    """采用: a report adopted at one level, possibly merged into a bulletin issue."""

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="adoptions"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AdoptionLevel.choices)
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name=_("bulletin issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    adopted_on = models.DateField(_("adopted on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["level", "pk"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(fields=["report", "level"], name="adoption_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_level_display()}"


class LeaderInstruction(models.Model):
    """领导批示: an instruction a leader wrote on a report."""

    report = models.ForeignKey(
        OpinionReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    leader = models.CharField(
        _("leader"), max_length=100, help_text=_("Post and name, e.g. district mayor Wang.")
    )
    text = models.TextField(_("instruction"))
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")

    def __str__(self) -> str:
        return f"{self.leader}: {self.text[:30]}"
