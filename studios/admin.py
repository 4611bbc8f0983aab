"""The studios' admin: registry and lifecycle here; reception and appointments in
admin_reception.py; the yearly plan, the five norms and the archive in admin_plans.py."""

from core.admin_scoping import register_scope

from . import selectors
from .models import Studio

register_scope(Studio, selectors.studios_visible_to)

from . import admin_booking, admin_plans, admin_reception  # noqa: E402, F401 - they register admins
