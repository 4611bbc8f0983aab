"""Member studios (委员工作室 / 工作站): where members meet residents.

A studio is registered by the office, belongs to one group (whose liaison staff run it in the
admin), has lead and resident members, reception hours and a lifecycle (studios/workflow.py).
Members on duty receive residents in dated duty slots and record each visit; residents may ask
for an appointment on the studio's public page. Per year a studio keeps its plan with the
1+123 targets, the 五规范 checklist and an archive of documents and photos.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import PhoneView
from members.models import Group, Member, PinyinSortedMixin, Sector
from members.phones import mask_mobile
from members.pinyin import KEY_CHARS_PER_NAME_CHAR
from opinions.models import Attachment

NAME_MAX_LENGTH = 50

# Appointment codes: what a resident types to check their appointment. No look-alike
# characters (0/O, 1/I/L), like the tracking codes of resident issues.
APPOINTMENT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
APPOINTMENT_CODE_LENGTH = 8


def new_appointment_code() -> str:
    return "".join(
        secrets.choice(APPOINTMENT_CODE_ALPHABET) for _ in range(APPOINTMENT_CODE_LENGTH)
    )


def studio_photo_path(instance, filename: str) -> str:
    # The stored file is a re-encoding (residents/photos.py): a JPEG, or a PNG with transparency.
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"studios/{instance.pk or 'new'}/{secrets.token_hex(8)}.{extension}"


class Studio(PinyinSortedMixin, models.Model):
    """委员工作室 / 工作站."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("sector studio")
        INDUSTRY = "industry", _("industry studio")
        STATION = "station", _("area station")

    class LeadMode(models.TextChoices):
        MEMBER = "member", _("led by one member")
        SECTOR_GROUP = "sector_group", _("led by a sector group")
        STREET_GROUP = "street_group", _("led by a street liaison group")
        EMPLOYER = "employer", _("led by a member's employer")

    class BuildMode(models.TextChoices):
        JOINT = "joint", _("built jointly (共建)")
        EMBEDDED = "embedded", _("embedded (嵌入)")
        MERGED = "merged", _("merged (融合)")
        LINKED = "linked", _("linked (联动)")

    class State(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        OPEN = "open", _("open")
        SUSPENDED = "suspended", _("suspended")
        EXITED = "exited", _("exited")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_pinyin = models.CharField(
        _("pinyin sort key"),
        max_length=100 * KEY_CHARS_PER_NAME_CHAR,
        editable=False,
        default="",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    industry = models.CharField(
        _("industry"),
        max_length=50,
        blank=True,
        help_text=_("For industry studios: law, coal, chamber of commerce…"),
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studios",
    )
    street = models.ForeignKey(
        "residents.Street",
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studios",
        help_text=_("Where the studio is: residents find it by street."),
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="studios",
        help_text=_("The group the studio belongs to: its liaison staff run the studio."),
    )
    lead_mode = models.CharField(_("lead mode"), max_length=20, choices=LeadMode.choices)
    build_mode = models.CharField(
        _("build mode"), max_length=10, choices=BuildMode.choices, blank=True
    )
    employer = models.CharField(
        _("employer"),
        max_length=100,
        blank=True,
        help_text=_("For studios led by a member's employer."),
    )
    members = models.ManyToManyField(
        Member,
        through="StudioMember",
        verbose_name=_("members"),
        related_name="studios",
        blank=True,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    reception_hours = models.CharField(_("reception hours"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("The studio's own number, shown to the public."),
    )
    photo = models.ImageField(_("photo"), upload_to=studio_photo_path, blank=True)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.TextField(_("exit reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name_pinyin", "name", "pk"]
        verbose_name = _("studio")
        verbose_name_plural = _("studios")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="exited") | ~Q(exit_reason=""),
                name="studio_exit_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        """Listed in the public directory: open for reception (or suspended for a while)."""
        return self.state in (self.State.OPEN, self.State.SUSPENDED)


class StudioMember(models.Model):
    """A member of a studio: a lead member (领衔委员) or a resident member (入驻委员)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead member")
        RESIDENT = "resident", _("resident member")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="studio_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.RESIDENT)

    class Meta:
        ordering = ["role", "member__name_pinyin", "pk"]
        verbose_name = _("studio member")
        verbose_name_plural = _("studio members")
        constraints = [
            models.UniqueConstraint(fields=["studio", "member"], name="studio_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_role_display()})"


class DutyRule(models.Model):
    """A recurring reception day, such as every Tuesday afternoon, expanded into duty slots."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="duty_rules"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    members = models.ManyToManyField(Member, verbose_name=_("members on duty"), related_name="+")

    class Meta:
        ordering = ["studio", "weekday", "starts_at"]
        verbose_name = _("reception rule")
        verbose_name_plural = _("reception rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_rule_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="duty_rule_days_in_order"
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        return f"{self.studio} {self.get_weekday_display()} {hours}"


class DutySlot(models.Model):
    """One dated reception period of a studio with the members on duty (定期接待)."""

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="duty_slots"
    )
    rule = models.ForeignKey(
        DutyRule,
        verbose_name=_("reception rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    members = models.ManyToManyField(
        Member, verbose_name=_("members on duty"), related_name="duty_slots"
    )
    capacity = models.PositiveSmallIntegerField(
        _("appointments"),
        default=4,
        help_text=_("How many residents may book this slot."),
    )

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty slots")
        indexes = [models.Index(fields=["studio", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Visit(models.Model):
    """One resident received by a studio, recorded by the member on duty or by staff."""

    class Method(models.TextChoices):
        OPEN = "open", _("open reception (开门接访)")
        APPOINTMENT = "appointment", _("by appointment (主动约访)")
        FIELD = "field", _("case taken to the field (带案下访)")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="visits"
    )
    slot = models.ForeignKey(
        DutySlot,
        verbose_name=_("duty slot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    visited_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    # Personal data (PIPL): optional, masked in lists, erased after the retention period.
    visitor_name = models.CharField(
        pgettext_lazy("person", "name"), max_length=NAME_MAX_LENGTH, blank=True
    )
    visitor_mobile = models.CharField(_("mobile phone"), max_length=11, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("name and phone erased at"), null=True, blank=True
    )
    raised = models.TextField(_("what was raised"))
    done = models.TextField(_("what was done"), blank=True)
    solved_on_spot = models.BooleanField(_("solved on the spot"), default=False)
    feedback = models.TextField(_("feedback given"), blank=True)
    issue = models.OneToOneField(
        "residents.ResidentIssue",
        verbose_name=_("resident issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studio_visit",
        help_text=_("The resident issue this visit became, to be followed with a tracking code."),
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("members who received"), related_name="studio_visits", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["studio", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.studio} {self.visited_on:%Y-%m-%d}"

    @property
    def masked_visitor_mobile(self) -> str:
        return mask_mobile(self.visitor_mobile)

    @property
    def masked_visitor_name(self) -> str:
        """张** : the family name only, as lists and the member pages show a visitor."""
        name = self.visitor_name
        return f"{name[0]}{'*' * (len(name) - 1)}" if len(name) > 1 else "*" * len(name)


class VisitPhoneViewLog(PhoneView):
    """Who saw which visitor's whole phone number, and when (PIPL access log, as for resident
    issues)."""

    SUBJECT = "visit"

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="phone_views"
    )

    class Meta(PhoneView.Meta):
        verbose_name = _("visitor phone number view")
        verbose_name_plural = _("visitor phone number views")


class Appointment(models.Model):
    """A resident's request for a duty slot, made on the studio's public page."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("received")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="appointments"
    )
    slot = models.ForeignKey(
        DutySlot,
        verbose_name=_("duty slot"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    code = models.CharField(_("appointment code"), max_length=APPOINTMENT_CODE_LENGTH, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=NAME_MAX_LENGTH)
    mobile = models.CharField(_("mobile phone"), max_length=11)
    topic = models.TextField(_("what it is about"))
    consent_at = models.DateTimeField(_("privacy notice accepted at"))
    personal_data_erased_at = models.DateTimeField(
        _("name and phone erased at"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    answer = models.TextField(_("answer to the resident"), blank=True)
    visit = models.OneToOneField(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["slot", "state"])]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class AppointmentPhoneView(PhoneView):
    """Who saw the whole phone number of a resident who asked for an appointment, and when
    (PIPL access log, as residents.PhoneViewLog is for issues)."""

    SUBJECT = "appointment"

    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.CASCADE,
        related_name="phone_views",
    )

    class Meta(PhoneView.Meta):
        verbose_name = _("appointment phone number view")
        verbose_name_plural = _("appointment phone number views")


class Norm(models.TextChoices):
    """五规范: the five norms a studio is run by."""

    BASICS = "basics", _("basic construction (规范基础建设)")
    PROCEDURE = "procedure", _("working procedure (规范工作流程)")
    RULES = "rules", _("rules and systems (规范制度建设)")
    ACTIVITIES = "activities", _("activities (规范活动开展)")
    EXIT = "exit", _("exit mechanism (规范退出机制)")


class ArchiveItem(models.Model):
    """档案: a document or photo of a studio's work in a year. The file itself is an
    attachment (opinions.Attachment: type-checked, stored privately) of this item."""

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.PROTECT, related_name="archive_items"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    norm = models.CharField(_("norm"), max_length=12, choices=Norm.choices, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    # The document or photo: checked by content and kept privately as the reports' attachments
    # are (opinions/attachments.py), served only by studios.archive_views.archive_file.
    attachments = GenericRelation(Attachment)

    class Meta:
        ordering = ["year", "created_at", "pk"]
        verbose_name = _("archive item")
        verbose_name_plural = _("archive")
        indexes = [models.Index(fields=["studio", "year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def attachment(self) -> Attachment | None:
        """The item's file (use with `attachments` prefetched)."""
        return next(iter(self.attachments.all()), None)


class NormCheck(models.Model):
    """One of the five norms of a studio in a year, ticked by staff with evidence."""

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="norm_checks"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    norm = models.CharField(_("norm"), max_length=12, choices=Norm.choices)
    met = models.BooleanField(_("met"), default=False)
    evidence = models.ManyToManyField(
        ArchiveItem, verbose_name=_("evidence"), blank=True, related_name="norm_checks"
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        ordering = ["studio", "year", "norm"]
        verbose_name = _("norm check")
        verbose_name_plural = _("five norms")
        constraints = [
            models.UniqueConstraint(fields=["studio", "year", "norm"], name="norm_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.year} {self.get_norm_display()}"


class AnnualPlan(models.Model):
    """A studio's plan for a year and its 1+123 targets."""

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    plan = models.TextField(_("plan"), blank=True)
    research_topics = models.TextField(_("research topics"), blank=True)
    service_projects = models.TextField(
        _("service projects"), blank=True, help_text=_("One named project a line.")
    )
    target_service_activities = models.PositiveSmallIntegerField(
        _("service activities for residents"), default=1
    )
    target_proposals = models.PositiveSmallIntegerField(_("quality proposals"), default=1)
    target_consultations = models.PositiveSmallIntegerField(_("consultation activities"), default=2)
    target_reports = models.PositiveSmallIntegerField(_("opinion reports"), default=3)

    class Meta:
        ordering = ["-year", "studio"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(fields=["studio", "year"], name="annual_plan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.studio} {self.year}"
