"""Staff read the admin in Chinese: no English word is left on the pages they use.

Office staff open the admin home, every app's page, and every list, add page and change page
they may open (the logins' add page, the schedules, the two-box picker, the export field picker
included). What a person reads there — text, and the title, placeholder, aria-label, alt and
button value attributes — may hold no Latin word outside a few technical names. The rows the
test makes hold Chinese (or digits) only, so that any word found comes from the portal or a
package it uses.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.members.factories import (
    ActivityFactory,
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    SectorGroupFactory,
)
from tests.opinions.factories import (
    AssignedProposalFactory,
    DeclineReasonFactory,
    ForwardedReportFactory,
    HandlerFactory,
)
from tests.residents.factories import PresetReplyFactory, ResidentIssueFactory
from tests.studios.factories import StudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z]{2,}")

#: Technical names a Chinese reader meets as they are; each is the usual name of the thing.
ALLOWED = {
    # The file formats offered on the export and import pages: django-import-export names
    # each by its extension, which is what staff see on the downloaded file.
    "csv",
    "xlsx",
    # The photo formats the issue form accepts (the photo field's help text): what a phone
    # or a computer calls them.
    "JPEG",
    "PNG",
    "WebP",
    # IP 地址 on the login record (django-axes).
    "IP",
}

SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Not read: scripts and styles; <bdi> holds values in their own script (the stored password's
# hash algorithm and salt on a login's page), which are data, not wording.
HIDDEN_ELEMENTS = {"script", "style", "template", "bdi"}


class VisibleText(HTMLParser):
    """The text a person reads on a page: element text, and the attributes shown or read out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
            return
        if self._hidden:
            return
        attrs = dict(attrs)
        if (attrs.get("type") or "").lower() == "hidden":
            return
        for name in SHOWN_ATTRIBUTES & attrs.keys():
            self.parts.append(attrs[name] or "")
        # An input button shows its value; a <button> shows its content, not its value.
        is_button = tag == "input" and (attrs.get("type") or "").lower() in {
            "submit",
            "button",
            "reset",
        }
        if is_button and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def english_words(html: str) -> dict[str, str]:
    """Each Latin word outside the allow-list, with the text it was found in."""
    parser = VisibleText()
    parser.feed(html)
    found = {}
    for part in parser.parts:
        for word in WORD.findall(part):
            if word not in ALLOWED:
                found.setdefault(word, " ".join(part.split())[:120])
    return found


@pytest.fixture
def office(client):
    user = OfficeStaffFactory(username="办公室张伟", first_name="张伟", email="")
    client.force_login(user)
    return user


@pytest.fixture
def rows(office):
    liaison = LiaisonStaffFactory(username="联络员李娜", first_name="李娜", email="")
    group = GroupFactory(name="城关街道活动组")
    group.liaison_staff.add(liaison)
    SectorGroupFactory()
    member = MemberFactory(
        name="王秀英",
        street_group=group,
        mobile="13811110001",
        user__username="13811110001",
        user__email="",
    )
    ActivityFactory(title="城关学习会", organiser_group=group, place="城关街道会议室")
    studio = StudioFactory(name="城关法律服务工作室", group=group, industry="法律")
    StudioMemberFactory(studio=studio, member=member)
    ForwardedReportFactory(author=member)
    AssignedProposalFactory(proposer=member)
    HandlerFactory(username="住建局经办人", email="")
    DeclineReasonFactory()
    PresetReplyFactory()
    ResidentIssueFactory(tracking_code="23456789")
    now = timezone.now()
    login = {"ip_address": "127.0.0.1", "user_agent": "浏览器", "http_accept": "*/*"}
    AccessLog.objects.create(username="13811110001", path_info="/", attempt_time=now, **login)
    AccessAttempt.objects.create(
        username="13811110001",
        path_info="/",
        get_data="",
        post_data="",
        failures_since_start=3,
        attempt_time=now,
        **login,
    )
    TOTPDevice.objects.create(user=office, name="手机", confirmed=True)
    # force_login has no request: axes records its login with "<unknown>" for each header.
    AccessLog.objects.filter(path_info="<unknown>").update(**login, path_info="/")


def admin_pages() -> list[str]:
    """The admin home, each app's page, and each model's list, add page, first row's change
    page, and export and import pages."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
        for view in ("export", "import"):
            try:
                urls.append(reverse(f"{prefix}_{view}"))
            except NoReverseMatch:
                continue
    return list(dict.fromkeys(urls))


#: Pages the issue names, which must be among those scanned (not refused or missing).
MUST_BE_SCANNED = [
    "/admin/",
    "/admin/members/user/add/",
    "/admin/members/member/export/",  # the export field picker
    "/admin/django_celery_beat/",
    "/admin/django_celery_beat/periodictask/",
    "/admin/django_celery_beat/periodictask/add/",
    "/admin/django_celery_beat/crontabschedule/add/",
    "/admin/django_celery_beat/intervalschedule/add/",
]


def test_no_english_word_on_the_admin_pages_office_staff_use(client, office, rows):
    from members.models import Group

    labels = {model._meta.app_label for model in admin.site._registry}
    app_pages = {reverse("admin:app_list", args=[label]) for label in labels}
    scanned, found = set(), {}
    for url in admin_pages():
        response = client.get(url)
        if response.status_code == 403 or (response.status_code == 404 and url in app_pages):
            continue  # not a page office staff use (an app page is 404 without any of its lists)
        assert response.status_code == 200, url
        scanned.add(url)
        words = english_words(response.content.decode())
        if words:
            found[url] = words

    # The two-box picker (a group's liaison staff) and the schedules' change pages.
    picker = reverse("admin:members_group_change", args=[Group.objects.order_by("pk")[0].pk])
    for url in [*MUST_BE_SCANNED, picker]:
        assert url in scanned, url
    assert any("/periodictask/" in url and url.endswith("/change/") for url in scanned)
    assert any("/crontabschedule/" in url and url.endswith("/change/") for url in scanned)
    assert found == {}, "\n".join(f"{url}: {words}" for url, words in found.items())


def test_the_scan_finds_english_where_there_is_some():
    html = (
        '<p>已办结</p><img alt="Search"><input type="submit" value="保存">'
        '<script>var x = "hidden";</script><input type="hidden" value="secret">'
        '<span title="Close">关闭</span>'
    )
    assert set(english_words(html)) == {"Search", "Close"}


def test_a_change_page_closes_with_guan_bi_not_ban_jie(client, office, rows):
    # A read-only change page (a resident issue's, for staff) ends with Django's Close link.
    from residents.models import ResidentIssue

    issue = ResidentIssue.objects.get()
    html = client.get(reverse("admin:residents_residentissue_change", args=[issue.pk])).content
    html = html.decode()

    assert 'class="closelink">关闭</a>' in html
    assert 'class="closelink">办结</a>' not in html


def test_the_admin_home_lists_the_committees_work_before_the_system_settings(client, office):
    html = client.get(reverse("admin:index")).content.decode()

    heading = html.index('id="system-settings"')
    assert "系统设置" in html[heading : heading + 100]
    for work in ("/admin/members/", "/admin/opinions/", "/admin/residents/"):
        assert html.index(f'href="{work}"') < heading
    for system in ("/admin/django_celery_beat/", "/admin/axes/", "/admin/otp_totp/"):
        assert html.index(f'href="{system}"') > heading


def test_the_two_box_pickers_own_words_are_chinese(client, office):
    # The picker's labels and buttons are written by Django's JavaScript from this catalog.
    catalog = client.get(reverse("admin:jsi18n")).content.decode()

    for english in ("Choose all", "Remove all", "Filter", "Chosen %s"):
        entry = re.search(rf'"{re.escape(english)}": ("(?:[^"\\]|\\.)*")', catalog)
        assert entry, english
        assert re.search(r"[\u4e00-\u9fff]", json.loads(entry.group(1))), english
