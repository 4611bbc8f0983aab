"""Per-address limits of the public pages (django-ratelimit, counted in the shared cache).

The resident issue form and its tracking page use them, and so does every later public form
that a robot could flood (a studio's appointment form): one way to count, one page that says
when to try again and whom to call meanwhile.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

#: Answers through the no-JavaScript word (residents/antirobot.py), which a robot can learn:
#: every public form that asks it counts against this one group, whichever form it was.
NOSCRIPT = "residents.noscript"


def usage(request, *, group: str, rate: str | None, increment: bool) -> dict | None:
    """The client address's usage of `group` (such as "residents.submit"); None when `rate`
    is off."""
    if not rate:
        return None
    return get_usage(request, group=group, key="ip", rate=rate, method=ALL, increment=increment)


def limited(request, *, group: str, rate: str | None) -> dict | None:
    """Count this request against the client address; the usage once the limit is exceeded."""
    counted = usage(request, group=group, rate=rate, increment=True)
    return counted if counted and counted["should_limit"] else None


def used_up(request, *, group: str, rate: str | None) -> dict | None:
    """Without counting this request: the usage when the address has no request left."""
    counted = usage(request, group=group, rate=rate, increment=False)
    return counted if counted and counted["count"] >= counted["limit"] else None


def too_many(request, counted: dict, *, typed: str = ""):
    """429, saying when the address may try again and whom to call meanwhile. `typed`: what
    the person wrote into a refused form, shown again to copy and send later."""
    seconds = max(counted.get("time_left", 0), 60)
    retry_at = timezone.localtime() + timedelta(seconds=seconds)
    response = render(
        request,
        "residents/too_many.html",
        {"retry_at": retry_at, "office_phone": settings.OFFICE_PHONE, "typed": typed[:3000]},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
