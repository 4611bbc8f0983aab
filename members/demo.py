"""Demo data of the members app: sectors, groups, members, conveners, the demo logins and a
year of activities. Steps of `manage.py seed_demo` (portal app), before the other apps' steps.

Idempotent: every row is found by its natural key (sector and group name, member mobile,
activity title within its group, username) before it is created, so running it again adds
nothing. Deterministic: every choice comes from a `random.Random` seeded per step, so the same
names, numbers and attendance come out every time. Activity dates are relative to the day it
runs (the last year and the coming weeks); a later run moves them along rather than adding more.
"""

import datetime
import random
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.translation import gettext as _

from members import roles
from members.models import Activity, Attendance, Group, Member, Sector, User
from members.services import member_create

SEED = "cppcc-demo"
# Demo data only: printed at the end so that whoever tries the portal can log in.
DEMO_PASSWORD = "demo12345"  # noqa: S105
TERM = 8

# One member per post ("work unit/title"), by sector; the sectors in their usual order.
SECTOR_POSTS = """
中共 区委党校/副校长 城关街道党工委/副书记 区发展和改革局/副局长 南山镇人民政府/副镇长
中共 区总工会/副主席 区妇女联合会/主席 区国资集团/党委书记 河口乡党委/副书记
民革 区自然资源局/科长 东方建筑设计院/高级工程师 华夏会计师事务所/注册会计师 区人民医院/药剂师
民盟 区第一中学/高级教师 区实验小学/校长 区职业技术学校/副校长 区档案馆/副研究馆员
民盟 区教师发展中心/教研员
民建 恒信商贸公司/总经理 区农村商业银行/副行长 兴业建材公司/董事长 金源税务师事务所/所长
民建 宏达物流公司/总经理
民进 区图书馆/副馆长 区实验幼儿园/园长 区第三中学/一级教师 区少年宫/主任
经济界 区工商业联合会/副主席 瑞丰食品公司/董事长 城关商会/会长 区供销合作社/主任
经济界 鑫达电子公司/总经理 绿源农业开发公司/董事长 远航汽车销售公司/总经理 区个体劳动者协会/会长
教育界 区第一中学/校长 南山镇中心小学/校长 区特殊教育学校/校长 区第二中学/高级教师
教育界 河口乡中心幼儿园/园长 区实验小学/副校长
医药卫生界 区人民医院/主任医师 区中医院/副院长 区疾控中心/主任 北岭镇卫生院/院长
医药卫生界 区妇幼保健院/副主任医师 城关街道社区卫生服务中心/主任
农业界 南山镇果蔬合作社/理事长 区农技推广中心/高级农艺师 北岭镇茶叶合作社/理事长
农业界 河口乡丰收家庭农场/场主 区畜牧兽医站/站长
科技界 区科学技术协会/副主席 鑫达电子公司/总工程师 区气象局/高级工程师
科技界 智联信息技术公司/总经理 区农业科学研究所/研究员
文化艺术界 区文化馆/馆长 区书法家协会/主席 区融媒体中心/主任记者 区非遗保护中心/副主任
法律界 明正律师事务所/主任律师 区公证处/主任 衡平律师事务所/合伙人 区法律援助中心/律师
"""


def _sectors() -> dict[str, list[tuple[str, str]]]:
    sectors: dict[str, list[tuple[str, str]]] = {}
    for line in SECTOR_POSTS.strip().splitlines():
        sector, *posts = line.split()
        sectors.setdefault(sector, []).extend(tuple(post.split("/")) for post in posts)
    return sectors


SECTORS = _sectors()
SECTOR_PARTY = {"中共": "cpc", "民革": "rcck", "民盟": "cdl", "民建": "cdnca", "民进": "capd"}
# Members of the other sectors: mostly CPC members and people of no party, a few others.
OTHER_PARTIES = "cpc cpc cpc none none none none masses js cpwdp zgd".split()
STREETS = ["城关街道", "东城街道", "西湖街道", "南山镇", "北岭镇", "河口乡"]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹"
)
GIVEN_NAMES = {
    Member.Gender.MALE: (
        "建国 国强 志刚 建华 永刚 海涛 立新 卫东 宏伟 振华 明辉 俊峰 文博 浩然 学军 长青 德明 晓东"
        " 建军 春生 光明 振宇 家豪 子健 勇 军 伟 强 磊 涛 斌 鹏 超 杰 峰 毅 刚 平 辉 锋"
    ).split(),
    Member.Gender.FEMALE: (
        "秀英 桂英 丽华 玉兰 晓燕 丽娟 海燕 雪梅 静怡 婷婷 慧敏 春梅 红霞 淑芬 美玲 晓红 文静 雅琴"
        " 芳 娜 敏 静 丽 艳 霞 琳 颖 蕾 洁 萍"
    ).split(),
}
MOBILE_PREFIXES = ["139", "138", "186", "135", "150", "158", "177", "189", "137", "188", "199"]

# The liaison staff demo login runs these groups.
LIAISON_GROUPS = ["城关街道活动组", "东城街道活动组", "医药卫生界活动组"]

STUDY_TOPICS = [
    "学习贯彻全会精神专题学习会",
    "《中国人民政治协商会议章程》学习会",
    "委员履职能力提升专题学习",
    "基层协商民主工作经验交流会",
    "《民法典》专题学习讲座",
    "社情民意信息撰写培训",
    "学习习近平文化思想专题学习会",
]
MEDIATION_TOPICS = [
    "邻里纠纷调解",
    "物业服务纠纷协商调解",
    "土地承包经营权纠纷调解",
    "征地拆迁安置矛盾化解",
    "农民工工资纠纷调解",
    "宅基地界址纠纷调解",
]
PAIRING_TOPICS = [
    "结对帮扶困难家庭走访",
    "困难群众走访慰问",
    "孤寡老人结对关爱",
    "留守儿童结对帮扶",
    "助学帮困走访",
]
STREET_SERVICE = [
    "义诊进社区",
    "法律咨询进社区",
    "政策宣讲进村居",
    "科普知识进社区",
    "便民服务集市",
]
# Per sector: two research or inspection topics and its activity for residents (惠民活动).
SECTOR_TOPICS = {
    "中共": ("基层治理现代化调研", "老旧小区改造情况视察", "爱心助学捐赠活动"),
    "民革": ("历史文化街区保护调研", "农村饮水安全视察", "送医送药下乡"),
    "民盟": ("义务教育优质均衡发展调研", "“双减”政策落实情况视察", "送教下乡"),
    "民建": ("民营经济发展环境调研", "中小微企业融资情况调研", "爱心企业助学捐赠"),
    "民进": ("全民阅读推广情况调研", "学前教育普惠发展视察", "书香进社区图书捐赠"),
    "经济界": ("营商环境优化专题调研", "重点项目建设视察", "就业招聘会进乡镇"),
    "教育界": ("校园安全工作视察", "职业教育产教融合调研", "名师送教下乡"),
    "医药卫生界": ("基层医疗服务能力视察", "居家养老医疗服务调研", "义诊进社区"),
    "农业界": ("乡村振兴产业发展调研", "高标准农田建设视察", "农技服务下乡"),
    "科技界": ("科技创新平台建设调研", "数字乡村建设视察", "科普进校园"),
    "文化艺术界": ("非物质文化遗产保护调研", "公共文化服务体系建设视察", "送文化下基层文艺演出"),
    "法律界": ("基层矛盾纠纷多元化解调研", "公共法律服务体系建设视察", "法律咨询进社区"),
}
OUTCOMES = {
    Activity.Kind.STUDY: "集中学习并交流发言{n}人，形成学习心得{n}篇。",
    Activity.Kind.RESEARCH: "形成调研报告1篇，提出意见建议{n}条。",
    Activity.Kind.SERVICE: "服务群众{n}0余人次，发放宣传资料{n}00余份。",
    Activity.Kind.PAIRING: "走访困难家庭{n}户，送去慰问金和米、油等生活物资。",
    Activity.Kind.MEDIATION: "调解矛盾纠纷{n}起，当场达成调解协议。",
}


def _street_group_name(street: str) -> str:
    return f"{street}活动组"


def _sector_group_name(sector: str) -> str:
    return f"{sector}活动组"


@dataclass(frozen=True)
class MemberSpec:
    name: str
    gender: str
    sector: str
    party: str
    work_unit: str
    title: str
    mobile: str
    street: str


@dataclass
class DemoContext:
    """What the steps share: the day it runs, the roster, and the rows made so far."""

    today: datetime.date
    roster: list[MemberSpec]
    sectors: dict[str, Sector] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)  # by mobile
    # (role, login, password) rows of the table printed at the end.
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    @staticmethod
    def rng(step: str) -> random.Random:
        # One generator per step: a step added later cannot shift what the others draw.
        return random.Random(f"{SEED}:{step}")  # noqa: S311 (demo data, not security)

    def at(self, days: int, hour: int, minute: int = 0) -> datetime.datetime:
        day = self.today + datetime.timedelta(days=days)
        return datetime.datetime.combine(
            day, datetime.time(hour, minute), timezone.get_current_timezone()
        )

    def members_of(self, group_name: str) -> list[MemberSpec]:
        return [
            spec
            for spec in self.roster
            if group_name in (_street_group_name(spec.street), _sector_group_name(spec.sector))
        ]


def build_roster() -> list[MemberSpec]:
    """The demo members: unique names and mobile numbers, the same on every run."""
    rng = DemoContext.rng("roster")
    names: set[str] = set()
    mobiles: set[str] = set()
    roster = []
    for sector, posts in SECTORS.items():
        for unit, title in posts:
            gender = rng.choices([Member.Gender.MALE, Member.Gender.FEMALE], weights=[3, 2])[0]
            name = ""
            while not name or name in names:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES[gender])
            names.add(name)
            mobile = ""
            while not mobile or mobile in mobiles:
                mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            mobiles.add(mobile)
            roster.append(
                MemberSpec(
                    name=name,
                    gender=gender,
                    sector=sector,
                    party=SECTOR_PARTY.get(sector) or rng.choice(OTHER_PARTIES),
                    work_unit=unit,
                    title=title,
                    mobile=mobile,
                    street="",
                )
            )
    # Streets dealt round-robin over a shuffled roster: about the same number in each.
    order = list(range(len(roster)))
    rng.shuffle(order)
    streets = {i: STREETS[n % len(STREETS)] for n, i in enumerate(order)}
    return [replace(spec, street=streets[i]) for i, spec in enumerate(roster)]


# --- Steps ----------------------------------------------------------------------------------


def seed_sectors_and_groups(ctx: DemoContext) -> None:
    for order, name in enumerate(SECTORS, start=1):
        sector, _created = Sector.objects.get_or_create(name=name, defaults={"sort_order": order})
        ctx.sectors[name] = sector
        ctx.groups[_sector_group_name(name)], _created = Group.objects.get_or_create(
            name=_sector_group_name(name), defaults={"kind": Group.Kind.SECTOR, "sector": sector}
        )
    for street in STREETS:
        ctx.groups[_street_group_name(street)], _created = Group.objects.get_or_create(
            name=_street_group_name(street), defaults={"kind": Group.Kind.STREET}
        )


def seed_members(ctx: DemoContext) -> None:
    existing = Member.objects.in_bulk([spec.mobile for spec in ctx.roster], field_name="mobile")
    for spec in ctx.roster:
        member = existing.get(spec.mobile)
        if member is None:
            member = member_create(
                actor=None,
                name=spec.name,
                gender=spec.gender,
                sector=ctx.sectors[spec.sector],
                party=spec.party,
                work_unit=spec.work_unit,
                title=spec.title,
                mobile=spec.mobile,
                term=TERM,
                sector_group=ctx.groups[_sector_group_name(spec.sector)],
                street_group=ctx.groups[_street_group_name(spec.street)],
            )
        ctx.members[spec.mobile] = member


def seed_conveners(ctx: DemoContext) -> None:
    """Two conveners for each street group and for the larger sector groups, one otherwise."""
    for name, group in ctx.groups.items():
        specs = ctx.members_of(name)
        count = 2 if group.kind == Group.Kind.STREET or len(specs) >= 6 else 1
        group.conveners.add(*(ctx.members[spec.mobile] for spec in specs[:count]))


def _demo_login(username: str, role: str, **fields) -> User:
    user, _created = User.objects.get_or_create(username=username, defaults=fields)
    user.groups.add(AuthGroup.objects.get(name=role))
    if user.is_staff != fields.get("is_staff", False):
        user.is_staff = fields.get("is_staff", False)
        user.save(update_fields=["is_staff"])
    # Also after someone changed it: the printed password must be the one that works.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_logins(ctx: DemoContext) -> None:
    _demo_login(
        "office",
        roles.OFFICE_STAFF,
        last_name="王",
        first_name="晓燕",
        email="office@cppcc.example.cn",
        is_staff=True,
    )
    ctx.logins.append((_("Office staff"), "office", DEMO_PASSWORD))

    liaison = _demo_login(
        "liaison",
        roles.LIAISON_STAFF,
        last_name="陈",
        first_name="志刚",
        email="liaison@cppcc.example.cn",
        is_staff=True,
    )
    liaison.liaison_groups.add(*(ctx.groups[name] for name in LIAISON_GROUPS))
    # In the demo liaison staff may export their members' phone list with whole numbers
    # (each export logged); on a real server the office decides who may.
    AuthGroup.objects.get(name=roles.LIAISON_STAFF).permissions.add(
        Permission.objects.get(content_type__app_label="members", codename="export_member_phones")
    )
    ctx.logins.append((_("Liaison staff"), "liaison", DEMO_PASSWORD))

    # The member login: the first convener of the liaison's first street group, who is
    # invited to tomorrow's study there (see seed_activities), so reminders can be tried.
    spec = ctx.members_of(LIAISON_GROUPS[0])[0]
    member = ctx.members[spec.mobile]
    user = member.user
    if not user.email:
        user.email = "member@cppcc.example.cn"
        user.save(update_fields=["email"])
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    ctx.logins.append((_("Member"), member.mobile, DEMO_PASSWORD))

    _demo_login(
        "dept",
        roles.DEPARTMENT_HANDLER,
        last_name="赵",
        first_name="立新",
        email="dept@cppcc.example.cn",
    )
    ctx.logins.append((_("Department handler"), "dept", DEMO_PASSWORD))


@dataclass
class _PlannedActivity:
    group: str
    title: str
    kind: str
    starts_at: datetime.datetime
    place: str
    participants: list[MemberSpec]
    # Attendance if it has taken place; invited until then.
    statuses: list[str]
    outcome_count: int
    activity: Activity | None = None


def _plan_activities(ctx: DemoContext) -> list[_PlannedActivity]:
    """A year of activities up to a few weeks ahead, by group; titles unique within a group.

    Every random draw happens whatever the day, so the plan differs between days only in dates.
    """
    rng = ctx.rng("activities")
    plan = []

    def add(group, title, kind, days, place, participants):
        hour, minute = rng.choice([(9, 0), (9, 30), (14, 30), (15, 0)])
        statuses = rng.choices(
            [Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT],
            weights=[80, 14, 6],
            k=len(participants),
        )
        plan.append(
            _PlannedActivity(
                group,
                title,
                kind,
                ctx.at(days, hour, minute),
                place,
                participants,
                statuses,
                outcome_count=rng.randint(2, 6),
            )
        )

    kinds = Activity.Kind
    for index, street in enumerate(STREETS):
        group = _street_group_name(street)
        members = ctx.members_of(group)
        hall = f"{street}新时代文明实践站" if index % 2 else f"{street}党群服务中心"
        # A collective study every two months (the rule for street groups), and the next one:
        # tomorrow for the first group, so its members have a reminder due.
        studies = [*(-335 + 60 * n + rng.randint(-5, 5) for n in range(6)), 1 + 9 * index]
        for n, days in enumerate(studies):
            topic = STUDY_TOPICS[(index + n) % len(STUDY_TOPICS)]
            add(group, topic, kinds.STUDY, days, hall, members)
        for n in range(2):
            title = MEDIATION_TOPICS[(index + n) % len(MEDIATION_TOPICS)]
            days = rng.randint(-320, -10)
            add(
                group,
                title,
                kinds.MEDIATION,
                days,
                f"{street}人民调解委员会",
                rng.sample(members, 3),
            )
        for n, days in enumerate([rng.randint(-300, -20), rng.randint(12, 40)]):
            title = PAIRING_TOPICS[(index + n) % len(PAIRING_TOPICS)]
            add(group, title, kinds.PAIRING, days, f"{street}辖区困难家庭", rng.sample(members, 4))
        title = STREET_SERVICE[index % len(STREET_SERVICE)]
        days = rng.randint(-250, -15)
        add(group, title, kinds.SERVICE, days, f"{street}文化广场", rng.sample(members, 5))

    for sector in SECTORS:
        group = _sector_group_name(sector)
        members = ctx.members_of(group)
        research, inspection, service = SECTOR_TOPICS[sector]
        street = rng.choice(STREETS)
        add(group, STUDY_TOPICS[0], kinds.STUDY, rng.randint(-200, -150), "区政协会议室", members)
        add(
            group,
            research,
            kinds.RESEARCH,
            rng.randint(-300, -60),
            f"{street}及区有关部门",
            members,
        )
        add(group, inspection, kinds.RESEARCH, rng.randint(5, 45), f"{street}有关点位", members)
        add(group, service, kinds.SERVICE, rng.randint(-280, -20), f"{street}文化广场", members)
    return plan


def seed_activities(ctx: DemoContext) -> None:
    """Create the planned activities with their attendance.

    Dates are relative to the day of the run: a later run moves the activities along by as
    many days (what was tomorrow stays tomorrow), and leaves everything else as it is.
    """
    plan = _plan_activities(ctx)
    now = timezone.now()
    groups = {name: ctx.groups[name] for name in {item.group for item in plan}}
    existing = {
        (a.organiser_group_id, a.title): a
        for a in Activity.objects.filter(organiser_group__in=groups.values())
    }
    new, moved = [], []
    for item in plan:
        activity = existing.get((groups[item.group].pk, item.title))
        if activity is None:
            activity = Activity(
                organiser_group=groups[item.group],
                title=item.title,
                kind=item.kind,
                starts_at=item.starts_at,
                place=item.place,
                outcome=(
                    OUTCOMES[item.kind].format(n=item.outcome_count) if item.starts_at < now else ""
                ),
            )
            new.append(activity)
        elif activity.starts_at != item.starts_at:
            activity.starts_at = item.starts_at
            moved.append(activity)
        item.activity = activity
    Activity.objects.bulk_create(new)
    Activity.objects.bulk_update(moved, ["starts_at"])

    recorded = set(
        Attendance.objects.filter(activity__in=[item.activity for item in plan]).values_list(
            "activity_id", "member_id"
        )
    )
    missing = []
    for item in plan:
        for spec, status in zip(item.participants, item.statuses, strict=True):
            member = ctx.members[spec.mobile]
            if (item.activity.pk, member.pk) not in recorded:
                if item.starts_at >= now:
                    status = Attendance.Status.INVITED
                missing.append(Attendance(activity=item.activity, member=member, status=status))
    Attendance.objects.bulk_create(missing)
