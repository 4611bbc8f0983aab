"""The 1+123 is live where people look: on a studio's public page, on the member's studio page
(/member/studio/) for each of their studios, and the member's dashboard leads members of a
studio there. Each page runs as many queries with one studio or several, few figures or many.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Activity
from opinions.models import OpinionReport
from studios.models import Studio, StudioMember
from tests.members.factories import MemberFactory
from tests.opinions.factories import OpinionReportFactory

from .plan_factories import (
    AnnualPlanFactory,
    PlanStudioFactory,
    StudioMemberFactory,
    adopt,
    group_activity,
    studio_activity,
)

pytestmark = pytest.mark.django_db

HOME = reverse("studio_member:home")
DASHBOARD = reverse("members:dashboard")


def earlier_this_year() -> datetime.datetime:
    """A moment that has passed and is in this year (an hour ago, or midnight on 1 January)."""
    now = timezone.localtime()
    return max(now - datetime.timedelta(hours=1), now.replace(month=1, day=1, hour=0, minute=0))


def last_year() -> datetime.datetime:
    return timezone.localtime().replace(month=1, day=1, hour=0, minute=0) - datetime.timedelta(
        days=1
    )


def page_url(studio) -> str:
    return reverse("studios:studio", args=[studio.pk])


def figures(progress) -> dict[str, tuple[int, int]]:
    return {figure.key: (figure.done, figure.goal) for figure in progress.figures}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def law():
    return PlanStudioFactory(name="法律服务工作室")


@pytest.fixture
def lawyer(law):
    member = MemberFactory(name="王律师")
    StudioMemberFactory(studio=law, member=member, role=StudioMember.Role.LEAD)
    return member


# --- The public page -----------------------------------------------------------------------------


def test_the_public_page_shows_the_studios_figures_of_this_year(client, law):
    year = timezone.localdate().year
    AnnualPlanFactory(studio=law, year=year, target_service_activities=2)
    studio_activity(law, earlier_this_year())
    studio_activity(law, last_year())  # another year's
    studio_activity(law, earlier_this_year(), kind=Activity.Kind.STUDY)  # not a service
    group_activity(law.group, earlier_this_year())  # the group's, not the studio's
    report = OpinionReportFactory(studio=law, state=OpinionReport.State.ADOPTED)
    adopt(report, timezone.localdate())

    response = client.get(page_url(law))

    assert response.status_code == 200
    progress = response.context["page"].progress
    assert progress.year == year
    assert figures(progress) == {
        "service_activities": (1, 2),
        "proposals": (0, 1),
        "consultations": (0, 2),
        "reports": (1, 3),
    }
    html = response.content.decode()
    assert f"{year}年度计划（1+123）" in html
    assert "服务群众活动" in html
    assert "已完成 1 项，目标 2 项，尚未达标。" in html
    assert "css/studio-progress.css" in html


def test_a_studio_without_a_plan_is_measured_against_the_usual_targets(client, law):
    studio_activity(law, earlier_this_year())

    response = client.get(page_url(law))

    progress = response.context["page"].progress
    assert not progress.has_plan
    assert figures(progress)["service_activities"] == (1, 1)
    html = response.content.decode()
    assert "本年度尚无计划，按默认目标显示。" in html
    assert "已完成 1 项，目标 1 项，已达标。" in html


def test_the_public_page_runs_the_same_queries_whatever_the_figures(client, law):
    few = count_queries(client, page_url(law))
    AnnualPlanFactory(studio=law, year=timezone.localdate().year)
    for _ in range(12):
        studio_activity(law, earlier_this_year())
        adopt(
            OpinionReportFactory(studio=law, state=OpinionReport.State.ADOPTED),
            timezone.localdate(),
        )

    many = count_queries(client, page_url(law))

    assert many == few <= 5


def test_an_open_studio_page_leads_to_its_booking_page_a_suspended_one_does_not(client, law):
    book = f'href="{reverse("studios:book", args=[law.pk])}"'

    assert book in client.get(page_url(law)).content.decode()

    law.state = Studio.State.SUSPENDED
    law.save()
    html = client.get(page_url(law)).content.decode()
    assert book not in html
    assert "暂停" in html


# --- The member's studio page --------------------------------------------------------------------


def test_the_member_sees_the_figures_of_each_of_their_studios(client, law, lawyer):
    year = timezone.localdate().year
    coal = PlanStudioFactory(name="煤炭行业工作室")
    StudioMemberFactory(studio=coal, member=lawyer)
    AnnualPlanFactory(studio=coal, year=year, target_reports=4)
    studio_activity(law, earlier_this_year())
    # Exited before this year, without a plan for it: no figures of this year.
    gone = PlanStudioFactory(
        name="已撤并工作室",
        state=Studio.State.EXITED,
        exited_on=datetime.date(year - 1, 6, 30),
        exit_reason="牵头单位撤并",
    )
    StudioMemberFactory(studio=gone, member=lawyer)
    PlanStudioFactory(name="别人的工作室")
    client.force_login(lawyer.user)

    response = client.get(HOME)

    assert response.status_code == 200
    rows = {row.studio.name: figures(row) for row in response.context["home"].progress}
    assert rows == {
        "法律服务工作室": {
            "service_activities": (1, 1),
            "proposals": (0, 1),
            "consultations": (0, 2),
            "reports": (0, 3),
        },
        "煤炭行业工作室": {
            "service_activities": (0, 1),
            "proposals": (0, 1),
            "consultations": (0, 2),
            "reports": (0, 4),
        },
    }
    html = response.content.decode()
    assert f'id="progress-{law.pk}"' in html and f'id="progress-{coal.pk}"' in html
    assert f'id="progress-{gone.pk}"' not in html
    assert "已撤并工作室" in html  # still among their studios, with its history
    assert "别人的工作室" not in html
    assert f'href="{reverse("studio_member:appointments")}"' in html


def test_the_member_page_runs_the_same_queries_for_one_studio_or_several(client, law, lawyer):
    client.force_login(lawyer.user)
    few = count_queries(client, HOME)
    for n in range(4):
        studio = PlanStudioFactory(name=f"工作室{n}")
        StudioMemberFactory(studio=studio, member=lawyer)
        AnnualPlanFactory(studio=studio, year=timezone.localdate().year)
        studio_activity(studio, earlier_this_year())

    many = count_queries(client, HOME)

    assert len(client.get(HOME).context["home"].progress) == 5
    assert many == few


# --- The member's dashboard ----------------------------------------------------------------------


def test_the_dashboard_leads_a_member_of_a_studio_to_their_studio_page(client, law, lawyer):
    client.force_login(lawyer.user)

    html = client.get(DASHBOARD).content.decode()

    assert 'id="studio-home-link"' in html
    assert f'href="{HOME}" id="studio-home-link"' in html
    assert "法律服务工作室" in html


def test_the_dashboard_of_a_member_of_no_studio_has_no_studio_line(client, law):
    client.force_login(MemberFactory().user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert 'id="studio-home-link"' not in response.content.decode()
    assert response.context["sections"] == []


def test_the_dashboard_runs_the_same_queries_for_one_studio_or_several(client, law, lawyer):
    client.force_login(lawyer.user)
    few = count_queries(client, DASHBOARD)
    for n in range(4):
        StudioMemberFactory(studio=PlanStudioFactory(name=f"工作室{n}"), member=lawyer)

    many = count_queries(client, DASHBOARD)

    html = client.get(DASHBOARD).content.decode()
    assert all(f"工作室{n}" in html for n in range(4))
    assert many == few
