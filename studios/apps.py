from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiosConfig(AppConfig):
    name = "studios"
    verbose_name = _("Member studios")

    def ready(self):
        # Celery's autodiscovery imports `studios.tasks` only.
        from . import booking_tasks  # noqa: F401
