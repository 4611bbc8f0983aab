from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .models import Entry


@require_http_methods(["GET", "POST"])
def form(request):
    """GET renders a small template with a CSRF token; POST does one INSERT and redirects."""
    if request.method == "POST":
        Entry.objects.create(text=request.POST.get("text", "")[:200])
        return HttpResponseRedirect("/done/")
    return render(request, "floor/form.html", {"title": "Floor"})
