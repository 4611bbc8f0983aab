"""Scale data for the residents app: streets, communities, resident issues and their public
timelines. A step of `manage.py seed_scale`."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from core import workdays
from core.models import TimelineEntry
from members.scale import ScaleContext, copy_rows, last_ids

from .models import TRACKING_CODE_ALPHABET, TRACKING_CODE_LENGTH, Community, ResidentIssue, Street
from .timelimits import due_at_for

STATES = [
    ResidentIssue.State.SUBMITTED,
    ResidentIssue.State.ACCEPTED,
    ResidentIssue.State.IN_PROGRESS,
    ResidentIssue.State.ANSWERED,
    ResidentIssue.State.CLOSED,
    ResidentIssue.State.CLOSED,
]


def scale(context: ScaleContext) -> None:
    rng = context.random
    street_groups = context.ids["street_groups"]
    streets = []
    for n in range(20):
        street, _ = Street.objects.get_or_create(
            name=f"规模街道{n:02d}",
            defaults={"group_id": street_groups[n % len(street_groups)], "sort_order": n},
        )
        streets.append(street)
    communities = {street.pk: [] for street in streets}
    for street in streets:
        for n in range(8):
            community, _ = Community.objects.get_or_create(
                street=street, name=f"规模社区{n}", defaults={"sort_order": n}
            )
            communities[street.pk].append(community.pk)
    street_ids = list(communities)
    codes = set(ResidentIssue.objects.values_list("tracking_code", flat=True))

    def code():
        while True:
            candidate = "".join(rng.choices(TRACKING_CODE_ALPHABET, k=TRACKING_CODE_LENGTH))
            if candidate not in codes:
                codes.add(candidate)
                return candidate

    issues = context.share("issues")
    created = []

    def issue_rows():
        for n in range(issues):
            at = context.moment()
            created.append(at)
            street_id = rng.choice(street_ids)
            state = rng.choice(STATES)
            named = n % 3 == 0
            closed = state == ResidentIssue.State.CLOSED
            yield (
                code(),
                rng.choice(ResidentIssue.Category.values),
                street_id,
                rng.choice(communities[street_id]),
                f"{n % 97}号楼东门",
                "路灯坏了，晚上很黑。" * 5,
                ResidentIssue.Channel.WEB,
                "张先生" if named else "",
                f"137{n % 100000000:08d}" if named else "",
                at if named else None,
                state,
                None if closed else due_at_for(state, at),
                "",
                "",
                at,
                None if state == ResidentIssue.State.SUBMITTED else at + timedelta(days=1),
                at + timedelta(days=10) if closed else None,
            )

    # Deadlines are counted while the connection streams the COPY: no query may run then.
    with workdays.held():
        copy_rows(
            ResidentIssue,
            [
                "tracking_code",
                "category",
                "street_id",
                "community_id",
                "place",
                "description",
                "channel",
                "name",
                "mobile",
                "consent_at",
                "state",
                "due_at",
                "public_reply",
                "satisfaction",
                "created_at",
                "accepted_at",
                "closed_at",
            ],
            issue_rows(),
        )
    issue_ids = last_ids(ResidentIssue, issues)
    per_issue = max(1, context.share("issue_timeline") // issues)
    issue_type = ContentType.objects.get_for_model(ResidentIssue)
    actions = ["issue_submit", "issue_accept", "issue_answer", "issue_close"]

    def timeline_rows():
        for issue_id, at in zip(issue_ids, created, strict=True):
            for step in range(per_issue):
                yield (
                    issue_type.pk,
                    issue_id,
                    actions[step % len(actions)],
                    "",
                    "",
                    None,
                    "区政协办公室",
                    "",
                    True,
                    at + timedelta(hours=step),
                )

    timeline = copy_rows(
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
        timeline_rows(),
    )
    context.counts.update({"issues": issues, "issue_timeline": timeline})
