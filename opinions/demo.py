"""Demo data for reports and proposals: departments, the lists staff keep, and reports and
proposals in every state, walked through the services so that their timelines are real.

`seed_opinions(ctx)` is a step of `manage.py seed_demo` (portal app), after the logins.
Idempotent: departments, reasons and sessions are found by name, reports and proposals by
title; a second run adds nothing.
"""

import datetime

from django.db.models import Max
from django.utils import timezone

from core.models import Notification, TimelineEntry
from members.models import User

from . import services
from .models import (
    AdoptionLevel,
    Bulletin,
    CommitteeSession,
    DeclineReason,
    Department,
    OpinionReport,
    Proposal,
)
from .selectors import timeline_of
from .services.proposals import assign_note
from .services.reports import forward_note

DEPARTMENTS = [
    "区住房和城乡建设局",
    "城关街道办事处",
    "区教育局",
    "区卫生健康局",
    "区交通运输局",
    "区公安分局交通警察大队",
    "区生态环境分局",
    "区民政局",
    "区城市管理局",
    "区农业农村局",
    "区文化和旅游局",
    "区市场监督管理局",
    "区财政局",
]
# The demo department login ("dept") handles the first one.
DEMO_DEPARTMENT = DEPARTMENTS[0]

DECLINE_REASONS = [
    "内容与已报送信息重复",
    "反映问题已在解决中",
    "情况不够具体，缺少事实依据",
    "属于个人诉求，不宜作为社情民意报送",
    "建议缺乏可操作性",
]

# The seeds' school-gate example: the street office leads, education, housing and the traffic
# police co-handle, and each of them replies.
SCHOOL_GATE = ("城关街道办事处", "区教育局", "区住房和城乡建设局", "区公安分局交通警察大队")
SCHOOL_GATE_REPLIES = {
    "城关街道办事处": "已牵头召开现场办公会，在校门口组建由交警、教师和家长组成的“护学岗”。",
    "区教育局": "已指导城关小学错峰放学，安排教师在上下学时段到校门口值守。",
    "区住房和城乡建设局": "已在校门两侧增设护栏，并施划临时停车泊位。",
    "区公安分局交通警察大队": "已在上下学时段安排警力疏导交通，增设减速带和警示标志。",
}

# (title, category, content, where it ends up, department or (lead, *co-handling))
REPORTS = [
    (
        "关于城关小学门口上下学时段交通拥堵的情况反映",
        "transport",
        "城关小学东门紧邻解放路，每天上下学时段接送车辆乱停乱放，学生过马路存在安全隐患。建议设置"
        "“护学岗”，在校门两侧施划临时停车泊位，并错峰放学。",
        "feedback",
        SCHOOL_GATE,
    ),
    (
        "关于老旧小区加装电梯费用分摊难的建议",
        "urban",
        "我区已有23个老旧小区提出加装电梯意愿，但因低层住户反对、费用分摊方案难以达成一致，"
        "实际落地仅5部。建议出台费用分摊指导意见，并由街道牵头组织协商。",
        "forwarded",
        None,
    ),
    (
        "关于社区居家养老服务站“建而不用”问题的建议",
        "elderly",
        "部分社区养老服务站建成后服务项目少、开放时间短，老人反映“门常关、人难找”。建议引入专业"
        "机构运营，并将助餐、助浴服务纳入考核。",
        "draft",
        None,
    ),
    (
        "关于加快农村生活污水治理设施运维的建议",
        "environment",
        "南山镇部分村庄污水处理设施建成后缺少日常运维，出现管网堵塞、设备停运。建议明确运维主体和"
        "经费来源。",
        "adopted_city",
        None,
    ),
    (
        "关于规范校外培训机构预付费管理的建议",
        "education",
        "近期有家长反映校外培训机构“跑路”，预付学费难以退回。建议推行预付费资金监管，设立单次收费"
        "上限。",
        "closed_adopted",
        None,
    ),
    (
        "关于基层卫生院全科医生流失的情况反映",
        "health",
        "北岭镇卫生院近三年流失全科医生6人，现有医生平均年龄52岁。建议提高乡镇医务人员待遇，落实"
        "职称评聘倾斜政策。",
        "in_review",
        None,
    ),
    (
        "关于河口乡农产品冷链物流短板的建议",
        "agriculture",
        "河口乡蔬菜、水果产量逐年增加，但缺少产地预冷和冷藏设施，损耗率超过20%。建议统筹建设"
        "村级冷链集配中心。",
        "submitted",
        None,
    ),
    (
        "关于城区共享单车乱停放问题的建议",
        "urban",
        "城区主干道人行道上共享单车堆放严重，影响行人和盲道通行。建议划定电子围栏停放区，对运营企业"
        "实行考核。",
        "forwarded_overdue",
        "区城市管理局",
    ),
    (
        "关于小区充电桩建设难的情况反映",
        "urban",
        "不少居民反映小区内安装新能源汽车充电桩受物业阻挠。建议明确物业配合义务，推动公共充电设施"
        "进小区。",
        "declined",
        None,
    ),
    (
        "关于历史文化街区保护性修缮的建议",
        "culture",
        "老街部分传统民居年久失修，存在安全隐患。建议编制保护性修缮导则，引导居民规范修缮。",
        "closed_feedback",
        "区文化和旅游局",
    ),
    (
        "关于农贸市场食品安全快检公示的建议",
        "economy",
        "建议在各农贸市场设立快检室，每日公示蔬菜农残检测结果，让群众买得放心。",
        "adopted",
        None,
    ),
]

# (title, category, content, where it ends up, co-handling unit, collective); the lead unit is
# the demo department's, so that its login has proposals to answer.
PROPOSALS = [
    (
        "关于推进社区嵌入式养老服务设施建设的提案",
        "elderly",
        "建议利用社区闲置用房建设嵌入式养老服务综合体，提供日间照料、助餐、康复护理服务。",
        "replied",
        None,
        False,
    ),
    (
        "关于破解城区停车难问题的提案",
        "transport",
        "建议盘活边角地块建设立体停车设施，推行机关企事业单位停车场错时共享。",
        "assigned_key",
        "区住房和城乡建设局",
        False,
    ),
    (
        "关于加强中小学生心理健康教育的提案",
        "education",
        "建议每所中小学配备专职心理教师，建立学生心理健康档案和危机干预机制。",
        "closed",
        "区教育局",
        False,
    ),
    (
        "关于完善基层医疗机构药品配备的提案",
        "health",
        "基层卫生院常用慢病药品配备不全，患者需到城区医院开药。建议完善上下级用药衔接目录。",
        "rehandling",
        "区卫生健康局",
        True,
    ),
    (
        "关于发展林下经济促进农民增收的提案",
        "agriculture",
        "建议因地制宜发展林下种植、养殖，培育龙头企业带动农户。",
        "evaluated",
        "区农业农村局",
        False,
    ),
    (
        "关于加快智慧社区建设的提案",
        "urban",
        "建议统一建设社区智慧服务平台，整合物业、养老、便民服务。",
        "filed",
        None,
        False,
    ),
    (
        "关于规范小区物业服务收费的提案",
        "urban",
        "建议公开物业服务收费标准和成本，建立业主满意度评价机制。",
        "not_filed",
        None,
        False,
    ),
    (
        "关于打造全民健身“15分钟健身圈”的提案",
        "culture",
        "建议利用公园绿地、河滨空间增设健身步道和全民健身设施。",
        "submitted",
        None,
        False,
    ),
    (
        "关于优化营商环境推进“一件事一次办”的提案",
        "economy",
        "建议梳理高频事项，推行企业开办、项目审批“一件事一次办”。",
        "assigned_overdue",
        "区市场监督管理局",
        False,
    ),
    (
        "关于整治城区河道黑臭水体的提案",
        "environment",
        "建议实施截污纳管和生态补水，建立河长巡河问题清单。",
        "draft",
        None,
        False,
    ),
]


def _past(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _spread_timeline(subject, days: int) -> None:
    """Demo only: spread the steps just taken over the past `days` days, oldest first."""
    entries = list(timeline_of(subject))
    step = days / max(len(entries), 1)
    for index, entry in enumerate(entries):
        when = _past(int(days - index * step))
        TimelineEntry.objects.filter(pk=entry.pk).update(created_at=when)


def _overdue_day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=4)


def _make_overdue(subject, field: str, note: str) -> None:
    """Demo only: the services refuse a deadline in the past, so an overdue item is made by
    moving its deadline back afterwards, with the timeline note that announced it."""
    type(subject).objects.filter(pk=subject.pk).update(**{field: _overdue_day()})
    last = timeline_of(subject).order_by("-pk").first()
    TimelineEntry.objects.filter(pk=last.pk).update(note=note)


def _lists() -> tuple[dict[str, Department], list[DeclineReason]]:
    departments = {name: Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS}
    reasons = [
        DeclineReason.objects.get_or_create(label=label, defaults={"sort_order": order})[0]
        for order, label in enumerate(DECLINE_REASONS, start=1)
    ]
    CommitteeSession.objects.get_or_create(
        term=8, session=3, defaults={"name": "八届三次", "last_number": 0}
    )
    if not CommitteeSession.objects.filter(is_current=True).exists():
        CommitteeSession.objects.update_or_create(
            term=8, session=4, defaults={"name": "八届四次", "is_current": True}
        )
    return departments, reasons


def _bulletin(office: User, today: datetime.date) -> Bulletin:
    existing = Bulletin.objects.filter(year=today.year).order_by("number").first()
    return existing or services.bulletin_create(
        actor=office, year=today.year, title="基层民生专辑", published_on=today
    )


def _walk_report(
    report, path, *, office, handler, department, reason, bulletin, rng, co_departments=()
):
    member = report.author.user
    if path == "draft":
        return
    services.opinion_report_submit(report=report, actor=member)
    if path == "submitted":
        return
    services.opinion_report_start_review(report=report, actor=office)
    if path == "in_review":
        return
    if path == "declined":
        services.opinion_report_decline(
            report=report,
            actor=office,
            reason=reason,
            explanation="相关部门已在推进充电设施进小区专项工作，建议持续关注。",
        )
        return
    due = timezone.localdate() + datetime.timedelta(days=rng.randint(10, 30))
    if path.startswith("adopted") or path == "closed_adopted":
        services.opinion_report_adopt(
            report=report, actor=office, level=AdoptionLevel.DISTRICT, bulletin=bulletin
        )
        if path == "adopted_city":
            services.opinion_report_adopt(report=report, actor=office, level=AdoptionLevel.CITY)
            services.opinion_report_record_instruction(
                report=report,
                actor=office,
                leader="副区长 刘建华",
                text="请区农业农村局会同南山镇研究运维长效机制。",
            )
        if path == "closed_adopted":
            services.opinion_report_close(report=report, actor=office)
        return
    services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        co_departments=co_departments,
        reply_due=due,
    )
    if path == "forwarded_overdue":
        _make_overdue(report, "reply_due", forward_note(department, _overdue_day()))
    if path in ("feedback", "closed_feedback"):
        for replying in [department, *co_departments]:
            services.opinion_report_reply(
                report=report,
                actor=handler if replying.handlers.filter(pk=handler.pk).exists() else office,
                department=replying,
                feedback=SCHOOL_GATE_REPLIES.get(
                    replying.name,
                    "经现场核查，已制定整改方案，相关措施将于本月底前落实到位。感谢委员监督。",
                ),
            )
    if path == "closed_feedback":
        services.opinion_report_close(report=report, actor=office)


def _walk_proposal(proposal, path, *, office, handler, departments, co_handler, rng):
    owner = proposal.proposer.user
    if path == "draft":
        return
    services.proposal_submit(proposal=proposal, actor=owner)
    if path == "submitted":
        return
    if path == "not_filed":
        services.proposal_not_file(
            proposal=proposal,
            actor=office,
            reason="所提问题属于物业合同纠纷，已转有关部门作为意见建议参考。",
        )
        return
    services.proposal_file(proposal=proposal, actor=office)
    if path == "filed":
        return
    lead = departments[DEMO_DEPARTMENT]
    services.proposal_assign(
        proposal=proposal,
        actor=office,
        lead=lead,
        co_handlers=[co_handler] if co_handler != lead else [],
        deadline=timezone.localdate() + datetime.timedelta(days=rng.randint(30, 90)),
    )
    if path == "assigned_key":
        services.proposal_mark_key(proposal=proposal, actor=office, leader="区委书记 张明")
        return
    if path == "assigned_overdue":
        co_list = list(proposal.co_departments.all())
        _make_overdue(proposal, "deadline", assign_note(lead, co_list, _overdue_day()))
        return
    services.proposal_reply(
        proposal=proposal,
        actor=handler,
        text="经研究，已将该事项列入明年重点工作计划，并安排专项资金分步实施。",
    )
    if path == "replied":
        return
    services.proposal_evaluate(
        proposal=proposal,
        actor=owner,
        evaluation="unsatisfied" if path == "rehandling" else "basically",
        note="答复未明确完成时限。" if path == "rehandling" else "",
    )
    if path == "closed":
        services.proposal_close(proposal=proposal, actor=office)


def seed_opinions(ctx) -> None:
    """Reports and proposals in every state; the demo member has one of most of them."""
    rng = ctx.rng("opinions")
    office = User.objects.get(username="office")
    handler = User.objects.get(username="dept")
    departments, reasons = _lists()
    departments[DEMO_DEPARTMENT].handlers.add(handler)
    bulletin = _bulletin(office, ctx.today)
    first_notification = Notification.objects.aggregate(top=Max("pk"))["top"] or 0

    demo_group = "城关街道活动组"
    specs = ctx.members_of(demo_group) or ctx.roster
    demo_member = ctx.members[specs[0].mobile]
    others = [m for m in ctx.members.values() if m.pk != demo_member.pk]

    for index, (title, category, content, path, department) in enumerate(REPORTS):
        author = demo_member if index % 2 == 0 else rng.choice(others)
        if OpinionReport.objects.filter(title=title).exists():
            continue
        names = department if isinstance(department, tuple) else (department or DEMO_DEPARTMENT,)
        report = services.opinion_report_create(
            actor=author.user,
            author=author,
            title=title,
            content=content,
            category=category,
            coauthors=rng.sample(others, rng.randint(0, 2)),
        )
        _walk_report(
            report,
            path,
            office=office,
            handler=handler,
            department=departments[names[0]],
            co_departments=[departments[name] for name in names[1:]],
            reason=reasons[index % len(reasons)],
            bulletin=bulletin,
            rng=rng,
        )
        _spread_timeline(report, days=rng.randint(20, 120))

    for index, (title, category, content, path, department, collective) in enumerate(PROPOSALS):
        proposer = demo_member if index % 2 == 0 else rng.choice(others)
        if Proposal.objects.filter(title=title).exists():
            continue
        group = proposer.sector_group if collective else None
        proposal = services.proposal_create(
            actor=proposer.user,
            proposer=proposer,
            group=group,
            title=title,
            content=content,
            category=category,
            cosigners=rng.sample(others, rng.randint(1, 3)),
        )
        _walk_proposal(
            proposal,
            path,
            office=office,
            handler=handler,
            departments=departments,
            co_handler=departments[department or "区财政局"],
            rng=rng,
        )
        _spread_timeline(proposal, days=rng.randint(30, 200))

    # Demo notifications stay in the app: sending dozens of console emails helps nobody.
    Notification.objects.filter(pk__gt=first_notification).update(emailed_at=timezone.now())
