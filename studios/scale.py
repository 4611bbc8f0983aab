"""Scale data for the studios: one studio per ten groups (or `--studios`), each with three to
eight of its group's members; a year of weekly duty slots (nine months behind, three ahead)
with two members on duty; visits in the slots that have passed (SHARES["visits"] of --rows);
a plan for each year; service activities (some of the groups' activity rows handed to the
studios); and half of the studio members' reports and proposals marked with their studio, the
adopted ones with their adoption and the filed ones with their filing step, so that the 1+123
has something to count. A step of `manage.py seed_scale`, after residents.scale (it needs the
streets).

The large tables (slots, the members on duty, visits) go in through COPY (members/scale.py);
the few hundred studios, their members and plans by bulk_create. Slots fall on their weekday
every week: the holiday calendar is left out at this size.
"""

from __future__ import annotations

import datetime
from datetime import time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Activity, Group
from members.pinyin import pinyin_key
from members.scale import ScaleContext, copy_rows, last_ids
from opinions.models import AdoptionLevel, OpinionReport, Proposal, ReportAdoption
from opinions.workflow import PROPOSAL
from residents.models import Street

from .models import AnnualPlan, DutyRule, DutySlot, Studio, StudioMember, Visit
from .progress import FILED_ACTION

GROUPS_PER_STUDIO = 10
MEMBERS_PER_STUDIO = (3, 8)
ON_DUTY = 2
WEEKS_BEHIND, WEEKS_AHEAD = 39, 13
SERVICE_ACTIVITIES_PER_YEAR = 2
#: The share of the studio members' reports and proposals marked with their studio.
MARKED = 0.5
INDUSTRIES = ["法律", "煤炭", "商会"]
# Stations receive in the mornings, sector studios in the afternoons: a member of both is
# never on duty twice at once.
HOURS = {True: (time(9, 0), time(11, 30)), False: (time(14, 30), time(17, 30))}
RAISED = [
    ("楼道声控灯坏了很久，晚上上下楼很黑。", "联系物业报修。", True),
    ("小区没有电动车充电桩，有人从楼上拉线充电。", "记录位置，与社区商量选址。", False),
    ("老人想申请居家养老上门服务。", "讲解申请条件，联系网格员。", True),
    ("工地拖欠工资半年。", "讲解追索途径，协助投诉。", False),
]


def _studios(context: ScaleContext, today: datetime.date) -> list[tuple[Studio, list[int]]]:
    """The studios, alternately of a street group (an area station in that street) and of a
    sector group (every fifth an industry studio), each with its members: the first three to
    eight members of its group, the lead first."""
    rng = context.random
    street_groups, sector_groups = context.ids["street_groups"], context.ids["sector_groups"]
    members = context.ids["members"]
    streets = dict(Street.objects.filter(group_id__in=street_groups).values_list("group_id", "pk"))
    street_ids = list(streets.values()) or [None]
    sectors = dict(Group.objects.filter(pk__in=sector_groups).values_list("pk", "sector_id"))
    offset = Studio.objects.count()  # a second run adds studios beside the first run's
    made = []
    for n in range(context.studios or max(1, context.groups // GROUPS_PER_STUDIO)):
        station, index = n % 2 == 0, n // 2
        groups = street_groups if station else sector_groups
        group = groups[index % len(groups)]
        # members.scale puts member i in street group i % len and sector group i % len.
        of_group = members[index % len(groups) :: len(groups)]
        size = min(len(of_group), rng.randint(*MEMBERS_PER_STUDIO))
        if not size:
            continue  # a group without members (fewer members than groups) has no studio
        industry = "" if station or n % 5 != 1 else INDUSTRIES[n % len(INDUSTRIES)]
        name = f"规模委员工作室{offset + n:04d}"
        studio = Studio(
            name=name,
            name_pinyin=pinyin_key(name),  # bulk_create does not call save()
            kind=(
                Studio.Kind.STATION
                if station
                else Studio.Kind.INDUSTRY
                if industry
                else Studio.Kind.SECTOR
            ),
            industry=industry,
            sector_id=None if station else sectors.get(group),
            street_id=streets.get(group) if station else rng.choice(street_ids),
            group_id=group,
            lead_mode=Studio.LeadMode.STREET_GROUP if station else Studio.LeadMode.MEMBER,
            build_mode=rng.choice(Studio.BuildMode.values),
            address=f"规模街道服务中心{n}号",
            reception_hours="每周一次",
            state=Studio.State.OPEN,
            opened_on=today - timedelta(days=365 * context.years),
        )
        made.append((studio, of_group[:size]))
    Studio.objects.bulk_create([studio for studio, _members in made])
    StudioMember.objects.bulk_create(
        StudioMember(
            studio=studio,
            member_id=member_id,
            role=StudioMember.Role.LEAD if position == 0 else StudioMember.Role.RESIDENT,
        )
        for studio, member_ids in made
        for position, member_id in enumerate(member_ids)
    )
    return made


def _reception(context: ScaleContext, made, today: datetime.date) -> tuple[int, int]:
    """Each studio's weekly rule and its slots, and visits in the slots that have passed.
    Returns (slots, visits)."""
    rng = context.random
    first_day = today - timedelta(weeks=WEEKS_BEHIND)
    last_day = today + timedelta(weeks=WEEKS_AHEAD)
    rules = []
    for studio, _member_ids in made:
        starts_at, ends_at = HOURS[studio.kind == Studio.Kind.STATION]
        rules.append(
            DutyRule(
                studio=studio,
                weekday=studio.pk % 5,
                starts_at=starts_at,
                ends_at=ends_at,
                first_day=first_day,
                last_day=last_day,
            )
        )
    DutyRule.objects.bulk_create(rules)
    DutyRule.members.through.objects.bulk_create(
        DutyRule.members.through(dutyrule_id=rule.pk, member_id=member_id)
        for rule, (_studio, member_ids) in zip(rules, made, strict=True)
        for member_id in member_ids[:ON_DUTY]
    )
    # (studio, date, ends_at, members on duty) of each slot, in the order COPY stores them.
    slots = []
    for rule, (studio, member_ids) in zip(rules, made, strict=True):
        day = first_day + timedelta(days=(rule.weekday - first_day.weekday()) % 7)
        while day <= last_day:
            slots.append((studio.pk, rule.pk, day, rule.starts_at, rule.ends_at, member_ids))
            day += timedelta(weeks=1)
    copy_rows(
        DutySlot,
        ["studio_id", "rule_id", "date", "starts_at", "ends_at", "capacity"],
        (row[:5] + (4,) for row in slots),
    )
    slot_ids = last_ids(DutySlot, len(slots))
    copy_rows(
        DutySlot.members.through,
        ["dutyslot_id", "member_id"],
        (
            (slot_id, member_id)
            for slot_id, row in zip(slot_ids, slots, strict=True)
            for member_id in row[5][:ON_DUTY]
        ),
    )
    past = [(slot_id, row) for slot_id, row in zip(slot_ids, slots, strict=True) if row[2] < today]
    visits = context.share("visits") if past else 0
    received = []  # the member who received each visit

    def visit_rows():
        for n in range(visits):
            slot_id, (studio_id, _rule, day, _starts, ends_at, member_ids) = rng.choice(past)
            raised, done, solved = RAISED[n % len(RAISED)]
            named = n % 3 == 0
            received.append(member_ids[0])
            yield (
                studio_id,
                slot_id,
                day,
                rng.choice(Visit.Method.values),
                "张先生" if named else "",
                f"1390000{n % 10_000:04d}" if named else "",
                None,
                raised,
                done,
                solved,
                "已告知办理进展。",
                None,
                None,
                datetime.datetime.combine(day, ends_at, tzinfo=timezone.get_current_timezone()),
            )

    copy_rows(
        Visit,
        [
            "studio_id",
            "slot_id",
            "visited_on",
            "method",
            "visitor_name",
            "visitor_mobile",
            "personal_data_erased_at",
            "raised",
            "done",
            "solved_on_spot",
            "feedback",
            "issue_id",
            "recorded_by_id",
            "created_at",
        ],
        visit_rows(),
    )
    visit_ids = last_ids(Visit, visits) if visits else []
    copy_rows(
        Visit.members.through,
        ["visit_id", "member_id"],
        zip(visit_ids, received, strict=True),
    )
    return len(slots), visits


def _plans(context: ScaleContext, made, today: datetime.date) -> int:
    plans = [
        AnnualPlan(
            studio=studio,
            year=today.year - age,
            plan="围绕群众关心的问题开展接待、调研和服务。",
            service_projects="义诊进社区\n法律咨询日",
        )
        for studio, _member_ids in made
        for age in range(context.years)
    ]
    AnnualPlan.objects.bulk_create(plans, batch_size=5000)
    return len(plans)


def _credited(context: ScaleContext, made, today: datetime.date) -> dict[str, int]:
    """Service activities handed to the studios, and their members' reports and proposals
    marked with the studio (each member's first studio), with what the 1+123 counts of them."""
    rng = context.random
    activity_ids = context.ids["activities"]
    per_studio = SERVICE_ACTIVITIES_PER_YEAR * context.years
    chosen = rng.sample(activity_ids, min(len(activity_ids), per_studio * len(made)))
    Activity.objects.bulk_update(
        [
            Activity(
                pk=activity_id,
                kind=Activity.Kind.SERVICE,
                organiser_group=None,
                organiser_studio=made[n % len(made)][0],
            )
            for n, activity_id in enumerate(chosen)
        ],
        ["kind", "organiser_group", "organiser_studio"],
        batch_size=1000,
    )
    studio_of = {}
    for studio, member_ids in made:
        for member_id in member_ids:
            studio_of.setdefault(member_id, studio.pk)

    reports = [
        row
        for row in OpinionReport.objects.filter(author_id__in=list(studio_of))
        .order_by("pk")
        .values_list("pk", "author_id", "state", "created_at")
        if rng.random() < MARKED
    ]
    OpinionReport.objects.bulk_update(
        [OpinionReport(pk=pk, studio_id=studio_of[author]) for pk, author, _s, _c in reports],
        ["studio"],
        batch_size=1000,
    )
    adoptions = ReportAdoption.objects.bulk_create(
        ReportAdoption(
            report_id=pk,
            level=AdoptionLevel.DISTRICT,
            adopted_on=min(timezone.localdate(created) + timedelta(days=14), today),
        )
        for pk, _author, state, created in reports
        if state == OpinionReport.State.ADOPTED
    )

    proposals = [
        row
        for row in Proposal.objects.filter(proposer_id__in=list(studio_of))
        .order_by("pk")
        .values_list("pk", "proposer_id", "state", "submitted_at")
        if rng.random() < MARKED
    ]
    Proposal.objects.bulk_update(
        [Proposal(pk=pk, studio_id=studio_of[proposer]) for pk, proposer, _s, _t in proposals],
        ["studio"],
        batch_size=1000,
    )
    proposal_type = ContentType.objects.get_for_model(Proposal).pk
    public = PROPOSAL.edge("filed").public
    # COPY, not bulk_create: the filing's own date goes in (created_at is set on creation).
    filed = copy_rows(
        TimelineEntry,
        [
            "content_type_id",
            "object_id",
            "action",
            "from_state",
            "to_state",
            "actor_id",
            "actor_label",
            "note",
            "is_public",
            "created_at",
        ],
        (
            (
                proposal_type,
                pk,
                FILED_ACTION,
                Proposal.State.SUBMITTED,
                Proposal.State.FILED,
                None,
                "区政协办公室",
                "",
                public,
                min(submitted + timedelta(days=5), context.now),
            )
            for pk, _proposer, state, submitted in proposals
            if state == Proposal.State.FILED
        ),
    )
    return {
        "studio_activities": len(chosen),
        "studio_reports": len(reports),
        "studio_adoptions": len(adoptions),
        "studio_proposals": len(proposals),
        "studio_filings": filed,
    }


def scale(context: ScaleContext) -> None:
    today = timezone.localdate(context.now)
    made = _studios(context, today)
    if not made:
        return
    slots, visits = _reception(context, made, today)
    plans = _plans(context, made, today)
    credited = _credited(context, made, today)
    context.counts.update(
        {
            "studios": len(made),
            "studio_members": sum(len(member_ids) for _studio, member_ids in made),
            "duty_slots": slots,
            "visits": visits,
            "annual_plans": plans,
            **credited,
        }
    )
