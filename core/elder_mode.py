"""Template context shared by every page of the portal."""

from django.http import HttpRequest

# The elder-mode (大字版) preference lives in a plain cookie so that it holds before login, on
# public pages and across logins, and so that the switch works without JavaScript.
ELDER_MODE_COOKIE = "elder"


def elder_mode_on(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDER_MODE_COOKIE) == "1"


def elder_mode(request: HttpRequest) -> dict[str, bool]:
    """`elder_mode`: whether this browser asked for large text, read from the cookie so that the
    class on <html> is rendered by the server (no flash of small text before a script runs)."""
    return {"elder_mode": elder_mode_on(request)}
