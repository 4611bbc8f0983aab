from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Timeline, notifications and working days")

    def ready(self):
        # Each app declares its workflow in `<app>/workflow.py`; importing them here fills the
        # registry that timeline labels and the admin step panel read, whichever app's code
        # runs first. Found by name, so core imports no app above it.
        autodiscover_modules("workflow")

        from . import workdays

        workdays.follow_changes()

        from . import audit

        audit.register_audited_models()
