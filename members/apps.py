from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and groups")

    def ready(self):
        # Signal receivers: the login record, the idle clock, the forced password change.
        from . import access, passwords, sessions  # noqa: F401
