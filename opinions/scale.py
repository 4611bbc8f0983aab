"""Scale data for the opinions app: opinion reports with their timelines, and proposals.
A step of `manage.py seed_scale`, after members.scale (it needs the members)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from core.models import TimelineEntry
from members.scale import ScaleContext, copy_rows, last_ids

from .models import CommitteeSession, Department, OpinionReport, Proposal
from .models.common import Category

# Report states that need nothing else set (forwarded needs a department and a deadline).
REPORT_STATES = [
    OpinionReport.State.SUBMITTED,
    OpinionReport.State.IN_REVIEW,
    OpinionReport.State.ADOPTED,
    OpinionReport.State.DECLINED,
    OpinionReport.State.FEEDBACK,
    OpinionReport.State.CLOSED,
    OpinionReport.State.FORWARDED,
]


def scale(context: ScaleContext) -> None:
    rng = context.random
    members = context.ids["members"]
    departments = [
        Department.objects.get_or_create(name=f"规模承办单位{n:02d}")[0] for n in range(20)
    ]
    department_ids = [department.pk for department in departments]
    categories = Category.values

    reports = context.share("reports")
    per_report = max(1, context.share("report_timeline") // reports)
    created = []

    def report_rows():
        for n in range(reports):
            at = context.moment()
            created.append(at)
            state = rng.choice(REPORT_STATES)
            forwarded = state == OpinionReport.State.FORWARDED
            yield (
                f"关于改进第{n}号事项的建议",
                rng.choice(categories),
                "内容" * 40,
                rng.choice(members),
                state,
                at,
                at,
                rng.choice(department_ids) if forwarded else None,
                at + timedelta(days=3) if forwarded else None,
                (at + timedelta(days=33)).date() if forwarded else None,
                "",
            )

    copy_rows(
        OpinionReport,
        [
            "title",
            "category",
            "content",
            "author_id",
            "state",
            "created_at",
            "submitted_at",
            "department_id",
            "forwarded_at",
            "reply_due",
            "decline_note",
        ],
        report_rows(),
    )
    report_ids = last_ids(OpinionReport, reports)
    report_type = ContentType.objects.get_for_model(OpinionReport)
    actions = ["created", "submitted", "review_started", "adopted", "forwarded", "replied"]

    def timeline_rows():
        for report_id, at in zip(report_ids, created, strict=True):
            for step in range(per_report):
                yield (
                    report_type.pk,
                    report_id,
                    actions[step % len(actions)],
                    "",
                    "",
                    None,
                    "区政协办公室",
                    "",
                    False,
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

    proposals = context.share("proposals")
    sessions = [
        CommitteeSession.objects.get_or_create(
            term=99, session=year + 1, defaults={"name": f"规模{year + 1}次"}
        )[0]
        for year in range(context.years)
    ]
    numbers = dict.fromkeys((session.pk for session in sessions), 0)

    def proposal_rows():
        for n in range(proposals):
            session = sessions[n % len(sessions)]
            numbers[session.pk] += 1
            at = context.moment()
            yield (
                session.pk,
                numbers[session.pk] + session.last_number,
                f"关于第{n}号问题的提案",
                rng.choice(categories),
                "内容" * 60,
                rng.choice(members),
                rng.choice([Proposal.State.SUBMITTED, Proposal.State.FILED]),
                at,
                at,
                "",
                False,
                "",
                "",
                "",
                False,
            )

    copy_rows(
        Proposal,
        [
            "session_id",
            "number",
            "title",
            "category",
            "content",
            "proposer_id",
            "state",
            "created_at",
            "submitted_at",
            "not_filed_reason",
            "is_key",
            "supervising_leader",
            "evaluation",
            "evaluation_note",
            "rehandled",
        ],
        proposal_rows(),
    )
    for session in sessions:
        CommitteeSession.objects.filter(pk=session.pk).update(
            last_number=session.last_number + numbers[session.pk]
        )
    context.ids["reports"] = report_ids
    context.counts.update({"reports": reports, "report_timeline": timeline, "proposals": proposals})
