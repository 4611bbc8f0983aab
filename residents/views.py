"""The public pages: the issue form, the tracking page and the resident's answer after closing.

Open to anyone, so each write and each lookup is limited per client address (django-ratelimit,
counted in the shared cache) and the form carries an anti-robot check (residents/antirobot.py).
"""

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.elder_mode import elder_mode_on
from core.workflow import TransitionRefused

from . import antirobot, places, ratelimits, selectors, services
from .forms import FeedbackForm, IssueForm, PublicIssueForm, TrackForm

# The per-address counters of the issue pages (residents/ratelimits.py).
SUBMIT = "residents.submit"
NOSCRIPT = ratelimits.NOSCRIPT
TRACK = "residents.track"


def _too_many(request, usage: dict):
    # A refused form: what the resident wrote is shown again, to copy and send later.
    typed = "\n".join(
        text
        for text in (request.POST.get("place", ""), request.POST.get("description", ""))
        if text
    )
    return ratelimits.too_many(request, usage, typed=typed)


FORM_TEMPLATE = "residents/issue_form.html"


def _form_context(form, fields_html=None) -> dict:
    return {
        "form": form,
        "fields_html": fields_html,
        "retention_years": settings.RESIDENT_ISSUE_RETENTION_DAYS / 365,
    }


def _blank_form(request):
    """The empty form. Every visitor gets the same fields, so they are rendered once per server
    process and kept (residents/places.py). An anonymous visitor without messages, the
    residents' usual case, gets the whole page as kept, with this request's CSRF token put
    into its hole (the anti-robot widget fetches its challenge by itself)."""
    language = get_language()

    def fields_html():
        return places.kept_html(("fields", language), lambda: render_crispy_form(IssueForm()))

    if request.user.is_authenticated or request.GET or get_messages(request):
        return render(request, FORM_TEMPLATE, _form_context(PublicIssueForm(), fields_html()))

    def render_page() -> str:
        context = {
            **_form_context(PublicIssueForm(), fields_html()),
            "csrf_token": places.CSRF_HOLE,
        }
        return render_to_string(FORM_TEMPLATE, context, request)

    page = places.kept_html(("page", language, elder_mode_on(request)), render_page)
    return HttpResponse(page.replace(places.CSRF_HOLE, get_token(request)))


@require_GET
def antirobot_challenge(request):
    """A new signed challenge for the form's anti-robot check; writes nothing."""
    response = JsonResponse(antirobot.challenge_new())
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def issue_new(request):
    if request.method == "GET":
        return _blank_form(request)
    # Only stored submissions count towards the limits: a resident whose form came back with
    # a mistake has lost nothing of their allowance.
    submit_rate = settings.RESIDENT_ISSUE_SUBMIT_RATE
    if usage := ratelimits.used_up(request, group=SUBMIT, rate=submit_rate):
        return _too_many(request, usage)
    form = PublicIssueForm(request.POST, request.FILES)
    if form.is_valid():
        noscript = form.cleaned_data["antirobot"] == "word"
        noscript_rate = settings.RESIDENT_ISSUE_NOSCRIPT_RATE
        if noscript and (usage := ratelimits.used_up(request, group=NOSCRIPT, rate=noscript_rate)):
            return _too_many(request, usage)
        try:
            issue = services.issue_submit(actor=None, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            ratelimits.usage(request, group=SUBMIT, rate=submit_rate, increment=True)
            if noscript:
                ratelimits.usage(request, group=NOSCRIPT, rate=noscript_rate, increment=True)
            return redirect(
                f"{reverse('residents:done')}?{urlencode({'code': issue.tracking_code})}"
            )
    return render(request, FORM_TEMPLATE, _form_context(form))


# The tracking code is the resident's key to their issue: no cache may keep a page showing it.
@cache_control(private=True, no_store=True)
def issue_done(request):
    """After sending: the code and the link to follow it. Reads nothing from the database."""
    code = selectors.normalize_tracking_code(request.GET.get("code", ""))
    if not selectors.is_well_formed_code(code):
        return redirect("residents:new")
    track_url = request.build_absolute_uri(
        f"{reverse('residents:track')}?{urlencode({'code': code})}"
    )
    return render(request, "residents/issue_done.html", {"code": code, "track_url": track_url})


@cache_control(private=True, no_store=True)
def issue_track(request):
    """The code form, and with a code, what the resident may see of the issue."""
    if "code" not in request.GET:
        return render(request, "residents/track.html", {"form": TrackForm()})
    if usage := ratelimits.limited(request, group=TRACK, rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request, usage)
    form = TrackForm(request.GET)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    tracking = selectors.issue_tracking(code)
    context = {"form": form, "tracking": tracking, "searched": True}
    if tracking is not None:
        context["feedback_form"] = FeedbackForm(initial={"code": tracking.issue.tracking_code})
    return render(request, "residents/track.html", context, status=200 if tracking else 404)


@require_POST
def issue_feedback(request):
    """The resident's one answer after closing: solved, partly solved or not solved."""
    if usage := ratelimits.limited(request, group=TRACK, rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request, usage)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return redirect("residents:track")
    code = form.cleaned_data["code"]
    tracking = selectors.issue_tracking(code)
    if tracking is None:
        return redirect("residents:track")
    try:
        services.issue_feedback_record(issue=tracking.issue, answer=form.cleaned_data["answer"])
    except TransitionRefused as refused:
        message, thanks = refused.message, False
    else:
        message, thanks = "", True
    url = f"{reverse('residents:track')}?{urlencode({'code': code})}"
    return render(
        request,
        "residents/feedback_done.html",
        {"message": message, "thanks": thanks, "track_url": url},
    )
