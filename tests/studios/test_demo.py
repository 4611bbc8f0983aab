"""The demo's studios (studios/demo.py, a step of `manage.py seed_demo`): what someone trying
the portal finds, and on which pages. Running the demo twice adds nothing: see
tests/portal/test_seed_demo.py, which counts the studios' rows too."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Activity, Member, User
from opinions.models import OpinionReport, Proposal
from residents.models import IssueLink, ResidentIssue
from studios import selectors
from studios.models import Appointment, DutySlot, NormCheck, Studio, StudioMember, Visit
from studios.progress import progress_for_year

pytestmark = pytest.mark.django_db

State = Studio.State
SEED_003_SECTORS = ["教育", "农业", "医疗卫生", "经济", "科技", "文化艺术"]


def _seed() -> Member:
    """Seed the demo; the member whose login it prints."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return Member.objects.get(mobile=re.search(r"\b1[3-9]\d{9}\b", out.getvalue()).group(0))


@pytest.fixture
def member():
    return _seed()


def _timeline(studio) -> list[TimelineEntry]:
    return list(
        TimelineEntry.objects.filter(content_type__model="studio", object_id=studio.pk).order_by(
            "created_at", "pk"
        )
    )


def test_demo_registers_the_district_studios_each_with_its_lifecycle_on_its_timeline(member):
    studios = list(Studio.objects.all())
    sector = [s for s in studios if s.kind == Studio.Kind.SECTOR]
    industry = [s for s in studios if s.kind == Studio.Kind.INDUSTRY]
    stations = [s for s in studios if s.kind == Studio.Kind.STATION]

    # Seed 003: eight sector studios and three industry studios; a few area stations beside.
    assert len(sector) == 8
    assert all(any(name in s.name for s in sector) for name in SEED_003_SECTORS)
    assert sorted(s.industry for s in industry) == sorted(["法律", "煤炭", "商会"])
    assert len(stations) >= 2
    states = [s.state for s in studios]
    assert states.count(State.PREPARING) == states.count(State.SUSPENDED) == 1
    assert states.count(State.EXITED) == 1
    assert states.count(State.OPEN) == len(studios) - 3
    today = timezone.localdate()
    for studio in studios:
        roles = set(studio.memberships.values_list("role", flat=True))
        assert roles == {StudioMember.Role.LEAD, StudioMember.Role.RESIDENT}, studio
        assert studio.address and studio.phone, studio
        assert bool(studio.reception_hours) == (studio.state != State.PREPARING), studio
        actions = [entry.action for entry in _timeline(studio)]
        expected = {
            State.PREPARING: ["studio_register"],
            State.OPEN: ["studio_register", "studio_open"],
            State.SUSPENDED: ["studio_register", "studio_open", "studio_suspend"],
            State.EXITED: ["studio_register", "studio_open", "studio_exit"],
        }[studio.state]
        assert actions == expected, studio
        assert all(e.created_at.date() <= today for e in _timeline(studio))
    exited = Studio.objects.get(state=State.EXITED)
    assert exited.exit_reason and exited.opened_on < exited.exited_on < today
    assert _timeline(exited)[-1].note == exited.exit_reason
    # The member login printed by the demo has a studio to work in.
    assert selectors.studios_of_member(member).filter(state=State.OPEN).exists()


def test_demo_gives_the_receiving_studios_a_year_of_duty_visits_and_appointments(member):
    today = timezone.localdate()
    for studio in Studio.objects.exclude(state=State.PREPARING):
        slots = studio.duty_slots.all()
        assert slots.filter(date__lte=today - datetime.timedelta(days=120)).exists(), studio
        assert slots.filter(date__gt=today).exists() == (studio.state == State.OPEN), studio
        if studio.state == State.OPEN:
            assert slots.filter(date__gte=today + datetime.timedelta(days=60)).exists()
        assert studio.visits.exists(), studio
        assert not slots.filter(members__isnull=True).exists()
    assert not Studio.objects.get(state=State.PREPARING).duty_slots.exists()
    assert (
        not Studio.objects.get(state=State.EXITED)
        .visits.filter(visited_on__gt=Studio.objects.get(state=State.EXITED).exited_on)
        .exists()
    )

    # Nobody is on duty in two overlapping slots.
    duty = DutySlot.members.through.objects.values_list(
        "member_id", "dutyslot__date", "dutyslot__starts_at", "dutyslot__ends_at"
    )
    seen: dict = {}
    for member_id, day, starts, ends in duty:
        for other_starts, other_ends in seen.get((member_id, day), []):
            assert not (starts < other_ends and other_starts < ends)
        seen.setdefault((member_id, day), []).append((starts, ends))

    visits = Visit.objects.all()
    assert set(visits.values_list("method", flat=True)) == set(Visit.Method.values)
    assert set(visits.values_list("solved_on_spot", flat=True)) == {True, False}
    for name, mobile in visits.values_list("visitor_name", "visitor_mobile"):
        assert re.fullmatch(r"(1390000\d{4})?", mobile)
        # A family name and a form of address: nobody's real name.
        assert re.fullmatch(r"([\u4e00-\u9fff](先生|女士|大爷|阿姨|师傅))?", name)
    assert not visits.filter(visited_on__gt=today).exists()

    # One visit needed follow-up: a resident issue handed to its studio, followed with a code.
    (visit,) = visits.filter(issue__isnull=False)
    assert visit.issue.channel == ResidentIssue.Channel.STUDIO
    assert visit.issue.tracking_code
    assert IssueLink.objects.filter(issue=visit.issue, studio=visit.studio).exists()

    # Appointments: asked for on coming slots, some confirmed by the member on duty, one
    # received with its visit.
    coming = Appointment.objects.filter(slot__date__gte=today)
    assert {a.state for a in coming} == {"requested", "confirmed"}
    for appointment in Appointment.objects.filter(state="confirmed"):
        confirm = TimelineEntry.objects.get(
            content_type__model="appointment",
            object_id=appointment.pk,
            action="appointment_confirm",
        )
        assert selectors.is_studio_member(confirm.actor, appointment.studio_id)
    done = Appointment.objects.get(state="done")
    assert done.visit.method == Visit.Method.APPOINTMENT and done.slot.date < today


def test_demo_plans_of_the_year_stand_at_different_stages():
    # Seeded in the middle of a year: what the demo dates a week or two back is in that year.
    midyear = datetime.datetime(2026, 6, 15, 10, tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=midyear):
        _seed()
        rows = {row.studio.name: row for row in progress_for_year(2026)}

    met = rows["医疗卫生界别委员工作室"]
    assert met.has_plan and met.met
    # Three reports adopted, one of them at two levels: three, not four.
    assert met.figure("reports").done == 3 and met.figure("proposals").done == 1
    behind = rows["农业界别委员工作室"]
    assert behind.has_plan and all(figure.done == 0 for figure in behind.figures)
    between = [
        r for r in rows.values() if r.has_plan and not r.met and any(f.done for f in r.figures)
    ]
    assert len(between) >= 4
    # What the figures count is the studios' own: their service activities, reports, proposals.
    assert Activity.objects.filter(organiser_studio__isnull=False, kind="service").count() >= 20
    for report in OpinionReport.objects.filter(studio__isnull=False):
        assert report.studio.memberships.filter(member=report.author).exists()
    assert Proposal.objects.filter(studio__isnull=False, state="filed").count() >= 3


def test_demo_norms_are_ticked_with_evidence_from_the_archive(member):
    year = timezone.localdate().year
    met = NormCheck.objects.filter(year=year, met=True)
    assert met.exists() and NormCheck.objects.filter(year=year, met=False).exists()
    for check in met:
        items = list(check.evidence.all())
        assert items and all(item.attachment and item.attachment.file.size for item in items)
    full = Studio.objects.get(name="医疗卫生界别委员工作室")
    assert NormCheck.objects.filter(studio=full, year=year, met=True).count() == 5


def test_demo_studio_pages_open_for_residents_members_office_and_liaison(client, member):
    public = Studio.objects.filter(state__in=[State.OPEN, State.SUSPENDED])
    directory = client.get("/studios/")
    assert directory.status_code == 200
    html = directory.content.decode()
    assert all(studio.name in html for studio in public)
    assert not any(s.name in html for s in Studio.objects.exclude(pk__in=public))
    page = client.get(f"/studios/{Studio.objects.get(name='城关街道委员工作站').pk}/")
    assert page.status_code == 200 and page.context["page"].slots
    assert page.context["page"].activities

    client.force_login(member.user)
    home = client.get("/member/studio/")
    assert home.status_code == 200
    assert home.context["home"].studios and home.context["home"].recent_visits

    overview = "/admin/studios/annualplan/overview/"
    for username in ("office", "liaison"):
        client.force_login(User.objects.get(username=username))
        for url in ("/admin/studios/studio/", overview, "/admin/studios/visit/"):
            assert client.get(url).status_code == 200, (username, url)
    liaison_rows = {row.studio.name for row in client.get(overview).context["rows"]}
    assert liaison_rows == {"医疗卫生界别委员工作室", "城关街道委员工作站", "东城街道委员工作站"}
