from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Resident issues")

    def ready(self):
        # The timeline action labels, the rate-limit cache check, and the signals that drop the
        # cached streets and communities when the office changes them.
        from . import checks, places, services  # noqa: F401
