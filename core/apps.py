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

        from . import admin_scoping, exports, images, validators, workdays  # noqa: F401 (exports registers its system check)

        workdays.follow_changes()
        admin_scoping.install_readonly_links()
        validators.attach_to_models()
        images.limit_pillow()

        from . import audit

        audit.register_audited_models()
