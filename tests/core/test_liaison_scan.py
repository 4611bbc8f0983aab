"""Liaison staff, on every admin change page they can open, see only rows of their own scope.

The demo district (two street groups and a sector group run by the `liaison` login, the rest
run by nobody) plus rows planted across the border, each carrying a unique marker: an issue
routed to the liaison's group from another street and its out-of-scope twin (the duplicates
panel), an out-of-scope issue merged into it, an out-of-scope report adopted into the same
bulletin as an in-scope one, an out-of-scope member and group. Every change page of every
registered admin model is opened as the liaison; every link to a change page must point at a
row the liaison's own admin would open, and no marker may appear.
"""

import io
import re
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from core.admin_scoping import visible_rows
from members.models import Group, User
from opinions.models import AdoptionLevel, Bulletin, OpinionReport, ReportAdoption
from residents import services as resident_services
from residents.models import IssueLink, ResidentIssue, Street
from tests.members.factories import (
    ActivityFactory,
    GroupFactory,
    MemberFactory,
    OfficeStaffFactory,
)
from tests.opinions.factories import OpinionReportFactory
from tests.residents.factories import ResidentIssueFactory
from tests.studios.factories import StudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

MARK = "越界标记"
CHANGE_LINK = re.compile(r'href="/admin/(\w+)/(\w+)/([^/"]+)/change/')


@pytest.fixture
def district():
    call_command("seed_demo", stdout=io.StringIO())
    liaison = User.objects.get(username="liaison")
    office = OfficeStaffFactory()
    own_groups = Group.objects.filter(liaison_staff=liaison)
    own_street_group = own_groups.filter(kind=Group.Kind.STREET).first()
    own_member = MemberFactory(name="界内委员", street_group=own_street_group)

    # Another street, run by nobody the liaison knows.
    foreign_group = GroupFactory(name=f"{MARK}组")
    foreign_street = Street.objects.create(name="越界街道", group=foreign_group)
    foreign_member = MemberFactory(name=f"{MARK}委员", street_group=foreign_group)

    # An issue of that street handed on to the liaison's group: in scope; its twin is not.
    routed = ResidentIssueFactory(
        street=foreign_street,
        place="幸福路12号小区门口",
        description="小区门口的路灯坏了一个多月，晚上出门很黑，老人摔倒过。",
        state=ResidentIssue.State.ACCEPTED,
    )
    IssueLink.objects.create(issue=routed, kind="group", group=own_street_group, created_by=office)
    twin = ResidentIssueFactory(
        street=foreign_street,
        place="幸福路12号小区门口",
        description=f"小区门口的路灯坏了一个多月，晚上出门很黑。{MARK}",
    )
    absorbed = ResidentIssueFactory(street=foreign_street, description=f"{MARK}已合并")
    resident_services.issue_merge(issue=absorbed, into=routed, actor=office)

    # A studio of the liaison's group with an activity, and another group's studio with its own.
    own_studio = StudioFactory(name="界内工作室", group=own_street_group)
    StudioMemberFactory(studio=own_studio, member=own_member)
    ActivityFactory(title="界内工作室义诊", organiser_group=None, organiser_studio=own_studio)
    foreign_studio = StudioFactory(name=f"{MARK}工作室", group=foreign_group)
    StudioMemberFactory(studio=foreign_studio, member=foreign_member)
    ActivityFactory(title=f"{MARK}义诊", organiser_group=None, organiser_studio=foreign_studio)

    # One bulletin issue holding an in-scope and an out-of-scope report.
    bulletin = Bulletin.objects.create(year=2026, number=99, title="第99期")
    inside = OpinionReportFactory(author=own_member, state=OpinionReport.State.ADOPTED)
    outside = OpinionReportFactory(
        author=foreign_member, title=f"{MARK}报告", state=OpinionReport.State.ADOPTED
    )
    for report in (inside, outside):
        ReportAdoption.objects.create(
            report=report, level=AdoptionLevel.DISTRICT, bulletin=bulletin
        )
    return {
        "liaison": liaison,
        "routed": routed,
        "twin": twin,
        "absorbed": absorbed,
        "bulletin": bulletin,
        "outside": outside,
    }


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_rows(model_admin, request):
    """The rows the liaison's own admin would open, or None when it may not view the model."""
    if not model_admin.has_view_permission(request):
        return None
    return model_admin.get_queryset(request)


def _change_url(model, pk) -> str | None:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(pk)])
    except NoReverseMatch:
        return None


def test_every_change_page_shows_liaison_staff_only_their_scope(client, district):
    liaison = district["liaison"]
    client.force_login(liaison)
    request = _request_as(liaison)
    by_label = {
        (model._meta.app_label, model._meta.model_name): (model, model_admin)
        for model, model_admin in admin.site._registry.items()
    }
    openable: dict[tuple[str, str], set[str]] = {}
    for key, (_model, model_admin) in by_label.items():
        rows = _admin_rows(model_admin, request)
        openable[key] = (
            set() if rows is None else {str(pk) for pk in rows.values_list("pk", flat=True)}
        )

    pages = 0
    problems = []
    for key, (model, _model_admin) in by_label.items():
        for pk in sorted(openable[key]):
            url = _change_url(model, pk)
            if url is None:
                continue
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            pages += 1
            html = response.content.decode()
            if MARK in html:
                problems.append(f"{url}: shows a planted out-of-scope marker")
            for app_label, model_name, linked_pk in CHANGE_LINK.findall(html):
                if unquote(linked_pk) not in openable.get((app_label, model_name), set()):
                    problems.append(f"{url}: links to {app_label}.{model_name} {linked_pk}")
            if district["twin"].tracking_code in html:
                problems.append(f"{url}: shows the out-of-scope twin's tracking code")
    assert pages > 50  # the demo district's pages were opened, not an empty scan
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_planted_panels_were_scanned(client, district):
    """The panels the scan relies on are there for in-scope rows: the duplicate panel lists
    an in-scope twin, the bulletin page lists the in-scope report."""
    client.force_login(district["liaison"])
    bulletin_page = client.get(_change_url(Bulletin, district["bulletin"].pk)).content.decode()
    assert "关于加强老旧小区加装电梯工作的建议" in bulletin_page
    routed_page = client.get(_change_url(ResidentIssue, district["routed"].pk))
    assert routed_page.status_code == 200
    assert district["twin"] not in routed_page.context["duplicates"]
    # What was merged into the issue is listed only when the liaison may open it; the
    # survivor's own timeline still says a merge happened.
    assert district["absorbed"] not in routed_page.context["merged_issues"]


def test_out_of_scope_change_pages_are_not_shown_to_liaison_staff(client, district):
    liaison = district["liaison"]
    client.force_login(liaison)
    checked = 0
    for model in admin.site._registry:
        visible = visible_rows(model, liaison)
        if visible is None:
            continue
        hidden = model._default_manager.exclude(pk__in=visible.values("pk")).order_by("pk")
        for pk in hidden.values_list("pk", flat=True)[:5]:
            url = _change_url(model, pk)
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (url, response.status_code)
            checked += 1
    assert checked >= 5
    response = client.get(_change_url(OpinionReport, district["outside"].pk))
    assert response.status_code in (302, 403, 404)
