"""Public pages of the studios: the directory and each studio's page. Nothing about visitors
is shown; a studio being prepared or one that exited is not public (404)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import DirectoryFilterForm
from .models import Studio


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Open and suspended studios by street, optionally of one street or one sector."""
    form = DirectoryFilterForm(request.GET or None)
    street = sector = None
    if form.is_bound and form.is_valid():
        street, sector = form.cleaned_data["street"], form.cleaned_data["sector"]
    elif form.is_bound:
        # A street or sector that no longer has a public studio (an old link): every studio.
        form = DirectoryFilterForm()
    studios = list(selectors.directory_studios(street=street, sector=sector))
    context = {"form": form, "studios": studios, "filtered": bool(street or sector)}
    return render(request, "studios/directory.html", context)


@require_GET
def studio_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A studio's public page: who serves there, when, and what it has done for residents."""
    try:
        page = selectors.public_studio_page(pk)
    except Studio.DoesNotExist:
        raise Http404 from None
    return render(request, "studios/studio.html", {"page": page, "studio": page.studio})
