"""Who tried to log in, from where, and what came of it; and the lockout after repeated failures.

django-axes counts failures per login name *and* address (AXES_LOCKOUT_PARAMETERS), so one
resident mistyping a number on a meeting hall's shared Wi-Fi locks out neither the hall nor the
member whose number it is when they log in from elsewhere. Its tables are the record: every
failure (AccessFailureLog), every success and logout (AccessLog); staff unlock an account by
deleting its row under "Access attempts" in the admin. The log lines below say the same in the
structured log, with the request id.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from .phones import mask_mobile, normalize_mobile

logger = logging.getLogger("portal.access")


def login_name(raw: str | None) -> str:
    """What a login is known by: the 11-digit mobile when `raw` is one, however it was typed
    (spaces, dashes, full-width digits, +86), otherwise `raw` as typed. The lockout counts
    failures under this name, so that "139 1234 5678" and "13912345678" share one count."""
    raw = (raw or "").strip()
    try:
        return normalize_mobile(raw)
    except ValidationError:
        return raw


def lockout_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the name whose failures are counted (with the address)."""
    return login_name((credentials or {}).get("username"))


def _shown(name: str) -> str:
    # Logs are read by more people than the roster: a mobile appears masked there too.
    try:
        return mask_mobile(normalize_mobile(name))
    except ValidationError:
        return name[:150]


def _address(request) -> str:
    return getattr(request, "axes_ip_address", None) or (
        request.META.get("REMOTE_ADDR", "") if request is not None else ""
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page a locked-out login gets, in Chinese, saying when to
    come back. Each attempt while locked starts the wait again, so it is counted from now."""
    retry_at = timezone.localtime() + settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "retry_at": retry_at,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    logger.info(
        "login succeeded",
        extra={"event": "login", "user_id": user.pk, "address": _address(request)},
    )


@receiver(user_logged_out)
def _log_logout(sender, request, user, **kwargs):
    logger.info(
        "logout",
        extra={
            "event": "logout",
            "user_id": getattr(user, "pk", None),
            "address": _address(request),
        },
    )


@receiver(user_login_failed)
def _log_failure(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed",
        extra={
            "event": "login_failed",
            "login": _shown(login_name((credentials or {}).get("username"))),
            "address": _address(request),
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
    )
