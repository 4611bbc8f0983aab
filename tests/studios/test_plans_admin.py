"""The yearly plan in the admin, and the overview of all studios' progress: office staff see
every studio, liaison staff the studios of their groups."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studios.models import AnnualPlan
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    OfficeStaffFactory,
    UserFactory,
)

from .plan_factories import AnnualPlanFactory, PlanStudioFactory, local, studio_activity

pytestmark = pytest.mark.django_db

ADD = reverse("admin:studios_annualplan_add")
LIST = reverse("admin:studios_annualplan_changelist")
OVERVIEW = reverse("admin:studios_annualplan_overview")


def plan_data(studio, **kwargs):
    data = {
        "studio": studio.pk,
        "year": 2025,
        "plan": "围绕“一老一小”开展服务。",
        "research_topics": "社区养老",
        "service_projects": "义诊进社区",
        "target_service_activities": 1,
        "target_proposals": 1,
        "target_consultations": 2,
        "target_reports": 3,
    }
    data.update(kwargs)
    return data


@pytest.fixture
def office_client(client):
    client.force_login(OfficeStaffFactory())
    return client


@pytest.fixture
def own_group():
    return GroupFactory(name="城关街道活动组")


@pytest.fixture
def liaison(own_group):
    user = LiaisonStaffFactory()
    own_group.liaison_staff.add(user)
    return user


@pytest.fixture
def own_studio(own_group):
    return PlanStudioFactory(name="城关工作室", group=own_group)


@pytest.fixture
def other_studio():
    return PlanStudioFactory(name="别组工作室")


def test_office_writes_a_studios_plan_with_its_own_targets(office_client, own_studio):
    response = office_client.post(ADD, plan_data(own_studio, target_reports=5))

    assert response.status_code == 302
    plan = AnnualPlan.objects.get()
    assert (plan.studio, plan.year, plan.target_reports, plan.service_projects) == (
        own_studio,
        2025,
        5,
        "义诊进社区",
    )


def test_a_negative_target_is_refused_in_chinese_and_nothing_written(office_client, own_studio):
    response = office_client.post(ADD, plan_data(own_studio, target_proposals=-1))

    assert response.status_code == 200
    page = response.content.decode()
    assert "目标不能为负数" in page
    assert "围绕“一老一小”开展服务。" in page  # what was typed stays
    assert not AnnualPlan.objects.exists()


def test_a_second_plan_for_the_same_year_is_refused(office_client, own_studio):
    AnnualPlanFactory(studio=own_studio, year=2025, target_reports=3)

    response = office_client.post(ADD, plan_data(own_studio, target_reports=9))

    assert response.status_code == 200
    assert "城关工作室已有2025年的计划" in response.content.decode()
    assert list(AnnualPlan.objects.values_list("target_reports", flat=True)) == [3]


def test_a_plan_is_changed_but_stays_with_its_studio_and_year(office_client, own_studio):
    plan = AnnualPlanFactory(studio=own_studio, year=2025)
    change = reverse("admin:studios_annualplan_change", args=[plan.pk])

    office_client.post(change, plan_data(own_studio, year=2030, target_consultations=4))

    plan.refresh_from_db()
    assert (plan.year, plan.target_consultations) == (2025, 4)
    response = office_client.post(change, plan_data(own_studio, target_consultations=-2))
    assert "目标不能为负数" in response.content.decode()
    plan.refresh_from_db()
    assert plan.target_consultations == 4


def test_liaison_staff_keep_the_plans_of_their_groups_studios_only(
    client, liaison, own_studio, other_studio
):
    own = AnnualPlanFactory(studio=own_studio, year=2025)
    theirs = AnnualPlanFactory(studio=other_studio, year=2025)
    client.force_login(liaison)

    listing = client.get(LIST).content.decode()
    assert "城关工作室" in listing and "别组工作室" not in listing
    assert client.get(reverse("admin:studios_annualplan_change", args=[own.pk])).status_code == 200
    theirs_page = client.get(reverse("admin:studios_annualplan_change", args=[theirs.pk]))
    assert theirs_page.status_code == 302  # the admin's "no such object", back to the index
    # A plan for another group's studio cannot be written.
    response = client.post(ADD, plan_data(other_studio, year=2026))
    assert response.status_code == 200
    assert not AnnualPlan.objects.filter(studio=other_studio, year=2026).exists()
    # Their own studio's plan can.
    assert client.post(ADD, plan_data(own_studio, year=2026)).status_code == 302
    assert AnnualPlan.objects.filter(studio=own_studio, year=2026).exists()


def test_the_overview_shows_every_studio_against_its_targets(office_client, own_studio):
    year = timezone.localdate().year
    AnnualPlanFactory(studio=own_studio, year=year, target_service_activities=3)
    studio_activity(own_studio, timezone.now() - datetime.timedelta(minutes=5))
    PlanStudioFactory(name="没有计划的工作室")

    page = office_client.get(OVERVIEW).content.decode()

    assert "城关工作室" in page and "没有计划的工作室" in page
    assert "1 / 3" in page  # one service activity of three
    assert "已完成 1 项，目标 3 项" in page  # what a screen reader says
    assert reverse("admin:studios_annualplan_archive", args=[own_studio.pk, year]) in page
    assert f"{ADD}?studio=" in page  # the studio without a plan: write one


def test_the_overview_of_another_year_counts_that_year(office_client, own_studio):
    AnnualPlanFactory(studio=own_studio, year=2025, target_service_activities=2)
    studio_activity(own_studio, local(2025, 5, 1))

    page = office_client.get(OVERVIEW, {"year": 2025}).content.decode()
    assert "1 / 2" in page
    assert "?year=2024" in page and "?year=2026" in page


def test_liaison_staff_see_their_groups_studios_in_the_overview(
    client, liaison, own_studio, other_studio
):
    client.force_login(liaison)
    page = client.get(OVERVIEW).content.decode()
    assert "城关工作室" in page
    assert "别组工作室" not in page


def test_the_overview_runs_as_many_queries_for_30_studios_as_for_3(office_client):
    year = timezone.localdate().year

    def grow(count):
        for index in range(count):
            studio = PlanStudioFactory()
            if index % 2:
                AnnualPlanFactory(studio=studio, year=year)
            studio_activity(studio, timezone.now() - datetime.timedelta(hours=1))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert office_client.get(OVERVIEW).status_code == 200
        return len(captured)

    grow(3)
    office_client.get(OVERVIEW)  # warms the per-process caches
    few = queries()
    grow(27)
    assert queries() == few


def test_the_overview_shows_a_page_of_studios_and_counts_the_whole_year(office_client):
    """23 studios: the first page shows 20 of them in the order of their names, the second the
    other 3; the summary counts all 23 on both pages. Met all four: the three whose plan
    sets every target at 0, and the one whose only target (a service activity) was held: 4."""
    year = timezone.localdate().year
    zero = {
        "target_service_activities": 0,
        "target_proposals": 0,
        "target_consultations": 0,
        "target_reports": 0,
    }
    for index in range(23):
        studio = PlanStudioFactory(name=f"工作室{index:02d}")
        if index in (0, 21, 22):
            AnnualPlanFactory(studio=studio, year=year, **zero)
        elif index == 1:
            AnnualPlanFactory(studio=studio, year=year, **{**zero, "target_service_activities": 1})
            studio_activity(studio, timezone.now() - datetime.timedelta(hours=1))
        elif index == 2:  # the target is 2, one activity was held: not met
            AnnualPlanFactory(studio=studio, year=year, **{**zero, "target_service_activities": 2})
            studio_activity(studio, timezone.now() - datetime.timedelta(hours=1))

    first = office_client.get(OVERVIEW)
    second = office_client.get(OVERVIEW, {"page": 2})

    names = [[row.studio.name for row in page.context["rows"]] for page in (first, second)]
    assert names == [[f"工作室{i:02d}" for i in range(20)], ["工作室20", "工作室21", "工作室22"]]
    for page in (first, second):
        assert "23 个工作室中有 4 个完成了全部四项目标。" in page.content.decode()
    assert f"?year={year}&amp;page=2" in first.content.decode()
    assert f"?year={year}&amp;page=1" in second.content.decode()


def test_staff_without_the_plans_permission_do_not_see_the_overview(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(OVERVIEW).status_code == 403
