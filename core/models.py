"""What every app's workflow shares: the timeline, notifications and their outbox of
deliveries, and the staff-kept exceptions to the working-day calendar.

The timeline and notifications were born in `opinions`; they keep their tables
(Meta.db_table) so that moving them here changed no row.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEntry(models.Model):
    """One step in the life of a report, proposal or resident issue: who, what, when.

    Written by `core.workflow.transition()` in the same transaction as the state change, so the
    timeline and the state can never disagree. Its labels come from the subject's declared
    workflow (`<app>/workflow.py`), whatever the subject's state field is called.
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
        db_table = "opinions_timelineentry"
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"],
                name="opinions_ti_content_7f283c_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_label} {self.from_state_label}→{self.to_state_label}"

    def _workflow(self):
        from .workflow import workflow_for

        # ContentType rows are cached by their manager, so this costs no query per row.
        return workflow_for(ContentType.objects.get_for_id(self.content_type_id).model_class())

    @property
    def action_label(self) -> str:
        workflow = self._workflow()
        return workflow.action_label(self.action) if workflow else self.action

    @property
    def from_state_label(self) -> str:
        workflow = self._workflow()
        return workflow.state_label(self.from_state) if workflow else self.from_state

    @property
    def to_state_label(self) -> str:
        workflow = self._workflow()
        return workflow.state_label(self.to_state) if workflow else self.to_state


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
        db_table = "opinions_notification"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="opinions_no_recipie_bf756b_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """The outbox: one message (email or SMS) to send, written in the transaction that decided
    to send it, then sent by a Celery task that claims it.

    The unique key (kind, object, recipient, due date, channel) makes a retried or duplicated
    decision write nothing twice. A row is marked sent only after the send: a worker killed
    in between leaves it `sending`, and the sweep claims it again once its lease has run out
    (at least once; the unique key and the claim make it once in practice).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("no address")

    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices)
    # What the message is about: the notification itself, or the activity reminded of.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    # Frozen at the decision: the address and the text the recipient gets, whatever changes
    # afterwards.
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "recipient", "due_on", "channel"],
                name="core_delivery_once",
            )
        ]
        indexes = [
            # The sweep's lookup: only the few rows still to send are in it.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="core_delivery_to_send_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.due_on:%Y-%m-%d}"


class WorkdayException(models.Model):
    """A day the office works or rests against what the calendar says: for years the
    holiday calendar (chinese_calendar) does not know yet, or a local decision."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: the office works that day (a make-up day). Unticked: a day off."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("working-day exception")
        verbose_name_plural = _("working-day exceptions")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class PhoneView(models.Model):
    """Who saw a person's whole phone number, and when (the PIPL access log). Each app keeps
    its own table, with a foreign key named by `SUBJECT` to what holds the number (a resident
    issue, a studio visit, an appointment); rows are written by `core.privacy.reveal_phone`."""

    #: The name of the foreign key to the row that holds the number.
    SUBJECT = ""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.viewer} → {getattr(self, self.SUBJECT)}"
