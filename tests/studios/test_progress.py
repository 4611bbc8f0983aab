"""The 1+123 of each studio, against data counted by hand (studios/COUNTING.md).

The year is 2025 and "now" is 15 June 2025 at noon, Beijing time, unless a test says otherwise.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Activity
from opinions import services as opinion_services
from opinions.models import AdoptionLevel, OpinionReport, Proposal
from studios import progress
from studios.models import Studio
from studios.progress import count_for_studio, progress_for_year, progress_of_studio
from tests.members.factories import GroupFactory, MemberFactory, OfficeStaffFactory
from tests.opinions.factories import OpinionReportFactory, ProposalFactory

from .plan_factories import (
    AnnualPlanFactory,
    PlanStudioFactory,
    adopt,
    file_on,
    group_activity,
    local,
    studio_activity,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
NOW = local(2025, 6, 15, 12)
D = datetime.date


def figures(row) -> dict[str, tuple[int, int]]:
    return {figure.key: (figure.done, figure.goal) for figure in row.figures}


def row_of(rows, studio):
    return next(row for row in rows if row.studio.pk == studio.pk)


@pytest.fixture
def district():
    """Two studios (A with a plan for 2025, B without) and a group, with every case the
    counting rules name."""
    group = GroupFactory(name="城关街道活动组")
    a = PlanStudioFactory(name="甲工作室")
    b = PlanStudioFactory(name="乙工作室")
    AnnualPlanFactory(studio=a, year=YEAR, target_proposals=2)

    # Service activities. A: 2 (March, May). Not counted: September (still to come), a study
    # session of A, a service activity of the group, A's activity of the day before 2025.
    studio_activity(a, local(2025, 3, 10))
    studio_activity(a, local(2025, 5, 20))
    studio_activity(a, local(2025, 9, 1))
    studio_activity(a, local(2025, 4, 1), kind=Activity.Kind.STUDY)
    group_activity(group, local(2025, 4, 1))
    studio_activity(a, local(2024, 12, 31, 23, 30))
    # B: 1.
    studio_activity(b, local(2025, 4, 2))

    # Proposals. A: 1 in 2025 (February); filed in January 2026: 1 for 2026; one submitted
    # and never filed; one filed without a studio.
    file_on(ProposalFactory(studio=a), local(2025, 2, 10))
    file_on(ProposalFactory(studio=a), local(2026, 1, 5))
    ProposalFactory(studio=a, state=Proposal.State.SUBMITTED)
    file_on(ProposalFactory(), local(2025, 3, 3))
    # B: 1.
    file_on(ProposalFactory(studio=b), local(2025, 3, 1))

    # Opinion reports of A.
    # 1. adopted by the district in March and by the city in May: once, in 2025;
    twice = OpinionReportFactory(studio=a, state=OpinionReport.State.ADOPTED)
    adopt(twice, D(2025, 3, 1))
    adopt(twice, D(2025, 5, 1), level=AdoptionLevel.CITY)
    # 2. written by three members: once, in 2025;
    coauthored = OpinionReportFactory(studio=a, state=OpinionReport.State.ADOPTED)
    coauthored.coauthors.add(MemberFactory(), MemberFactory())
    adopt(coauthored, D(2025, 4, 10))
    # 3. adopted in December and again in the next January: once, in 2025;
    december = OpinionReportFactory(studio=a, state=OpinionReport.State.ADOPTED)
    adopt(december, D(2025, 12, 20))
    adopt(december, D(2026, 1, 10), level=AdoptionLevel.CITY)
    # 4. first adopted the next January: 2026, not 2025;
    adopt(OpinionReportFactory(studio=a, state=OpinionReport.State.ADOPTED), D(2026, 1, 15))
    # 5. first adopted in November 2024, by the city in February 2025: 2024 only;
    older = OpinionReportFactory(studio=a, state=OpinionReport.State.ADOPTED)
    adopt(older, D(2024, 11, 20))
    adopt(older, D(2025, 2, 1), level=AdoptionLevel.CITY)
    # 6. in review, never adopted: never.
    OpinionReportFactory(studio=a, state=OpinionReport.State.IN_REVIEW)
    # A report without a studio, adopted in 2025: nobody's.
    adopt(OpinionReportFactory(state=OpinionReport.State.ADOPTED), D(2025, 3, 2))
    # B: 1.
    adopt(OpinionReportFactory(studio=b, state=OpinionReport.State.ADOPTED), D(2025, 3, 3))
    return {"a": a, "b": b, "group": group}


def test_each_studio_gets_the_figures_counted_by_hand(district):
    rows = progress_for_year(YEAR, now=NOW)
    # December's report (adopted 20 December) is not in yet on 15 June: see the next test.
    assert figures(row_of(rows, district["a"])) == {
        "service_activities": (2, 1),
        "proposals": (1, 2),
        "consultations": (0, 2),
        "reports": (2, 3),
    }
    # B has no plan: the usual targets.
    assert figures(row_of(rows, district["b"])) == {
        "service_activities": (1, 1),
        "proposals": (1, 1),
        "consultations": (0, 2),
        "reports": (1, 3),
    }


def test_at_the_end_of_the_year_everything_of_the_year_is_in(district):
    end = local(2025, 12, 31, 23)
    a = row_of(progress_for_year(YEAR, now=end), district["a"])
    # The September activity took place; December's report was adopted.
    assert figures(a) == {
        "service_activities": (3, 1),
        "proposals": (1, 2),
        "consultations": (0, 2),
        "reports": (3, 3),
    }
    assert [figure.met for figure in a.figures] == [True, False, False, True]
    assert not a.met


def test_the_next_year_counts_what_came_in_january(district):
    a = row_of(progress_for_year(2026, now=local(2026, 6, 1)), district["a"])
    # The proposal filed on 5 January 2026 and the report first adopted on 15 January 2026;
    # December's report, adopted again in January, stays with 2025.
    assert figures(a) == {
        "service_activities": (0, 1),
        "proposals": (1, 1),
        "consultations": (0, 2),
        "reports": (1, 3),
    }
    assert not a.has_plan


def test_a_report_counts_in_the_year_of_its_first_adoption_only(district):
    a = row_of(progress_for_year(2024, now=local(2025, 1, 10)), district["a"])
    assert a.figure("reports").done == 1
    assert a.figure("service_activities").done == 1  # 31 December 2024, 23:30 Beijing time


def test_a_proposal_filed_through_the_filing_step_counts_that_year():
    office = OfficeStaffFactory()
    studio = PlanStudioFactory()
    proposal = ProposalFactory(studio=studio, state=Proposal.State.SUBMITTED)
    this_year = timezone.localdate().year
    assert progress_of_studio(studio, this_year).figure("proposals").done == 0

    opinion_services.proposal_file(proposal=proposal, actor=office)

    assert progress_of_studio(studio, this_year).figure("proposals").done == 1
    not_filed = ProposalFactory(studio=studio, state=Proposal.State.SUBMITTED)
    opinion_services.proposal_not_file(proposal=not_filed, actor=office, reason="转为意见建议")
    assert progress_of_studio(studio, this_year).figure("proposals").done == 1


def test_one_query_for_every_studio_of_the_year_whatever_their_number(district):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = progress_for_year(YEAR, now=NOW)
            [figure.done for row in rows for figure in row.figures]
        return len(captured)

    assert Studio.objects.count() == 2
    PlanStudioFactory()
    assert queries() == 1
    for index in range(27):
        studio = PlanStudioFactory()
        studio_activity(studio, local(2025, 3, 1))
        if index % 2:
            AnnualPlanFactory(studio=studio, year=YEAR)
    assert Studio.objects.count() == 30
    assert queries() == 1
    assert len(progress_for_year(YEAR, now=NOW)) == 30


def test_the_table_of_a_year_lists_the_studios_that_ran_in_it():
    running = PlanStudioFactory(name="运行中")
    preparing = PlanStudioFactory(name="筹建中", state=Studio.State.PREPARING, opened_on=None)
    exited_in_year = PlanStudioFactory(
        name="年中退出", state=Studio.State.EXITED, exited_on=D(2025, 7, 1), exit_reason="合并"
    )
    exited_before = PlanStudioFactory(
        name="早已退出", state=Studio.State.EXITED, exited_on=D(2024, 7, 1), exit_reason="合并"
    )
    opened_later = PlanStudioFactory(name="次年挂牌", opened_on=D(2026, 3, 1))
    planned_then_exited = PlanStudioFactory(
        name="有计划", state=Studio.State.EXITED, exited_on=D(2024, 12, 1), exit_reason="合并"
    )
    AnnualPlanFactory(studio=planned_then_exited, year=YEAR)

    names = {row.studio.name for row in progress_for_year(YEAR, now=NOW)}

    assert names == {
        running.name,
        preparing.name,
        exited_in_year.name,
        planned_then_exited.name,
    }
    assert exited_before.name not in names and opened_later.name not in names


def test_targets_changed_in_the_plan_are_what_the_figures_are_measured_against():
    studio = PlanStudioFactory()
    AnnualPlanFactory(
        studio=studio,
        year=YEAR,
        target_service_activities=4,
        target_proposals=0,
        target_consultations=1,
        target_reports=5,
    )
    row = progress_of_studio(studio, YEAR)
    assert [(figure.goal, figure.met) for figure in row.figures] == [
        (4, False),
        (0, True),
        (1, False),
        (5, False),
    ]


def test_the_consultations_app_plugs_its_counter_into_the_same_query(monkeypatch, district):
    # Restored after the test: the placeholder that counts zero.
    monkeypatch.setitem(progress.COUNTERS, "consultations", progress.COUNTERS["consultations"])

    def research_as_consultations(period):
        # Stand-in rows, counted the way the consultations app will count its own.
        rows = Activity.objects.filter(
            kind=Activity.Kind.RESEARCH, starts_at__gte=period.starts, starts_at__lt=period.ends
        )
        return count_for_studio(rows, "organiser_studio")

    studio_activity(district["a"], local(2025, 5, 5), kind=Activity.Kind.RESEARCH)
    progress.register_counter("consultations", research_as_consultations)

    with CaptureQueriesContext(connection) as captured:
        rows = progress_for_year(YEAR, now=NOW)
    assert len(captured) == 1
    assert row_of(rows, district["a"]).figure("consultations").done == 1
    assert row_of(rows, district["b"]).figure("consultations").done == 0
    with pytest.raises(KeyError):
        progress.register_counter("visits", lambda period: Value(0))
