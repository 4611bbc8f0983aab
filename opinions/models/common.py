"""What every written channel shares: handling departments, the timeline and notifications."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a report or proposal is about: the committee's usual subject areas.

    Wide enough to take the seven in-scope domains of a resident issue (welfare, help for
    people in difficulty, health and education, public order, environment, public facilities,
    road traffic) as well as members' own subjects.
    """

    ECONOMY = "economy", _("economy and business environment")
    URBAN = "urban", _("urban construction and public facilities")
    TRANSPORT = "transport", _("road traffic")
    ENVIRONMENT = "environment", _("ecology and environment")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health care")
    WELFARE = "welfare", _("social security and help for people in difficulty")
    ELDERLY = "elderly", _("elderly care")
    PUBLIC_ORDER = "public_order", _("public order and safety")
    CULTURE = "culture", _("culture and tourism")
    AGRICULTURE = "agriculture", _("agriculture and rural areas")
    OTHER = "other", _("other")


# Timeline actions and how they read. Reports and proposals share these; other channels (resident
# issues) add their own with register_actions(), so every row shows a translated label.
ACTION_LABELS: dict[str, str] = {
    "created": _("created"),
    "edited": _("draft edited"),
    "submitted": _("submitted"),
    "review_started": _("review started"),
    "edited_with_consent": _("edited by the office with the author's consent"),
    "adopted": _("adopted"),
    "forwarded": _("forwarded to a department"),
    "declined": _("not adopted"),
    "instruction": _("leader's instruction"),
    "replied": _("department replied"),
    "closed": _("closed"),
    "filed": _("filed"),
    "not_filed": _("not filed, turned into a suggestion"),
    "assigned": _("assigned to handling units"),
    "marked_key": _("made a key proposal"),
    "co_replied": _("co-handling unit gave its opinion"),
    "evaluated": _("proposer evaluated the reply"),
}


def register_actions(labels: dict[str, str]) -> None:
    """Add `action: label` pairs (labels lazily translated) for TimelineEntry.action_label."""
    ACTION_LABELS.update(labels)


class Department(models.Model):
    """承办单位: a unit that handles what is forwarded or assigned to it, and replies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("email"), blank=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handlers"),
        blank=True,
        related_name="departments",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("handling department")
        verbose_name_plural = _("handling departments")

    def __str__(self) -> str:
        return self.name


class TimelineEntry(models.Model):
    """One step in the life of a report, proposal or resident issue: who, what, when.

    Written by the transition functions in the same transaction as the state change, so the
    timeline and the state can never disagree.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor as shown to members and residents ("区政协办公室", a department's name),
    # frozen at the time: staff names are not shown outside the office.
    actor_label = models.CharField(_("by (shown as)"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(
        _("shown to residents"),
        default=False,
        help_text=_("Public steps appear on the resident's tracking page."),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action_label} {self.from_state_label}→{self.to_state_label}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def _state_label(self, value: str) -> str:
        # ContentType rows are cached by their manager, so this costs no query per row.
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        try:
            choices = dict(model._meta.get_field("state").flatchoices)
        except Exception:  # noqa: BLE001 - a subject without a state field shows the raw value
            return value
        return str(choices.get(value, value))

    @property
    def from_state_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_state_label(self) -> str:
        return self._state_label(self.to_state)


class Notification(models.Model):
    """An in-app notification (the bell); an email is sent alongside through Celery."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
