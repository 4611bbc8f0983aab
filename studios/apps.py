from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiosConfig(AppConfig):
    name = "studios"
    verbose_name = _("Member studios")

    def ready(self):
        # Celery's autodiscovery imports `studios.tasks` only; the member's studios join the
        # members' dashboard as a section registered on import.
        from . import booking_tasks, member_dashboard  # noqa: F401
