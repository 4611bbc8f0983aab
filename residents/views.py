"""The public pages: the issue form, the tracking page and the resident's answer after closing.

Open to anyone, so each write and each lookup is limited per client address (django-ratelimit,
counted in the shared cache) and the form carries an offline CAPTCHA.
"""

from captcha.models import CaptchaStore
from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from core.elder_mode import elder_mode_on
from core.workflow import TransitionRefused

from . import places, selectors, services
from .challenges import challenge_new
from .forms import FeedbackForm, IssueForm, PublicIssueForm, TrackForm


def _limited(request, *, group: str, rate: str | None) -> bool:
    """Count this request against the client address; True once the limit is exceeded."""
    if not rate:
        return False
    return is_ratelimited(
        request, group=f"residents.{group}", key="ip", rate=rate, method=ALL, increment=True
    )


def _too_many(request):
    return render(request, "residents/too_many.html", status=429)


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
    residents' usual case, gets the whole page as kept, with this request's CSRF token and a
    new CAPTCHA challenge put into its holes."""
    language = get_language()

    def fields_html():
        return places.kept_html(("fields", language), lambda: render_crispy_form(IssueForm()))

    if request.user.is_authenticated or request.GET or get_messages(request):
        return render(request, FORM_TEMPLATE, _form_context(PublicIssueForm(), fields_html()))

    def render_page() -> str:
        form = PublicIssueForm()
        context = {**_form_context(form, fields_html()), "csrf_token": places.CSRF_HOLE}
        html = render_to_string(FORM_TEMPLATE, context, request)
        key = form.fields["captcha"].widget.challenge_key
        CaptchaStore.objects.filter(hashkey=key).delete()  # rendered once, never shown
        return html.replace(key, places.CAPTCHA_HOLE)

    page = places.kept_html(("page", language, elder_mode_on(request)), render_page)
    return HttpResponse(
        page.replace(places.CAPTCHA_HOLE, challenge_new()).replace(
            places.CSRF_HOLE, get_token(request)
        )
    )


@require_http_methods(["GET", "POST"])
def issue_new(request):
    if request.method == "GET":
        return _blank_form(request)
    if _limited(request, group="submit", rate=settings.RESIDENT_ISSUE_SUBMIT_RATE):
        return _too_many(request)
    form = PublicIssueForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            issue = services.issue_submit(actor=None, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
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
    if _limited(request, group="track", rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request)
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
    if _limited(request, group="track", rate=settings.RESIDENT_ISSUE_TRACK_RATE):
        return _too_many(request)
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
