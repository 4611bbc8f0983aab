"""The Content-Security-Policy (script-src 'self', style-src 'self') breaks nothing: every page
of tests/e2e/pages.py, and the administration pages of every model office staff can open
(list, change and add pages, step forms, Excel import and export), load in Chromium without a
single violation reported on the console or as a `securitypolicyviolation` event."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.members.factories import ActivityFactory, OfficeStaffFactory
from tests.opinions.factories import AssignedProposalFactory, ForwardedReportFactory
from tests.residents.factories import ResidentIssueFactory

from .conftest import DESKTOP, LOCALE, TIMEOUT_MS
from .pages import PAGES, build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs in every page before its own scripts; init scripts are not subject to the policy.
LISTEN_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""
STEP_LINK = re.compile(r"/(step|phone)/")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = None
    settings.RESIDENT_ISSUE_TRACK_RATE = None


@pytest.fixture
def visit(browser, live_server):
    """visit(user, path, action=None) -> the violations seen while loading `path` as `user`."""
    contexts = {}

    def context_for(user):
        key = getattr(user, "pk", None)
        if key not in contexts:
            context = browser.new_context(base_url=live_server.url, locale=LOCALE, **DESKTOP)
            context.set_default_timeout(TIMEOUT_MS)
            context.add_init_script(LISTEN_JS)
            if user is not None:
                client = Client()
                client.force_login(user)
                cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": cookie,
                            "url": live_server.url,
                        }
                    ]
                )
            page = context.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda message: (
                    console.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            contexts[key] = (context, page, console)
        return contexts[key]

    def visit_(user, path, action=None) -> list[str]:
        _context, page, console = context_for(user)
        console.clear()
        page.goto(path, wait_until="load")
        if action is not None:
            action(page)
        seen = page.evaluate("() => window.__cspViolations") + list(console)
        return [f"{path}: {problem}" for problem in seen]

    visit_.page_of = lambda user: context_for(user)[1]
    yield visit_
    for context, _page, _console in contexts.values():
        context.close()


def test_public_member_and_department_pages_have_no_csp_violation(visit):
    scene = build_scene()
    problems = []
    for page in PAGES:
        problems += visit(scene.user(page.who), page.path(scene), page.action)
    assert not problems, "\n".join(problems)


def _admin_paths(office) -> list[str]:
    """List, change and add pages of every model office staff may open, with the import and
    export pages where a model has them."""
    request = type("Request", (), {"user": office})()
    paths = ["/admin/", "/admin/password_change/", "/accounts/two-factor/"]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{prefix}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            paths.append(reverse(f"{prefix}_change", args=[obj.pk]))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{prefix}_add"))
        for extra in ("import", "export"):
            try:
                paths.append(reverse(f"{prefix}_{extra}"))
            except NoReverseMatch:
                pass
    return paths


def test_administration_pages_have_no_csp_violation(visit):
    scene = build_scene()
    office = OfficeStaffFactory(username="office-csp")
    ActivityFactory(organiser_group=scene.member.street_group)
    ForwardedReportFactory(author=scene.member, department=scene.department)
    AssignedProposalFactory(proposer=scene.member, lead_department=scene.department)
    ResidentIssueFactory()
    problems = []
    visited = set()
    for path in _admin_paths(office):
        problems += visit(office, path)
        visited.add(path)
        # The step forms and the phone page linked from a change page.
        page = visit.page_of(office)
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.pathname)")
        for link in sorted({link for link in links if STEP_LINK.search(link)})[:6]:
            if link not in visited:
                visited.add(link)
                problems += visit(office, link)
    assert len(visited) > 40, sorted(visited)
    assert not problems, "\n".join(problems)


def test_the_policy_is_enforced_in_the_browser(visit, live_server):
    """The listener works: an inline style put into a page is reported."""
    page = visit.page_of(None)
    page.goto("/", wait_until="load")
    page.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'p{color:red}';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__cspViolations.length") >= 1
