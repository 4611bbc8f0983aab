from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url

from . import roles, selectors
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


def home_url_for(user) -> str:
    """Where a user lands after logging in without a `next`: members on their duties,
    department handlers on their inbox, office and liaison staff in the admin."""
    if Member.objects.filter(user=user).exists():
        return resolve_url("members:dashboard")
    if roles.has_role(user, roles.DEPARTMENT_HANDLER):
        return resolve_url("departments:home")
    if user.is_staff:
        return resolve_url("admin:index")
    return resolve_url("members:dashboard")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)
