"""The 1+123 of every studio in a year, counted in one query: the counting rules live here.

Each studio's yearly plan (AnnualPlan) sets four targets: 1 service activity for residents,
1 quality proposal, 2 consultation activities, 3 opinion reports (the defaults; the office may
change them per studio). What counts towards them (also written in studios/COUNTING.md):

- **service activity**: an activity of kind 服务群众 (`Activity.Kind.SERVICE`) that the studio
  organised (`Activity.organiser_studio`), which began in the year and not in the future
  (`starts_at` within the year and not after now). Activities of a group, and other kinds of
  activity, do not count;
- **proposal**: a proposal with the studio marked on it (`Proposal.studio`), filed (立案) in the
  year: the "filed" step on its timeline is dated in the year. A proposal turned into a
  suggestion (不立案) never counts; a filed one keeps counting for the year it was filed in
  whatever happens to it afterwards;
- **opinion report**: a report with the studio marked on it (`OpinionReport.studio`) counts
  once, in the year of its first adoption at any level (the earliest `ReportAdoption.adopted_on`,
  not after today), however many levels adopt it later and however many co-authors it has;
- **consultation activity**: counted by the consultations app, which plugs its counter in with
  `register_counter("consultations", …)`; until it does, zero.

A counter is a function of the year (`Period`) returning an expression for
`Studio.objects.annotate()`: a subquery on the studio of the row (`OuterRef("pk")`), typically
`count_for_studio(rows, "studio")`. So the whole table of figures, for three studios or three
hundred, is one query, on PostgreSQL and on the demo's SQLite alike.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Activity
from opinions.models import OpinionReport, Proposal, ReportAdoption
from opinions.workflow import PROPOSAL

from .models import AnnualPlan, Studio

# The timeline action of filing (立案), as the proposals' workflow declares it.
FILED_ACTION = PROPOSAL.edge("filed").action


@dataclass(frozen=True)
class Period:
    """A calendar year in the portal's time zone, and the moment "now" for what is still to
    come (an activity later this year has not taken place yet)."""

    year: int
    now: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def starts(self) -> datetime.datetime:
        """Midnight on 1 January, local time."""
        return datetime.datetime(self.year, 1, 1, tzinfo=timezone.get_current_timezone())

    @property
    def ends(self) -> datetime.datetime:
        """Midnight on the next 1 January, local time (not part of the year)."""
        return datetime.datetime(self.year + 1, 1, 1, tzinfo=timezone.get_current_timezone())

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


@dataclass(frozen=True)
class Target:
    """One of the four targets of the 1+123: its key, and the plan's field holding it."""

    key: str
    plan_field: str

    @property
    def label(self) -> Any:
        return AnnualPlan._meta.get_field(self.plan_field).verbose_name

    @property
    def default(self) -> int:
        """The target when the studio has no plan for the year (the plan's default)."""
        return AnnualPlan._meta.get_field(self.plan_field).default


TARGETS: tuple[Target, ...] = (
    Target("service_activities", "target_service_activities"),
    Target("proposals", "target_proposals"),
    Target("consultations", "target_consultations"),
    Target("reports", "target_reports"),
)
TARGET_KEYS = tuple(target.key for target in TARGETS)

Counter = Callable[[Period], BaseExpression]


def count_for_studio(rows: QuerySet, studio_field: str) -> BaseExpression:
    """For `Studio.objects.annotate()`: how many of `rows` point at the row's studio through
    `studio_field`, 0 when none do. One correlated subquery, no join that would multiply the
    studios' rows."""
    counted = (
        rows.filter(**{studio_field: OuterRef("pk")})
        .order_by()
        .values(studio_field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def count_service_activities(period: Period) -> BaseExpression:
    """Service activities (服务群众) the studio organised that began in the year, not later
    than now."""
    rows = Activity.objects.filter(
        kind=Activity.Kind.SERVICE,
        starts_at__gte=period.starts,
        starts_at__lt=period.ends,
        starts_at__lte=period.now,
    )
    return count_for_studio(rows, "organiser_studio")


def count_proposals(period: Period) -> BaseExpression:
    """Proposals marked with the studio whose filing (立案) step is dated in the year."""
    # The content type as an uncorrelated subquery: computed once, not joined for each row.
    proposal_type = ContentType.objects.filter(
        app_label=Proposal._meta.app_label, model=Proposal._meta.model_name
    ).values("pk")
    filed = TimelineEntry.objects.filter(
        content_type=Subquery(proposal_type),
        object_id=OuterRef("pk"),
        action=FILED_ACTION,
        created_at__gte=period.starts,
        created_at__lt=period.ends,
    )
    return count_for_studio(Proposal.objects.filter(Exists(filed)), "studio")


def count_reports(period: Period) -> BaseExpression:
    """Reports marked with the studio whose first adoption, at any level, is in the year (and
    not after today): once each, whatever the later levels or the number of co-authors."""
    adoptions = ReportAdoption.objects.filter(report=OuterRef("pk"))
    first_adopted_this_year = Exists(
        adoptions.filter(adopted_on__gte=period.first_day, adopted_on__lte=period.today)
    ) & ~Exists(adoptions.filter(adopted_on__lt=period.first_day))
    return count_for_studio(OpinionReport.objects.filter(first_adopted_this_year), "studio")


def no_consultations_yet(period: Period) -> BaseExpression:
    """The consultations app counts these (its counter replaces this one): zero until then."""
    return Value(0, output_field=IntegerField())


#: The counter of each target, by target key. Another app plugs in its own with
#: `register_counter` (from its AppConfig.ready): the consultations app for "consultations".
COUNTERS: dict[str, Counter] = {
    "service_activities": count_service_activities,
    "proposals": count_proposals,
    "consultations": no_consultations_yet,
    "reports": count_reports,
}


def register_counter(key: str, counter: Counter) -> None:
    """Count the target `key` with `counter(period)`, an expression on a Studio row (see
    `count_for_studio`). The consultations app registers "consultations" this way."""
    if key not in TARGET_KEYS:
        raise KeyError(f"No 1+123 target is called {key!r}")
    COUNTERS[key] = counter


# --- The figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One target of one studio in a year: done against the target."""

    target: Target
    done: int
    goal: int

    @property
    def key(self) -> str:
        return self.target.key

    @property
    def label(self) -> Any:
        return self.target.label

    @property
    def met(self) -> bool:
        return self.done >= self.goal

    @property
    def shown(self) -> int:
        """What a bar shows: never beyond the target."""
        return min(self.done, self.goal)


@dataclass(frozen=True)
class StudioProgress:
    """The 1+123 of one studio in a year."""

    studio: Studio
    year: int
    plan_id: int | None
    figures: tuple[Figure, ...]

    @property
    def has_plan(self) -> bool:
        return self.plan_id is not None

    @property
    def met(self) -> bool:
        return all(figure.met for figure in self.figures)

    def figure(self, key: str) -> Figure:
        return next(figure for figure in self.figures if figure.key == key)


def studios_of_year(year: int, studios: QuerySet[Studio] | None = None) -> QuerySet[Studio]:
    """The studios (of `studios`, else all) that have a place in the year's table: those with a
    plan for the year, and those neither exited before the year nor opened after it (a studio
    being prepared is listed: its plan is being written). An exited studio keeps its rows for
    the years it ran."""
    rows = studios if studios is not None else Studio.objects.all()
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    has_plan = Exists(AnnualPlan.objects.filter(studio=OuterRef("pk"), year=year))
    ran_in_year = (~Q(state=Studio.State.EXITED) | Q(exited_on__gte=first_day)) & (
        Q(opened_on__isnull=True) | Q(opened_on__lte=last_day)
    )
    return rows.filter(has_plan | ran_in_year)


def annotate_progress(
    year: int,
    studios: QuerySet[Studio] | None = None,
    *,
    now: datetime.datetime | None = None,
) -> QuerySet[Studio]:
    """`studios` (default: `studios_of_year(year)`) with their 1+123 of `year` on their own
    rows: the plan joined once, each figure a subquery, each target the plan's or, without a
    plan, the default. A page of them, or all, is one query; `totals` counts them in the
    database. `now` is for tests: what has not happened by then does not count yet."""
    period = Period(year=year, now=now or timezone.now())
    rows = studios if studios is not None else studios_of_year(year)
    return rows.annotate(
        year_plan=FilteredRelation("plans", condition=Q(plans__year=year)),
        progress_plan_id=F("year_plan__id"),
        **{
            f"progress_goal_{t.key}": Coalesce(
                F(f"year_plan__{t.plan_field}"), Value(t.default), output_field=IntegerField()
            )
            for t in TARGETS
        },
        **{f"progress_done_{t.key}": COUNTERS[t.key](period) for t in TARGETS},
    )


def progress_rows(annotated: Iterable[Studio], year: int) -> list[StudioProgress]:
    """The figures of studios from `annotate_progress`, in their order."""
    return [_progress_of(studio, year) for studio in annotated]


def progress_for_year(
    year: int,
    studios: QuerySet[Studio] | None = None,
    *,
    now: datetime.datetime | None = None,
) -> list[StudioProgress]:
    """The 1+123 of each studio of `studios` (default: `studios_of_year(year)`) in `year`,
    in the queryset's order: one query whatever the number of studios. A studio without a
    plan for the year is measured against the default targets."""
    return progress_rows(annotate_progress(year, studios, now=now), year)


def _progress_of(studio: Studio, year: int) -> StudioProgress:
    figures = tuple(
        Figure(
            target=target,
            done=getattr(studio, f"progress_done_{target.key}"),
            goal=getattr(studio, f"progress_goal_{target.key}"),
        )
        for target in TARGETS
    )
    return StudioProgress(
        studio=studio, year=year, plan_id=studio.progress_plan_id, figures=figures
    )


def progress_of_studio(studio: Studio, year: int) -> StudioProgress:
    """The 1+123 of one studio in one year (whether or not it ran that year)."""
    (progress,) = progress_for_year(year, Studio.objects.filter(pk=studio.pk))
    return progress


def _met(key: str) -> Q:
    return Q(**{f"progress_done_{key}__gte": F(f"progress_goal_{key}")})


def totals(annotated: QuerySet[Studio]) -> dict[str, int]:
    """How many studios `annotated` (from `annotate_progress`) holds and how many of them met
    all four targets: one aggregate query in the database, whatever their number."""
    every = Q()
    for key in TARGET_KEYS:
        every &= _met(key)
    return annotated.order_by().aggregate(studios=Count("pk"), all=Count("pk", filter=every))
