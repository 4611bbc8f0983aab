"""Scale data for the members app: sectors, groups, members with logins, activities and
attendance. Called by `manage.py seed_scale` (portal/management/commands/seed_scale.py).

Rows go in through PostgreSQL's COPY: a million rows take seconds, not the hours that
one INSERT per row would.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from . import roles
from .models import Activity, Attendance, Group, Member, Sector, User
from .pinyin import pinyin_key

# The share of --rows each kind of row takes; each app reads its own entries.
SHARES = {
    "activities": 0.03,
    "attendance": 0.60,
    "reports": 0.05,
    "report_timeline": 0.10,
    "proposals": 0.02,
    "issues": 0.10,
    "issue_timeline": 0.10,
    # Beside the 100% above: visits received at the member studios (studios/scale.py).
    "visits": 0.03,
}
# Every scale login's password (the benchmark logs in with a session instead).
PASSWORD = "scale-member-password"  # noqa: S105
# The staff logins the benchmark measures the admin as: the office sees everything, the liaison
# runs LIAISON_GROUPS street groups and one sector group and sees only theirs.
OFFICE_USERNAME = "scale-office"
LIAISON_USERNAME = "scale-liaison"
LIAISON_GROUPS = 3


@dataclass
class ScaleContext:
    """What the steps share: the size, one seeded random generator, the ids made so far."""

    members: int
    groups: int
    rows: int
    years: int
    seed: int = 20260101
    #: Studios to make (studios.scale); None: one per ten groups.
    studios: int | None = None
    now: datetime = field(default_factory=timezone.now)
    ids: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.random = random.Random(self.seed)  # noqa: S311 - data, not secrets

    def share(self, name: str) -> int:
        return max(1, int(self.rows * SHARES[name]))

    def moment(self) -> datetime:
        """A time in the last `years` years, spread evenly."""
        return self.now - timedelta(seconds=self.random.randrange(self.years * 365 * 86400))


def copy_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows into the model's table; returns how many went in."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def last_ids(model: type[Model], count: int) -> list[int]:
    """The ids of the `count` rows inserted last (COPY returns none)."""
    ids = model.objects.order_by("-pk").values_list("pk", flat=True)[:count]
    return sorted(ids)


def staff_logins(sector_groups: list[Group], street_groups: list[Group]) -> None:
    """An office staff login and a liaison staff login running a few of the new groups (the
    first street groups, which residents.scale gives streets, and one sector group)."""
    password = make_password(PASSWORD)
    for username, role, groups in (
        (OFFICE_USERNAME, roles.OFFICE_STAFF, []),
        (LIAISON_USERNAME, roles.LIAISON_STAFF, street_groups[:LIAISON_GROUPS] + sector_groups[:1]),
    ):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "password": password}
        )
        user.groups.add(Role.objects.get_or_create(name=role)[0])
        for group in groups:
            group.liaison_staff.add(user)


def scale(context: ScaleContext) -> None:
    """Sectors, groups (half sector, half street), members with logins, activities with
    attendance spread over `years`."""
    rng = context.random
    sectors = [
        Sector.objects.get_or_create(name=f"界别{n:02d}", defaults={"sort_order": n})[0]
        for n in range(1, 21)
    ]
    offset = Group.objects.count()  # a second run adds groups beside the first run's
    sector_groups = [
        Group(
            name=f"规模界别组{offset + n:04d}",
            kind=Group.Kind.SECTOR,
            sector=sectors[n % len(sectors)],
        )
        for n in range(context.groups // 2)
    ]
    street_groups = [
        Group(name=f"规模街镇组{offset + n:04d}", kind=Group.Kind.STREET)
        for n in range(context.groups - len(sector_groups))
    ]
    for group in sector_groups + street_groups:
        group.name_pinyin = pinyin_key(group.name)  # bulk_create does not call save()
    Group.objects.bulk_create(sector_groups + street_groups, batch_size=5000)
    context.ids["street_groups"] = [group.pk for group in street_groups]
    context.ids["sector_groups"] = [group.pk for group in sector_groups]
    staff_logins(sector_groups, street_groups)

    password = make_password(PASSWORD)
    joined = context.now.isoformat()
    start = User.objects.count()
    copy_rows(
        User,
        [
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        (
            (password, False, f"scale{start + n:06d}", "", "", "", False, True, joined)
            for n in range(context.members)
        ),
    )
    user_ids = last_ids(User, context.members)
    member_role = Role.objects.get_or_create(name=roles.MEMBER)[0]
    copy_rows(
        User.groups.through,
        ["user_id", "group_id"],
        ((user_id, member_role.pk) for user_id in user_ids),
    )
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"

    # Names repeat (20 × 20 × 20 of them): each key is worked out once.
    name_key = functools.cache(pinyin_key)

    def member_row(n, user_id):
        sector_group = sector_groups[n % len(sector_groups)]
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        return (
            user_id,
            name,
            name_key(name),
            rng.choice(Member.Gender.values),
            sector_group.sector_id,
            rng.choice(Member.Party.values),
            "某单位",
            "",
            f"166{start + n:08d}",
            8,
            Member.Status.ACTIVE,
            sector_group.pk,
            street_groups[n % len(street_groups)].pk,
        )

    copy_rows(
        Member,
        [
            "user_id",
            "name",
            "name_pinyin",
            "gender",
            "sector_id",
            "party",
            "work_unit",
            "title",
            "mobile",
            "term",
            "status",
            "sector_group_id",
            "street_group_id",
        ],
        (member_row(n, user_id) for n, user_id in enumerate(user_ids)),
    )
    member_ids = last_ids(Member, context.members)
    context.ids["members"] = member_ids

    activities = context.share("activities")
    group_ids = [group.pk for group in sector_groups + street_groups]
    copy_rows(
        Activity,
        ["title", "kind", "organiser_group_id", "starts_at", "place", "outcome"],
        (
            (
                f"履职活动{n}",
                rng.choice(Activity.Kind.values),
                rng.choice(group_ids),
                context.moment() + timedelta(days=30),
                "区政协会议室",
                "",
            )
            for n in range(activities)
        ),
    )
    activity_ids = last_ids(Activity, activities)
    context.ids["activities"] = activity_ids
    per_activity = max(1, context.share("attendance") // activities)
    per_activity = min(per_activity, len(member_ids))
    statuses = Attendance.Status.values

    def attendance_rows():
        for activity_id in activity_ids:
            for member_id in rng.sample(member_ids, per_activity):
                yield (activity_id, member_id, rng.choice(statuses))

    attendance = copy_rows(Attendance, ["activity_id", "member_id", "status"], attendance_rows())
    context.counts.update(
        {
            "members": len(member_ids),
            "groups": len(group_ids),
            "activities": activities,
            "attendance": attendance,
        }
    )
