"""Access to the studios app, both ways: every URL of the app that takes an id, walked as read
from the URL patterns (public pages, member pages, the admin's pages of the studios' models),
is opened by those the object belongs to (found) and by another studio's member or another
group's liaison staff (404, or the admin's redirect to its index for an object out of scope).
A URL the walk finds and no rule below covers fails the test: a new page cannot be forgotten.

And only a studio's members record its visits and mark their reports and proposals with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from core.workflow import TransitionRefused
from opinions import services as opinion_services
from opinions.drafts import DRAFT_KINDS
from opinions.models import OpinionReport, Proposal
from studios.models import (
    AnnualPlan,
    Appointment,
    AppointmentPhoneView,
    ArchiveItem,
    DutyRule,
    DutySlot,
    Norm,
    NormCheck,
    Studio,
    StudioMember,
    Visit,
    VisitPhoneViewLog,
)
from studios.services import plans, reception
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)
from tests.opinions.files import PNG, upload

from .booking_factories import AppointmentFactory
from .factories import StudioFactory
from .plan_factories import AnnualPlanFactory
from .reception_factories import DutyRuleFactory, DutySlotFactory, VisitFactory

pytestmark = pytest.mark.django_db

APP_NAMESPACES = ("studios", "studio_member")
ADMIN_PREFIX = "admin:studios_"


# --- The URLs, as the patterns declare them ------------------------------------------------------


def _arguments(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(patterns, namespace: str, arguments: list[str]):
    for entry in patterns:
        taken = arguments + _arguments(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, inner, taken)
        elif isinstance(entry, URLPattern) and entry.name and taken:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), taken


def studio_urls_taking_ids() -> dict[str, list[str]]:
    """Every named URL of the studios app that takes an argument, with its arguments: the
    public and member pages (namespaces studios, studio_member) and the admin's pages of the
    studios' models (admin:studios_…)."""
    return {
        name: arguments
        for name, arguments in _walk(get_resolver().url_patterns, "", [])
        if name.split(":")[0] in APP_NAMESPACES or name.startswith(ADMIN_PREFIX)
    }


# --- Two studios, each with one of everything ----------------------------------------------------


@dataclass
class Side:
    """A studio with its member, the liaison staff of its group, and a row of each model."""

    studio: Studio
    member: object
    liaison: object
    rows: dict[type, object]


@dataclass
class World:
    own: Side
    other: Side
    office: object
    hidden: Studio  # of the own group and with the own member, but not public (preparing)


def _side(office, name: str) -> Side:
    group = GroupFactory(name=f"{name}活动组")
    liaison = LiaisonStaffFactory()
    group.liaison_staff.add(liaison)
    studio = StudioFactory(name=f"{name}工作室", group=group)
    member = MemberFactory(name=f"{name}委员")
    StudioMember.objects.create(studio=studio, member=member, role=StudioMember.Role.LEAD)
    slot = DutySlotFactory(studio=studio, members=[member])
    visit = VisitFactory(studio=studio)
    visit.members.set([member])
    appointment = AppointmentFactory(slot=slot)
    year = timezone.localdate().year
    item = plans.archive_item_add(
        actor=office,
        studio=studio,
        year=year,
        title="挂牌照片",
        norm=Norm.BASICS,
        upload=upload("挂牌.png", PNG),
    )
    rows = {
        Studio: studio,
        DutyRule: DutyRuleFactory(studio=studio, members=[member]),
        DutySlot: slot,
        Visit: visit,
        VisitPhoneViewLog: VisitPhoneViewLog.objects.create(visit=visit, viewer=office),
        Appointment: appointment,
        AppointmentPhoneView: AppointmentPhoneView.objects.create(
            appointment=appointment, viewer=office
        ),
        AnnualPlan: AnnualPlanFactory(studio=studio, year=year),
        NormCheck: NormCheck.objects.create(studio=studio, year=year, norm=Norm.BASICS),
        ArchiveItem: item,
    }
    return Side(studio=studio, member=member, liaison=liaison, rows=rows)


@pytest.fixture
def world() -> World:
    office = OfficeStaffFactory()
    own = _side(office, "城关")
    hidden = StudioFactory(
        name="筹建中工作室", group=own.studio.group, state=Studio.State.PREPARING
    )
    StudioMember.objects.create(studio=hidden, member=own.member)
    return World(own=own, other=_side(office, "东关"), office=office, hidden=hidden)


# --- What each URL must answer --------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """`who` (a function of the world giving a login, or None for nobody) opens the URL with
    `kwargs`: found, or refused."""

    who: Callable[[World], object]
    kwargs: Callable[[World], dict]
    found: bool
    label: str


def nobody(w: World):
    return None


def own_member(w: World):
    return w.own.member.user


def other_member(w: World):
    return w.other.member.user


def own_liaison(w: World):
    return w.own.liaison


def other_liaison(w: World):
    return w.other.liaison


def office(w: World):
    return w.office


def _public_studio_page(name: str) -> list[Check]:
    """A public page of a studio: anyone finds an open one; nobody finds one being prepared,
    not even its members or its group's staff (they have their own pages)."""
    public = [
        Check(who, lambda w: {"pk": w.own.studio.pk}, True, f"{name} open")
        for who in (nobody, other_member, other_liaison)
    ]
    hidden = [
        Check(who, lambda w: {"pk": w.hidden.pk}, False, f"{name} preparing")
        for who in (nobody, own_member, own_liaison)
    ]
    return public + hidden


def _of_own_studio(model: type, *, insiders, outsiders) -> list[Check]:
    def kwargs(w):
        return {"pk": w.own.rows[model].pk}

    return [Check(who, kwargs, True, f"insider {who.__name__}") for who in insiders] + [
        Check(who, kwargs, False, f"outsider {who.__name__}") for who in outsiders
    ]


#: The public and member pages that take an id, by URL name.
PAGE_RULES: dict[str, list[Check]] = {
    "studios:studio": _public_studio_page("studio page"),
    "studios:book": _public_studio_page("booking form"),
    "studios:archive_file": _of_own_studio(
        ArchiveItem,
        insiders=(own_member, own_liaison, office),
        outsiders=(other_member, other_liaison, nobody),
    ),
    "studio_member:visit_detail": _of_own_studio(
        Visit, insiders=(own_member,), outsiders=(other_member,)
    ),
    "studio_member:appointment": _of_own_studio(
        Appointment, insiders=(own_member,), outsiders=(other_member,)
    ),
}


def _admin_model_and_view(name: str) -> tuple[type, str]:
    """admin:studios_<model>_<view> → the model and the view (the longest model name wins:
    `visitphoneviewlog` before `visit`)."""
    rest = name.removeprefix(ADMIN_PREFIX)
    models = [model for model in admin.site._registry if model._meta.app_label == "studios"]
    model = max(
        (m for m in models if rest.startswith(f"{m._meta.model_name}_")),
        key=lambda m: len(m._meta.model_name),
    )
    return model, rest.removeprefix(f"{model._meta.model_name}_")


def admin_kwargs(w: World, side: Side, name: str, arguments: list[str]) -> dict:
    """The arguments of an admin URL for `side`'s row of its model (the studio and this year
    for the pages of a studio's year, the first step for a step's page)."""
    model, _view = _admin_model_and_view(name)
    values = {
        "object_id": lambda: side.rows[model].pk,
        "studio_id": lambda: side.studio.pk,
        "year": lambda: timezone.localdate().year,
        "step": lambda: admin.site._registry[model].steps[0].name,
    }
    unknown = set(arguments) - set(values)
    assert not unknown, f"{name}: say what {sorted(unknown)} are in admin_kwargs()"
    return {argument: values[argument]() for argument in arguments}


# --- The walk ------------------------------------------------------------------------------------


def _login(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def _is_found(response) -> bool:
    """The page of the object, or a step of it that sends on to its page; not the admin's
    "no such object" redirect to its index, nor the login page."""
    if response.status_code == 200:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location != reverse("admin:index") and "login" not in location
    return False


def _is_refused_by_scope(response) -> bool:
    return response.status_code == 404 or (
        response.status_code == 302 and response["Location"] == reverse("admin:index")
    )


def test_the_walk_finds_the_pages_of_the_studios_app():
    urls = studio_urls_taking_ids()

    assert {"studios:studio", "studio_member:visit_detail"} <= set(urls)
    assert "admin:studios_visit_change" in urls
    assert urls["admin:studios_annualplan_archive"] == ["studio_id", "year"]
    # Public and member pages without an id are not walked here.
    assert "studio_member:home" not in urls and "studios:directory" not in urls


def test_every_public_and_member_page_with_an_id_answers_only_whom_it_belongs_to(client, world):
    urls = {name for name in studio_urls_taking_ids() if not name.startswith("admin:")}
    assert not urls - set(PAGE_RULES), (
        f"Pages of the studios app without an access rule: {sorted(urls - set(PAGE_RULES))}. "
        "Add them to PAGE_RULES with who finds them and who must not."
    )

    problems = []
    for name in sorted(urls):
        for check in PAGE_RULES[name]:
            url = reverse(name, kwargs=check.kwargs(world))
            _login(client, check.who(world))
            response = client.get(url)
            if response.streaming:  # a download: read to the end, which closes its file
                b"".join(response.streaming_content)
            expected_ok = _is_found(response) if check.found else response.status_code == 404
            if check.who is nobody and not check.found and response.status_code == 302:
                # A page for logged-in users sends nobody to the login page.
                expected_ok = "login" in response["Location"]
            if not expected_ok:
                problems.append(f"{name} ({check.label}): {url} answered {response.status_code}")
    assert not problems, "\n".join(problems)


def test_every_admin_page_of_a_studios_object_is_out_of_reach_of_another_groups_staff(
    client, world
):
    urls = {
        name: args for name, args in studio_urls_taking_ids().items() if name.startswith("admin:")
    }
    assert len(urls) >= 30  # change, history, delete of each model, and the custom pages

    problems = []
    for name, arguments in sorted(urls.items()):
        model, view = _admin_model_and_view(name)
        assert model in world.own.rows, f"{name}: add a row of {model.__name__} to _side()"
        own_url = reverse(name, kwargs=admin_kwargs(world, world.own, name, arguments))

        # Those it belongs to: liaison staff of the studio's group, or the office where the
        # model is not for liaison staff at all (403 for both liaisons alike then).
        _login(client, world.own.liaison)
        insider = client.get(own_url)
        liaison_may = insider.status_code != 403
        if not liaison_may:
            _login(client, world.office)
            insider = client.get(own_url)
        if not _is_found(insider) and not (view == "delete" and insider.status_code == 403):
            problems.append(f"{name}: {own_url} not found by its own staff ({insider.status_code})")

        # Another group's liaison staff: not found (their scope); a 403 says only that liaison
        # staff may not open such pages at all, so it passes only where it did so for the own.
        _login(client, world.other.liaison)
        outsider = client.get(own_url)
        refused = _is_refused_by_scope(outsider) or (
            not liaison_may and outsider.status_code == 403
        )
        if not refused:
            problems.append(
                f"{name}: {own_url} answered {outsider.status_code} to another group's staff"
            )
    assert not problems, "\n".join(problems)


def test_a_studio_member_is_no_staff_in_the_admin(client, world):
    _login(client, world.own.member.user)
    url = reverse("admin:studios_visit_change", args=[world.own.rows[Visit].pk])

    response = client.get(url)

    assert response.status_code == 302 and "login" in response["Location"]


# --- Only a studio's members record its visits and mark items with it ----------------------------


def visit_form(studio) -> dict:
    return {
        "studio": studio.pk,
        "visited_on": timezone.localdate().isoformat(),
        "method": Visit.Method.OPEN,
        "raised": "小区门口路灯坏了一个多月。",
        "done": "记录了位置，联系了社区。",
    }


def test_only_the_studios_members_record_its_visits_on_their_pages(client, world):
    studio = world.own.studio
    before = Visit.objects.filter(studio=studio).count()

    for outsider in (world.other.member.user, world.other.liaison, world.own.liaison):
        _login(client, outsider)
        response = client.post(reverse("studio_member:visit_new"), visit_form(studio))
        assert response.status_code in (200, 403, 404), outsider
    assert Visit.objects.filter(studio=studio).count() == before

    _login(client, world.own.member.user)
    response = client.post(reverse("studio_member:visit_new"), visit_form(studio))
    assert response.status_code == 302
    assert Visit.objects.filter(studio=studio).count() == before + 1


def test_the_visit_service_refuses_anyone_but_the_studios_members_and_staff_in_scope(world):
    studio = world.own.studio
    before = Visit.objects.count()

    for outsider in (world.other.member.user, world.other.liaison):
        with pytest.raises(TransitionRefused):
            reception.visit_record(
                actor=outsider, studio=studio, method=Visit.Method.OPEN, raised="问题"
            )
    assert Visit.objects.count() == before

    reception.visit_record(
        actor=world.own.member.user, studio=studio, method=Visit.Method.OPEN, raised="问题"
    )
    assert Visit.objects.count() == before + 1


@pytest.mark.parametrize(("kind", "model"), [("report", OpinionReport), ("proposal", Proposal)])
def test_only_the_studios_members_mark_a_report_or_proposal_with_it(client, world, kind, model):
    studio = world.own.studio
    data = {
        "title": "关于在社区设立法律咨询点的建议",
        "category": "public_order",
        "content": "建议工作室每月在社区设法律咨询点。",
        "studio": studio.pk,
        "save": "1",
    }

    _login(client, world.other.member.user)
    response = client.post(reverse(f"opinions:{kind}_create"), data)
    assert response.status_code == 200
    assert not model.objects.filter(studio=studio).exists()
    with pytest.raises(ValidationError):
        opinion_services.draft_save(
            DRAFT_KINDS[kind],
            actor=world.other.member.user,
            owner=world.other.member,
            title="草稿",
            content="内容",
            category="other",
            studio=studio,
        )
    assert not model.objects.filter(studio=studio).exists()

    _login(client, world.own.member.user)
    response = client.post(reverse(f"opinions:{kind}_create"), data)
    assert response.status_code == 302
    assert model.objects.get(studio=studio).title == "关于在社区设立法律咨询点的建议"
