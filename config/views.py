from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.elder_mode import ELDER_MODE_COOKIE

ELDER_MODE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def home(request):
    """The public entrance for residents and the way in for members."""
    return render(request, "home.html")


# No CSRF token: the switch only sets a display preference in the requester's own browser,
# which a forged request cannot turn into anything worse than large text. A token would make
# the switch fail with a 403 on pages kept open across a login, which elderly users hit most.
@csrf_exempt
@require_POST
def elder_mode_switch(request: HttpRequest) -> HttpResponse:
    """Turn elder mode (large text, 大字版) on or off for this browser and go back to the page
    the switch was pressed on. The no-JavaScript path of static/js/portal.js's toggle."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("elder") == "1":
        # Not HttpOnly: the script flips the same cookie without a page load.
        response.set_cookie(
            ELDER_MODE_COOKIE,
            "1",
            max_age=ELDER_MODE_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(ELDER_MODE_COOKIE, samesite="Lax")
    return response
