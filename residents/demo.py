"""Demo data for resident issues: the district's streets and communities, preset replies, and
a few dozen issues in every state, made through the services so that their timelines are real.

`seed_resident_issues(ctx)` is a step of `manage.py seed_demo` (portal app), after the logins.
Idempotent: streets, communities and presets are found by name; the issues are made once
(recognised by their texts).
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import TimelineEntry
from members.models import Group, Member, User

from . import services
from .models import Community, PresetReply, ResidentIssue, Street
from .timelimits import due_at_for

COMMUNITIES = {
    "城关街道": ["和平社区", "解放社区", "文化路社区", "新华社区"],
    "东城街道": ["东风社区", "朝阳社区", "滨河社区"],
    "西湖街道": ["西湖社区", "柳岸社区", "花园社区"],
    "南山镇": ["南山村", "果园村", "镇区社区"],
    "北岭镇": ["北岭村", "茶园村", "岭下村"],
    "河口乡": ["河口村", "渡口村", "新村"],
}

PRESET_REPLIES = [
    (
        "已转交有关部门",
        "您反映的问题已转交有关部门办理，办理结果将在本页面公布，感谢您的监督。",
    ),
    (
        "已解决",
        "经核实，您反映的问题已于近日处理完毕。如仍有问题，欢迎再次反映。",
    ),
    (
        "纳入社情民意",
        "您反映的问题已由政协委员整理为社情民意信息报送，后续进展请关注本页面。",
    ),
    (
        "不属于受理范围",
        "您反映的事项属于个人纠纷，不在政协受理范围内，建议通过人民调解或司法途径解决。",
    ),
    ("电话答复", "工作人员已电话联系您并作了答复，感谢您对政协工作的支持。"),
]

# (category, place, what happened)
ISSUES = [
    (
        "public_facilities",
        "和平里3号楼东门",
        "和平里3号楼东门的路灯坏了一个多月，晚上出门很黑，老人摔倒过。",
    ),
    (
        "road_traffic",
        "解放路与文化路交叉口",
        "路口红绿灯绿灯时间太短，老人和孩子走到一半就变红灯。",
    ),
    ("environment", "滨河公园北侧", "河边有人倾倒建筑垃圾，下雨后污水流进河里，气味很大。"),
    ("livelihood", "东风社区卫生服务站", "社区卫生服务站下午不开门，老人看病取药要跑到区医院。"),
    ("hardship", "果园村五组", "村里一位独居老人房屋漏雨，子女在外地打工，希望有人帮忙修一修。"),
    ("public_order", "西湖路夜市", "夜市摊点经营到凌晨两点，噪音很大，周边居民无法休息。"),
    ("public_facilities", "朝阳小区", "小区没有电动车充电桩，居民从楼上拉电线充电，存在火灾隐患。"),
    (
        "road_traffic",
        "南山镇中心小学门口",
        "学校门口上下学时段车辆乱停，孩子过马路很危险，希望设置护学岗。",
    ),
    ("livelihood", "镇区社区", "镇上幼儿园学位紧张，很多孩子只能到城里上学，接送困难。"),
    (
        "public_welfare",
        "文化路社区活动中心",
        "社区活动中心长期锁门，老年人想开展书画、合唱活动没有场地。",
    ),
    ("environment", "茶园村", "村口垃圾收集点清运不及时，夏天蚊蝇很多。"),
    (
        "public_facilities",
        "新华社区老旧小区",
        "老旧小区没有电梯，楼里很多八十多岁的老人下楼困难，希望加装电梯。",
    ),
    ("hardship", "解放社区", "社区有几户残疾人家庭，冬天取暖费负担重，希望能给予帮扶。"),
    ("road_traffic", "北岭镇公交站", "到城区的公交车一小时一班，末班车太早，上夜班的人回不了家。"),
    ("public_order", "柳岸社区", "小区里群租房多，进出人员复杂，居民担心安全。"),
    ("public_welfare", "河口村", "村里留守儿童多，暑假没人照看，希望组织一些公益课堂。"),
    ("environment", "花园社区", "小区旁边的餐馆油烟直排，居民家里窗户都不敢开。"),
    ("public_facilities", "渡口村", "渡口到村里的道路坑洼不平，下雨天电动车容易滑倒。"),
    ("livelihood", "西湖社区", "社区居家养老服务中心饭菜价格上涨，希望保留老年助餐补贴。"),
    ("other", "区政务服务中心", "办理不动产登记要跑好几个窗口，希望能够一窗通办。"),
    ("road_traffic", "滨河路", "滨河路晚上大货车超速严重，建议增设测速设施。"),
    ("public_facilities", "岭下村", "村里自来水经常停水，夏天用水高峰时几乎没有水。"),
    ("hardship", "新村", "一位老人患重病，家庭困难，医疗费用难以承担，希望得到救助。"),
    ("environment", "南山村", "养殖场粪污处理不规范，雨后异味很重，影响周边村民。"),
    ("public_order", "文化路步行街", "步行街电动车横冲直撞，多次发生碰撞行人的事故。"),
    ("public_facilities", "东风社区", "社区公厕年久失修，卫生条件差，希望改造。"),
    ("livelihood", "北岭村", "村小学只剩几个老师，音乐美术课都开不起来。"),
    (
        "public_welfare",
        "朝阳社区",
        "希望社区能设立爱心驿站，给环卫工人、快递员提供歇脚喝水的地方。",
    ),
    ("road_traffic", "城关街道菜市场", "菜市场门口早上占道经营，车辆和行人挤在一起，经常堵塞。"),
    ("environment", "柳岸社区", "小区绿化带被居民改种蔬菜，还使用粪肥，气味难闻。"),
    ("public_facilities", "滨河社区", "河边步道护栏松动，有小孩靠在上面很危险。"),
    ("other", "镇区社区", "希望在镇上增设一个社保卡补办点，现在只能去城区办理。"),
]

# A second report of the first issue's matter, merged into it.
DUPLICATE = ("public_facilities", "和平里3号楼", "3号楼东门路灯坏了很久了，晚上很黑，请尽快修。")

# The path each issue takes, by its index in ISSUES (the rest stay waiting to be accepted).
ROUTE_TO_GROUP = {1, 2, 6, 13, 17}
ROUTE_TO_MEMBER = {3, 9, 15, 26}
TO_REPORT = {0, 11, 18}
TO_PROPOSAL = {8, 27}
ANSWERED = {5, 19, 29}
CLOSED = {0, 4, 10, 12, 14, 16, 20, 22, 24, 30}
ACCEPTED_ONLY = {7, 23}
# Issue 0 became a report still under way: its resident is asked once the report has an outcome.
SATISFACTION = {4: "solved", 10: "partly", 12: "solved", 16: "unsolved"}
# Channels other than the web form.
CHANNELS = {4: "phone", 12: "visit", 22: "phone", 26: "studio"}
# Residents who left a name and phone.
CONTACTS = {
    0: ("张大爷", "13905310001"),
    4: ("刘阿姨", "13905310002"),
    9: ("", "13905310003"),
    12: ("孙师傅", "13905310004"),
    22: ("周女士", "13905310005"),
}


def _streets() -> dict[str, Street]:
    streets = {}
    groups = {group.name: group for group in Group.objects.filter(kind=Group.Kind.STREET)}
    for order, (name, communities) in enumerate(COMMUNITIES.items(), start=1):
        street, _created = Street.objects.get_or_create(
            name=name, defaults={"sort_order": order, "group": groups.get(f"{name}活动组")}
        )
        for position, community in enumerate(communities, start=1):
            Community.objects.get_or_create(
                street=street, name=community, defaults={"sort_order": position}
            )
        streets[name] = street
    return streets


def _street_of(index: int, place: str, streets: dict[str, Street], rng):
    """The street whose community the place names, or the streets in turn."""
    communities = list(Community.objects.select_related("street"))
    for community in communities:
        if community.name.removesuffix("社区").removesuffix("村") in place:
            return community.street, community
    street = list(streets.values())[index % len(streets)]
    return street, rng.choice([c for c in communities if c.street_id == street.pk])


def _backdate(issue: ResidentIssue, submitted: datetime.datetime, now: datetime.datetime) -> None:
    """Move the issue to `submitted`, its later steps a day or two apart (never in the future),
    and its deadline to the state it is in."""
    rows = list(
        TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ResidentIssue), object_id=issue.pk
        ).order_by("created_at", "pk")
    )
    for position, row in enumerate(rows):
        moment = submitted + datetime.timedelta(days=position * 2, hours=position % 3)
        row.created_at = min(moment, now - datetime.timedelta(minutes=len(rows) - position))
    TimelineEntry.objects.bulk_update(rows, ["created_at"])
    at = {row.action: row.created_at for row in rows}
    entered = max(
        (row.created_at for row in rows if row.to_state != row.from_state), default=submitted
    )
    ResidentIssue.objects.filter(pk=issue.pk).update(
        created_at=submitted,
        consent_at=submitted if issue.consent_at else None,
        accepted_at=at.get("issue_accept"),
        closed_at=at.get("issue_close"),
        satisfaction_at=at.get("issue_feedback"),
        due_at=due_at_for(issue.state, entered),
    )


def seed_resident_issues(ctx) -> None:
    """Streets, communities, preset replies and ~30 resident issues in every state."""
    streets = _streets()
    for order, (title, text) in enumerate(PRESET_REPLIES, start=1):
        PresetReply.objects.get_or_create(title=title, defaults={"text": text, "sort_order": order})
    if ResidentIssue.objects.filter(description=ISSUES[0][2]).exists():
        return

    office = User.objects.get(username="office")
    rng = ctx.rng("resident_issues")
    now = timezone.now()
    made = []
    for index, (category, place, text) in enumerate(ISSUES):
        street, community = _street_of(index, place, streets, rng)
        name, mobile = CONTACTS.get(index, ("", ""))
        channel = CHANNELS.get(index, ResidentIssue.Channel.WEB)
        issue = services.issue_submit(
            actor=office if channel != ResidentIssue.Channel.WEB else None,
            category=category,
            street=street,
            community=community,
            place=place,
            description=text,
            channel=channel,
            name=name,
            mobile=mobile,
            consent=bool(name or mobile),
        )
        made.append(issue)
        if (
            index
            not in (ROUTE_TO_GROUP | ROUTE_TO_MEMBER | TO_REPORT | TO_PROPOSAL | ANSWERED | CLOSED)
            and index not in ACCEPTED_ONLY
        ):
            continue
        services.issue_accept(issue=issue, actor=office)
        group = street.group
        members = list(Member.objects.filter(street_group=group).order_by("pk")) if group else []
        if index in ROUTE_TO_GROUP and group is not None:
            services.issue_route(issue=issue, actor=office, kind="group", target=group)
        if index in ROUTE_TO_MEMBER and members:
            services.issue_route(
                issue=issue, actor=office, kind="member", target=rng.choice(members)
            )
        if index in TO_REPORT and members:
            services.issue_convert(
                issue=issue,
                actor=office,
                kind="opinion_report",
                member=members[0],
                title=f"关于解决{place}群众反映问题的建议",
                category="urban",
            )
        if index in TO_PROPOSAL and members:
            services.issue_convert(
                issue=issue,
                actor=office,
                kind="proposal",
                member=members[-1],
                title=f"关于{place}问题的提案",
                category="education" if category == "livelihood" else "welfare",
            )
        if index in ANSWERED:
            services.issue_answer(issue=issue, actor=office, reply=PRESET_REPLIES[4][1])
        if index in CLOSED:
            # Closed on being taken into a report ("纳入社情民意"), or as dealt with ("已解决").
            reply = PRESET_REPLIES[2][1] if index in TO_REPORT else PRESET_REPLIES[1][1]
            services.issue_close(issue=issue, actor=office, reply=reply)
            if index in SATISFACTION:
                services.issue_feedback_record(issue=issue, answer=SATISFACTION[index])

    category, place, text = DUPLICATE
    street, community = made[0].street, made[0].community
    duplicate = services.issue_submit(
        actor=None,
        category=category,
        street=street,
        community=community,
        place=place,
        description=text,
    )
    services.issue_merge(issue=duplicate, into=made[0], actor=office)
    made.append(duplicate)

    # Spread over the last two months; the open ones partly past their limits (overdue).
    for index, issue in enumerate(made):
        days_ago = 3 + (index * 53) % 58
        submitted = now - datetime.timedelta(days=days_ago, hours=rng.randrange(0, 10))
        issue.refresh_from_db()
        _backdate(issue, submitted, now)
