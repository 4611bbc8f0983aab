"""Resident issues (群众诉求): what residents raise on the public form, and where it goes."""

import secrets
from datetime import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import PhoneView
from members.phones import mask_mobile

from .targets import TARGET_KINDS

# No 0/O, 1/I/L: a code read out over the phone or copied from a note must not be misread.
TRACKING_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 8

PLACE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 50
REPLY_MAX_LENGTH = 2000


def new_tracking_code() -> str:
    """8 characters from a 31-letter alphabet (~8.5e11 codes), from the OS's secure random
    source: the next code cannot be guessed from the previous one."""
    return "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class Street(models.Model):
    """街道 / 镇: a street or township of the district, kept by the office."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    group = models.ForeignKey(
        "members.Group",
        verbose_name=_("street group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="streets",
        limit_choices_to={"kind": "street"},
        help_text=_("The liaison group working in this street; its staff see the street's issues."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区 / 村: a community of a street."""

    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["street__sort_order", "street__name", "sort_order", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_in_street")
        ]

    def __str__(self) -> str:
        return self.name


class ResidentIssueQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=ResidentIssue.OPEN_STATES)

    def overdue(self, now: datetime | None = None):
        """Open issues whose current state has outlived its time limit."""
        return self.open().filter(due_at__lt=now or timezone.now())


class ResidentIssue(models.Model):
    """群众诉求: one matter a resident raised, from the form or through staff."""

    class Category(models.TextChoices):
        # The seven in-scope domains of a consultation topic, and "other".
        PUBLIC_WELFARE = "public_welfare", _("public welfare undertakings")
        HARDSHIP = "hardship", _("help for people in difficulty")
        LIVELIHOOD = "livelihood", _("livelihood (health, education)")
        PUBLIC_ORDER = "public_order", _("public order")
        ENVIRONMENT = "environment", _("environment")
        PUBLIC_FACILITIES = "public_facilities", _("public facilities")
        ROAD_TRAFFIC = "road_traffic", _("road traffic")
        OTHER = "other", _("other")

    class Channel(models.TextChoices):
        WEB = "web", _("web form")
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit to the office")
        STUDIO = "studio", _("member studio")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting to be accepted")
        ACCEPTED = "accepted", _("accepted")
        IN_PROGRESS = "in_progress", _("being handled")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        MERGED = "merged", _("merged into another issue")

    class Satisfaction(models.TextChoices):
        SOLVED = "solved", _("solved")
        PARTLY = "partly", _("partly solved")
        UNSOLVED = "unsolved", _("not solved")

    OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS, State.ANSWERED)

    tracking_code = models.CharField(
        _("tracking code"), max_length=TRACKING_CODE_LENGTH, unique=True, editable=False
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="issues"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH)
    description = models.TextField(_("what happened"), max_length=DESCRIPTION_MAX_LENGTH)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # Personal data (PIPL): optional, erased after the retention period.
    name = models.CharField(pgettext_lazy("person", "name"), max_length=NAME_MAX_LENGTH, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=11, blank=True)
    consent_at = models.DateTimeField(_("privacy notice accepted at"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("name and phone erased at"), null=True, blank=True
    )

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, help_text=_("Time limit of the current state.")
    )
    public_reply = models.TextField(_("public reply"), blank=True)
    satisfaction = models.CharField(
        _("solved?"), max_length=10, choices=Satisfaction.choices, blank=True
    )
    satisfaction_at = models.DateTimeField(_("answered by the resident at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_issues",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ResidentIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("resident issue")
        verbose_name_plural = _("resident issues")
        permissions = [("view_resident_phone", _("Can see residents' whole phone numbers"))]
        indexes = [
            models.Index(fields=["street", "category", "created_at"]),
            models.Index(fields=["state", "due_at"]),
            # Staff find a resident who phones in by the whole number (admin search).
            models.Index(fields=["mobile"], name="resident_issue_mobile_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="merged", merged_into__isnull=False)
                | (~Q(state="merged") & Q(merged_into__isnull=True)),
                name="resident_issue_merged_iff_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in self.OPEN_STATES
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


def photo_upload_to(instance: "IssuePhoto", filename: str) -> str:
    # A random name: the resident's file name may carry personal data, and names must not be
    # guessable from one another.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"residents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class IssuePhoto(models.Model):
    """A photo of the issue, re-encoded on upload (no EXIF, so no GPS position)."""

    issue = models.ForeignKey(
        ResidentIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


def _one_target_matching_kind() -> Q:
    """Exactly the target field of the link's kind is set, every other one is empty."""
    kinds = list(TARGET_KINDS.values())
    alternatives = []
    for kind in kinds:
        empty = {f"{other.field}__isnull": True for other in kinds if other is not kind}
        alternatives.append(Q(kind=kind.key, **{f"{kind.field}__isnull": False}, **empty))
    return reduce(or_, alternatives)


class IssueLink(models.Model):
    """Where an issue went: routed to a group, a member or a member studio, or turned into a
    report or proposal.

    One nullable foreign key per kind of target; the kinds and what they do live in
    residents/targets.py. A new kind (a consultation topic) is a new field here and one entry
    there. The target sees its issues through `resident_issue_links`.
    """

    issue = models.ForeignKey(
        ResidentIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="links"
    )
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=[(kind.key, kind.label) for kind in TARGET_KINDS.values()],
    )
    group = models.ForeignKey(
        "members.Group",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_issue_links",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_issue_links",
    )
    opinion_report = models.ForeignKey(
        "opinions.OpinionReport",
        verbose_name=_("opinion report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_issue_links",
    )
    proposal = models.ForeignKey(
        "opinions.Proposal",
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_issue_links",
    )
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("member studio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_issue_links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("where the issue went")
        verbose_name_plural = _("where the issue went")
        constraints = [
            models.CheckConstraint(
                condition=_one_target_matching_kind(), name="issue_link_one_target_of_its_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.target}"

    @property
    def target_kind(self):
        return TARGET_KINDS[self.kind]

    @property
    def target(self) -> models.Model:
        return getattr(self, self.target_kind.field)


class PresetReply(models.Model):
    """A reply text staff pick and edit when answering or closing an issue."""

    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=REPLY_MAX_LENGTH)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("preset reply")
        verbose_name_plural = _("preset replies")

    def __str__(self) -> str:
        return self.title


class PhoneViewLog(PhoneView):
    """Who saw which resident's whole phone number, and when (PIPL access log)."""

    SUBJECT = "issue"

    issue = models.ForeignKey(
        ResidentIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="phone_views",
    )

    class Meta(PhoneView.Meta):
        verbose_name = _("phone number view")
        verbose_name_plural = _("phone number views")


class PhoneSearchLog(models.Model):
    """Who looked for resident issues by a phone number, which number (masked) and when: a
    search by number ties a person to their issues as a look at the number does (PIPL access
    log, beside PhoneViewLog)."""

    searcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("searched by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    masked_mobile = models.CharField(_("number searched (masked)"), max_length=20)
    searched_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-searched_at", "-pk"]
        verbose_name = _("phone number search")
        verbose_name_plural = _("phone number searches")

    def __str__(self) -> str:
        return f"{self.searcher} → {self.masked_mobile}"
