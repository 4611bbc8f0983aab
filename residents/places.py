"""What the public form needs of the district's streets and communities, kept between requests.

The public form is the portal's busiest page: in a consultation week tens of thousands of
residents open it. Its empty form is the same for every visitor except for the CSRF token and the
CAPTCHA, so each server process renders it once and keeps it, with holes where those two go
(residents/views.py fills them per request); it keeps the street and community lists that a
POST is checked against as well.

What a process keeps belongs to one *version* of the places, a token in the shared cache: when
the office changes a street or a community the token is replaced (after the change commits), and
every process drops what it kept within two seconds. A restarted process (a deploy) starts
empty, so a kept page never outlives the templates and static files it was rendered with.
"""

import secrets
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import SafeString, mark_safe

from .models import Community, Street

# Stand-ins rendered into a kept page where the per-request values go. Plain letters: they pass
# HTML escaping unchanged and cannot occur in the page otherwise.
CSRF_HOLE = "csrfHoleOfTheKeptPage"
CAPTCHA_HOLE = "captchaHoleOfTheKeptPage"

_VERSION_KEY = "residents:places:version"
VERSION_CHECK_SECONDS = 2.0
_lock = threading.Lock()
_kept: dict = {"version": None}

CommunityRow = tuple[int, str, int, str]  # (pk, name, street_id, street name)
StreetRow = tuple[int, str, int | None, int]  # (pk, name, group_id, sort_order)


def _current() -> dict:
    """This process's kept values for the current version. The version is read from the shared
    cache at most every VERSION_CHECK_SECONDS, so a busy process makes no cache round trip for
    most requests."""
    global _kept
    kept, now = _kept, time.monotonic()
    if now - kept.get("checked_at", -VERSION_CHECK_SECONDS) < VERSION_CHECK_SECONDS:
        return kept
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(_VERSION_KEY, version, timeout=None):
            version = cache.get(_VERSION_KEY, version)
    with _lock:
        if _kept["version"] != version:
            _kept = {"version": version}
        _kept["checked_at"] = now
        return _kept


def _keep(name, make: Callable):
    kept = _current()
    value = kept.get(name)
    if value is None:
        value = kept[name] = make()
    return value


def community_rows() -> dict[int, CommunityRow]:
    """Every community with its street, by key, in the order the form lists them."""
    return _keep(
        "communities",
        lambda: {
            row[0]: row
            for row in Community.objects.values_list("pk", "name", "street_id", "street__name")
        },
    )


def street_rows() -> dict[int, StreetRow]:
    """Every street by key, in the order the form lists them."""
    return _keep(
        "streets",
        lambda: {
            row[0]: row
            for row in Street.objects.values_list("pk", "name", "group_id", "sort_order")
        },
    )


def kept_html(name: tuple, render: Callable[[], str]) -> SafeString:
    """HTML kept under `name` (say the language and the display mode it was rendered for);
    `render` makes it on a miss and must not put anything of the request into it."""
    return mark_safe(_keep(("html", *name), lambda: str(render())))  # noqa: S308 - our rendering


def forget() -> None:
    """Make every process read the streets and communities again: this one at once, the others
    within VERSION_CHECK_SECONDS."""
    global _kept
    cache.set(_VERSION_KEY, secrets.token_hex(8), timeout=None)
    with _lock:
        _kept = {"version": None}


def _changed(**_kwargs) -> None:
    # After commit: dropped earlier, a request could keep the old rows again before the commit.
    transaction.on_commit(forget)


for _model in (Street, Community):
    post_save.connect(
        _changed, sender=_model, dispatch_uid=f"residents.places.{_model.__name__}.save"
    )
    post_delete.connect(
        _changed, sender=_model, dispatch_uid=f"residents.places.{_model.__name__}.delete"
    )
