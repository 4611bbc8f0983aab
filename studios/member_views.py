"""The member's studio pages (/member/studio/): their coming duty slots, the visit they record
on a phone, and their studios' visits. Thin: parse, check, call one service, redirect.

Only a studio's members see or record its visits: another studio's visit answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import apply_service_error
from core.workflow import TransitionRefused
from opinions.views import member_required

from . import selectors
from .forms_reception import MemberVisitForm
from .models import Visit
from .services import reception


def _home(member):
    return selectors.member_studio_home(member, today=timezone.localdate())


@member_required
def studio_home(request: HttpRequest, member) -> HttpResponse:
    """The member's studios: coming duty, the visit form, the recent visits."""
    home = _home(member)
    if not home.studios:
        return render(request, "studios/member/no_studio.html")
    form = MemberVisitForm(studios=home.receiving) if home.receiving else None
    return render(request, "studios/member/home.html", {"home": home, "form": form})


@member_required
def visit_new(request: HttpRequest, member) -> HttpResponse:
    """Record a visit: all or nothing; a refused form comes back with what was typed."""
    home = _home(member)
    if not home.receiving:
        raise Http404
    form = MemberVisitForm(request.POST or None, studios=home.receiving)
    if request.method == "POST" and form.is_valid():
        try:
            visit = reception.visit_record(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_error(form, error)
        except TransitionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("studio_member:visit_detail", pk=visit.pk)
    return render(request, "studios/member/visit_form.html", {"form": form})


@member_required
def visit_detail(request: HttpRequest, member, pk: int) -> HttpResponse:
    try:
        visit = selectors.member_visit(member, pk)
    except Visit.DoesNotExist:
        raise Http404 from None
    return render(request, "studios/member/visit_detail.html", {"visit": visit})
