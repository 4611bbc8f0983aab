from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .phones import mask_mobile
from .pinyin import KEY_CHARS_PER_NAME_CHAR, pinyin_key


def _pinyin_field(name_length: int) -> models.CharField:
    return models.CharField(
        _("pinyin sort key"),
        max_length=name_length * KEY_CHARS_PER_NAME_CHAR,
        editable=False,
        default="",
    )


class PinyinSortedMixin:
    """Keeps `name_pinyin` in step with `name` on every save.

    A derived column, not a rule: every path that saves an instance (services, the admin, the
    roster import, factories) gets it; bulk loads (seed_scale's COPY, bulk_create) set it with
    members.pinyin.pinyin_key themselves.
    """

    def save(self, *args, **kwargs):
        key = pinyin_key(self.name)
        if key != self.name_pinyin:
            self.name_pinyin = key
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "name" in update_fields:
                kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A login: office or liaison staff, a member, or a department handler."""

    # Set when the office issues an initial password (members.services.initial_passwords_issue):
    # every page sends the user to the password change until they chose their own.
    # db_default: rows loaded by COPY (seed_scale) without the column get False too.
    must_change_password = models.BooleanField(
        _("must change password"), default=False, db_default=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Sector(models.Model):
    """界别: the sector a member represents."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Group(PinyinSortedMixin, models.Model):
    """活动组: a sector group (界别活动组) or a street/township group (街镇活动组 / 联络组)."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("sector group")
        STREET = "street", _("street group")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_pinyin = _pinyin_field(100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text=_("Only for sector groups."),
    )
    conveners = models.ManyToManyField(
        "Member", verbose_name=_("conveners"), blank=True, related_name="convened_groups"
    )
    liaison_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison staff"),
        blank=True,
        related_name="liaison_groups",
    )

    class Meta:
        ordering = ["kind", "name_pinyin", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="sector") | Q(sector__isnull=True),
                name="group_sector_only_for_sector_groups",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)

    def in_groups(self, groups):
        return self.filter(Q(sector_group__in=groups) | Q(street_group__in=groups))


class Member(PinyinSortedMixin, models.Model):
    """委员: a committee member, linked to the login they use on the member pages."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Party(models.TextChoices):
        CPC = "cpc", _("Communist Party of China")
        RCCK = "rcck", _("Revolutionary Committee of the Kuomintang")
        CDL = "cdl", _("China Democratic League")
        CDNCA = "cdnca", _("China Democratic National Construction Association")
        CAPD = "capd", _("China Association for Promoting Democracy")
        CPWDP = "cpwdp", _("Chinese Peasants' and Workers' Democratic Party")
        ZGD = "zgd", _("China Zhi Gong Party")
        JS = "js", _("Jiusan Society")
        TDSGL = "tdsgl", _("Taiwan Democratic Self-Government League")
        NONE = "none", _("No party affiliation")
        MASSES = "masses", _("Masses")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        related_name="member",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_pinyin = _pinyin_field(50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="members"
    )
    party = models.CharField(
        _("party affiliation"), max_length=10, choices=Party.choices, default=Party.NONE
    )
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    title = models.CharField(pgettext_lazy("post held", "title"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=11, unique=True)
    term = models.PositiveSmallIntegerField(
        _("term"), help_text=_("For example 8 for the 8th term.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    sector_group = models.ForeignKey(
        Group,
        verbose_name=_("sector group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sector_members",
        limit_choices_to={"kind": Group.Kind.SECTOR},
    )
    street_group = models.ForeignKey(
        Group,
        verbose_name=_("street group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="street_members",
        limit_choices_to={"kind": Group.Kind.STREET},
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        # By pinyin (李, 王, 张, 赵), as people look names up; same-sounding names by character.
        ordering = ["name_pinyin", "name", "pk"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [
            ("view_full_mobile", _("Can see whole mobile phone numbers")),
            (
                "export_member_phones",
                _("Can export the phone list of their members with whole numbers"),
            ),
        ]
        # The roster is listed by name everywhere; an index keeps that a walk, not a sort.
        indexes = [
            models.Index(fields=["name_pinyin", "name", "id"], name="member_pinyin_idx"),
            # The term filter's first and last term: two index probes, not a scan.
            models.Index(fields=["term"], name="member_term_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True)
                | Q(status="left", left_on__isnull=False),
                name="member_left_on_iff_left",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class ActivityQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now())


class Activity(models.Model):
    """履职活动: a duty activity organised by a group, with the members who took part."""

    class Kind(models.TextChoices):
        STUDY = "study", _("study")
        RESEARCH = "research", _("research or inspection")
        SERVICE = "service", _("service to residents")
        PAIRING = "pairing", _("pairing with needy residents")
        MEDIATION = "mediation", _("mediation of disputes")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organiser_group = models.ForeignKey(
        Group,
        verbose_name=_("organising group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    organiser_studio = models.ForeignKey(
        "studios.Studio", null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    participants = models.ManyToManyField(
        Member, through="Attendance", verbose_name=_("participants"), related_name="activities"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["organiser_group", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One member invited to one activity, and whether they came."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        PRESENT = "present", _("present")
        LEAVE = "leave", _("on leave")
        ABSENT = "absent", _("absent")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.INVITED
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique"),
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} @ {self.activity}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return self.caption or self.image.name


class MemberPhoneExport(models.Model):
    """Who exported members' whole phone numbers, when, and how many (PIPL access log)."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    row_count = models.PositiveIntegerField(_("members exported"))

    class Meta:
        ordering = ["-exported_at", "-pk"]
        verbose_name = _("phone list export")
        verbose_name_plural = _("phone list exports")

    def __str__(self) -> str:
        return f"{self.exported_by} ({self.row_count})"
