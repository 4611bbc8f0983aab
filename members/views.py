from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Member


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member's own page: their groups, upcoming activities and attendance record."""
    try:
        # Cached on request.user, so the navbar's `user.member` costs no second query.
        member = request.user.member
    except Member.DoesNotExist:
        # Office staff and department handlers have logins but no member record. 403 says
        # "logged in, not entitled" to browsers and monitoring; the page says where to go.
        return render(request, "members/not_a_member.html", status=403)
    return render(
        request,
        "members/dashboard.html",
        {"member": member, "dashboard": selectors.member_dashboard(member)},
    )
