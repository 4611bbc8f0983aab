from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Resident issues")

    def ready(self):
        # The timeline action labels and the rate-limit cache check.
        from . import checks, services  # noqa: F401
