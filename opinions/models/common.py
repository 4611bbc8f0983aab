"""What reports and proposals share: their categories and the handling departments."""

from django.conf import settings
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
