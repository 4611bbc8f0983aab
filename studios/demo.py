"""Demo data of the member studios (委员工作室 / 工作站): the eleven studios of the district's
studio report (eight sector studios; three industry studios: 法律, 煤炭, 商会) and three area
stations, with their members, a year of reception duty and visits, appointments, the service
activities they organised, reports and proposals credited to them, this year's 1+123 plans at
different stages, the five norms and their archive.

`seed_studios(ctx)` is a step of `manage.py seed_demo` (portal app), after the residents' step:
it needs the streets, the logins and a current committee session. Studios are registered and
taken through their lifecycle by the services, so each has its timeline; so are the duty rules,
the visits, the appointments' answers, the plans, the norms and the archive. What the services
refuse to write in the past (duty slots that have ended) is written directly, where noted.

Idempotent: a studio is found by its name, and everything around it is made in the run that
registers it; a later run only moves the studios' activities along with the day, as
members/demo.py does for the groups'. Deterministic: every draw comes from a generator seeded
per studio. Dates are relative to the day it runs. This year's counted items are dated a week
or two back (adoptions and filings today): in the first days of January the new year's
figures are still low, as they would be.
"""

import datetime
import io
from datetime import time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from core.models import Notification, TimelineEntry
from core.workflow import run_edge, timeline_add
from members.demo import OUTCOMES, DemoContext, MemberSpec
from members.models import Activity, Attendance, Member, User
from opinions import services as opinions
from residents.models import Community, Street

from .demo_data import (
    AHEAD_DAYS,
    ARCHIVE,
    BEHIND_DAYS,
    FOLLOW_UP,
    RESEARCH,
    SERVICE,
    STUDIOS,
    VISITORS,
    VISITS,
    WEEKDAYS,
    State,
    StudioSpec,
)
from .models import (
    APPOINTMENT_CODE_ALPHABET,
    APPOINTMENT_CODE_LENGTH,
    Appointment,
    DutyRule,
    DutySlot,
    Studio,
    StudioMember,
    Visit,
)
from .progress import TARGETS
from .services import plans, reception
from .services import studios as lifecycle
from .workflow import APPOINTMENT


def _hours(spec: StudioSpec) -> str:
    """每周二下午 14:30–17:30: the reception hours the public page shows, from the duty rule."""
    weekday, (starts, ends) = spec.duty
    half = "上午" if starts.hour < 12 else "下午"
    return f"每周{WEEKDAYS[weekday]}{half} {starts:%H:%M}–{ends:%H:%M}"


# --- Helpers --------------------------------------------------------------------------------


def _roster(ctx: DemoContext, spec: StudioSpec) -> list[MemberSpec]:
    """The studio's members, its lead first: up to five of its sector or street, or the posts
    named."""
    how, what = spec.members
    if how == "posts":
        by_post = {f"{m.work_unit}/{m.title}": m for m in ctx.roster}
        return [by_post[post] for post in what.split()]
    if how == "street":
        return ctx.members_of(f"{what}活动组")[:5]
    return [m for m in ctx.roster if m.sector == what][:5]


def _moment(day: datetime.date, at: time) -> datetime.datetime:
    return datetime.datetime.combine(day, at, timezone.get_current_timezone())


def _date_timeline(subject, days: dict[str, datetime.date]) -> None:
    """Demo only: the lifecycle's steps were taken today; date each on the day it stands for."""
    for entry in TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        action__in=list(days),
    ):
        entry.created_at = _moment(days[entry.action], time(10, 0))
        entry.save(update_fields=["created_at"])


def _picture(rng) -> bytes:
    colour = tuple(rng.randrange(90, 230) for _ in range(3))
    picture = Image.new("RGB", (320, 200), colour)
    ImageDraw.Draw(picture).rectangle((40, 40, 280, 160), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _document() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _code(rng) -> str:
    while True:
        code = "".join(rng.choices(APPOINTMENT_CODE_ALPHABET, k=APPOINTMENT_CODE_LENGTH))
        if not Appointment.objects.filter(code=code).exists():
            return code


# --- The parts of a studio ----------------------------------------------------------------


def _schedule(
    ctx: DemoContext, spec: StudioSpec, studio: Studio, on_duty: list[Member], office, last_day
) -> tuple[list[DutySlot], list[DutySlot]]:
    """The studio's reception rule over the last nine months and the next three, and its slots:
    (those that have ended, those to come)."""
    weekday, (starts_at, ends_at) = spec.duty
    first_day = max(studio.opened_on, ctx.today - timedelta(days=BEHIND_DAYS))
    fields = {"weekday": weekday, "starts_at": starts_at, "ends_at": ends_at}
    if last_day >= ctx.today:
        rule = reception.duty_rule_save(
            actor=office,
            studio=studio,
            first_day=first_day,
            last_day=last_day,
            members=on_duty,
            **fields,
        )
        coming = reception.duty_rule_expand(rule=rule, actor=office)
    else:
        # A studio that no longer receives keeps the rule it had; the services refuse a rule
        # whose last day has passed, so it is written directly.
        rule = DutyRule.objects.create(
            studio=studio, first_day=first_day, last_day=last_day, **fields
        )
        rule.members.set(on_duty)
        coming = []
    # The slots that have ended: the services plan duty ahead and refuse the past, so the
    # months behind are written directly, one slot a reception day as expanding would have.
    now = timezone.now()
    past = DutySlot.objects.bulk_create(
        DutySlot(studio=studio, rule=rule, date=day, starts_at=starts_at, ends_at=ends_at)
        for day in reception.rule_days(rule)
        if _moment(day, ends_at) <= now
    )
    DutySlot.members.through.objects.bulk_create(
        DutySlot.members.through(dutyslot_id=slot.pk, member_id=member.pk)
        for slot in past
        for member in on_duty
    )
    return past, coming


def _visitor(rng) -> tuple[str, str]:
    """A visitor who left a name and phone (with consent), or one who left neither."""
    if rng.random() < 0.3:
        return "", ""
    return rng.choice(VISITORS), f"1390000{rng.randrange(10_000):04d}"


def _record(studio: Studio, member: Member, slot: DutySlot | None, day, method, text, who):
    """One visit, recorded by the member who received it, as on /member/studio/."""
    raised, done, feedback, solved = text
    visit = reception.visit_record(
        actor=member.user,
        studio=studio,
        method=method,
        raised=raised,
        done=done,
        solved_on_spot=solved,
        feedback=feedback,
        visitor_name=who[0],
        visitor_mobile=who[1],
        consent=bool(who[0] or who[1]),
        visited_on=day,
        slot=slot,
    )
    # Demo only: recorded at the end of that reception, not today.
    visit.created_at = _moment(day, slot.ends_at if slot else time(17, 0))
    visit.save(update_fields=["created_at"])
    return visit


def _visits(rng, spec: StudioSpec, studio: Studio, past, on_duty, until) -> list[Visit]:
    """Visits in about half of the reception days that have passed (开门接访, some by
    invitation: 主动约访), and a few cases taken to the field (带案下访) between them, before
    `until` (today, or the day the studio stopped receiving)."""
    texts = VISITS[spec.theme] + VISITS["street"][:2]
    visits = []
    for slot in past:
        for _ in range(rng.choices([0, 1, 2], weights=[50, 38, 12])[0]):
            method = rng.choices([Visit.Method.OPEN, Visit.Method.APPOINTMENT], weights=[4, 1])[0]
            visits.append(
                _record(
                    studio,
                    rng.choice(on_duty),
                    slot,
                    slot.date,
                    method,
                    rng.choice(texts),
                    _visitor(rng),
                )
            )
    for slot in rng.sample(past, min(3, len(past))):
        day = slot.date + timedelta(days=2)
        if day < until:
            visits.append(
                _record(
                    studio,
                    rng.choice(on_duty),
                    None,
                    day,
                    Visit.Method.FIELD,
                    rng.choice(texts),
                    _visitor(rng),
                )
            )
    return visits


def _follow_up(studio: Studio, past: list[DutySlot], member, office) -> None:
    """The last reception's visit about a lift for an old block: a resident issue, handed to
    the studio."""
    slot = past[-1]
    visit = _record(
        studio,
        member,
        slot,
        slot.date,
        Visit.Method.OPEN,
        (FOLLOW_UP["raised"], FOLLOW_UP["done"], FOLLOW_UP["feedback"], False),
        FOLLOW_UP["visitor"],
    )
    reception.visit_to_issue(
        visit=visit,
        actor=office,
        street=studio.street,
        community=Community.objects.get(street=studio.street, name=FOLLOW_UP["community"]),
        category=FOLLOW_UP["category"],
    )


def _bookings(rng, spec: StudioSpec, studio: Studio, past, coming, on_duty) -> None:
    """Appointments residents asked for on the studio's page: made as the booking page stores
    them, then answered by a member on duty through the declared workflow."""
    for booking in spec.bookings:
        slots = coming if booking.slot > 0 else list(reversed(past))
        if len(slots) < abs(booking.slot):
            continue
        slot = slots[abs(booking.slot) - 1]
        member = on_duty[0]
        asked = min(_moment(slot.date - timedelta(days=3), time(20, 15)), timezone.now())
        appointment = Appointment.objects.create(
            studio=studio,
            slot=slot,
            code=_code(rng),
            name=booking.name,
            mobile=booking.mobile,
            topic=booking.topic,
            consent_at=asked,
        )
        # Demo only: asked for a few days before the slot, not today.
        Appointment.objects.filter(pk=appointment.pk).update(created_at=asked)
        timeline_add(
            subject=appointment,
            actor=None,
            action="appointment_request",
            to_state=Appointment.State.REQUESTED,
            is_public=True,
        )
        if not booking.confirmed:
            continue
        appointment = run_edge(
            APPOINTMENT,
            "appointment_confirm",
            subject=appointment,
            actor=member.user,
            updates={"answer": f"请按时到{studio.address}，值班委员{member.name}接待您。"},
        )
        if booking.slot < 0:
            visit = _record(
                studio,
                member,
                slot,
                slot.date,
                Visit.Method.APPOINTMENT,
                (
                    booking.topic + "。",
                    "委员查看了合同，分析了违约责任和解决途径。",
                    "建议先发函催告，已提供法律援助中心的申请方式。",
                    True,
                ),
                (booking.name, booking.mobile),
            )
            run_edge(
                APPOINTMENT,
                "appointment_received",
                subject=appointment,
                actor=member.user,
                updates={"visit": visit},
            )


def _papers(rng, spec: StudioSpec, studio: Studio, members: list[Member], office) -> None:
    """Reports and proposals its members wrote and marked with the studio, taken as far as
    the spec says through the opinions' services."""
    for index, paper in enumerate(spec.papers):
        author = members[index % len(members)]
        others = [member for member in members if member.pk != author.pk]
        people = rng.sample(others, min(paper.coauthors, len(others)))
        fields = {
            "actor": author.user,
            "title": paper.title,
            "content": paper.content,
            "category": paper.category,
            "studio": studio,
        }
        if paper.proposal:
            proposal = opinions.proposal_create(proposer=author, cosigners=people, **fields)
            opinions.proposal_submit(proposal=proposal, actor=author.user)
            if paper.filed:
                opinions.proposal_file(proposal=proposal, actor=office)
            continue
        report = opinions.opinion_report_create(author=author, coauthors=people, **fields)
        opinions.opinion_report_submit(report=report, actor=author.user)
        if paper.levels or paper.reviewed:
            opinions.opinion_report_start_review(report=report, actor=office)
        for level in paper.levels:
            opinions.opinion_report_adopt(report=report, actor=office, level=level)


def _plan(spec: StudioSpec, studio: Studio, office, year: int) -> None:
    """The year's plan: its service projects and research topics are the studio's activities."""
    targets = {target.plan_field: target.default for target in TARGETS} | dict(spec.targets)
    services = [title for title, kind, _days in spec.activities if kind == SERVICE]
    topics = [title for title, kind, _days in spec.activities if kind == RESEARCH]
    text = (
        f"落实“1+123”履职要求：开展{'、'.join(services) or '服务群众'}等活动，围绕"
        f"{'、'.join(topics) or '群众关心的热点问题'}开展调研，撰写社情民意信息，提出有质量的提案。"
    )
    plans.annual_plan_create(
        actor=office,
        studio=studio,
        year=year,
        plan_text=f"{text}{spec.plan}",
        research_topics="\n".join(topics),
        service_projects="\n".join(services),
        targets=targets,
    )


def _norms(rng, spec: StudioSpec, studio: Studio, office, year: int) -> None:
    """The five norms of the year: the first `norms_met` met with their evidence from the
    archive, the next one's evidence filed but not yet judged enough, the rest unchecked."""
    filed = min(spec.norms_met + 1, len(ARCHIVE))
    checks = []
    for index, (title, norm, kind) in enumerate(ARCHIVE[:filed]):
        content = _picture(rng) if kind == "png" else _document()
        item = plans.archive_item_add(
            actor=office,
            studio=studio,
            year=year,
            title=title,
            norm=norm,
            upload=SimpleUploadedFile(f"{title}.{kind}", content),
        )
        met = index < spec.norms_met
        checks.append(
            plans.NormInput(
                norm=norm,
                met=met,
                evidence=(item,),
                note="" if met else "材料不完整，待补充后复核。",
            )
        )
    plans.norm_checks_save(actor=office, studio=studio, year=year, checks=checks)


def _register(ctx: DemoContext, spec: StudioSpec, streets, office) -> Studio:
    """Register the studio and take it through its lifecycle's first step, dated."""
    studio = Studio(
        name=spec.name,
        kind=spec.kind,
        industry=spec.industry,
        sector=ctx.sectors.get(spec.sector),
        street=streets[spec.street],
        group=ctx.groups[spec.group],
        lead_mode=spec.lead_mode,
        build_mode=spec.build_mode,
        employer=spec.employer,
        address=spec.address,
        reception_hours=_hours(spec) if spec.state != State.PREPARING else "",
        phone=f"0531-0000{STUDIOS.index(spec) + 101:03d}",
        description=spec.description,
    )
    lifecycle.studio_register(studio=studio, actor=office)
    if spec.state == State.PREPARING:
        registered = ctx.today - timedelta(days=spec.closed_days_ago)
    else:
        registered = ctx.today - timedelta(days=spec.opened_days_ago + 30)
    Studio.objects.filter(pk=studio.pk).update(created_at=_moment(registered, time(10, 0)))
    _date_timeline(studio, {"studio_register": registered})
    return studio


def _build(ctx: DemoContext, spec: StudioSpec, roster, streets, office, busy: set[int]) -> Studio:
    """A studio and its year: registered, opened, its reception, plan, norms, papers, and its
    suspension or exit last (an exited studio receives nobody, so it exits after its year)."""
    rng = ctx.rng(f"studio:{spec.name}")
    studio = _register(ctx, spec, streets, office)
    members = [ctx.members[m.mobile] for m in roster]
    StudioMember.objects.bulk_create(
        StudioMember(
            studio=studio,
            member=member,
            role=StudioMember.Role.LEAD if index == 0 else StudioMember.Role.RESIDENT,
        )
        for index, member in enumerate(members)
    )
    if spec.state == State.PREPARING:
        return studio

    opened_on = ctx.today - timedelta(days=spec.opened_days_ago)
    studio = lifecycle.studio_open(studio=studio, actor=office, opened_on=opened_on)
    closed_on = ctx.today - timedelta(days=spec.closed_days_ago)
    # Two members on duty, none of them on duty at another studio (no overlapping duty).
    on_duty = [member for member in members if member.pk not in busy][:2] or members[:1]
    busy.update(member.pk for member in on_duty)
    last_day = closed_on if spec.state != State.OPEN else ctx.today + timedelta(days=AHEAD_DAYS)
    past, coming = _schedule(ctx, spec, studio, on_duty, office, last_day)
    _visits(rng, spec, studio, past, on_duty, min(ctx.today, last_day))
    if spec.name == FOLLOW_UP["studio"] and past:
        _follow_up(studio, past, on_duty[0], office)
    _bookings(rng, spec, studio, past, coming, on_duty)
    _papers(rng, spec, studio, members, office)
    year = closed_on.year if spec.state == State.EXITED else ctx.today.year
    _plan(spec, studio, office, year)
    if spec.state != State.EXITED:
        _norms(rng, spec, studio, office, year)

    days = {"studio_open": opened_on}
    if spec.state == State.SUSPENDED:
        lifecycle.studio_suspend(studio=studio, actor=office, note=spec.closing_note)
        days["studio_suspend"] = closed_on
    elif spec.state == State.EXITED:
        lifecycle.studio_exit(
            studio=studio, actor=office, reason=spec.closing_note, exited_on=closed_on
        )
        days["studio_exit"] = closed_on
    _date_timeline(studio, days)
    return studio


def _activities(ctx: DemoContext, spec: StudioSpec, studio: Studio, roster) -> None:
    """The studio's activities with its members' attendance: made once, moved along with the
    day of a later run (what was in ten days stays in ten days)."""
    rng = ctx.rng(f"studio-activities:{spec.name}")
    now = timezone.now()
    existing = {a.title: a for a in Activity.objects.filter(organiser_studio=studio)}
    members = [ctx.members[m.mobile] for m in roster]
    moved = []
    for title, kind, days in spec.activities:
        hour, minute = rng.choice([(9, 0), (9, 30), (14, 30), (15, 0)])
        starts_at = ctx.at(days, hour, minute)
        statuses = rng.choices(
            [Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT],
            weights=[85, 10, 5],
            k=len(members),
        )
        outcome = OUTCOMES[kind].format(n=rng.randint(2, 6))
        activity = existing.get(title)
        if activity is None:
            activity = Activity.objects.create(
                organiser_studio=studio,
                title=title,
                kind=kind,
                starts_at=starts_at,
                place=spec.address,
                outcome=outcome if starts_at < now else "",
            )
            Attendance.objects.bulk_create(
                Attendance(
                    activity=activity,
                    member=member,
                    status=status if starts_at < now else Attendance.Status.INVITED,
                )
                for member, status in zip(members, statuses, strict=True)
            )
        elif activity.starts_at != starts_at:
            activity.starts_at = starts_at
            moved.append(activity)
    Activity.objects.bulk_update(moved, ["starts_at"])


# --- The step -------------------------------------------------------------------------------


def seed_studios(ctx: DemoContext) -> None:
    """The district's studios and stations and their year (see the module's docstring)."""
    office = User.objects.get(username="office")
    streets = {street.name: street for street in Street.objects.all()}
    first_notification = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
    existing = Studio.objects.in_bulk([spec.name for spec in STUDIOS], field_name="name")
    # Members already on duty somewhere: each member receives at one studio only.
    busy = set(
        DutyRule.members.through.objects.filter(dutyrule__studio__in=existing.values())
        .values_list("member_id", flat=True)
        .distinct()
    )
    for spec in STUDIOS:
        roster = _roster(ctx, spec)
        studio = existing.get(spec.name) or _build(ctx, spec, roster, streets, office, busy)
        _activities(ctx, spec, studio, roster)
    # Demo notifications stay in the app, as in opinions/demo.py.
    Notification.objects.filter(pk__gt=first_notification).update(emailed_at=timezone.now())
