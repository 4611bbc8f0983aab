"""Sessions end after a time without use: 30 minutes for staff, a setting for everybody else.

The idle limit is fixed at login (by role) and kept in the session. Each request that comes at
least a minute after the last refresh sets the session's expiry again, N seconds from now; the
session store enforces it (an expired session is no session). Refreshing at most once a minute
costs one session write a minute instead of one per request, and the limit is kept to within
that minute.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

IDLE_KEY = "_idle_seconds"
TOUCHED_KEY = "_idle_touched"
REFRESH_SECONDS = 60


def idle_seconds_for(user) -> int:
    if user.is_staff:
        return settings.STAFF_SESSION_IDLE_SECONDS
    return settings.MEMBER_SESSION_IDLE_SECONDS


@receiver(user_logged_in)
def _start_idle_clock(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    seconds = idle_seconds_for(user)
    request.session[IDLE_KEY] = seconds
    request.session[TOUCHED_KEY] = int(time.time())
    request.session.set_expiry(seconds)


class IdleTimeoutMiddleware:
    """Pushes a logged-in session's expiry forward, at most once a minute (after
    SessionMiddleware; reads only the session, never the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # No cookie, no session to keep alive: anonymous visitors cost nothing here.
        if session is not None and session.session_key:
            seconds = session.get(IDLE_KEY)
            now = int(time.time())
            if seconds and now - session.get(TOUCHED_KEY, 0) >= REFRESH_SECONDS:
                session[TOUCHED_KEY] = now
                session.set_expiry(seconds)
        return self.get_response(request)
