"""The public directory of studios (/studios/) and each studio's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Activity, Member
from studios.models import Studio, StudioMember, Visit
from tests.members.factories import ActivityFactory, MemberFactory, SectorFactory
from tests.residents.factories import StreetFactory

from .factories import DutySlotFactory, StudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("studios:directory")
DAY = datetime.timedelta(days=1)
State = Studio.State


def page_url(studio):
    return reverse("studios:studio", args=[studio.pk])


def listed(response) -> list[str]:
    return [studio.name for studio in response.context["studios"]]


@pytest.fixture
def east():
    return StreetFactory(name="东街街道", sort_order=1)


@pytest.fixture
def west():
    return StreetFactory(name="西街街道", sort_order=2)


@pytest.fixture
def law(east):
    return StudioFactory(
        name="法律服务工作室",
        kind=Studio.Kind.INDUSTRY,
        industry="法律",
        street=east,
        phone="0000-12345678",
        reception_hours="每周二下午",
    )


# --- The directory --------------------------------------------------------------------------------


def test_the_directory_lists_open_and_suspended_studios_by_street(client, east, west, law):
    StudioFactory(name="西街工作室", street=west, state=State.SUSPENDED)
    StudioFactory(name="东街工作室", street=east)
    StudioFactory(name="无街道工作站", kind=Studio.Kind.STATION)
    StudioFactory(name="筹建中的工作室", street=east, state=State.PREPARING)
    StudioFactory(name="已退出的工作室", street=east, state=State.EXITED)

    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert listed(response) == ["东街工作室", "法律服务工作室", "西街工作室", "无街道工作站"]
    html = response.content.decode()
    assert "筹建中的工作室" not in html and "已退出的工作室" not in html
    assert html.index("东街街道") < html.index("西街街道") < html.index("无街道工作站")
    assert "暂停接待" in html
    assert 'href="tel:0000-12345678"' in html
    assert page_url(law) in html


def test_the_directory_filters_by_street_and_by_sector(client, east, west, law):
    law_sector = SectorFactory(name="法律界")
    StudioFactory(name="西街法律界工作室", street=west, sector=law_sector)
    StudioFactory(name="西街经济界工作室", street=west, sector=SectorFactory(name="经济界"))

    by_street = client.get(DIRECTORY, {"street": west.pk})
    by_sector = client.get(DIRECTORY, {"sector": law_sector.pk})
    both = client.get(DIRECTORY, {"street": east.pk, "sector": law_sector.pk})

    assert listed(by_street) == ["西街法律界工作室", "西街经济界工作室"]
    assert listed(by_sector) == ["西街法律界工作室"]
    assert listed(both) == []
    assert "没有符合" in both.content.decode()
    street_choices = [label for _, label in by_street.context["form"].fields["street"].choices]
    assert street_choices[1:] == ["东街街道", "西街街道"]


def test_an_unknown_street_in_the_link_shows_every_studio(client, law):
    response = client.get(DIRECTORY, {"street": "999999", "sector": "abc"})

    assert response.status_code == 200
    assert listed(response) == ["法律服务工作室"]


def test_the_directory_runs_the_same_queries_whatever_the_number_of_studios(client, east):
    def make(count):
        for n in range(count):
            StudioFactory(street=StreetFactory(), sector=SectorFactory(name=f"界别{n}"))

    StudioFactory(street=east)
    make(2)
    with CaptureQueriesContext(connection) as few:
        client.get(DIRECTORY, {"street": east.pk})
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(DIRECTORY, {"street": east.pk})

    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as all_studios:
        response = client.get(DIRECTORY)
    assert len(listed(response)) == 23
    assert len(all_studios) <= len(few)


# --- A studio's page ------------------------------------------------------------------------------


def test_a_studio_page_shows_its_members_reception_and_services(client, law):
    lead = MemberFactory(name="王律师", sector=SectorFactory(name="法律界"), mobile="13900001111")
    StudioMemberFactory(studio=law, member=lead, role=StudioMember.Role.LEAD)
    StudioMemberFactory(studio=law, member=MemberFactory(name="李会计"))
    left = MemberFactory(
        name="张离任", status=Member.Status.LEFT, left_on=datetime.date(2025, 12, 31)
    )
    StudioMemberFactory(studio=law, member=left)
    today = timezone.localdate()
    DutySlotFactory(studio=law, date=today - DAY)  # past
    slots = [DutySlotFactory(studio=law, date=today + n * DAY, members=[lead]) for n in range(6)]
    now = timezone.now()
    ActivityFactory(
        title="法律咨询进社区",
        kind=Activity.Kind.SERVICE,
        organiser_group=None,
        organiser_studio=law,
        starts_at=now - 10 * DAY,
        outcome="解答咨询三十二人次",
    )
    ActivityFactory(
        title="下周的义诊",
        kind=Activity.Kind.SERVICE,
        organiser_group=None,
        organiser_studio=law,
        starts_at=now + 7 * DAY,
    )
    ActivityFactory(
        title="工作室内部学习",
        kind=Activity.Kind.STUDY,
        organiser_group=None,
        organiser_studio=law,
        starts_at=now - 3 * DAY,
    )

    response = client.get(page_url(law))

    assert response.status_code == 200
    page = response.context["page"]
    assert [m.member.name for m in page.leads] == ["王律师"]
    assert [m.member.name for m in page.residents] == ["李会计"]
    assert page.slots == slots[:5]
    assert [a.title for a in page.activities] == ["法律咨询进社区"]
    html = response.content.decode()
    assert "法律界" in html and "解答咨询三十二人次" in html and "每周二下午" in html
    assert "张离任" not in html
    # Members' own phone numbers are not public; the studio's is.
    assert "13900001111" not in html and "139****1111" not in html
    assert "0000-12345678" in html


def test_a_studio_page_shows_nothing_about_visitors(client, law):
    Visit.objects.create(
        studio=law,
        visited_on=timezone.localdate(),
        method=Visit.Method.OPEN,
        visitor_name="赵大妈",
        visitor_mobile="13700002222",
        raised="楼道堆放杂物",
    )

    html = client.get(page_url(law)).content.decode()

    assert "赵大妈" not in html
    assert "13700002222" not in html and "137****2222" not in html
    assert "楼道堆放杂物" not in html


def test_a_suspended_studio_page_says_so(client, law):
    law.state = State.SUSPENDED
    law.save()

    response = client.get(page_url(law))

    assert response.status_code == 200
    assert "暂停" in response.content.decode()


@pytest.mark.parametrize("state", [State.PREPARING, State.EXITED])
def test_a_studio_not_open_to_the_public_has_no_page(client, state):
    studio = StudioFactory(state=state)

    assert client.get(page_url(studio)).status_code == 404


def test_a_studio_page_runs_the_same_queries_whatever_it_holds(client, law):
    def fill(count):
        today = timezone.localdate()
        for n in range(count):
            member = MemberFactory()
            StudioMemberFactory(studio=law, member=member)
            DutySlotFactory(studio=law, date=today + n * DAY, members=[member, MemberFactory()])
            ActivityFactory(
                kind=Activity.Kind.SERVICE,
                organiser_group=None,
                organiser_studio=law,
                starts_at=timezone.now() - (n + 1) * DAY,
            )

    fill(1)
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(law))
    fill(25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url(law))

    assert len(many) == len(few) <= 5
    assert len(response.context["page"].slots) == 5


def test_the_home_page_leads_residents_to_the_directory(client):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{DIRECTORY}"' in html
