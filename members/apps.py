from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and groups")

    def ready(self):
        # Signal receivers: the login record and the idle clock.
        from . import access, sessions  # noqa: F401
